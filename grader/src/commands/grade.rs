//! `grader grade`: discover -> (stage -> build -> run -> verdict) -> report, for a class.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};

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

/// What grading a class came to: the reports written, and what the command line tells.
#[derive(Debug)]
pub struct ClassGraded {
    /// The results table, for the terminal.
    pub table: String,
    /// Submissions graded (or taken from the cache).
    pub submissions: usize,
    /// The files written into the output folder.
    pub written: Vec<PathBuf>,
    /// Test results that differed between the `--repeat` runs (marked flaky).
    pub flaky: usize,
}

/// Where the bundled demo class is written when no submissions folder is given.
pub fn demo_folder(options: &Options) -> PathBuf {
    options.build.dir.join("demo-class")
}

/// Grades a class and writes every report; `progress` hears how it goes. Prints nothing.
pub fn grade(
    course: &Course,
    request: &GradeRequest<'_>,
    options: &Options,
    progress: &dyn Progress,
) -> Result<ClassGraded> {
    let folder: PathBuf = match request.submissions {
        Some(folder) => folder.to_path_buf(),
        None => demo::write(course, &demo_folder(options))?,
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
        progress.resuming(reused.len(), total, &request.out.join(".cache"));
    }
    let filing = Filing {
        progress,
        cache: &cache,
        stored: AtomicUsize::new(0),
    };
    let fresh = pipeline::grade(
        course,
        &todo,
        options,
        &expectations,
        request.repeat,
        &filing,
    )?;
    let graded = merge(course, &class.submissions, fresh, reused);
    let flaky: usize = graded
        .iter()
        .flat_map(|g| &g.exercises)
        .flat_map(|e| &e.tests)
        .filter(|t| t.flaky)
        .count();
    let report = Report {
        course,
        slugs,
        graded: &graded,
        skipped: &class.skipped,
        expected: &expectations,
        protections: options.run.sandbox.protections(),
        compiler_protections: options.build.compiler.as_ref().map(|c| c.protections()),
    };
    let table = report::table::render(&report);
    let written = report::write_all(&report, request.out, request.gradescope)?;
    Ok(ClassGraded {
        table,
        submissions: graded.len(),
        written,
        flaky,
    })
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

/// Files every verdict in the cache as it comes, and passes every event on.
struct Filing<'a> {
    progress: &'a dyn Progress,
    cache: &'a Cache,
    /// Verdicts stored so far.
    stored: AtomicUsize,
}

/// For the resume test only: after storing this many verdicts, write `hanging` in the
/// cache folder and stand still (so the test can kill the run at a known point).
const HANG_AFTER_ENV: &str = "GRADER_TEST_HANG_AFTER";

impl Progress for Filing<'_> {
    fn resuming(&self, reused: usize, total: usize, cache: &Path) {
        self.progress.resuming(reused, total, cache);
    }

    fn waiting(&self, dir: &Path) {
        self.progress.waiting(dir);
    }

    fn building(&self, size: usize) {
        self.progress.building(size);
    }

    fn linked(&self, lesson: &str, students: usize) {
        self.progress.linked(lesson, students);
    }

    fn judged(&self, total: usize, submission: &Submission, verdict: &ExerciseVerdict) {
        if let Some(sources) = submission.exercises.get(&verdict.slug)
            && let Err(error) = self.cache.store(sources, verdict)
        {
            self.progress.warning(&format!("{error:#}"));
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
        self.progress.judged(total, submission, verdict);
    }

    fn graded(&self, size: usize, pairs: usize) {
        self.progress.graded(size, pairs);
    }

    fn warning(&self, text: &str) {
        self.progress.warning(text);
    }
}
