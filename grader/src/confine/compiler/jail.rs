//! The confined rustc command line: bwrap (what the compiler sees), setpriv (as whom it
//! runs), prlimit (how much it may use), and the environment it gets.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use super::invocation::Invocation;
use super::rustc::cpu_limit;
use super::{
    ADDRESS_SPACE, Compiler, FILE_SIZE, MODE_ENV, PROCESSES, STATS_ENV, SUITE_ADDRESS_SPACE,
    TMP_SIZE,
};

/// Every namespace but the user's: bwrap runs as root, and the compiler then drops to a
/// uid that a user namespace of root's would not map.
pub(super) const NAMESPACES: [&str; 5] = [
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-uts",
    "--unshare-cgroup-try",
];

/// The read-only system every compiler run sees inside bwrap (the linker lives there).
pub(super) fn system_binds() -> Vec<&'static str> {
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

pub(super) fn uid_args(uid: u32) -> Vec<String> {
    vec![
        format!("--reuid={uid}"),
        format!("--regid={uid}"),
        "--clear-groups".to_string(),
        "--".to_string(),
    ]
}

/// The confined rustc command.
pub(super) fn command(
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
}
