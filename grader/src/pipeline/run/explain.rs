//! Why a test has no evidence, in words, from how its process ended.

use super::{Observed, RunOptions};
use crate::confine::process::Exit;

pub(super) fn explain(exit: &Exit, stderr: &str, options: &RunOptions) -> Observed {
    let tail = last_lines(stderr, 12);
    match exit {
        Exit::TimedOut => Observed::TimedOut(options.test_limit),
        Exit::Signal(signal) => Observed::Crashed(format!(
            "the test process was killed by signal {signal} ({})\n{tail}",
            signal_name(*signal)
        )),
        Exit::Code(code) => Observed::Crashed(format!(
            "the test process exited with code {code} before this test recorded a result \
             (a `std::process::exit`, an abort, running out of memory, or a panic outside the \
             code under test)\n{tail}"
        )),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        6 => "SIGABRT: an abort, e.g. a stack overflow or a failed allocation",
        9 => "SIGKILL",
        11 => "SIGSEGV: a segmentation fault",
        24 => "SIGXCPU: the CPU-time limit",
        25 => "SIGXFSZ: the file-size limit",
        _ => "a signal",
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
