//! Running one child process under a wall-clock limit, with its output capped.
//!
//! The child leads its own process group; when it ends or runs out of time, the whole
//! group is killed, so whatever it started dies with it. Output is read on threads and
//! only the first bytes are kept; a grandchild that escaped the group and still holds the
//! pipe cannot hang the grader, because the readers are abandoned after a short grace.

use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// How long to wait for output after the process is gone.
const READ_GRACE: Duration = Duration::from_millis(500);

/// How a process ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this code.
    Code(i32),
    /// A signal ended it (a crash: abort, segfault, stack overflow).
    Signal(i32),
    /// It ran past its wall-clock limit and was killed.
    TimedOut,
}

/// A finished process.
#[derive(Debug, Clone)]
pub struct Finished {
    /// How it ended.
    pub exit: Exit,
    /// The first bytes of stdout, lossily decoded.
    pub stdout: String,
    /// The first bytes of stderr, lossily decoded.
    pub stderr: String,
    /// Real time it took.
    pub wall: Duration,
}

/// Runs `command` to completion or until `limit`, keeping at most `cap` bytes of each
/// output stream; its standard input is empty.
pub fn run(command: Command, limit: Duration, cap: usize) -> Result<Finished> {
    run_with_input(command, limit, cap, b"")
}

/// [`run`], with `input` on the process's standard input.
pub fn run_with_input(
    mut command: Command,
    limit: Duration,
    cap: usize,
    input: &[u8],
) -> Result<Finished> {
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let start = Instant::now();
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start {:?}", command.get_program()))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A process that never reads its input must not block us: write on a thread.
        let input = input.to_vec();
        thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let stdout = read_capped(child.stdout.take(), cap);
    let stderr = read_capped(child.stderr.take(), cap);
    let pid = child.id();
    let exit = loop {
        if let Some(status) = child.try_wait()? {
            break match (status.code(), status.signal()) {
                (Some(code), _) => Exit::Code(code),
                (None, Some(signal)) => Exit::Signal(signal),
                (None, None) => Exit::Code(-1),
            };
        }
        if start.elapsed() >= limit {
            kill_group(pid);
            child.wait()?;
            break Exit::TimedOut;
        }
        thread::sleep(Duration::from_millis(2));
    };
    // Anything the process left behind in its group goes too.
    kill_group(pid);
    let wall = start.elapsed();
    Ok(Finished {
        exit,
        stdout: stdout.finish(READ_GRACE),
        stderr: stderr.finish(READ_GRACE),
        wall,
    })
}

fn kill_group(pid: u32) {
    if let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        // The group may already be gone; that is fine.
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// What a reader thread has kept so far, shared with the waiting side.
#[derive(Default)]
struct Kept {
    bytes: Vec<u8>,
    dropped: usize,
    ended: bool,
}

/// Output being read on a thread: the first `cap` bytes are kept.
struct Reader(Arc<(Mutex<Kept>, Condvar)>);

impl Reader {
    /// Waits up to `grace` for the stream to end, then returns what was kept either way
    /// (a process that escaped the group may hold the pipe open forever).
    fn finish(self, grace: Duration) -> String {
        let (lock, ended) = &*self.0;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (kept, _) = ended
            .wait_timeout_while(guard, grace, |k| !k.ended)
            .unwrap_or_else(|e| e.into_inner());
        let mut text = String::from_utf8_lossy(&kept.bytes).into_owned();
        if kept.dropped > 0 {
            text.push_str(&format!("\n[... {} more bytes not kept]", kept.dropped));
        }
        text
    }
}

/// Reads a stream to its end on a thread, keeping the first `cap` bytes.
fn read_capped(stream: Option<impl Read + Send + 'static>, cap: usize) -> Reader {
    let shared = Arc::new((Mutex::new(Kept::default()), Condvar::new()));
    let writer = Arc::clone(&shared);
    thread::spawn(move || {
        if let Some(mut stream) = stream {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = stream.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                let mut kept = writer.0.lock().unwrap_or_else(|e| e.into_inner());
                let room = cap.saturating_sub(kept.bytes.len()).min(n);
                kept.bytes.extend_from_slice(&buffer[..room]);
                kept.dropped += n - room;
            }
        }
        writer.0.lock().unwrap_or_else(|e| e.into_inner()).ended = true;
        writer.1.notify_all();
    });
    Reader(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn keeps_output_and_exit_code() {
        let done = run(
            sh("echo out; echo err >&2; exit 3"),
            Duration::from_secs(10),
            1024,
        )
        .unwrap();
        assert_eq!(done.exit, Exit::Code(3));
        assert_eq!(done.stdout, "out\n");
        assert_eq!(done.stderr, "err\n");
    }

    #[test]
    fn kills_a_process_that_runs_too_long_with_its_children() {
        let done = run(sh("sleep 30 & sleep 30"), Duration::from_millis(200), 1024).unwrap();
        assert_eq!(done.exit, Exit::TimedOut);
        assert!(done.wall < Duration::from_secs(5), "{:?}", done.wall);
    }

    #[test]
    fn caps_the_output() {
        let done = run(
            sh("head -c 100000 /dev/zero | tr '\\0' x"),
            Duration::from_secs(10),
            10,
        )
        .unwrap();
        assert!(
            done.stdout
                .starts_with("xxxxxxxxxx\n[... 99990 more bytes not kept]"),
            "{}",
            done.stdout
        );
    }

    #[test]
    fn hands_over_its_input() {
        let done = run_with_input(
            sh("read line; echo \"got $line\""),
            Duration::from_secs(10),
            1024,
            b"secret\n",
        )
        .unwrap();
        assert_eq!(done.stdout, "got secret\n");
    }

    #[test]
    fn keeps_what_was_printed_when_an_escaped_child_holds_the_pipe() {
        let script = "echo evidence; setsid sleep 3 & exit 0";
        let done = run(sh(script), Duration::from_secs(10), 1024).unwrap();
        assert_eq!(done.exit, Exit::Code(0));
        assert_eq!(done.stdout, "evidence\n");
        assert!(done.wall < Duration::from_secs(2), "{:?}", done.wall);
    }

    #[test]
    fn reports_a_crash_by_signal() {
        let done = run(sh("kill -SEGV $$"), Duration::from_secs(10), 1024).unwrap();
        assert_eq!(done.exit, Exit::Signal(11));
    }
}
