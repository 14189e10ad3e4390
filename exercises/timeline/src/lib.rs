//! `timeline`: print, capture and check what async code does, on tokio's virtual clock.
//!
//! Exercises print with [`say!`] instead of `println!`. Run normally (`cargo run`), a line
//! goes to stdout at once, stamped with the time since the demo started. Inside
//! [`capture`], the same line is recorded with the *virtual* time at which it was printed,
//! on a runtime whose clock is paused: seconds of modelled time pass in microseconds, and
//! every run prints the same timeline. [`check!`] compares that timeline with a snapshot.
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
mod check;
mod demo;
mod sink;
mod transcript;

pub use capture::{Outcome, Run, WALL_LIMIT, capture};
pub use check::{CheckMode, EVIDENCE_ENV, EVIDENCE_MARK, Evidence, check_mode};
pub use demo::{PAUSED_ENV, demo};
pub use sink::{MAX_EVENTS, say};
pub use transcript::{BLOCKING_THRESHOLD, Blocking, Event, Transcript};

#[doc(hidden)]
pub use insta as __insta;

/// Prints a line of the exercise's output: live on stdout, or into the transcript while
/// [`capture`] runs. Takes the same arguments as `println!`.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say(::std::format!($($arg)*))
    };
}

/// The name of the function this macro is expanded in (the test's name).
#[doc(hidden)]
#[macro_export]
macro_rules! __function_name {
    () => {{
        fn f() {}
        fn type_name_of<T>(_: T) -> &'static str {
            ::std::any::type_name::<T>()
        }
        let mut name = type_name_of(f).strip_suffix("::f").unwrap_or("");
        while let Some(rest) = name.strip_suffix("::{{closure}}") {
            name = rest;
        }
        name.rsplit("::").next().unwrap_or(name)
    }};
}

/// Checks a [`Run`] against the test's snapshot.
///
/// When a student runs `cargo test`, this is an insta snapshot assertion named after the
/// test function (`tests/snapshots/<file>__<test>.snap`); if the code blocked the
/// executor, the diagnosis is printed first. Under the grader (`TIMELINE_EVIDENCE` set),
/// it asserts nothing and writes the run as evidence, which the grader compares with its
/// own pristine copy of the snapshot.
#[macro_export]
macro_rules! check {
    ($run:expr) => {{
        let run = &$run;
        let test = $crate::__function_name!();
        match $crate::check_mode(::std::file!(), test, run) {
            $crate::CheckMode::Snapshot(rendered) => {
                $crate::__insta::assert_snapshot!(test, rendered);
            }
            $crate::CheckMode::Recorded => {}
        }
    }};
}
