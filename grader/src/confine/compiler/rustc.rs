//! One confined rustc process: run to its end or its time limit, its messages passed on
//! to cargo, its outputs published to the real output folder.

use std::fs;
use std::io::{BufRead as _, BufReader, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::{Compiler, MAX_STDERR};

/// How a confined rustc ended.
#[derive(Debug)]
pub(super) enum End {
    Exited(ExitStatus),
    /// Killed at the wall-clock limit.
    TimedOut,
    /// Exited otherwise, with what its stderr said about it.
    Crashed(ExitStatus, Option<&'static str>),
}

impl End {
    /// The reason, in the student's terms.
    pub(super) fn why(&self, limit: Duration, settings: &Compiler) -> String {
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

pub(super) fn cpu_limit(wall: Duration) -> Duration {
    wall * 2 + Duration::from_secs(5)
}

/// Runs the compiler to its end or its time limit, forwarding its stderr to cargo with
/// the private output folder's name replaced by the real one. Metadata announced early
/// (pipelining) is copied over at once, so dependent crates can start.
pub(super) fn run(
    command: &mut Command,
    limit: Duration,
    private: &Path,
    out_dir: &Path,
) -> Result<End> {
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
pub(super) fn publish(private: &Path, out_dir: &Path) -> Result<()> {
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
}
