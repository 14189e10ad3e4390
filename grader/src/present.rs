//! Presenters: how the binary shows a run's progress on stderr. The library reports
//! [`Progress`] events and prints nothing; each presenter turns events into lines, as a
//! pure function the tests call directly:
//!
//! - [`terminal`]: a progress bar, with the plain lines above it;
//! - [`plain`]: one line per lesson built and per batch graded, with counts (a CI log);
//! - [`github`]: GitHub Actions' workflow commands: a collapsible group per batch and an
//!   `::error` annotation per (student, lesson) that lost points.
//!
//! `--progress` chooses; by default GitHub Actions' when `GITHUB_ACTIONS=true`, else the
//! bar on a terminal, else plain lines.

pub mod github;
pub mod plain;
pub mod terminal;

use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;

use crate::pipeline::Progress;
use crate::pipeline::submission::Submission;
use crate::pipeline::verdict::ExerciseVerdict;

/// One thing that happened, as presenters see it.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// `--resume`: verdicts taken from the cache.
    Resuming {
        reused: usize,
        total: usize,
        cache: &'a Path,
    },
    /// Another grader run holds the build folder; this one waits.
    Waiting { dir: &'a Path },
    /// A batch of `size` submissions starts building.
    Building { size: usize },
    /// A lesson's tests are built; `students` students' tests start.
    Linked { lesson: &'a str, students: usize },
    /// One (student, lesson) pair is judged; `total` pairs in the batch.
    Judged {
        total: usize,
        student: &'a str,
        verdict: &'a ExerciseVerdict,
    },
    /// A batch is graded.
    Graded { size: usize, pairs: usize },
    /// Something went wrong that costs no verdict.
    Warning { text: &'a str },
}

/// How progress is shown (`--progress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Style {
    /// GitHub Actions' when `GITHUB_ACTIONS=true`, else a bar on a terminal, else plain.
    Auto,
    /// A progress bar (drawn only on a terminal; plain lines otherwise).
    Bar,
    /// Plain lines, for logs.
    Plain,
    /// GitHub Actions' workflow commands (groups, error annotations).
    Github,
}

impl Style {
    /// The style to use: `self`, or for `Auto` the one that suits where stderr goes.
    pub fn resolve(self, github_actions: bool, terminal: bool) -> Style {
        match self {
            Style::Auto if github_actions => Style::Github,
            Style::Auto if terminal => Style::Bar,
            Style::Auto => Style::Plain,
            chosen => chosen,
        }
    }

    /// [`Style::resolve`] for this process: `GITHUB_ACTIONS` and whether stderr is a
    /// terminal.
    pub fn for_here(self) -> Style {
        use std::io::IsTerminal as _;
        let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
        self.resolve(github, std::io::stderr().is_terminal())
    }
}

/// Shows progress on stderr in one style.
#[derive(Debug)]
pub struct Presenter {
    style: Shown,
    /// Lines to print before the first event (how the run is confined), if not yet printed:
    /// a run that fails before any work (no submissions) does not print them.
    preamble: Mutex<Vec<String>>,
}

#[derive(Debug)]
enum Shown {
    Terminal(terminal::Terminal),
    Plain,
    Github(Mutex<github::Github>),
}

impl Presenter {
    /// A presenter of `style` (resolved: not `Auto`), printing `preamble` before the first
    /// event.
    pub fn new(style: Style, preamble: Vec<String>) -> Presenter {
        let style = match style {
            Style::Auto | Style::Bar => Shown::Terminal(terminal::Terminal::new()),
            Style::Plain => Shown::Plain,
            Style::Github => Shown::Github(Mutex::new(github::Github::default())),
        };
        Presenter {
            style,
            preamble: Mutex::new(preamble),
        }
    }

    fn show(&self, event: Event<'_>) {
        let preamble = std::mem::take(&mut *self.preamble.lock().expect("preamble lock"));
        let lines = match &self.style {
            Shown::Terminal(terminal) => {
                terminal.print(&preamble);
                return terminal.show(event);
            }
            Shown::Plain => plain::lines(event),
            Shown::Github(github) => github.lock().expect("presenter lock").lines(event),
        };
        print_lines(&preamble);
        print_lines(&lines);
    }

    /// Ends the display: clears the bar, closes an open group.
    pub fn finish(&self) {
        match &self.style {
            Shown::Terminal(terminal) => terminal.finish(),
            Shown::Plain => {}
            Shown::Github(github) => {
                print_lines(&github.lock().expect("presenter lock").finish());
            }
        }
    }
}

/// Writes lines to stderr at once, so other threads' lines do not cut into them.
fn print_lines(lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(err, "{line}");
    }
}

impl Progress for Presenter {
    fn resuming(&self, reused: usize, total: usize, cache: &Path) {
        self.show(Event::Resuming {
            reused,
            total,
            cache,
        });
    }

    fn waiting(&self, dir: &Path) {
        self.show(Event::Waiting { dir });
    }

    fn building(&self, size: usize) {
        self.show(Event::Building { size });
    }

    fn linked(&self, lesson: &str, students: usize) {
        self.show(Event::Linked { lesson, students });
    }

    fn judged(&self, total: usize, submission: &Submission, verdict: &ExerciseVerdict) {
        self.show(Event::Judged {
            total,
            student: &submission.id,
            verdict,
        });
    }

    fn graded(&self, size: usize, pairs: usize) {
        self.show(Event::Graded { size, pairs });
    }

    fn warning(&self, text: &str) {
        self.show(Event::Warning { text });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_actions_wins_then_a_terminal_gets_the_bar() {
        assert_eq!(Style::Auto.resolve(true, true), Style::Github);
        assert_eq!(Style::Auto.resolve(false, true), Style::Bar);
        assert_eq!(Style::Auto.resolve(false, false), Style::Plain);
        assert_eq!(Style::Plain.resolve(true, true), Style::Plain);
        assert_eq!(Style::Github.resolve(false, false), Style::Github);
    }
}
