//! What a run printed, when, and where it blocked the executor.

use std::fmt;
use std::time::Duration;

use crate::ties::{self, Ties};

/// Real time spent between two lines beyond which the executor counts as blocked.
///
/// On a paused clock, waiting costs no real time at all (a modelled second takes a few
/// microseconds), so a stretch this long means a thread sat in blocking code. Used only
/// for the diagnosis shown to a student, never to decide a verdict.
pub const BLOCKING_THRESHOLD: Duration = Duration::from_millis(100);

/// One printed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Virtual time since the capture started.
    pub at: Duration,
    /// Real (wall-clock) time since the capture started.
    pub wall: Duration,
    /// The line as printed.
    pub text: String,
}

impl Event {
    /// The line as rendered in a transcript: `[  1.000s] text`.
    pub fn render(&self) -> String {
        stamp(self.at, &self.text)
    }
}

/// Formats a line with its time stamp, right-aligned to the millisecond (the resolution of
/// tokio's timer).
pub(crate) fn stamp(at: Duration, text: &str) -> String {
    format!("[{:>7.3}s] {text}", at.as_secs_f64())
}

/// Everything a run printed, in order, plus when it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    /// The printed lines in the order they were printed.
    pub events: Vec<Event>,
    /// Lines printed beyond the recording limit, not kept.
    pub dropped: usize,
    /// Virtual time when the run ended (finished, panicked or hit its limit).
    pub end_at: Duration,
    /// Real time when the run ended.
    pub end_wall: Duration,
}

impl Transcript {
    /// One line per event, in the order they were printed.
    pub fn render(&self) -> String {
        self.render_with(Ties::AsPrinted)
    }

    /// One line per event, the lines of one instant in the order `ties` says: with
    /// [`Ties::Sorted`], the same for every order of same-instant lines, ready for a
    /// snapshot.
    pub fn render_with(&self, ties: Ties) -> String {
        let mut lines: Vec<String> = self.events.iter().map(Event::render).collect();
        if ties == Ties::Sorted {
            ties::sort_ties(&mut lines);
        }
        if self.dropped > 0 {
            lines.push(format!("[... {} more lines not recorded]", self.dropped));
        }
        lines.join("\n")
    }

    /// The first stretch of real time of at least [`BLOCKING_THRESHOLD`] between two
    /// consecutive points of the run (its start, each line, its end), with the number and
    /// total of all such stretches.
    pub fn blocking(&self) -> Option<Blocking> {
        let start = (Duration::ZERO, Duration::ZERO, None);
        let lines = self.events.iter().map(|e| (e.at, e.wall, Some(e)));
        let end = (self.end_at, self.end_wall, None);
        let points: Vec<_> = std::iter::once(start).chain(lines).chain([end]).collect();
        let stretches: Vec<Blocking> = points
            .windows(2)
            .map(|pair| Blocking {
                before: pair[0].2.cloned(),
                after: pair[1].2.cloned(),
                wall: pair[1].1.saturating_sub(pair[0].1),
                virtual_time: pair[1].0.saturating_sub(pair[0].0),
                total: Duration::ZERO,
                count: 1,
            })
            .filter(|b| b.wall >= BLOCKING_THRESHOLD)
            .collect();
        // The first stretch, not the longest: equal stretches (a blocking sleep in a loop)
        // differ by noise, and the first is where a student should look anyway.
        let total = stretches.iter().map(|b| b.wall).sum();
        let count = stretches.len();
        let first = stretches.into_iter().next()?;
        Some(Blocking {
            total,
            count,
            ..first
        })
    }
}

/// A stretch of real time in which the run made no progress on the virtual clock's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocking {
    /// The line printed just before the stretch (`None`: the start of the run).
    pub before: Option<Event>,
    /// The line printed just after it (`None`: the end of the run).
    pub after: Option<Event>,
    /// Real time the stretch took.
    pub wall: Duration,
    /// Virtual time that passed in the same stretch.
    pub virtual_time: Duration,
    /// Real time of every such stretch of the run together.
    pub total: Duration,
    /// How many such stretches the run had.
    pub count: usize,
}

impl fmt::Display for Blocking {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let point = |e: &Option<Event>, edge: &str| match e {
            Some(e) => format!("`{}`", e.render()),
            None => edge.to_string(),
        };
        write!(
            f,
            "your code blocked for {:.1} s of real time between {} and {}",
            self.wall.as_secs_f64(),
            point(&self.before, "the start"),
            point(&self.after, "the end"),
        )?;
        if self.virtual_time.is_zero() {
            write!(f, ", while the virtual clock stood still")?;
        }
        if self.count > 1 {
            write!(
                f,
                " (the first of {} such stretches, {:.1} s in all)",
                self.count,
                self.total.as_secs_f64()
            )?;
        }
        write!(
            f,
            ". On a paused clock waiting costs no real time, so a thread was stuck in blocking \
             code (std::thread::sleep, blocking I/O, a long computation). On the executor that \
             freezes every task; inside spawn_blocking it does not move the clock either. To \
             wait, await tokio::time::sleep; to run blocking work, use spawn_blocking."
        )
    }
}
