//! A progress bar on a terminal: a spinner while a batch builds, then a bar of the
//! batch's (student, lesson) pairs judged; the plain lines print above it. Off a terminal
//! the bar is hidden and the plain lines are all there is.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Event, plain};

const BUILDING: &str = "{spinner} {msg} [{elapsed}]";
const TESTING: &str = "{spinner} testing [{bar:30}] {pos}/{len} student-exercises [{elapsed}]";

/// The bar.
#[derive(Debug)]
pub struct Terminal {
    bar: ProgressBar,
}

impl Terminal {
    /// A bar on stderr (drawn only on a terminal).
    pub fn new() -> Terminal {
        let bar = ProgressBar::new(0);
        bar.enable_steady_tick(Duration::from_millis(120));
        Terminal { bar }
    }

    /// The bar `bar` (hidden in tests).
    pub fn with_bar(bar: ProgressBar) -> Terminal {
        Terminal { bar }
    }

    /// Prints lines above the bar.
    pub fn print(&self, lines: &[String]) {
        if !lines.is_empty() {
            self.bar.suspend(|| super::print_lines(lines));
        }
    }

    /// Shows an event: lines above the bar, the bar moved on.
    pub fn show(&self, event: Event<'_>) {
        self.print(&lines(event, self.bar.is_hidden()));
        match event {
            Event::Building { size } => {
                self.bar
                    .set_style(ProgressStyle::with_template(BUILDING).expect("valid template"));
                self.bar
                    .set_message(format!("building {size} submission(s)"));
            }
            Event::Judged { total, .. } => {
                if self.bar.length() != Some(total as u64) {
                    self.bar
                        .set_style(ProgressStyle::with_template(TESTING).expect("valid template"));
                    self.bar.set_length(total as u64);
                    self.bar.set_position(0);
                }
                self.bar.inc(1);
            }
            _ => {}
        }
    }

    /// The bar, position and length (for tests).
    pub fn position(&self) -> (u64, Option<u64>) {
        (self.bar.position(), self.bar.length())
    }

    /// Clears the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Default for Terminal {
    fn default() -> Self {
        Terminal::new()
    }
}

/// The lines an event prints above the bar: the plain ones, but for the start of a build,
/// which the bar shows itself when it is drawn.
pub fn lines(event: Event<'_>, hidden: bool) -> Vec<String> {
    match event {
        Event::Building { .. } if !hidden => Vec::new(),
        _ => plain::lines(event),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::verdict::{ExerciseVerdict, Fate};

    #[test]
    fn the_bar_counts_the_batch_s_verdicts() {
        let terminal = Terminal::with_bar(ProgressBar::hidden());
        let verdict = ExerciseVerdict {
            slug: "01-tick-file-watch".into(),
            tests: Vec::new(),
            fate: Fate::Ran,
        };
        let judged = Event::Judged {
            total: 3,
            student: "alice",
            verdict: &verdict,
        };
        terminal.show(judged);
        terminal.show(judged);
        assert_eq!(terminal.position(), (2, Some(3)));
        let next_batch = Event::Judged {
            total: 5,
            student: "boris",
            verdict: &verdict,
        };
        terminal.show(next_batch);
        assert_eq!(terminal.position(), (1, Some(5)));
    }

    #[test]
    fn a_drawn_bar_shows_the_build_itself_a_hidden_one_prints_it() {
        assert!(lines(Event::Building { size: 2 }, false).is_empty());
        assert_eq!(
            lines(Event::Building { size: 2 }, true),
            ["building 2 submission(s)"]
        );
        let linked = Event::Linked {
            lesson: "02-blocking-sleep",
            students: 2,
        };
        assert_eq!(lines(linked, false), plain::lines(linked));
    }
}
