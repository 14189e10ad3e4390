//! Confining a test process under the grader, before `main` (Linux).
//!
//! After the constructor has taken the grader's secret ([`crate::secret`]), the process
//! is confined for the rest of its life, threads included (they inherit it):
//!
//! - it is made non-dumpable (`PR_SET_DUMPABLE` 0): its `/proc/<pid>/mem`, `environ`,
//!   `fd/` and the like then belong to root, so an unprivileged test user cannot open them
//!   (the grader runs test processes as one when it is root);
//! - a seccomp filter (built with the `seccompiler` crate, Firecracker's, rather than
//!   hand-written BPF) makes these calls fail with `EPERM`, so a test that tries just fails:
//!   `execve`/`execveat` (no program starts, this binary included), `fork`/`vfork` and
//!   `clone` without `CLONE_THREAD` (no new process; threads still start), `ptrace`,
//!   `process_vm_readv`/`process_vm_writev`, and `prctl(PR_SET_DUMPABLE)` (it stays
//!   non-dumpable). `clone3` fails with `ENOSYS` instead: its flags live in memory, where a
//!   filter cannot see them, and glibc then falls back to `clone` for threads.

/// Confines this process; why not, when it cannot.
#[cfg(target_os = "linux")]
pub(crate) fn confine() -> Result<(), String> {
    rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
        .map_err(|error| format!("prctl(PR_SET_DUMPABLE, 0) failed: {error}"))?;
    filter::install()
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn confine() -> Result<(), String> {
    Err(format!(
        "grading confines test processes with seccomp, which needs Linux (this is {})",
        std::env::consts::OS
    ))
}

#[cfg(target_os = "linux")]
mod filter {
    use std::collections::BTreeMap;

    use seccompiler::{
        BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
        SeccompRule,
    };

    /// Installs both filters: `EPERM` for the denied calls, `ENOSYS` for `clone3`.
    pub(super) fn install() -> Result<(), String> {
        let denied = program(denied()?, libc::EPERM)?;
        let clone3 = program(BTreeMap::from([(libc::SYS_clone3, vec![])]), libc::ENOSYS)?;
        for program in [denied, clone3] {
            seccompiler::apply_filter(&program)
                .map_err(|error| format!("cannot install the seccomp filter: {error}"))?;
        }
        Ok(())
    }

    /// The calls that fail with `EPERM`, with the conditions under which they do.
    fn denied() -> Result<BTreeMap<i64, Vec<SeccompRule>>, String> {
        let always = vec![];
        let mut rules = BTreeMap::from([
            (libc::SYS_execve, always.clone()),
            (libc::SYS_execveat, always.clone()),
            (libc::SYS_ptrace, always.clone()),
            (libc::SYS_process_vm_readv, always.clone()),
            (libc::SYS_process_vm_writev, always.clone()),
            // A new process, not a thread: the flags (argument 0) lack CLONE_THREAD.
            (
                libc::SYS_clone,
                rule(0, SeccompCmpOp::MaskedEq(libc::CLONE_THREAD as u64), 0)?,
            ),
            (
                libc::SYS_prctl,
                rule(0, SeccompCmpOp::Eq, libc::PR_SET_DUMPABLE as u64)?,
            ),
        ]);
        #[cfg(target_arch = "x86_64")]
        rules.extend([(libc::SYS_fork, always.clone()), (libc::SYS_vfork, always)]);
        Ok(rules)
    }

    fn rule(arg: u8, op: SeccompCmpOp, value: u64) -> Result<Vec<SeccompRule>, String> {
        let condition = SeccompCondition::new(arg, SeccompCmpArgLen::Qword, op, value)
            .map_err(|error| error.to_string())?;
        let rule = SeccompRule::new(vec![condition]).map_err(|error| error.to_string())?;
        Ok(vec![rule])
    }

    fn program(rules: BTreeMap<i64, Vec<SeccompRule>>, errno: i32) -> Result<BpfProgram, String> {
        let arch = std::env::consts::ARCH
            .try_into()
            .map_err(|error| format!("no seccomp filter for this architecture: {error}"))?;
        let filter = SeccompFilter::new(
            rules,
            SeccompAction::Allow,
            SeccompAction::Errno(errno as u32),
            arch,
        )
        .map_err(|error| format!("cannot build the seccomp filter: {error}"))?;
        filter
            .try_into()
            .map_err(|error| format!("cannot compile the seccomp filter: {error}"))
    }
}
