//! Where a printed line goes: into the transcript of the current capture, or to stdout.
//!
//! A capture installs its recorder in a thread-local on the thread that drives the
//! runtime and on every blocking-pool thread the runtime starts. A `current_thread`
//! runtime polls every task on the driving thread, so lines printed from spawned tasks,
//! from `spawn_blocking` jobs and from `Drop` during shutdown all reach the recorder. A
//! `task_local!` would not work: `tokio::spawn` does not inherit it.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use crate::transcript::Event;

thread_local! {
    static RECORDER: RefCell<Option<Arc<Recorder>>> = const { RefCell::new(None) };
}

/// Receives the lines printed during one capture.
#[derive(Debug)]
pub(crate) struct Recorder {
    /// Wall-clock start, to measure real time spent between lines (blocking diagnosis).
    wall_start: std::time::Instant,
    state: Mutex<State>,
    /// Blocking jobs handed out through [`job`] not yet run to their end nor dropped.
    jobs_running: AtomicUsize,
}

#[derive(Debug, Default)]
struct State {
    /// The virtual instant the capture started at; set once the runtime exists.
    origin: Option<tokio::time::Instant>,
    /// The latest virtual time seen, used when a line is printed outside the runtime.
    latest: Duration,
    events: Vec<Event>,
    /// Lines printed after [`MAX_EVENTS`] were recorded.
    dropped: usize,
}

/// Lines recorded per capture at most: a runaway loop must not eat the machine's memory.
pub const MAX_EVENTS: usize = 10_000;

impl Recorder {
    pub(crate) fn new() -> Self {
        Self {
            wall_start: std::time::Instant::now(),
            state: Mutex::new(State::default()),
            jobs_running: AtomicUsize::new(0),
        }
    }

    /// How many lines were recorded so far.
    pub(crate) fn len(&self) -> usize {
        self.state().events.len()
    }

    /// Blocking jobs of [`job`] not yet run to their end nor dropped.
    pub(crate) fn jobs_running(&self) -> usize {
        self.jobs_running.load(Ordering::SeqCst)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave `State` half-written in a way that
        // matters here, so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts the virtual clock of this capture. Call from inside the runtime.
    pub(crate) fn set_origin(&self) {
        self.state().origin = Some(tokio::time::Instant::now());
    }

    /// Virtual time since the origin. Outside the runtime (no clock to read) the latest
    /// time seen stands in.
    pub(crate) fn now(&self) -> Duration {
        let mut state = self.state();
        let in_runtime = tokio::runtime::Handle::try_current().is_ok();
        if let (Some(origin), true) = (state.origin, in_runtime) {
            let now = tokio::time::Instant::now().saturating_duration_since(origin);
            state.latest = state.latest.max(now);
        }
        state.latest
    }

    pub(crate) fn wall(&self) -> Duration {
        self.wall_start.elapsed()
    }

    fn record(&self, text: String) {
        let at = self.now();
        let wall = self.wall();
        let mut state = self.state();
        if state.events.len() < MAX_EVENTS {
            state.events.push(Event { at, wall, text });
        } else {
            state.dropped += 1;
        }
    }

    /// The recorded lines and how many more were printed but not kept.
    pub(crate) fn take_events(&self) -> (Vec<Event>, usize) {
        let mut state = self.state();
        (
            std::mem::take(&mut state.events),
            std::mem::take(&mut state.dropped),
        )
    }
}

/// Routes `say!` on the current thread to `recorder` until the guard is dropped.
pub(crate) fn install(recorder: Arc<Recorder>) -> InstallGuard {
    let previous = RECORDER.with(|slot| slot.borrow_mut().replace(recorder));
    InstallGuard { previous }
}

/// Restores whatever recorder the thread had before (usually none).
#[derive(Debug)]
pub(crate) struct InstallGuard {
    previous: Option<Arc<Recorder>>,
}

impl Drop for InstallGuard {
    fn drop(&mut self) {
        let previous = self.previous.take();
        RECORDER.with(|slot| *slot.borrow_mut() = previous);
    }
}

/// Installs `recorder` on a runtime-owned thread for the thread's whole life.
pub(crate) fn install_for_thread(recorder: Arc<Recorder>) {
    RECORDER.with(|slot| *slot.borrow_mut() = Some(recorder));
}

/// When the live output started: the first `say!` or the start of [`crate::demo`].
static LIVE_ORIGIN: OnceLock<tokio::time::Instant> = OnceLock::new();

pub(crate) fn start_live_clock() {
    LIVE_ORIGIN.get_or_init(tokio::time::Instant::now);
}

/// Prints one line of output. Use the [`say!`](crate::say!) macro, which formats like
/// `println!`.
///
/// Inside [`capture`](crate::capture) the line is recorded with its virtual time; anywhere
/// else it is printed to stdout at once as `[  1.000s] text`, the time counted from the
/// start of the demo.
pub fn say(text: String) {
    let recorder = RECORDER.with(|slot| slot.borrow().clone());
    match recorder {
        Some(recorder) => recorder.record(text),
        None => {
            let origin = *LIVE_ORIGIN.get_or_init(tokio::time::Instant::now);
            let elapsed = tokio::time::Instant::now().saturating_duration_since(origin);
            println!("{}", crate::transcript::stamp(elapsed, &text));
        }
    }
}

/// Wraps a blocking job a test hands to the code under test, so that the capture running
/// now counts it from this call until the job has run (or a panic ended it) or was
/// dropped unrun: a job still held or running after the return is rendered when the test
/// expects cleanup. Counting from the hand-out, not from the job's start, keeps the count
/// independent of when a thread gets to run it. Outside a capture the job is returned as
/// it is, uncounted.
pub fn job<T>(job: impl FnOnce() -> T + Send + 'static) -> impl FnOnce() -> T + Send + 'static {
    let running = RECORDER.with(|slot| slot.borrow().clone()).map(|recorder| {
        recorder.jobs_running.fetch_add(1, Ordering::SeqCst);
        Running(recorder)
    });
    move || {
        let _running = running;
        job()
    }
}

/// Counts a job as outstanding until dropped.
struct Running(Arc<Recorder>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.jobs_running.fetch_sub(1, Ordering::SeqCst);
    }
}
