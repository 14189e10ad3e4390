//! `grader grade`: discover -> (stage -> build -> run -> verdict) -> report, for a class.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::commands::demo;
use crate::course::Course;
use crate::course::Exercise;
use crate::fingerprint::Fingerprint;
use crate::pipeline::build;
use crate::pipeline::cache::Cache;
use crate::pipeline::discover::{self, Class};
use crate::pipeline::pair::{HandIn, StudentId};
use crate::pipeline::roster::Roster;
use crate::pipeline::run::RunOptions;
use crate::pipeline::submission::Submission;
use crate::pipeline::verdict::Expectations;
use crate::pipeline::verdict::{ExerciseVerdict, Graded};
use crate::pipeline::{self, Progress};
use crate::report::source::{self, Shard, Source};
use crate::report::{self, Report, row};
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
    /// The class roster (CSV: id, name, optional LMS id).
    pub roster: Option<&'a Path>,
    /// Only list what would be graded: build, run and write nothing.
    pub dry_run: bool,
    /// Grade only this part of the class (`--shard K/N`).
    pub shard: Option<Shard>,
    /// The language of the feedback.
    pub lang: crate::report::lang::Lang,
}

impl GradeRequest<'_> {
    /// Whether this run grades only some cells of a class (`-s`, `-e`): its verdicts then
    /// update those cells of the class already in `--out`.
    fn partial(&self, course: &Course) -> bool {
        !self.students.is_empty() || self.exercises.len() < course.exercises.len()
    }
}

/// What a grading run (or a dry run) came to: whether every entry was graded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GradeSummary {
    /// Rows in the reports (entries, and roster students who handed in nothing).
    pub rows: usize,
    /// Entries of the submissions folder that could not be graded.
    pub not_gradable: Vec<StudentId>,
}

/// The class as read, filtered to the request.
struct Intake {
    class: Class,
    roster: Option<Roster>,
    /// Every id with an entry in the submissions folder, shards and filters aside.
    everyone: Vec<String>,
}

/// Grades a class and writes every report. Prints the table to stdout and progress and a
/// summary to stderr. With `dry_run`, prints what would be graded instead, and builds
/// nothing.
pub fn grade(
    course: &Course,
    request: &GradeRequest<'_>,
    options: &RunOptions,
) -> Result<GradeSummary> {
    // Entries that are no student's are named at the end of the table (or the listing).
    let intake = intake(course, request)?;
    let not_gradable: Vec<StudentId> = intake
        .class
        .not_gradable
        .iter()
        .map(|n| n.id.clone())
        .collect();
    if request.dry_run {
        return Ok(dry_run(&intake, not_gradable));
    }
    let rows = grade_class(course, request, options, intake)?;
    Ok(GradeSummary { rows, not_gradable })
}

/// Prints what would be graded, and every intake note; builds nothing.
fn dry_run(intake: &Intake, not_gradable: Vec<StudentId>) -> GradeSummary {
    let Intake { class, roster, .. } = intake;
    print!("{}", report::listing::render(class, roster.as_ref()));
    let absent = roster.as_ref().map_or(0, |r| {
        r.students
            .iter()
            .filter(|e| !has_entry(class, &e.id))
            .count()
    });
    eprintln!(
        "Dry run: {} to grade, {} not gradable, {absent} with nothing handed in; nothing \
         was built, run or reported",
        class.submissions.len(),
        not_gradable.len()
    );
    GradeSummary {
        rows: class.submissions.len() + not_gradable.len() + absent,
        not_gradable,
    }
}

/// Reads the class (and the roster), keeping only the requested students and lessons.
fn intake(course: &Course, request: &GradeRequest<'_>) -> Result<Intake> {
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
    let mut roster = request.roster.map(Roster::read).transpose()?;
    let mut own = vec![request.out.to_path_buf()];
    own.extend(request.roster.map(Path::to_path_buf));
    let mut class = discover::discover_excluding(course, &folder, &own)?;
    let mut everyone: Vec<String> = class
        .submissions
        .iter()
        .map(|s| s.id.to_string())
        .chain(class.not_gradable.iter().map(|n| n.id.to_string()))
        .collect();
    everyone.sort();
    if let Some(shard) = request.shard {
        let part = source::shard_of(&everyone, Some(shard));
        let mine = |id: &StudentId| part.iter().any(|p| id == p);
        class.submissions.retain(|s| mine(&s.id));
        class.not_gradable.retain(|n| mine(&n.id));
        if !shard.reports_intake() {
            class.notes.clear();
            // Roster students with no entry are reported by the first shard only.
            if let Some(roster) = &mut roster {
                roster
                    .students
                    .retain(|e| everyone.iter().any(|id| e.id == *id));
            }
        }
    }
    if !request.students.is_empty() {
        let unknown: Vec<&String> = request
            .students
            .iter()
            .filter(|id| {
                !has_entry(&class, id) && roster.as_ref().is_none_or(|r| r.get(id).is_none())
            })
            .collect();
        if !unknown.is_empty() {
            bail!(
                "no submission for student(s) {unknown:?} in {}{}",
                folder.display(),
                if roster.is_some() {
                    " nor on the roster"
                } else {
                    ""
                }
            );
        }
        let wanted = |id: &StudentId| request.students.iter().any(|s| id == s);
        class.submissions.retain(|s| wanted(&s.id));
        class.not_gradable.retain(|n| wanted(&n.id));
        if let Some(roster) = &mut roster {
            roster.students.retain(|e| wanted(&e.id));
        }
    }
    let slugs: Vec<String> = request.exercises.iter().map(|e| e.slug.clone()).collect();
    for submission in &mut class.submissions {
        submission.exercises.retain(|slug, _| slugs.contains(slug));
    }
    Ok(Intake {
        class,
        roster,
        everyone,
    })
}

/// Whether the class has an entry (gradable or not) for `id`.
fn has_entry(class: &Class, id: &str) -> bool {
    class.submissions.iter().any(|s| s.id == *id) || class.not_gradable.iter().any(|n| n.id == *id)
}

/// Grades what was read and writes every report; returns the number of rows.
fn grade_class(
    course: &Course,
    request: &GradeRequest<'_>,
    options: &RunOptions,
    intake: Intake,
) -> Result<usize> {
    let Intake {
        class,
        roster,
        everyone,
    } = intake;
    let previous = earlier_class(course, request)?;
    let slugs: Vec<String> = request.exercises.iter().map(|e| e.slug.clone()).collect();
    let expectations = Expectations::load(course)?;
    let fingerprint = Fingerprint::of(course)?;
    let cache = Cache::open(&fingerprint, &request.out.join(".cache"))?;
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
    let fresh = if todo.is_empty() {
        Vec::new()
    } else {
        pipeline::grade(
            course,
            &todo,
            options,
            &expectations,
            request.repeat,
            &grading,
        )?
    };
    grading.bar.finish_and_clear();
    let graded = merge(course, &class.submissions, fresh, reused);
    warn_flaky(&graded, request.repeat);
    let (rows, warnings) = row::rows(
        graded,
        &class.submissions,
        class.not_gradable,
        roster.as_ref(),
    );
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let not_graded = rows.iter().filter(|r| !r.is_graded()).count();
    let graded_now = rows.len();
    let fresh = Source {
        versions: fingerprint.versions,
        shard: request.shard,
        class: everyone,
        slugs,
        rows,
        skipped: class.notes,
        roster: roster.is_some(),
        protections: options.sandbox.protections(),
        compiler_protections: crate::confine::compiler::installed().map(|c| c.protections()),
    };
    let source = match previous {
        Some(previous) => {
            let order: Vec<String> = course.exercises.iter().map(|e| e.slug.clone()).collect();
            previous.update(fresh, request.students, &fresh_slugs(request), &order)?
        }
        None => fresh,
    };
    let report = Report::of(course, &source, &expectations, request.lang);
    print!("{}", report::table::render(&report));
    let written = report::write_all(&report, request.out, request.gradescope)?;
    eprintln!(
        "Graded {} of {} row(s) ({not_graded} not graded: see the table); wrote {} file(s) to {} \
         (gradebook.csv, results.json, junit.xml, feedback/)",
        graded_now - not_graded,
        graded_now,
        written.len(),
        request.out.display()
    );
    Ok(graded_now)
}

/// The class already in `--out` that a partial regrade updates; `None` for a whole-class
/// run, or when `--out` holds no class yet. Refuses before any work when that class was
/// decided by another course or grader, or is a shard.
fn earlier_class(course: &Course, request: &GradeRequest<'_>) -> Result<Option<Source>> {
    if !request.partial(course) || request.shard.is_some() {
        return Ok(None);
    }
    let Some(previous) = source::load(request.out)? else {
        return Ok(None);
    };
    if let Some(shard) = previous.shard {
        bail!(
            "{} holds shard {shard} of a class: merge the shards first (`grader merge`), then \
             regrade into the merged folder",
            request.out.display()
        );
    }
    let current = Fingerprint::of(course)?;
    previous.check_current(
        &current.versions,
        &format!("the class in {}", request.out.display()),
    )?;
    Ok(Some(previous))
}

/// The lessons this run grades.
fn fresh_slugs(request: &GradeRequest<'_>) -> Vec<String> {
    request.exercises.iter().map(|e| e.slug.clone()).collect()
}

/// Warns when `--repeat` found tests whose results differed.
fn warn_flaky(graded: &[Graded], repeat: usize) {
    let flaky: usize = graded
        .iter()
        .flat_map(|g| &g.exercises)
        .flat_map(|e| &e.tests)
        .filter(|t| t.flaky)
        .count();
    if flaky > 0 {
        eprintln!(
            "warning: {flaky} test result(s) differed between the {repeat} runs; they are marked flaky in the reports"
        );
    }
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
    let mut fresh: BTreeMap<StudentId, Graded> =
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
