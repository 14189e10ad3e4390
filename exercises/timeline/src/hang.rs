//! Why a capture that ran out of real time did not finish: the class of the hang.
//!
//! When a capture passes its real-time limit, the watchdog looks at the runtime for a
//! moment ([`PROBE_TIME`]): it hands the runtime a probe task (from its own thread), reads
//! the virtual clock, and reads the CPU time of the executor's thread (when a
//! [`Meter`](crate::Meter) can). The probe runs only if the executor still takes turns
//! between polls; the CPU time says whether the thread computes or sleeps.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::options::Meter;

/// Real time the watchdog watches a hung runtime before it names the class.
pub const PROBE_TIME: Duration = Duration::from_millis(300);

/// Share of [`PROBE_TIME`] the executor's thread must spend on a CPU to count as busy. A
/// thread in a loop is always runnable and gets its share of a core even on a machine
/// loaded ten times over; a thread in a blocking call uses next to nothing.
const BUSY_SHARE: f64 = 0.02;

/// How a hung capture was stuck. The codes ([`Hang::code`]) are stable: evidence,
/// results and feedback use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Hang {
    /// (a) The executor was stuck inside one poll, its thread computing: a loop that
    /// never reaches an `.await`.
    BusyLoop,
    /// (b) The executor was stuck inside one poll, its thread asleep: a blocking call
    /// (`std::thread::sleep`, a blocking lock, channel or I/O, joining a thread) that never
    /// returned.
    BlockingCall,
    /// (c) The executor kept polling but the virtual clock never advanced: tasks wake
    /// themselves at once (a `yield_now` loop, a future or stream that wakes itself and
    /// returns `Pending`), so the runtime is never idle and the paused clock never jumps.
    SelfWaking,
    /// The executor was idle but the virtual clock held still: a `spawn_blocking` job
    /// (which holds the paused clock while it runs) never finished.
    BlockingJob,
    /// The virtual clock kept moving: the code makes progress, but needs too much real
    /// time per step (a heavy computation between `.await`s).
    Slow,
    /// Stuck inside one poll; whether computing or asleep could not be read.
    StuckInPoll,
}

impl Hang {
    /// Every class, in declaration order.
    pub const ALL: [Hang; 6] = [
        Hang::BusyLoop,
        Hang::BlockingCall,
        Hang::SelfWaking,
        Hang::BlockingJob,
        Hang::Slow,
        Hang::StuckInPoll,
    ];

    /// The stable code: `busy_loop`, `blocking_call`, `self_waking`, `blocking_job`,
    /// `slow`, `stuck_in_poll`.
    pub fn code(self) -> &'static str {
        match self {
            Hang::BusyLoop => "busy_loop",
            Hang::BlockingCall => "blocking_call",
            Hang::SelfWaking => "self_waking",
            Hang::BlockingJob => "blocking_job",
            Hang::Slow => "slow",
            Hang::StuckInPoll => "stuck_in_poll",
        }
    }

    /// The class of a code ([`Hang::code`]).
    pub fn from_code(code: &str) -> Option<Hang> {
        Hang::ALL.into_iter().find(|hang| hang.code() == code)
    }
}

impl fmt::Display for Hang {
    /// What was seen and where to look, for a student.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Hang::BusyLoop => {
                "the executor was stuck inside one poll, computing: a loop that never reaches \
                 `.await` keeps every task (and the clock) from moving. Look for such a loop"
            }
            Hang::BlockingCall => {
                "the executor was stuck inside one poll, asleep: a blocking call \
                 (std::thread::sleep, a blocking lock, channel or I/O, joining a thread) never \
                 returned. Await the async version instead"
            }
            Hang::SelfWaking => {
                "the executor kept polling but the virtual clock never advanced: tasks wake \
                 themselves at once (a `yield_now` loop, a future or stream that wakes itself \
                 and returns `Pending`), so the runtime is never idle and the paused clock never \
                 jumps. Wait on a timer or a channel instead of waking yourself"
            }
            Hang::BlockingJob => {
                "the executor was idle but the virtual clock held still: a `spawn_blocking` \
                 job holds the paused clock while it runs, and one never finished"
            }
            Hang::Slow => {
                "the virtual clock kept moving, too slowly: the code needs too much real time \
                 per step (a heavy computation between `.await`s)"
            }
            Hang::StuckInPoll => {
                "the executor was stuck inside one poll: a loop that never reaches `.await`, \
                 or a blocking call that never returns"
            }
        })
    }
}

/// What the watchdog needs to look at a runtime from its own thread.
#[derive(Debug, Clone)]
pub(crate) struct Probe {
    /// The runtime under watch.
    pub(crate) handle: tokio::runtime::Handle,
    /// The executor thread's CPU clock, and how to read it.
    pub(crate) cpu: Option<(Meter, i64)>,
}

impl Probe {
    /// Watches the runtime for [`PROBE_TIME`] and names the class.
    pub(crate) fn classify(&self) -> Hang {
        let clock = || {
            let _context = self.handle.enter();
            tokio::time::Instant::now()
        };
        let cpu = || {
            self.cpu
                .and_then(|(meter, clock)| (meter.read_cpu_clock)(clock))
        };
        let (clock_before, cpu_before, start) = (clock(), cpu(), Instant::now());
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        drop(
            self.handle
                .spawn(async move { flag.store(true, Ordering::SeqCst) }),
        );
        std::thread::sleep(PROBE_TIME);
        let (clock_after, cpu_after) = (clock(), cpu());
        let busy = match (cpu_before, cpu_after) {
            (Some(before), Some(after)) => Some(
                after.saturating_sub(before).as_secs_f64()
                    >= BUSY_SHARE * start.elapsed().as_secs_f64(),
            ),
            _ => None,
        };
        name(ran.load(Ordering::SeqCst), clock_after > clock_before, busy)
    }
}

/// The class from what was seen: whether the probe task ran, whether the virtual clock
/// moved, whether the executor's thread used the CPU (`None`: unknown).
fn name(probe_ran: bool, clock_moved: bool, busy: Option<bool>) -> Hang {
    match (probe_ran, clock_moved, busy) {
        (false, _, Some(true)) => Hang::BusyLoop,
        (false, _, Some(false)) => Hang::BlockingCall,
        (false, _, None) => Hang::StuckInPoll,
        (true, true, _) => Hang::Slow,
        (true, false, Some(false)) => Hang::BlockingJob,
        (true, false, _) => Hang::SelfWaking,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for hang in Hang::ALL {
            assert_eq!(Hang::from_code(hang.code()), Some(hang));
        }
        assert_eq!(Hang::from_code("nope"), None);
    }

    #[test]
    fn the_class_follows_from_what_was_seen() {
        assert_eq!(name(false, false, Some(true)), Hang::BusyLoop);
        assert_eq!(name(false, false, Some(false)), Hang::BlockingCall);
        assert_eq!(name(false, false, None), Hang::StuckInPoll);
        assert_eq!(name(true, false, Some(true)), Hang::SelfWaking);
        assert_eq!(name(true, false, None), Hang::SelfWaking);
        assert_eq!(name(true, false, Some(false)), Hang::BlockingJob);
        assert_eq!(name(true, true, Some(true)), Hang::Slow);
    }
}
