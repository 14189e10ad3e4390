//! Running a future on a paused clock and recording what it printed.

use std::fmt::Debug;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::sink::{self, Recorder};
use crate::ties::Ties;
use crate::transcript::Transcript;
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
    /// The lines it printed, with their virtual and real times.
    pub transcript: Transcript,
    /// How [`Run::render`] orders lines printed at the same instant: sorted by text unless
    /// the test declared their order ([`Run::in_printed_order`]).
    pub ties: Ties,
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
}

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
        if lines.is_empty() {
            last
        } else {
            format!("{lines}\n{last}")
        }
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
pub fn capture<F>(limit: Duration, future: F) -> Run<F::Output>
where
    F: Future,
{
    // The generic part is only this wrapper: the runtime, the clock and the recording run
    // in `capture_boxed`, compiled once rather than once per test (the grader builds
    // every student's tests into one binary, so this halves its build time).
    let mut value = None;
    let (ended, transcript) = capture_boxed(
        limit,
        Box::pin(async {
            value = Some(future.await);
        }),
    );
    let outcome = match (ended, value) {
        (Ended::Finished, Some(value)) => Outcome::Returned(value),
        (Ended::Panicked(message), _) => Outcome::Panicked(message),
        (Ended::TimedOut, _) | (Ended::Finished, None) => Outcome::TimedOut { limit },
    };
    Run {
        outcome,
        transcript,
        ties: Ties::default(),
    }
}

/// How the boxed future of a capture ended.
enum Ended {
    Finished,
    TimedOut,
    Panicked(String),
}

fn capture_boxed(
    limit: Duration,
    future: Pin<Box<dyn Future<Output = ()> + '_>>,
) -> (Ended, Transcript) {
    let recorder = Arc::new(Recorder::new());
    let _installed = sink::install(Arc::clone(&recorder));
    watchdog::refuse_if_hung_before();
    let _watchdog = Watchdog::start();

    let for_threads = Arc::clone(&recorder);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .on_thread_start(move || sink::install_for_thread(Arc::clone(&for_threads)))
        .build()
        .expect("timeline: could not build a tokio runtime");

    let outcome = catch_unwind(AssertUnwindSafe(|| {
        runtime.block_on(async {
            recorder.set_origin();
            tokio::time::timeout(limit, future).await
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

    let ended = match outcome {
        Ok(Ok(())) => Ended::Finished,
        Ok(Err(_elapsed)) => Ended::TimedOut,
        Err(payload) => Ended::Panicked(panic_message(payload.as_ref())),
    };
    let (events, dropped) = recorder.take_events();
    let transcript = Transcript {
        events,
        dropped,
        end_at,
        end_wall,
    };
    (ended, transcript)
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
