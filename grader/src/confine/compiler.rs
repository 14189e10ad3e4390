//! Compiler: every compiler run on the staged crates, confined and bounded.
//!
//! Cargo runs `rustc` for the staged workspace's members (student crates, the lessons'
//! test crates, the given and harness crates) through `RUSTC_WORKSPACE_WRAPPER`, which
//! points at the grader binary itself in a hidden mode ([`MODE_ENV`], see `main.rs`).
//! The wrapper ([`wrap`]) runs that one `rustc`:
//!
//! - inside `bwrap` (as root, no user namespace needed) when it works here: no network,
//!   own PID space, a cleared environment, a read-only `/usr` and toolchain, the crate's
//!   own folder, from the shared dependency folder only what is not another student's or
//!   a test crate's artifact (plus the `--extern` files it is given), a private writable
//!   output folder whose files are moved to the real one afterwards, a size-capped `/tmp`;
//! - as an unprivileged user (`setpriv`, when the grader is root and bwrap works: without
//!   bwrap the toolchain under a private home would be out of its reach);
//! - under resource limits (`prlimit`: address space, CPU, processes, file size, no core);
//! - within a wall-clock limit, after which its whole process group is killed.
//!
//! A limit hit, a crash or a signal becomes a compiler error of that crate only: the
//! wrapper prints a rustc JSON diagnostic ("the compiler gave up on your code: ...") that
//! cargo reports as that package's error, so the build's usual attribution applies.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod invocation;
mod jail;
mod rustc;
mod wrapper;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

pub use self::jail::staged_artifact;
use self::jail::{NAMESPACES, system_binds, uid_args};
pub use self::wrapper::wrap;

/// The environment variable that puts the grader binary in wrapper mode; it holds the
/// [`Compiler`] settings as JSON.
pub const MODE_ENV: &str = "GRADER_RUSTC_WRAPPER";

/// Set to a file to measure every confined compiler run (GNU `time`): one line each,
/// `<package> <peak RSS KiB> <wall s> <user s> <system s>`; for choosing limits.
pub const STATS_ENV: &str = "GRADER_COMPILE_STATS";

/// The start of every error the wrapper reports in rustc's place.
pub const GAVE_UP: &str = "the compiler gave up on your code";

/// Default wall-clock limit of one compiler run on a student crate.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(60);

/// Extra wall-clock time a lesson's test crate gets per student it holds.
const SUITE_TIME_PER_STUDENT: Duration = Duration::from_secs(3);

/// Address space of one compiler run on a student's crate (one peaked under 200 MB resident).
const ADDRESS_SPACE: u64 = 2 * 1024 * 1024 * 1024;
/// Address space of a lesson's test crate: it compiles every student's copy of the tests
/// (a batch of 100 peaked at about 1 GB resident).
const SUITE_ADDRESS_SPACE: u64 = 6 * 1024 * 1024 * 1024;
/// Largest file one compiler run may write (a test binary is ~50 MiB).
const FILE_SIZE: u64 = 1024 * 1024 * 1024;
/// Processes and threads of the compiler's user at once.
const PROCESSES: u64 = 256;
/// Bytes of the compiler's messages passed on to cargo (an error flood is cut).
const MAX_STDERR: usize = 64 * 1024 * 1024;
/// Bytes of private `/tmp` (the linker's scratch) inside bwrap.
const TMP_SIZE: u64 = 512 * 1024 * 1024;

/// The uid compiler runs use: one per grader process, apart from the test uids.
fn compile_uid() -> u32 {
    0x2000_0000 + std::process::id() % 0x1_0000
}

/// How compiler runs are confined in this grader run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Compiler {
    /// The grader binary, run by cargo in wrapper mode.
    wrapper: PathBuf,
    /// The toolchain's sysroot (`rustc --print sysroot`).
    sysroot: PathBuf,
    bwrap: Option<PathBuf>,
    setpriv: Option<PathBuf>,
    prlimit: Option<PathBuf>,
    /// Why bwrap is not used, when it is not.
    without_bwrap: Option<String>,
    /// Wall-clock limit of a student crate's compiler run.
    limit: Duration,
    /// Wall-clock limit of a test crate's compiler run (set per cargo run).
    suite_limit: Duration,
}

impl Compiler {
    /// Finds the tools and the toolchain. `wrapper` is the grader binary; `use_bwrap`
    /// false skips bwrap (`--sandbox limits`).
    pub fn detect(
        wrapper: PathBuf,
        course_root: &Path,
        limit: Duration,
        use_bwrap: bool,
    ) -> Result<Self> {
        let sysroot = sysroot(course_root)?;
        let root = rustix::process::getuid().is_root();
        let prlimit = find("prlimit");
        let found = if use_bwrap { find("bwrap") } else { None };
        let (bwrap, without_bwrap) = match found {
            None if !use_bwrap => (None, Some("not asked for (--sandbox limits)".to_string())),
            None => (None, Some("bwrap is not installed".to_string())),
            Some(path) => match probe(&path, root) {
                Ok(()) => (Some(path), None),
                Err(why) => (None, Some(format!("bwrap does not work here: {why}"))),
            },
        };
        // Without bwrap the toolchain (under root's home) and the staged crates (a folder
        // only the grader's user may enter) are out of an unprivileged user's reach.
        let setpriv = if root && bwrap.is_some() {
            find("setpriv")
        } else {
            None
        };
        Ok(Compiler {
            wrapper,
            sysroot,
            bwrap,
            setpriv,
            prlimit,
            without_bwrap,
            limit,
            suite_limit: limit,
        })
    }

    /// The protections compiler runs get, in words, for the report header.
    pub fn protections(&self) -> String {
        let mut list = vec![format!(
            "wall-clock limit {} s per crate (more for a lesson's test crate), killed as a whole",
            self.limit.as_secs()
        )];
        if self.prlimit.is_some() {
            list.push("resource limits (memory, CPU, processes, file size)".to_string());
        }
        if self.setpriv.is_some() {
            list.push("unprivileged user".to_string());
        } else {
            list.push("runs as the grader's user".to_string());
        }
        match &self.bwrap {
            Some(_) => list.push(
                "bwrap: sees only its own crate, its dependencies and the toolchain, no network"
                    .to_string(),
            ),
            None => list.push(format!(
                "no bwrap ({}): sees every file the grader's user can read",
                self.without_bwrap.as_deref().unwrap_or("-")
            )),
        }
        list.join(", ")
    }

    /// Makes `command` (a `cargo build` of a staged batch whose test crates hold at most
    /// `students` students each) run every workspace member's compiler through the wrapper.
    pub fn apply(&self, command: &mut Command, students: usize) -> Result<()> {
        let mut settings = self.clone();
        let count = u32::try_from(students).unwrap_or(u32::MAX);
        settings.suite_limit = self.limit + SUITE_TIME_PER_STUDENT.saturating_mul(count);
        command
            .env("RUSTC_WORKSPACE_WRAPPER", &self.wrapper)
            .env(MODE_ENV, serde_json::to_string(&settings)?);
        Ok(())
    }
}

/// The toolchain's sysroot, as the course's cargo would use it.
fn sysroot(course_root: &Path) -> Result<PathBuf> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .current_dir(course_root)
        .output()
        .context("cannot run `rustc --print sysroot`: is rustc on PATH?")?;
    if !output.status.success() {
        bail!(
            "`rustc --print sysroot` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(PathBuf::from(
        String::from_utf8_lossy(&output.stdout).trim(),
    ))
}

/// Checks that bwrap starts here, as the compiler would run in it.
fn probe(bwrap: &Path, root: bool) -> std::result::Result<(), String> {
    let mut command = Command::new(bwrap);
    command
        .args(NAMESPACES)
        .args(["--die-with-parent", "--clearenv"]);
    command.args(system_binds());
    if root && let Some(setpriv) = find("setpriv") {
        command.arg("--").arg(setpriv).args(uid_args(compile_uid()));
    } else {
        command.arg("--");
    }
    let output = command
        .arg("/usr/bin/true")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

fn find(program: &str) -> Option<PathBuf> {
    ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        .iter()
        .map(|dir| Path::new(dir).join(program))
        .find(|path| path.is_file())
}
