//! `timeline`: print, capture and check what async code does, on tokio's virtual clock.
//!
//! Exercises print with [`say!`] instead of `println!`. Run normally (`cargo run`), a line
//! goes to stdout at once, stamped with the time since the demo started. Inside
//! [`capture`], the same line is recorded with the *virtual* time at which it was printed,
//! on a runtime whose clock is paused: seconds of modelled time pass in microseconds, and
//! every run prints the same timeline. Tests compare that timeline with a snapshot through
//! the `timeline-check` crate (its `capture` and `check!`).
//!
//! Lines printed at the same virtual instant render sorted by their text ([`Ties`]): tokio
//! promises no order among tasks that wake together, so a run is compared on which lines
//! each instant has, not their order, unless the test declares it with
//! [`Run::in_printed_order`]. A test that polls by hand calls [`settle`] before it looks.
//!
//! ```
//! use std::time::Duration;
//! use timeline::{capture, say};
//!
//! let run = capture(Duration::from_secs(10), async {
//!     say!("start");
//!     tokio::time::sleep(Duration::from_secs(2)).await;
//!     say!("done");
//!     42
//! });
//! assert_eq!(
//!     run.render(),
//!     "[  0.000s] start\n[  2.000s] done\n=> returned after 2.000s: 42"
//! );
//! ```

mod capture;
mod demo;
mod hang;
mod leftovers;
mod options;
mod settle;
mod sink;
mod stall;
mod ties;
mod transcript;
mod watchdog;

pub use capture::{BLOCKED_LINE, Outcome, Run, capture};
pub use demo::{PAUSED_ENV, demo};
pub use hang::{Hang, PROBE_TIME};
pub use leftovers::Leftovers;
pub use options::{Meter, Options, ThreadUsage};
pub use settle::{SETTLE_TURNS, settle};
pub use sink::{MAX_EVENTS, job, say};
pub use stall::BLOCKED_LIMIT;
pub use ties::{TIES_NOTE, Ties, has_ties};
pub use transcript::{BLOCKING_THRESHOLD, Blocking, Event, Transcript};
pub use watchdog::{EVIDENCE_ENV, HUNG_ENV, WALL_LIMIT, WALL_LIMIT_ENV, wall_limit};

/// Prints a line of the exercise's output: live on stdout, or into the transcript while
/// [`capture`] runs. Takes the same arguments as `println!`.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say(::std::format!($($arg)*))
    };
}
