//! Running a future on a paused clock and recording what it printed.

use std::fmt::Debug;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::hang::Probe;
use crate::leftovers::Leftovers;
use crate::options::Options;
use crate::sink::{self, Recorder};
use crate::stall::{BLOCKED_LIMIT, StallMeter};
use crate::ties::Ties;
use crate::transcript::{Event, Transcript};
use crate::watchdog::{self, Watchdog};

/// How a captured future ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// It returned this value.
    Returned(T),
    /// It panicked with this message (`todo!()` says "not yet implemented").
    Panicked(String),
    /// It was still running when the virtual-time limit passed.
    TimedOut {
        /// The limit it was given.
        limit: Duration,
    },
}

/// The result of [`capture`]: how the future ended and what it printed on the way.
#[derive(Debug, Clone)]
pub struct Run<T> {
    /// How the future ended.
    pub outcome: Outcome<T>,
    /// The lines it printed, with their virtual and real times (up to its return when
    /// the test expects cleanup: the lines after it are in `leftovers`).
    pub transcript: Transcript,
    /// How [`Run::render`] orders lines printed at the same instant: sorted by text unless
    /// the test declared their order ([`Run::in_printed_order`]).
    pub ties: Ties,
    /// Real time the executor's thread was held inside polls, in all (see
    /// [`crate::BLOCKED_LIMIT`]): blocking calls and long computations on the executor.
    pub executor_held: Duration,
    /// Whether the test forbids blocking ([`Options::forbid_blocking`]).
    pub blocking_forbidden: bool,
    /// The grace period after the return, when the test expects cleanup
    /// ([`Options::expect_cleanup`]).
    pub cleanup_grace: Option<Duration>,
    /// What was left after the return, when the test expects cleanup and the future
    /// returned.
    pub leftovers: Option<Leftovers>,
}

impl<T> Run<T> {
    /// The value the future returned, if it did.
    pub fn value(&self) -> Option<&T> {
        match &self.outcome {
            Outcome::Returned(value) => Some(value),
            _ => None,
        }
    }

    /// Declares that the order of lines printed at the same virtual instant is part of
    /// what the test checks: [`Run::render`] then shows them as printed rather than
    /// sorted. Only for an order the lesson's README teaches (or one the test itself
    /// prints, step by step); `check!(run.in_printed_order())`.
    pub fn in_printed_order(self) -> Self {
        Run {
            ties: Ties::AsPrinted,
            ..self
        }
    }

    /// Real time the whole run took (building the runtime and shutting it down included).
    pub fn wall(&self) -> Duration {
        self.transcript.end_wall
    }

    /// Whether the run blocked its executor for [`BLOCKED_LIMIT`] or more in all.
    pub fn blocked(&self) -> bool {
        self.executor_held >= BLOCKED_LIMIT
    }

    /// The lines the checks the test asked for add to the rendered run (none when all is
    /// well): `!! the executor was blocked ...`, then what was left after the return.
    pub fn findings(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.blocking_forbidden && self.blocked() {
            lines.push(BLOCKED_LINE.to_string());
        }
        if let Some(leftovers) = &self.leftovers {
            lines.extend(leftovers.render());
        }
        lines
    }
}

/// What a run that blocked its executor renders, in a test that forbids it: stable, with no
/// measured number, so the student's snapshot comparison and the grader agree.
pub const BLOCKED_LINE: &str = "!! the executor was blocked: real time passed inside a poll \
     while the virtual clock stood still (a blocking call or a long computation on the executor)";

impl<T: Debug> Run<T> {
    /// The transcript followed by how the run ended: the text a snapshot pins. Lines
    /// printed at the same instant are sorted by text unless the test declared their
    /// order ([`Run::in_printed_order`]).
    ///
    /// ```text
    /// [  0.000s] tick
    /// [  1.000s] tick
    /// => returned after 1.250s: ()
    /// ```
    pub fn render(&self) -> String {
        let end = self.transcript.end_at.as_secs_f64();
        let last = match &self.outcome {
            Outcome::Returned(value) => format!("=> returned after {end:.3}s: {value:?}"),
            Outcome::Panicked(message) => format!("=> panicked after {end:.3}s: {message}"),
            Outcome::TimedOut { limit } => format!(
                "=> did not finish within {:.3}s of virtual time",
                limit.as_secs_f64()
            ),
        };
        let lines = self.transcript.render_with(self.ties);
        let mut all: Vec<String> = Vec::new();
        if !lines.is_empty() {
            all.push(lines);
        }
        all.push(last);
        all.extend(self.findings());
        all.join("\n")
    }
}

/// Runs `future` to completion on a fresh `current_thread` runtime whose clock starts
/// paused, and records every line printed with [`say!`](crate::say!) meanwhile.
///
/// While every task waits, the paused clock jumps straight to the next timer, so a run
/// modelling minutes takes milliseconds and prints the same timeline every time. A future
/// still running after `limit` of virtual time is stopped ([`Outcome::TimedOut`]); a panic
/// becomes [`Outcome::Panicked`]. The runtime is shut down before the transcript is read,
/// so lines printed by `Drop` of tasks still alive at the end are included.
///
/// `options` is a virtual-time limit (a `Duration`) or [`Options`] with the checks the
/// lesson asks for: blocking forbidden, cleanup expected within a grace period.
pub fn capture<F>(options: impl Into<Options>, future: F) -> Run<F::Output>
where
    F: Future,
{
    let options = options.into();
    let limit = options.limit;
    // The generic part is only this wrapper: the runtime, the clock and the recording run
    // in `capture_boxed`, compiled once rather than once per test (the grader builds
    // every student's tests into one binary, so this halves its build time).
    let mut value = None;
    let captured = capture_boxed(
        &options,
        Box::pin(async {
            value = Some(future.await);
        }),
    );
    let ended = captured.ended;
    let outcome = match (ended, value) {
        (Ended::Finished, Some(value)) => Outcome::Returned(value),
        (Ended::Panicked(message), _) => Outcome::Panicked(message),
        (Ended::TimedOut, _) | (Ended::Finished, None) => Outcome::TimedOut { limit },
    };
    let leftovers = match outcome {
        Outcome::Returned(_) => captured.leftovers,
        _ => None,
    };
    Run {
        outcome,
        transcript: captured.transcript,
        executor_held: captured.executor_held,
        blocking_forbidden: options.forbid_blocking,
        cleanup_grace: options.cleanup_grace,
        leftovers,
        ties: Ties::default(),
    }
}

/// How the boxed future of a capture ended.
enum Ended {
    Finished,
    TimedOut,
    Panicked(String),
}

/// What the non-generic part of a capture found.
struct Captured {
    ended: Ended,
    transcript: Transcript,
    executor_held: Duration,
    leftovers: Option<Leftovers>,
}

/// What the future under test left when it returned: where its lines end, and the time.
struct Returned {
    at: Duration,
    lines: usize,
}

fn capture_boxed(options: &Options, future: Pin<Box<dyn Future<Output = ()> + '_>>) -> Captured {
    let recorder = Arc::new(Recorder::new());
    let _installed = sink::install(Arc::clone(&recorder));
    watchdog::refuse_if_hung_before();
    let watchdog = Watchdog::start(options.report_hang);
    let stall = Arc::new(StallMeter::new(options.meter));
    let runtime = build_runtime(&recorder, &stall);
    watchdog.watch(Probe {
        handle: runtime.handle().clone(),
        cpu: options
            .meter
            .and_then(|meter| Some((meter, (meter.cpu_clock)()?))),
    });

    let outcome = catch_unwind(AssertUnwindSafe(|| {
        runtime.block_on(async {
            recorder.set_origin();
            stall.busy();
            let ended = tokio::time::timeout(options.limit, future).await;
            let returned = Returned {
                at: recorder.now(),
                lines: recorder.len(),
            };
            let left = match (&ended, options.cleanup_grace) {
                (Ok(()), Some(grace)) => Some(linger(grace).await),
                _ => None,
            };
            stall.idle();
            (ended, returned, left)
        })
    }));
    // Read the clock where it is visible: inside the runtime's context.
    let end_at = {
        let _context = runtime.enter();
        recorder.now()
    };
    let end_wall = recorder.wall();
    // Shutting down drops the tasks still alive; their `Drop` may print. A panic there is
    // reported by the panic hook and otherwise ignored: the outcome is already known.
    let _ = catch_unwind(AssertUnwindSafe(|| drop(runtime)));
    drop(watchdog);

    let (mut events, dropped) = recorder.take_events();
    let (ended, end_at, leftovers) = match outcome {
        Ok((Ok(()), returned, left)) => {
            let leftovers = left.map(|(grace, tasks)| Leftovers {
                grace,
                printed: split_after(&mut events, returned.lines),
                tasks,
                jobs: recorder.jobs_running(),
            });
            (Ended::Finished, returned.at, leftovers)
        }
        Ok((Err(_elapsed), _, _)) => (Ended::TimedOut, end_at, None),
        Err(payload) => (
            Ended::Panicked(panic_message(payload.as_ref())),
            end_at,
            None,
        ),
    };
    Captured {
        ended,
        transcript: Transcript {
            events,
            dropped,
            end_at,
            end_wall,
        },
        executor_held: stall.held(),
        leftovers,
    }
}

/// A paused-clock runtime that records into `recorder` on every thread it starts and
/// tells `stall` when its executor parks and unparks.
fn build_runtime(recorder: &Arc<Recorder>, stall: &Arc<StallMeter>) -> tokio::runtime::Runtime {
    let for_threads = Arc::clone(recorder);
    let (parks, unparks) = (Arc::clone(stall), Arc::clone(stall));
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .on_thread_start(move || sink::install_for_thread(Arc::clone(&for_threads)))
        .on_thread_park(move || parks.idle())
        .on_thread_unpark(move || unparks.busy())
        .build()
        .expect("timeline: could not build a tokio runtime")
}

/// Lets whatever the code under test left behind run for `grace` of virtual time; then
/// the grace and the number of tasks still alive on the runtime (the harness runs none of
/// its own: the future under test is polled by `block_on`, not spawned).
async fn linger(grace: Duration) -> (Duration, usize) {
    tokio::time::sleep(grace).await;
    let alive = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    (grace, alive)
}

/// The events from index `from` on, taken out of `events`.
fn split_after(events: &mut Vec<Event>, from: usize) -> Vec<Event> {
    events.split_off(from.min(events.len()))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(a panic with a non-text payload)".to_string()
    }
}
