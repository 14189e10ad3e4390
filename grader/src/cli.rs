//! The command line.

use std::path::PathBuf;

use crate::report::source::Shard;
use clap::{Parser, Subcommand};

/// Grades the tokio exercises deterministically, on a virtual clock.
#[derive(Debug, Parser)]
#[command(name = "grader", version, about, long_about = None)]
pub struct Cli {
    /// The course workspace (holding exercises/, solutions/, grader/). Defaults to the one
    /// this grader was built from.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Test processes run at once (default: eight per core; they mostly wait).
    #[arg(long, short, global = true, value_name = "N")]
    pub jobs: Option<usize>,

    /// How test processes are confined: bwrap when it works here (auto), bwrap or fail,
    /// or resource limits only.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub sandbox: crate::confine::sandbox::Choice,

    /// Real time one test may take, in seconds, in every lesson (default: exercise.toml's
    /// `time_limit`, else 10 s). Mainly for tests of the grader.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds)]
    pub test_limit: Option<f64>,

    /// Real time one student's lesson may take in all, in seconds, re-runs after a crash
    /// included (default: three times the lesson's test limit). Tests it leaves no time
    /// for are reported as not run.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds)]
    pub lesson_budget: Option<f64>,

    /// Wall-clock limit, in seconds, of one compiler run on a student's crate (a lesson's
    /// test crate gets 3 s more per student it holds). CPU time, memory and processes are
    /// bounded too.
    #[arg(long, global = true, value_name = "SECS", default_value_t = crate::confine::compiler::DEFAULT_LIMIT.as_secs())]
    pub compile_limit: u64,

    /// How progress is shown on stderr: a bar, plain lines (logs), or GitHub Actions'
    /// groups and error annotations. `auto`: GitHub Actions' when GITHUB_ACTIONS=true, else a
    /// bar on a terminal, else plain lines.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    pub progress: crate::present::Style,

    /// The grader binary, which cargo runs as the compiler wrapper (set by `main`, not a
    /// flag).
    #[arg(skip)]
    pub wrapper: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

/// A positive number of seconds.
fn seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e6 => Ok(s),
        _ => Err(format!(
            "`{text}` is not a number of seconds (a positive number, e.g. 2 or 0.5)"
        )),
    }
}

/// The exit codes of `grade`, shown by `grade --help`.
pub const GRADE_EXIT_CODES: &str = "\
Exit codes:
  0  every entry of the submissions folder was graded (whatever the scores; roster students
     who handed in nothing are rows too, and do not change the code)
  1  some entry could not be graded (a corrupt archive, a link, no lesson found...): it is
     a row of every report and has a feedback file saying why and what to do
  2  the grader itself could not do its job (a missing folder, an unusable roster, two
     entries for one student, a broken course or toolchain): it says why, reports may be
     missing";

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the course itself: solutions pass every test, stubs fail every test, each
    /// wrong variant fails exactly the tests it declares, results identical across runs.
    Verify {
        /// Only these exercises (number, slug or package name); repeatable.
        #[arg(long, short, value_name = "EXERCISE")]
        exercise: Vec<String>,
        /// Run every test this many times and require identical results.
        #[arg(long, default_value_t = 1, value_name = "N")]
        repeat: usize,
    },
    /// Grade a class: build and test every submission; write the gradebook, results and
    /// feedback, one row per entry of the submissions folder. Exits 0 when every entry was
    /// graded (whatever the scores), 1 when some could not be, 2 when the grader failed.
    #[command(after_long_help = GRADE_EXIT_CODES)]
    Grade {
        /// A folder with one entry per student (the entry's name is the student id): a
        /// folder (a copy of the student's workspace, or just its exercises/), a .zip, a
        /// .tar.gz/.tgz or a .tar (any case). Without it, the bundled demo class is graded.
        #[arg(value_name = "SUBMISSIONS")]
        submissions: Option<PathBuf>,
        /// Only these exercises (number, slug or package name); repeatable.
        #[arg(long, short, value_name = "EXERCISE")]
        exercise: Vec<String>,
        /// Only these students (their ids); repeatable.
        #[arg(long, short, value_name = "ID")]
        student: Vec<String>,
        /// Where to write gradebook.csv, results.json, junit.xml and feedback/.
        #[arg(long, short, default_value = "grades", value_name = "DIR")]
        out: PathBuf,
        /// Also write Gradescope's results.json per student (gradescope/<id>/results.json).
        #[arg(long)]
        gradescope: bool,
        /// Reuse the verdicts a previous (possibly interrupted) run into the same --out
        /// folder stored, and grade only what is missing.
        #[arg(long)]
        resume: bool,
        /// Run every test N times; tests whose results differ are marked flaky.
        #[arg(long, default_value_t = 1, value_name = "N")]
        repeat: usize,
        /// The language students read: feedback/*.md (hints, what each run shows, every
        /// sentence) and the test texts of junit.xml and the Gradescope files.
        #[arg(long, value_enum, default_value = "en")]
        lang: crate::report::lang::Lang,
        /// Grade only the K-th of N parts of the class (students sorted by id, contiguous
        /// parts); put the parts together with `grader merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<Shard>,
        /// The class roster, a CSV file of `id,name` or `id,name,lms_id` lines (a header line
        /// is fine): students who handed in nothing get a row too, entries not on it are
        /// named in a warning, and names and LMS ids go into gradebook.csv and
        /// results.json.
        #[arg(long, value_name = "FILE")]
        roster: Option<PathBuf>,
        /// List what would be graded (per student the entry, its shape and the lessons
        /// found) and every intake note, then stop: nothing is built, run or written.
        #[arg(long)]
        dry_run: bool,
    },
    /// Put the shards of one class (`grade --shard K/N`, each into its own --out) back
    /// together: the same reports as one run over the class. Refuses shards of different
    /// courses, graders or classes, and a class not covered exactly once. Exits as `grade`
    /// would have: 1 when some entry could not be graded.
    Merge {
        /// The --out folders of the shards.
        #[arg(value_name = "SHARD_OUT", required = true)]
        shards: Vec<PathBuf>,
        /// Where to write the merged gradebook.csv, results.json, junit.xml and feedback/.
        #[arg(long, short, default_value = "grades", value_name = "DIR")]
        out: PathBuf,
        /// Also write Gradescope's results.json per student.
        #[arg(long)]
        gradescope: bool,
        /// The language of the feedback, as for `grade`.
        #[arg(long, value_enum, default_value = "en")]
        lang: crate::report::lang::Lang,
    },
    /// Write every snapshot (visible and hidden) from the reference solutions.
    Bless {
        /// Only these exercises (number, slug or package name); repeatable.
        #[arg(long, short, value_name = "EXERCISE")]
        exercise: Vec<String>,
    },
}
