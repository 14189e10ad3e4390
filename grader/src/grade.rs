//! `grader grade`: discover -> (stage -> build -> run -> verdict) -> report, for a class.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::build;
use crate::course::Course;
use crate::course::Exercise;
use crate::demo;
use crate::discover;
use crate::pipeline::{self, Progress};
use crate::report::{self, Report};
use crate::run::RunOptions;
use crate::verdict::Expectations;

/// What to grade and where to write.
#[derive(Debug)]
pub struct GradeRequest<'a> {
    /// The submissions folder; `None` for the bundled demo class.
    pub submissions: Option<&'a Path>,
    /// The exercises to grade.
    pub exercises: Vec<&'a Exercise>,
    /// Only these students (all when empty).
    pub students: &'a [String],
    /// The output folder.
    pub out: &'a Path,
    /// Whether to write Gradescope files too.
    pub gradescope: bool,
}

/// Grades a class and writes every report. Prints the table to stdout and progress and a
/// summary to stderr.
pub fn grade(course: &Course, request: &GradeRequest<'_>, options: &RunOptions) -> Result<()> {
    let folder: PathBuf = match request.submissions {
        Some(folder) => folder.to_path_buf(),
        None => {
            let out = build::target_dir(course).join("demo-class");
            eprintln!(
                "No submissions folder given: grading the bundled demo class, written to {}",
                out.display()
            );
            demo::write(course, &out)?
        }
    };
    let mut class = discover::discover(course, &folder)?;
    if !request.students.is_empty() {
        let unknown: Vec<&String> = request
            .students
            .iter()
            .filter(|id| !class.submissions.iter().any(|s| &&s.id == id))
            .collect();
        if !unknown.is_empty() {
            bail!(
                "no submission for student(s) {unknown:?} in {}",
                folder.display()
            );
        }
        class
            .submissions
            .retain(|s| request.students.contains(&s.id));
    }
    let slugs: Vec<String> = request.exercises.iter().map(|e| e.slug.clone()).collect();
    for submission in &mut class.submissions {
        submission.exercises.retain(|slug, _| slugs.contains(slug));
    }
    let expectations = Expectations::load(course)?;
    crate::app::say_protections(options);
    let bar = Bar::new();
    let graded = pipeline::grade(course, &class.submissions, options, &expectations, &bar)?;
    bar.0.finish_and_clear();
    let report = Report {
        course,
        slugs,
        graded: &graded,
        skipped: &class.skipped,
        expected: &expectations,
        protections: options.sandbox.protections(),
    };
    print!("{}", report::table::render(&report));
    let written = report::write_all(&report, request.out, request.gradescope)?;
    eprintln!(
        "Graded {} submission(s); wrote {} file(s) to {} (gradebook.csv, results.json, junit.xml, feedback/)",
        graded.len(),
        written.len(),
        request.out.display()
    );
    Ok(())
}

/// A progress bar on stderr (drawn only on a terminal).
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Self {
        let bar = ProgressBar::new(0);
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar(bar)
    }
}

impl Progress for Bar {
    fn building(&self, size: usize) {
        self.0.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("valid template"),
        );
        self.0.set_message(format!("building {size} submission(s)"));
    }

    fn ran(&self, total: usize) {
        if self.0.length() != Some(total as u64) {
            self.0.set_style(
                ProgressStyle::with_template(
                    "{spinner} testing [{bar:30}] {pos}/{len} student-exercises [{elapsed}]",
                )
                .expect("valid template"),
            );
            self.0.set_length(total as u64);
            self.0.set_position(0);
        }
        self.0.inc(1);
    }
}
