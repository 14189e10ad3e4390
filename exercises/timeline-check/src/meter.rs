//! Reading the executor's thread for the harness: CPU time, voluntary sleeps, and a CPU
//! clock another thread can read ([`timeline::Meter`]). The `timeline` crate has no system
//! calls of its own; these three are plain reads of the kernel's accounting, the only
//! `unsafe` code besides the constructor's link sections, each a single FFI call on
//! memory owned here.

use std::time::Duration;

use timeline::{Meter, ThreadUsage};

/// The meter `capture` gives every run, where the platform has one.
pub(crate) fn meter() -> Option<Meter> {
    #[cfg(target_os = "linux")]
    {
        Some(Meter {
            this_thread: linux::this_thread,
            cpu_clock: linux::cpu_clock,
            read_cpu_clock: linux::read_cpu_clock,
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(target_os = "linux")]
#[allow(unsafe_code)] // FFI reads of the kernel's accounting, see the module's docs.
mod linux {
    use super::*;

    fn duration(time: libc::timeval) -> Duration {
        Duration::from_secs(time.tv_sec.max(0) as u64)
            + Duration::from_micros(time.tv_usec.max(0) as u64)
    }

    /// `getrusage(RUSAGE_THREAD)`: the calling thread's CPU time and voluntary switches.
    pub(super) fn this_thread() -> Option<ThreadUsage> {
        // SAFETY: `rusage` is plain data, zeroed is a valid value, and the kernel writes
        // only into it.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: a valid pointer to a `rusage` owned by this frame.
        let done = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
        (done == 0).then(|| ThreadUsage {
            cpu: duration(usage.ru_utime) + duration(usage.ru_stime),
            voluntary_switches: usage.ru_nvcsw.max(0) as u64,
        })
    }

    /// The calling thread's CPU clock (`pthread_getcpuclockid`).
    pub(super) fn cpu_clock() -> Option<i64> {
        let mut clock: libc::clockid_t = 0;
        // SAFETY: `pthread_self` is always valid for the calling thread; `clock` is owned
        // by this frame.
        let done = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
        (done == 0).then_some(i64::from(clock))
    }

    /// Reads a CPU clock `cpu_clock` gave (`None` once its thread has ended).
    pub(super) fn read_cpu_clock(clock: i64) -> Option<Duration> {
        let clock = libc::clockid_t::try_from(clock).ok()?;
        let mut time = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `time` is owned by this frame; an invalid clock only makes it fail.
        let done = unsafe { libc::clock_gettime(clock, &mut time) };
        (done == 0).then(|| {
            Duration::from_secs(time.tv_sec.max(0) as u64)
                + Duration::from_nanos(time.tv_nsec.max(0) as u64)
        })
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_sleep_is_a_voluntary_switch_and_a_loop_is_cpu_time() {
        let meter = meter().unwrap();
        let before = (meter.this_thread)().unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let slept = (meter.this_thread)().unwrap();
        assert!(slept.voluntary_switches > before.voluntary_switches);
        let clock = (meter.cpu_clock)().unwrap();
        let start = (meter.read_cpu_clock)(clock).unwrap();
        let spin = std::time::Instant::now();
        while spin.elapsed() < Duration::from_millis(30) {
            std::hint::spin_loop();
        }
        let spent = (meter.read_cpu_clock)(clock).unwrap() - start;
        assert!(spent >= Duration::from_millis(1), "{spent:?}");
        let after = (meter.this_thread)().unwrap();
        assert!(after.cpu > slept.cpu);
    }
}
