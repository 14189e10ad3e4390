//! `grader grade`: discover -> (stage -> build -> run -> verdict) -> report, for a class.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::demo;
use crate::course::Course;
use crate::course::Exercise;
use crate::pipeline::cache::Cache;
use crate::pipeline::discover;
use crate::pipeline::pair::HandIn;
use crate::pipeline::submission::Submission;
use crate::pipeline::verdict::Expectations;
use crate::pipeline::verdict::{ExerciseVerdict, Graded};
use crate::pipeline::{self, Options, Progress};
use crate::report::{self, Report};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    /// Take verdicts already in the output folder's cache instead of grading them again.
    pub resume: bool,
    /// Run every test this many times and mark differing results as flaky.
    pub repeat: usize,
}

/// Grades a class and writes every report. Prints the table to stdout and progress and a
/// summary to stderr.
pub fn grade(course: &Course, request: &GradeRequest<'_>, options: &Options) -> Result<()> {
    let folder: PathBuf = match request.submissions {
        Some(folder) => folder.to_path_buf(),
        None => {
            let out = options.build.dir.join("demo-class");
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
    let cache = Cache::open(course, &request.out.join(".cache"))?;
    let reused = if request.resume {
        from_cache(&cache, &class.submissions)
    } else {
        BTreeMap::new()
    };
    let todo: Vec<Submission> = class
        .submissions
        .iter()
        .map(|s| {
            let mut todo = s.clone();
            todo.exercises
                .retain(|slug, _| !reused.contains_key(&HandIn::new(&s.id, slug)));
            todo
        })
        .filter(|s| !s.exercises.is_empty() || !reused.keys().any(|h| h.student == s.id))
        .collect();
    if request.resume {
        let total: usize = class.submissions.iter().map(|s| s.exercises.len()).sum();
        eprintln!(
            "Resuming: {} of {total} student-exercises taken from the cache in {}",
            reused.len(),
            request.out.join(".cache").display()
        );
    }
    crate::app::say_protections(options);
    let grading = Grading {
        bar: bar(),
        cache: &cache,
        stored: AtomicUsize::new(0),
    };
    let fresh = pipeline::grade(
        course,
        &todo,
        options,
        &expectations,
        request.repeat,
        &grading,
    )?;
    grading.bar.finish_and_clear();
    let graded = merge(course, &class.submissions, fresh, reused);
    let flaky: usize = graded
        .iter()
        .flat_map(|g| &g.exercises)
        .flat_map(|e| &e.tests)
        .filter(|t| t.flaky)
        .count();
    if flaky > 0 {
        eprintln!(
            "warning: {flaky} test result(s) differed between the {} runs; they are marked flaky in the reports",
            request.repeat
        );
    }
    let report = Report {
        course,
        slugs,
        graded: &graded,
        skipped: &class.skipped,
        expected: &expectations,
        protections: options.run.sandbox.protections(),
        compiler_protections: options.build.compiler.as_ref().map(|c| c.protections()),
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

/// Takes every (student, exercise) whose verdict is already in the cache.
fn from_cache(cache: &Cache, submissions: &[Submission]) -> BTreeMap<HandIn, ExerciseVerdict> {
    let mut reused = BTreeMap::new();
    for submission in submissions {
        for (slug, sources) in &submission.exercises {
            if let Some(verdict) = cache.load(slug, sources) {
                reused.insert(HandIn::new(&submission.id, slug), verdict);
            }
        }
    }
    reused
}

/// Puts cached and fresh verdicts back together, per student in class order, per exercise
/// in course order.
fn merge(
    course: &Course,
    submissions: &[Submission],
    fresh: Vec<Graded>,
    mut reused: BTreeMap<HandIn, ExerciseVerdict>,
) -> Vec<Graded> {
    let mut fresh: BTreeMap<String, Graded> =
        fresh.into_iter().map(|g| (g.id.clone(), g)).collect();
    submissions
        .iter()
        .map(|submission| {
            let mut graded = fresh.remove(&submission.id).unwrap_or_else(|| Graded {
                id: submission.id.clone(),
                exercises: Vec::new(),
                notes: submission.notes.clone(),
            });
            for exercise in &course.exercises {
                if let Some(verdict) = reused.remove(&HandIn::new(&submission.id, &exercise.slug)) {
                    graded.exercises.push(verdict);
                }
            }
            let order = |slug: &str| course.exercises.iter().position(|e| e.slug == slug);
            graded.exercises.sort_by_key(|e| order(&e.slug));
            graded
        })
        .collect()
}

/// Shows progress and files every verdict in the cache as it comes.
struct Grading<'a> {
    bar: ProgressBar,
    cache: &'a Cache,
    /// Verdicts stored so far.
    stored: AtomicUsize,
}

/// For the resume test only: after storing this many verdicts, write `hanging` in the
/// cache folder and stand still (so the test can kill the run at a known point).
const HANG_AFTER_ENV: &str = "GRADER_TEST_HANG_AFTER";

/// A progress bar on stderr (drawn only on a terminal).
fn bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

impl Grading<'_> {
    /// A line of progress: above the bar on a terminal, a plain line in a log.
    fn say(&self, line: &str) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }
}

impl Progress for Grading<'_> {
    fn linked(&self, lesson: &str, students: usize) {
        self.say(&format!(
            "built {lesson}: the tests of {students} student(s) start"
        ));
    }

    fn graded(&self, size: usize, pairs: usize) {
        self.say(&format!(
            "graded a batch of {size} submission(s), {pairs} student-exercise(s)"
        ));
    }

    fn building(&self, size: usize) {
        if self.bar.is_hidden() {
            eprintln!("building {size} submission(s)");
        }
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("valid template"),
        );
        self.bar
            .set_message(format!("building {size} submission(s)"));
    }

    fn judged(&self, total: usize, submission: &Submission, verdict: &ExerciseVerdict) {
        if let Some(sources) = submission.exercises.get(&verdict.slug)
            && let Err(error) = self.cache.store(sources, verdict)
        {
            self.bar.suspend(|| eprintln!("warning: {error:#}"));
        }
        let stored = self.stored.fetch_add(1, Ordering::SeqCst) + 1;
        let hang_after = std::env::var(HANG_AFTER_ENV)
            .ok()
            .and_then(|n| n.parse::<usize>().ok());
        if hang_after.is_some_and(|n| stored >= n) {
            self.cache.mark("hanging");
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        if self.bar.length() != Some(total as u64) {
            self.bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} testing [{bar:30}] {pos}/{len} student-exercises [{elapsed}]",
                )
                .expect("valid template"),
            );
            self.bar.set_length(total as u64);
            self.bar.set_position(0);
        }
        self.bar.inc(1);
    }
}
