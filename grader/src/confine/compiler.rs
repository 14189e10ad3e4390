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

use std::collections::BTreeSet;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{BufRead as _, BufReader, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

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

/// Every namespace but the user's: bwrap runs as root, and the compiler then drops to a
/// uid that a user namespace of root's would not map.
const NAMESPACES: [&str; 5] = [
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-uts",
    "--unshare-cgroup-try",
];

/// The read-only system every compiler run sees inside bwrap (the linker lives there).
fn system_binds() -> Vec<&'static str> {
    vec![
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/bin",
        "/bin",
        "--symlink",
        "usr/sbin",
        "/sbin",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        // Folders bwrap creates on its own are closed to other users: not `/etc`.
        "--perms",
        "0755",
        "--dir",
        "/etc",
        "--ro-bind-try",
        "/etc/ld.so.cache",
        "/etc/ld.so.cache",
        "--ro-bind-try",
        "/etc/alternatives",
        "/etc/alternatives",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]
}

fn uid_args(uid: u32) -> Vec<String> {
    vec![
        format!("--reuid={uid}"),
        format!("--regid={uid}"),
        "--clear-groups".to_string(),
        "--".to_string(),
    ]
}

/// The wrapper mode's entry point: cargo called `grader <rustc> <args>`.
pub fn wrap() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let rustc = args.next().unwrap_or_else(|| "rustc".into());
    let args: Vec<OsString> = args.collect();
    let Some(invocation) = Invocation::parse(&args) else {
        // Cargo asking rustc about itself (`-vV`, `--print`): nothing of a student's.
        return passthrough(&rustc, &args);
    };
    let settings = std::env::var(MODE_ENV)
        .ok()
        .and_then(|json| serde_json::from_str::<Compiler>(&json).ok());
    let Some(settings) = settings else {
        give_up(&format!(
            "the grader's compiler wrapper got no settings ({MODE_ENV}); this is a problem of \
             the grading machine, not of your code"
        ));
        return ExitCode::FAILURE;
    };
    match confined(&settings, &invocation, &args) {
        Ok(code) => code,
        Err(error) => {
            give_up(&format!(
                "the grader could not run the compiler confined ({error:#}); this is a \
                 problem of the grading machine, not of your code"
            ));
            ExitCode::FAILURE
        }
    }
}

/// Runs rustc as asked, unconfined, with its exit code.
fn passthrough(rustc: &OsStr, args: &[OsString]) -> ExitCode {
    match Command::new(rustc).args(args).status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(error) => {
            eprintln!(
                "grader (rustc wrapper): cannot run {}: {error}",
                rustc.to_string_lossy()
            );
            ExitCode::FAILURE
        }
    }
}

/// Prints a rustc JSON error diagnostic, which cargo reports as the crate's error.
fn give_up(why: &str) {
    let message = format!("{GAVE_UP}: {why}");
    let diagnostic = serde_json::json!({
        "$message_type": "diagnostic",
        "message": message,
        "code": null,
        "level": "error",
        "spans": [],
        "children": [],
        "rendered": format!("error: {message}\n"),
    });
    eprintln!("{diagnostic}");
}

/// What the wrapper needs to know of one rustc command line.
#[derive(Debug)]
struct Invocation {
    out_dir: PathBuf,
    /// Library search folders (`-L dependency=..`).
    search: Vec<PathBuf>,
    /// `--extern name=path` files.
    externs: Vec<PathBuf>,
    /// The crate's folder (`CARGO_MANIFEST_DIR`).
    manifest_dir: PathBuf,
    /// Whether this is a lesson's test crate (compiled with every member's code).
    suite: bool,
}

impl Invocation {
    /// `None` for a rustc run that compiles no crate of the stage.
    fn parse(args: &[OsString]) -> Option<Invocation> {
        let words: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let value = |flag: &str| -> Vec<&str> {
            let mut found = Vec::new();
            for (i, word) in words.iter().enumerate() {
                if word == flag {
                    found.extend(words.get(i + 1).map(String::as_str));
                } else if let Some(rest) = word.strip_prefix(&format!("{flag}=")) {
                    found.push(rest);
                }
            }
            found
        };
        let crate_name = *value("--crate-name").first()?;
        if crate_name == "___" {
            return None;
        }
        let out_dir = PathBuf::from(*value("--out-dir").first()?);
        let search = value("-L")
            .into_iter()
            .filter_map(|l| l.strip_prefix("dependency=").map(PathBuf::from))
            .collect();
        let externs = value("--extern")
            .into_iter()
            .filter_map(|e| e.split_once('=').map(|(_, path)| PathBuf::from(path)))
            .collect();
        let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
        let suite = std::env::var("CARGO_PKG_NAME").is_ok_and(|p| p.starts_with("suite-"));
        Some(Invocation {
            out_dir,
            search,
            externs,
            manifest_dir,
            suite,
        })
    }
}

/// Compiles as asked, confined; the exit code cargo should see.
fn confined(settings: &Compiler, invocation: &Invocation, args: &[OsString]) -> Result<ExitCode> {
    let parent = invocation.out_dir.parent().unwrap_or(&invocation.out_dir);
    let private = tempfile::Builder::new()
        .prefix(".compile-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "cannot create a private output folder in {}",
                parent.display()
            )
        })?;
    let uid = settings.setpriv.as_ref().map(|_| compile_uid());
    if let Some(uid) = uid {
        std::os::unix::fs::chown(private.path(), Some(uid), Some(uid))?;
    }
    let args = rewrite_out_dir(args, private.path());
    let mut command = command(settings, invocation, &args, private.path(), uid)?;
    let limit = if invocation.suite {
        settings.suite_limit
    } else {
        settings.limit
    };
    let end = run(&mut command, limit, private.path(), &invocation.out_dir)?;
    record_stats(private.path());
    match end {
        End::Exited(status) if status.success() => {
            publish(private.path(), &invocation.out_dir)?;
            Ok(ExitCode::SUCCESS)
        }
        // Ordinary compiler errors: rustc printed them.
        End::Exited(status) if status.code() == Some(1) => Ok(ExitCode::FAILURE),
        other => {
            give_up(&other.why(limit, settings));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Appends the measurement of the run to the [`STATS_ENV`] file, when asked for.
fn record_stats(private: &Path) {
    let Some(file) = std::env::var_os(STATS_ENV) else {
        return;
    };
    let measured = fs::read_to_string(private.join(".stats")).unwrap_or_default();
    let package = std::env::var("CARGO_PKG_NAME").unwrap_or_default();
    let line = format!("{package} {}\n", measured.lines().last().unwrap_or("-"));
    if let Ok(mut out) = fs::OpenOptions::new().create(true).append(true).open(file) {
        let _ = out.write_all(line.as_bytes());
    }
}

/// How a confined rustc ended.
#[derive(Debug)]
enum End {
    Exited(ExitStatus),
    /// Killed at the wall-clock limit.
    TimedOut,
    /// Exited otherwise, with what its stderr said about it.
    Crashed(ExitStatus, Option<&'static str>),
}

impl End {
    /// The reason, in the student's terms.
    fn why(&self, limit: Duration, settings: &Compiler) -> String {
        let cpu = cpu_limit(limit).as_secs();
        match self {
            End::TimedOut => format!(
                "it was still compiling after {} s (the limit), and was stopped. Look for a \
                 constant whose evaluation does not end, or macros or generics that expand \
                 without end",
                limit.as_secs()
            ),
            End::Exited(status) | End::Crashed(status, None) => match signal(*status) {
                Some(24) => format!("it used more than {cpu} s of CPU time (the limit)"),
                Some(9) if settings.prlimit.is_some() => format!(
                    "the compiler was killed, at a resource limit (memory, or {cpu} s of CPU time)"
                ),
                Some(signal) => format!("the compiler crashed (signal {signal})"),
                None => format!(
                    "the compiler crashed (exit code {}): an internal compiler error",
                    status.code().unwrap_or(-1)
                ),
            },
            End::Crashed(_, Some(what)) => format!("the compiler {what}"),
        }
    }
}

/// The signal that ended the compiler: bwrap exits with 128 + the signal of its child.
fn signal(status: ExitStatus) -> Option<i32> {
    status.signal().or_else(|| {
        status
            .code()
            .filter(|c| *c > 128 && *c < 160)
            .map(|c| c - 128)
    })
}

fn cpu_limit(wall: Duration) -> Duration {
    wall * 2 + Duration::from_secs(5)
}

/// The arguments with the output folder replaced by `private`.
fn rewrite_out_dir(args: &[OsString], private: &Path) -> Vec<OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut next_is_dir = false;
    for arg in args {
        if next_is_dir {
            out.push(private.as_os_str().to_owned());
            next_is_dir = false;
        } else if arg == "--out-dir" {
            out.push(arg.clone());
            next_is_dir = true;
        } else if arg.to_string_lossy().starts_with("--out-dir=") {
            let mut word = OsString::from("--out-dir=");
            word.push(private);
            out.push(word);
        } else {
            out.push(arg.clone());
        }
    }
    out
}

/// The confined rustc command.
fn command(
    settings: &Compiler,
    invocation: &Invocation,
    args: &[OsString],
    private: &Path,
    uid: Option<u32>,
) -> Result<Command> {
    let rustc = settings.sysroot.join("bin/rustc");
    let mut words: Vec<OsString> = Vec::new();
    let cwd = std::env::current_dir().context("no working folder")?;
    if let Some(bwrap) = &settings.bwrap {
        words.push(bwrap.into());
        words.extend(bwrap_args(settings, invocation, private, &cwd)?);
        words.push("--".into());
    }
    if let (Some(setpriv), Some(uid)) = (&settings.setpriv, uid) {
        words.push(setpriv.into());
        words.extend(uid_args(uid).into_iter().map(OsString::from));
    }
    if let Some(prlimit) = &settings.prlimit {
        let limit = if invocation.suite {
            settings.suite_limit
        } else {
            settings.limit
        };
        words.push(prlimit.into());
        let mut limits = vec![
            format!(
                "--as={}",
                if invocation.suite {
                    SUITE_ADDRESS_SPACE
                } else {
                    ADDRESS_SPACE
                }
            ),
            format!("--cpu={}", cpu_limit(limit).as_secs()),
            format!("--fsize={FILE_SIZE}"),
            "--core=0".to_string(),
        ];
        if uid.is_some() {
            limits.push(format!("--nproc={PROCESSES}"));
        }
        words.extend(limits.into_iter().map(OsString::from));
        words.push("--".into());
    }
    if std::env::var_os(STATS_ENV).is_some() {
        words.extend(["/usr/bin/time", "-f", "%M %e %U %S", "-o"].map(OsString::from));
        words.push(private.join(".stats").into());
    }
    words.push(rustc.into());
    words.extend(args.iter().cloned());
    let mut command = Command::new(&words[0]);
    command.args(&words[1..]).current_dir(&cwd);
    if settings.bwrap.is_none() {
        // Without bwrap the environment is the only thing to clear.
        command.env_clear().envs(rustc_env());
    }
    Ok(command)
}

/// The variables rustc gets: cargo's for the crate (`env!` of them is harmless), a
/// system `PATH` (the linker), nothing of the grader's.
fn rustc_env() -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os()
        .filter(|(name, _)| {
            let name = name.to_string_lossy();
            (name.starts_with("CARGO_PKG_")
                || name.starts_with("CARGO_CRATE_")
                || name.starts_with("CARGO_BIN_")
                || [
                    "CARGO_MANIFEST_DIR",
                    "CARGO_MANIFEST_PATH",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_MAKEFLAGS",
                    "CARGO_TARGET_TMPDIR",
                    "OUT_DIR",
                ]
                .contains(&name.as_ref()))
                && name != MODE_ENV
        })
        .collect();
    env.push(("PATH".into(), "/usr/bin:/bin".into()));
    env
}

/// bwrap's arguments: the system, the toolchain, the crate, its dependencies, the output.
fn bwrap_args(
    settings: &Compiler,
    invocation: &Invocation,
    private: &Path,
    cwd: &Path,
) -> Result<Vec<OsString>> {
    let mut words: Vec<OsString> = NAMESPACES.map(OsString::from).to_vec();
    words.extend(["--die-with-parent", "--new-session", "--clearenv"].map(OsString::from));
    for (name, value) in rustc_env() {
        words.extend(["--setenv".into(), name, value]);
    }
    words.extend(system_binds().into_iter().map(OsString::from));
    words.extend(
        [
            "--setenv",
            "TMPDIR",
            "/tmp",
            "--size",
            &TMP_SIZE.to_string(),
            "--perms",
            "1777",
            "--tmpfs",
            "/tmp",
        ]
        .map(OsString::from),
    );
    let mut binds = Binds::default();
    binds.bind("--ro-bind", &settings.sysroot);
    binds.dir(cwd);
    binds.bind("--ro-bind", &invocation.manifest_dir);
    for file in visible_dependencies(invocation)? {
        binds.bind("--ro-bind", &file);
    }
    binds.bind("--bind", private);
    words.extend(binds.words);
    words.extend(["--chdir".into(), cwd.into()]);
    Ok(words)
}

/// bind arguments, with every folder on the way created traversable (bwrap would copy
/// the host's modes, and `/root` or the stage are closed to the compiler's user).
#[derive(Default)]
struct Binds {
    words: Vec<OsString>,
    made: BTreeSet<PathBuf>,
}

impl Binds {
    fn dir(&mut self, path: &Path) {
        for ancestor in path.ancestors().collect::<Vec<_>>().into_iter().rev() {
            if ancestor == Path::new("/") || !self.made.insert(ancestor.to_path_buf()) {
                continue;
            }
            self.words.extend([
                "--perms".into(),
                "0755".into(),
                "--dir".into(),
                ancestor.into(),
            ]);
        }
    }

    fn bind(&mut self, flag: &str, path: &Path) {
        if let Some(parent) = path.parent() {
            self.dir(parent);
        }
        self.made.insert(path.to_path_buf());
        self.words.extend([flag.into(), path.into(), path.into()]);
    }
}

/// From the dependency folders, every compiled library that is not a staged crate's
/// (another student's, a test crate's), and the `--extern` files asked for.
fn visible_dependencies(invocation: &Invocation) -> Result<BTreeSet<PathBuf>> {
    let mut files = BTreeSet::new();
    for dir in &invocation.search {
        let entries =
            fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let library = [".rlib", ".rmeta", ".so"].iter().any(|e| name.ends_with(e));
            if library && !staged_artifact(&name) {
                files.insert(path);
            }
        }
    }
    files.extend(invocation.externs.iter().filter(|p| p.exists()).cloned());
    Ok(files)
}

/// Whether a file of the dependency folder is a staged student's or test crate's
/// (`libs001-<hash>.rlib`, `libs001_exercise_03-<hash>.rmeta`, `libsuite_..`, `batch-..`).
pub fn staged_artifact(file: &str) -> bool {
    let name = file.strip_prefix("lib").unwrap_or(file);
    let crate_name = name.rsplit_once('-').map_or(name, |(c, _)| c);
    let student = crate_name
        .strip_prefix('s')
        .map(|rest| rest.split('_').next().unwrap_or_default())
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
    student || crate_name.starts_with("suite_") || crate_name == "batch"
}

/// Runs the compiler to its end or its time limit, forwarding its stderr to cargo with
/// the private output folder's name replaced by the real one. Metadata announced early
/// (pipelining) is copied over at once, so dependent crates can start.
fn run(command: &mut Command, limit: Duration, private: &Path, out_dir: &Path) -> Result<End> {
    let mut child = command
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .context("cannot start the compiler")?;
    let stderr = child.stderr.take().expect("stderr is piped");
    let private_text = private.to_string_lossy().into_owned();
    let out_text = out_dir.to_string_lossy().into_owned();
    let (private_path, out_path) = (private.to_path_buf(), out_dir.to_path_buf());
    let reader = std::thread::spawn(move || -> Option<&'static str> {
        let mut crash = None;
        let mut err = std::io::stderr().lock();
        let mut forwarded = 0usize;
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            forwarded += line.len();
            if forwarded > MAX_STDERR && !line.contains("\"artifact\":") {
                continue;
            }
            if line.contains("\"artifact\":") && line.contains(&private_text) {
                announce_early(&line, &private_path, &out_path);
            }
            if line.contains("has overflowed its stack") || line.contains("interrupted by SIGSEGV")
            {
                crash = Some("overflowed its stack (code nested too deeply?)");
            } else if line.contains("memory allocation of") {
                crash =
                    Some("ran out of memory (its limit is 2 GiB, 6 GiB for the tests of a lesson)");
            }
            let _ = writeln!(err, "{}", line.replace(&private_text, &out_text));
        }
        crash
    });
    let pid = child.id();
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
                let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
            }
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let crash = reader.join().unwrap_or(None);
    Ok(match status {
        None => End::TimedOut,
        Some(status) if status.success() || status.code() == Some(1) => End::Exited(status),
        Some(status) => End::Crashed(status, crash),
    })
}

/// Copies an artifact rustc announced (`{"artifact":"<private>/x.rmeta",..}`) to the real
/// output folder.
fn announce_early(line: &str, private: &Path, out_dir: &Path) {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
        return;
    };
    let Some(path) = message["artifact"].as_str().map(Path::new) else {
        return;
    };
    let (Ok(relative), Some(name)) = (path.strip_prefix(private), path.file_name()) else {
        return;
    };
    if relative.components().count() == 1 {
        let staging = private.join(format!(".early-{}", name.to_string_lossy()));
        if fs::copy(path, &staging).is_ok() {
            let _ = fs::rename(&staging, out_dir.join(name));
        }
    }
}

/// Moves every output from the private folder to the real one, owned by the grader's
/// user, with the dep-info files naming the real folder.
fn publish(private: &Path, out_dir: &Path) -> Result<()> {
    let private_text = private.to_string_lossy().into_owned();
    let out_text = out_dir.to_string_lossy().into_owned();
    for entry in fs::read_dir(private)? {
        let from = entry?.path();
        let Some(name) = from.file_name() else {
            continue;
        };
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if from.extension().is_some_and(|e| e == "d") {
            let text = fs::read_to_string(&from)?;
            fs::write(&from, text.replace(&private_text, &out_text))?;
        }
        if rustix::process::getuid().is_root() {
            let _ = std::os::unix::fs::chown(&from, Some(0), Some(0));
        }
        let to = out_dir.join(name);
        fs::rename(&from, &to)
            .with_context(|| format!("cannot move {} to {}", from.display(), to.display()))?;
    }
    fs::set_permissions(private, fs::Permissions::from_mode(0o700))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_crates_are_told_from_dependencies() {
        for staged in [
            "libs001-0123abcd.rlib",
            "libs001-0123abcd.rmeta",
            "libs12_exercise_03-0123abcd.rlib",
            "libsuite_exercise_01-0123abcd.rmeta",
            "batch-0123abcd",
        ] {
            assert!(staged_artifact(staged), "{staged}");
        }
        for dependency in [
            "libserde-0123abcd.rlib",
            "libsocket2-0123abcd.rmeta",
            "libslab-0123abcd.rlib",
            "libgiven_exercise_03-0123abcd.rlib",
            "libtimeline_check-0123abcd.rlib",
            "libtokio_macros-0123abcd.so",
            "libs-0123abcd.rlib",
        ] {
            assert!(!staged_artifact(dependency), "{dependency}");
        }
    }

    #[test]
    fn a_signal_is_read_through_bwrap_s_exit_code() {
        use std::os::unix::process::ExitStatusExt as _;
        // Killed directly, and bwrap's exit code 128 + signal of its child.
        assert_eq!(signal(ExitStatus::from_raw(9)), Some(9));
        assert_eq!(signal(ExitStatus::from_raw(139 << 8)), Some(11));
        assert_eq!(signal(ExitStatus::from_raw(152 << 8)), Some(24));
        // rustc's own exit codes are not signals.
        assert_eq!(signal(ExitStatus::from_raw(1 << 8)), None);
        assert_eq!(signal(ExitStatus::from_raw(101 << 8)), None);
    }

    #[test]
    fn the_output_folder_is_replaced_in_both_spellings() {
        let args: Vec<OsString> = [
            "--crate-name",
            "s001",
            "--out-dir",
            "/t/deps",
            "--out-dir=/t/deps",
        ]
        .map(OsString::from)
        .to_vec();
        let rewritten = rewrite_out_dir(&args, Path::new("/p"));
        let words: Vec<String> = rewritten
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            words,
            ["--crate-name", "s001", "--out-dir", "/p", "--out-dir=/p"]
        );
    }
}
