//! How long the executor's thread was held inside polls: the fact behind "the executor was
//! blocked".
//!
//! The runtime's park hooks split its thread's time into *busy* stretches (polling tasks)
//! and parks (waiting for a timer, I/O or a blocking job). On a paused clock the virtual
//! time moves only while the runtime parks, so a busy stretch is real time in which the
//! virtual clock stood still. A correct solution's busy stretches take microseconds of CPU
//! and never sleep; a blocking call sleeps inside one, a long computation burns CPU there.
//!
//! Real time alone is noisy: a process waiting for a core (16 test processes beside a
//! compile on 2 cores) stretches every busy stretch. So, where the [`Meter`] can read the
//! thread, a busy stretch counts its real time only if the thread went to sleep on its own
//! inside it (a voluntary context switch: a blocking call), and otherwise only the CPU time
//! it used, which waiting for a core does not add to. Without a meter, real time counts.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::options::{Meter, ThreadUsage};

pub use timeline_evidence::BLOCKED_LIMIT;

/// Tracks one runtime's busy stretches.
#[derive(Debug)]
pub(crate) struct StallMeter {
    meter: Option<Meter>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// When the current busy stretch began, if one is open.
    open: Option<Mark>,
    /// Held time of the stretches closed so far.
    held: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Mark {
    wall: Instant,
    usage: Option<ThreadUsage>,
}

impl StallMeter {
    pub(crate) fn new(meter: Option<Meter>) -> Self {
        StallMeter {
            meter,
            state: Mutex::new(State::default()),
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            wall: Instant::now(),
            usage: self.meter.and_then(|meter| (meter.this_thread)()),
        }
    }

    /// The executor starts polling (the run starts, or its thread unparks). Call on the
    /// executor's thread.
    pub(crate) fn busy(&self) {
        let mark = self.mark();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.open.get_or_insert(mark);
    }

    /// The executor stops polling (it parks, or the run ends). Call on the executor's
    /// thread.
    pub(crate) fn idle(&self) {
        let end = self.mark();
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(start) = state.open.take() {
            state.held += held(start, end);
        }
    }

    /// Held time in all, the open stretch not included.
    pub(crate) fn held(&self) -> Duration {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).held
    }
}

/// What one busy stretch counts: all its real time if the thread slept on its own in it
/// (or nothing can tell), else the CPU time it used.
fn held(start: Mark, end: Mark) -> Duration {
    let wall = end.wall.saturating_duration_since(start.wall);
    match (start.usage, end.usage) {
        (Some(before), Some(after)) if after.voluntary_switches == before.voluntary_switches => {
            after.cpu.saturating_sub(before.cpu)
        }
        _ => wall,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(ms: u64, cpu_ms: u64, switches: u64) -> (Instant, Mark) {
        let origin = Instant::now();
        let usage = ThreadUsage {
            cpu: Duration::from_millis(cpu_ms),
            voluntary_switches: switches,
        };
        (
            origin,
            Mark {
                wall: origin + Duration::from_millis(ms),
                usage: Some(usage),
            },
        )
    }

    #[test]
    fn a_stretch_without_a_sleep_counts_its_cpu_time_only() {
        let (_, start) = mark(0, 10, 3);
        let end = Mark {
            wall: start.wall + Duration::from_millis(900),
            ..mark(0, 12, 3).1
        };
        assert_eq!(held(start, end), Duration::from_millis(2));
    }

    #[test]
    fn a_stretch_with_a_sleep_counts_its_real_time() {
        let (_, start) = mark(0, 10, 3);
        let end = Mark {
            wall: start.wall + Duration::from_millis(900),
            ..mark(0, 10, 4).1
        };
        assert_eq!(held(start, end), Duration::from_millis(900));
    }

    #[test]
    fn without_a_meter_real_time_counts() {
        let stall = StallMeter::new(None);
        stall.busy();
        std::thread::sleep(Duration::from_millis(20));
        stall.idle();
        stall.idle();
        assert!(stall.held() >= Duration::from_millis(20));
    }
}
