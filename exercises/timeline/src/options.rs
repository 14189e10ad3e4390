//! What a capture checks besides the printed lines, as the test declares it.

use std::time::Duration;

use crate::hang::Hang;

/// How a test runs its capture: the virtual-time limit, and the checks the lesson asks
/// for. A `Duration` converts into options with only the limit set, so
/// `capture(LIMIT, future)` keeps working.
///
/// ```
/// use std::time::Duration;
/// use timeline::Options;
///
/// let options = Options::within(Duration::from_secs(10))
///     .forbid_blocking()
///     .expect_cleanup(Duration::from_secs(1));
/// assert!(options.forbid_blocking && options.cleanup_grace.is_some());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Virtual time the future may run before it is stopped.
    pub limit: Duration,
    /// Render `!! the executor was blocked ...` when the executor's thread was held
    /// inside polls for [`crate::BLOCKED_LIMIT`] or more in all.
    pub forbid_blocking: bool,
    /// After the future returns, run on for this much virtual time and render what is
    /// left: lines printed meanwhile, tasks still alive, blocking jobs still running.
    pub cleanup_grace: Option<Duration>,
    /// How the executor's thread's CPU time and sleeps are read; `None`: real time alone.
    /// `timeline_check::capture` sets it.
    pub meter: Option<Meter>,
    /// Called by the watchdog, under grading only, when this capture hung: the test's
    /// name (its thread's, `<student>::<suite>::<test>` in the grader) and the class,
    /// before the process ends. `timeline_check::capture` sets it to record evidence.
    pub report_hang: Option<fn(&str, Hang)>,
}

impl Options {
    /// Only a virtual-time limit: no blocking or cleanup check.
    pub fn within(limit: Duration) -> Self {
        Options {
            limit,
            forbid_blocking: false,
            cleanup_grace: None,
            meter: None,
            report_hang: None,
        }
    }

    /// Blocking the executor fails the test: the lesson says so.
    pub fn forbid_blocking(self) -> Self {
        Options {
            forbid_blocking: true,
            ..self
        }
    }

    /// Whatever the code under test started must be gone `grace` of virtual time after it
    /// returns: the lesson says so.
    pub fn expect_cleanup(self, grace: Duration) -> Self {
        Options {
            cleanup_grace: Some(grace),
            ..self
        }
    }

    /// Under grading, tells `report` when this capture hangs.
    pub fn reporting_hangs(self, report: fn(&str, Hang)) -> Self {
        Options {
            report_hang: Some(report),
            ..self
        }
    }

    /// Reads the executor's thread through `meter`.
    pub fn metered(self, meter: Meter) -> Self {
        Options {
            meter: Some(meter),
            ..self
        }
    }
}

impl From<Duration> for Options {
    fn from(limit: Duration) -> Self {
        Options::within(limit)
    }
}

/// What the operating system says of one thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThreadUsage {
    /// CPU time the thread has used.
    pub cpu: Duration,
    /// Times it went to sleep on its own (a blocking call), not preempted.
    pub voluntary_switches: u64,
}

/// Reads threads' usage; `timeline_check` provides one (`getrusage`, thread CPU clocks),
/// this crate has no system calls of its own. Every function answers `None` when it
/// cannot.
#[derive(Debug, Clone, Copy)]
pub struct Meter {
    /// The calling thread's usage.
    pub this_thread: fn() -> Option<ThreadUsage>,
    /// A token for the calling thread's CPU clock, readable from another thread.
    pub cpu_clock: fn() -> Option<i64>,
    /// The CPU time of the thread whose clock `cpu_clock` gave.
    pub read_cpu_clock: fn(i64) -> Option<Duration>,
}
