//! Why a capture that ran out of real time did not finish: the class of the hang.
//!
//! When a capture passes its real-time limit, the watchdog looks at the runtime for a
//! moment ([`PROBE_TIME`]): it hands the runtime a probe task (from its own thread), reads
//! the virtual clock, and reads the CPU time of the executor's thread (when a
//! [`Meter`](crate::Meter) can). The probe runs only if the executor still takes turns
//! between polls; the CPU time says whether the thread computes or sleeps.

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

pub use timeline_evidence::Hang;

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
