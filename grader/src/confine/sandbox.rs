//! Sandbox: how a test process is confined.
//!
//! The strongest layers available are stacked, outermost first:
//! 1. `setpriv` to an unprivileged user of its own when the grader runs as root: one uid
//!    per worker slot (see [`test_uid`]), so the process cannot write the course's files,
//!    and the process-count limit binds per worker: a fork bomb in one student's test
//!    cannot starve the processes of a classmate running beside it;
//! 2. `prlimit` resource limits: address space, file size, processes, open files, CPU
//!    time, no core dumps;
//! 3. `bwrap` (Debian package `bubblewrap`): new namespaces for everything (no network,
//!    own PID space that dies with the test), a read-only `/usr`, the test binary and
//!    nothing else of the host, a size-capped private `/tmp` as the only writable place,
//!    no `/proc`, a cleared environment;
//! 4. without bwrap, as root: `unshare` for no network and an own PID space (escaped
//!    children die with the test and others' processes are out of reach);
//! 5. as root, a control group per test process (see [`cgroup`]): one bound on the memory
//!    and the process count of the test's whole tree, its tmpfs files included. Without it,
//!    a lower process limit and a smaller address space per process keep a (looser) bound.
//!
//! Whatever is missing, the grader still runs (its own process group, wall-clock limit
//! and output caps always apply) and the report says which protections were in force.

pub mod cgroup;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, bail};

use cgroup::{Cgroup, Cgroups};

/// The unprivileged user bwrap is probed as.
const NOBODY: u32 = 65534;

/// First uid of the range test processes run as (no account needs to exist for them).
const TEST_UIDS: u32 = 0x1000_0000;

/// Worker slots per grader process, each with its own uid.
const SLOTS: u32 = 256;

/// The uid a test process of worker `slot` runs as: unique per (grader process, slot),
/// so neither two workers of one run nor two graders side by side share a process-count
/// limit (`RLIMIT_NPROC` counts all processes of a uid).
pub fn test_uid(slot: usize) -> u32 {
    let slot = u32::try_from(slot).unwrap_or(0) % SLOTS;
    TEST_UIDS + (std::process::id() % 0x1_0000) * SLOTS + slot
}

/// Bytes of private `/tmp` a test process gets inside bwrap.
const TMP_SIZE: u64 = 64 * 1024 * 1024;

/// Resource limits of a test process. Where a control group bounds the test as a whole,
/// a process may use more of it; without one, these are all that bound a test's tree.
const ADDRESS_SPACE: u64 = 4 * 1024 * 1024 * 1024;
const ADDRESS_SPACE_UNGROUPED: u64 = 2 * 1024 * 1024 * 1024;
const FILE_SIZE: u64 = 64 * 1024 * 1024;
/// Processes and threads per worker uid (`RLIMIT_NPROC` counts threads too), the same
/// number as a test's control group allows.
const PROCESSES: u64 = cgroup::TASKS;
const OPEN_FILES: u64 = 256;

/// Set to `off` to grade without control groups (the fallback, e.g. to test it).
pub const CGROUPS_ENV: &str = "GRADER_CGROUPS";

/// What the user asked for (`--sandbox`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Choice {
    /// bwrap when it works on this machine, otherwise limits only.
    Auto,
    /// bwrap, or fail.
    Bwrap,
    /// Limits only (no namespaces).
    Limits,
}

/// The confinement chosen for this run.
#[derive(Debug, Clone)]
pub struct Sandbox {
    bwrap: Option<PathBuf>,
    /// Without bwrap, as root: `unshare` for a network and PID namespace of its own.
    unshare: Option<PathBuf>,
    setpriv: Option<PathBuf>,
    prlimit: Option<PathBuf>,
    /// Why bwrap is not used, when it is not.
    without_bwrap: Option<String>,
    /// This run's control groups (shared by every clone; removed when the last goes).
    cgroups: Option<Arc<Cgroups>>,
    /// Why there are no control groups, when there are none.
    without_cgroups: Option<String>,
}

impl Sandbox {
    /// Finds the tools and checks that bwrap really works here (user namespaces may be
    /// disabled).
    pub fn detect(choice: Choice) -> Result<Sandbox> {
        let root = rustix::process::getuid().is_root();
        let setpriv = root.then(|| find("setpriv")).flatten();
        let prlimit = find("prlimit");
        let (bwrap, without_bwrap) = match (choice, find("bwrap")) {
            (Choice::Limits, _) => (None, Some("not asked for (--sandbox limits)".to_string())),
            (_, None) => (
                None,
                Some("bwrap is not installed (Debian package bubblewrap)".to_string()),
            ),
            (_, Some(path)) => match probe(&path, setpriv.as_deref()) {
                Ok(()) => (Some(path), None),
                Err(why) => (None, Some(format!("bwrap does not work here: {why}"))),
            },
        };
        let unshare = match (&bwrap, root, find("unshare")) {
            (None, true, Some(path)) if probe_unshare(&path) => Some(path),
            _ => None,
        };
        let (cgroups, without_cgroups) = match detect_cgroups(root) {
            Ok(cgroups) => (Some(Arc::new(cgroups)), None),
            Err(why) => (None, Some(why)),
        };
        if choice == Choice::Bwrap && bwrap.is_none() {
            bail!(
                "--sandbox bwrap was asked for, but {}",
                without_bwrap.unwrap_or_default()
            );
        }
        Ok(Sandbox {
            bwrap,
            unshare,
            setpriv,
            prlimit,
            without_bwrap,
            cgroups,
            without_cgroups,
        })
    }

    /// The protections in force, in words, for the report header.
    pub fn protections(&self) -> Vec<String> {
        let mut list = vec![
            "own process group, killed as a whole".to_string(),
            "wall-clock limit per test".to_string(),
            "output capped".to_string(),
            "cleared environment".to_string(),
        ];
        if self.setpriv.is_some() {
            list.push("runs as an unprivileged user of its own per worker".to_string());
        }
        if self.prlimit.is_some() {
            list.push(
                "resource limits (memory, file size, processes, open files, CPU)".to_string(),
            );
        }
        match &self.bwrap {
            Some(_) => list.push(
                "bwrap: no network, own PID space, read-only system, no host files, read-only / and /dev, private size-capped /tmp (64 MiB)"
                    .to_string(),
            ),
            None if self.unshare.is_some() => list.push(format!(
                "unshare: no network, own PID space, read-only /tmp, private size-capped scratch (no bwrap: {})",
                self.without_bwrap.as_deref().unwrap_or("-")
            )),
            None => list.push(format!("no namespaces ({})", self.without_bwrap.as_deref().unwrap_or("-"))),
        }
        match &self.cgroups {
            Some(cgroups) => list.push(cgroups.describe()),
            None => list.push(format!(
                "no cgroups ({}): only per-process bounds{}{}{}",
                self.without_cgroups.as_deref().unwrap_or("-"),
                if self.prlimit.is_some() {
                    format!(
                        ", {} MiB of address space each",
                        ADDRESS_SPACE_UNGROUPED >> 20
                    )
                } else {
                    String::new()
                },
                if self.setpriv.is_some() {
                    format!(", {PROCESSES} processes")
                } else {
                    String::new()
                },
                if self.bwrap.is_some() || self.unshare.is_some() {
                    ", 64 MiB of files"
                } else {
                    ""
                }
            )),
        }
        list
    }

    /// A control group for one test process, bounded for `jobs` tests at once; `None`
    /// where control groups are not available.
    pub fn cgroup(&self, jobs: usize) -> Result<Option<Cgroup>> {
        self.cgroups
            .as_ref()
            .map(|cgroups| cgroups.open(jobs))
            .transpose()
    }

    /// Whether bwrap confines the tests.
    pub fn uses_bwrap(&self) -> bool {
        self.bwrap.is_some()
    }

    /// A command that runs `binary args` confined, with only `env` in its environment and
    /// `scratch` as its writable working folder when bwrap is not available (bwrap gives it
    /// a private `/tmp` instead). `cpu` bounds its CPU time; `slot` is the worker running
    /// it (see [`test_uid`]).
    pub fn command(
        &self,
        binary: &Path,
        args: &[String],
        env: &[(&str, &str)],
        scratch: &Path,
        cpu: Duration,
        slot: usize,
    ) -> Command {
        let mut words: Vec<OsString> = Vec::new();
        if let Some(unshare) = &self.unshare {
            // The test becomes PID 1 of its own namespace: when it ends, everything it
            // started ends with it, and it cannot see or signal other processes.
            // It also gets a private, size-capped /tmp (its own mount namespace), mounted
            // before the privileges are dropped.
            words.push(unshare.into());
            words.extend(UNSHARE_ARGS.map(OsString::from));
            words.extend(["sh", "-c", PRIVATE_TMP, "sh"].map(OsString::from));
            words.push(scratch.into());
        }
        if let Some(setpriv) = &self.setpriv {
            words.push(setpriv.into());
            let uid = test_uid(slot);
            for flag in [
                format!("--reuid={uid}"),
                format!("--regid={uid}"),
                "--clear-groups".into(),
                "--".into(),
            ] {
                words.push(flag.into());
            }
        }
        if let Some(prlimit) = &self.prlimit {
            words.push(prlimit.into());
            let grouped = self.cgroups.is_some();
            let mut limits = vec![
                format!(
                    "--as={}",
                    if grouped {
                        ADDRESS_SPACE
                    } else {
                        ADDRESS_SPACE_UNGROUPED
                    }
                ),
                format!("--fsize={FILE_SIZE}"),
                format!("--nofile={OPEN_FILES}"),
                "--core=0".to_string(),
                format!("--cpu={}", cpu.as_secs().max(1)),
            ];
            if self.setpriv.is_some() {
                // Counts every process of the user: meaningful only with a uid of our own.
                limits.push(format!("--nproc={PROCESSES}"));
            }
            words.extend(limits.into_iter().map(OsString::from));
            words.push("--".into());
        }
        // bwrap gives the test a private /tmp; otherwise its scratch folder is its home
        // (with unshare, a private tmpfs is mounted there).
        let home = if self.bwrap.is_some() {
            Path::new("/tmp")
        } else {
            scratch
        };
        let mut full_env: Vec<(String, OsString)> = vec![
            ("PATH".into(), "/usr/bin:/bin".into()),
            ("HOME".into(), home.into()),
            ("TMPDIR".into(), home.into()),
        ];
        full_env.extend(env.iter().map(|(k, v)| (k.to_string(), OsString::from(v))));
        if let Some(bwrap) = &self.bwrap {
            words.push(bwrap.into());
            words.extend(bwrap_args(binary, &full_env));
        }
        words.push(binary.into());
        words.extend(args.iter().map(OsString::from));
        let mut command = Command::new(&words[0]);
        command
            .args(&words[1..])
            .env_clear()
            .current_dir(if self.bwrap.is_some() {
                Path::new("/")
            } else {
                scratch
            });
        if self.bwrap.is_none() {
            command.envs(full_env.iter().map(|(k, v)| (k, v)));
        }
        command
    }
}

fn bwrap_args(binary: &Path, env: &[(String, OsString)]) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
    ]
    .map(OsString::from)
    .to_vec();
    for (key, value) in env {
        args.extend([OsString::from("--setenv"), key.into(), value.clone()]);
    }
    args.extend(["--ro-bind", "/usr", "/usr"].map(OsString::from));
    // On merged-/usr systems these are links into /usr; elsewhere, folders.
    for top in ["/lib", "/lib64", "/lib32", "/bin", "/sbin"] {
        let path = Path::new(top);
        match std::fs::read_link(path) {
            Ok(target) => args.extend([OsString::from("--symlink"), target.into(), top.into()]),
            Err(_) if path.is_dir() => args.extend(["--ro-bind", top, top].map(OsString::from)),
            Err(_) => {}
        }
    }
    args.extend(["--dev", "/dev", "--size"].map(OsString::from));
    args.extend([
        OsString::from(TMP_SIZE.to_string()),
        "--tmpfs".into(),
        "/tmp".into(),
    ]);
    args.extend([OsString::from("--ro-bind"), binary.into(), binary.into()]);
    // Only the capped /tmp stays writable: the root and /dev (with /dev/shm) are tmpfs
    // mounts of half the machine's memory, made read-only once everything is in place.
    args.extend(
        [
            "--remount-ro",
            "/dev",
            "--remount-ro",
            "/",
            "--chdir",
            "/tmp",
        ]
        .map(OsString::from),
    );
    args
}

/// `unshare` flags: own network (none), PID and mount namespaces, a /proc of its own.
const UNSHARE_ARGS: [&str; 7] = [
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount",
    "--mount-proc",
    "--",
];

/// Inside the new mount namespace (still root): the world-writable folders become
/// read-only, a private size-capped tmpfs is mounted on the test's scratch folder (`$1`),
/// and the rest of the command line runs there. (Not a tmpfs over /tmp itself: the test
/// binary may live under /tmp.)
const PRIVATE_TMP: &str = "set -e; for d in /tmp /var/tmp /dev/shm /run/lock /var/lock; do if [ -d \"$d\" ]; then \
    mount --bind \"$d\" \"$d\"; mount -o remount,bind,ro \"$d\"; fi; done; \
    mount -t tmpfs -o size=67108864,mode=1777 tmpfs \"$1\"; cd \"$1\"; shift; exec \"$@\"";

fn probe_unshare(unshare: &Path) -> bool {
    Command::new(unshare)
        .args(UNSHARE_ARGS)
        .args(["sh", "-c", PRIVATE_TMP, "sh"])
        .arg(std::env::temp_dir())
        .arg("/usr/bin/true")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `true` under bwrap (as the test processes will run) to see that it works.
fn probe(bwrap: &Path, setpriv: Option<&Path>) -> std::result::Result<(), String> {
    let mut command = match setpriv {
        Some(setpriv) => {
            let mut c = Command::new(setpriv);
            c.args([
                format!("--reuid={NOBODY}"),
                format!("--regid={NOBODY}"),
                "--clear-groups".into(),
                "--".into(),
            ]);
            c.arg(bwrap);
            c
        }
        None => Command::new(bwrap),
    };
    let mut args = bwrap_args(Path::new("/usr/bin/true"), &[]);
    args.push("/usr/bin/true".into());
    let output = command.args(args).output().map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

/// This run's control groups, as root (only root may make them), unless turned off.
fn detect_cgroups(root: bool) -> std::result::Result<Cgroups, String> {
    if std::env::var(CGROUPS_ENV).is_ok_and(|v| v == "off") {
        return Err(format!("{CGROUPS_ENV}=off"));
    }
    if !root {
        return Err("not root".to_string());
    }
    let sh = find("sh").ok_or("no `sh` on the PATH")?;
    Cgroups::detect(&sh)
}

fn find(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_worker_runs_as_an_unprivileged_user_of_its_own() {
        let uids: Vec<u32> = (0..SLOTS as usize).map(test_uid).collect();
        let distinct: std::collections::BTreeSet<u32> = uids.iter().copied().collect();
        assert_eq!(distinct.len(), uids.len());
        assert!(uids.iter().all(|&uid| uid > NOBODY && uid < u32::MAX - 1));
    }
}
