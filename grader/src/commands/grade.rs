//! `grader grade`: discover -> (stage -> build -> run -> verdict) -> report, for a class.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};

use crate::commands::demo;
use crate::course::Course;
use crate::course::Exercise;
use crate::fingerprint::Fingerprint;
use crate::pipeline::cache::Cache;
use crate::pipeline::discover::{self, Class};
use crate::pipeline::pair::{HandIn, StudentId};
use crate::pipeline::roster::Roster;
use crate::pipeline::submission::Submission;
use crate::pipeline::verdict::Expectations;
use crate::pipeline::verdict::{ExerciseVerdict, Graded};
use crate::pipeline::{self, Options, Progress};
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

/// What grading a class (or a dry run) came to: what the command line prints, and whether
/// every entry was graded.
#[derive(Debug, Default)]
pub struct ClassGraded {
    /// For the terminal: the results table, or a dry run's listing.
    pub table: String,
    /// Rows in the reports (entries, and roster students who handed in nothing).
    pub rows: usize,
    /// Entries of the submissions folder that could not be graded.
    pub not_gradable: Vec<StudentId>,
    /// Roster students with no entry (a dry run counts them).
    pub absent: usize,
    /// The files written into the output folder (none for a dry run).
    pub written: Vec<PathBuf>,
    /// Test results that differed between the `--repeat` runs (marked flaky).
    pub flaky: usize,
}

/// Where the bundled demo class is written when no submissions folder is given.
pub fn demo_folder(options: &Options) -> PathBuf {
    options.build.dir.join("demo-class")
}

/// The class as read, filtered to the request.
struct Intake {
    class: Class,
    roster: Option<Roster>,
    /// Every id with an entry in the submissions folder, shards and filters aside.
    everyone: Vec<String>,
}

/// Grades a class and writes every report; `progress` hears how it goes. With `dry_run`,
/// lists what would be graded instead, and builds nothing. Prints nothing.
pub fn grade(
    course: &Course,
    request: &GradeRequest<'_>,
    options: &Options,
    progress: &dyn Progress,
) -> Result<ClassGraded> {
    // Entries that are no student's are named at the end of the table (or the listing).
    let intake = intake(course, request, options)?;
    let not_gradable: Vec<StudentId> = intake
        .class
        .not_gradable
        .iter()
        .map(|n| n.id.clone())
        .collect();
    if request.dry_run {
        return Ok(dry_run(&intake, not_gradable));
    }
    let mut graded = grade_class(course, request, options, intake, progress)?;
    graded.not_gradable = not_gradable;
    Ok(graded)
}

/// Lists what would be graded, and every intake note; builds nothing.
fn dry_run(intake: &Intake, not_gradable: Vec<StudentId>) -> ClassGraded {
    let Intake { class, roster, .. } = intake;
    let absent = roster.as_ref().map_or(0, |r| {
        r.students
            .iter()
            .filter(|e| !has_entry(class, &e.id))
            .count()
    });
    ClassGraded {
        table: report::listing::render(class, roster.as_ref()),
        rows: class.submissions.len() + not_gradable.len() + absent,
        not_gradable,
        absent,
        ..ClassGraded::default()
    }
}

/// Reads the class (and the roster), keeping only the requested students and lessons.
fn intake(course: &Course, request: &GradeRequest<'_>, options: &Options) -> Result<Intake> {
    let folder: PathBuf = match request.submissions {
        Some(folder) => folder.to_path_buf(),
        None => demo::write(course, &demo_folder(options))?,
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
    options: &Options,
    intake: Intake,
    progress: &dyn Progress,
) -> Result<ClassGraded> {
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
        progress.resuming(reused.len(), total, &request.out.join(".cache"));
    }
    let filing = Filing {
        progress,
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
            &filing,
        )?
    };
    let graded = merge(course, &class.submissions, fresh, reused);
    let flaky = flaky_tests(&graded);
    let (rows, warnings) = row::rows(
        graded,
        &class.submissions,
        class.not_gradable,
        roster.as_ref(),
    );
    for warning in &warnings {
        progress.warning(warning);
    }
    let fresh = Source {
        versions: fingerprint.versions,
        shard: request.shard,
        class: everyone,
        slugs,
        rows,
        skipped: class.notes,
        roster: roster.is_some(),
        protections: options.run.sandbox.protections(),
        compiler_protections: options.build.compiler.as_ref().map(|c| c.protections()),
    };
    let source = match previous {
        Some(previous) => {
            let order: Vec<String> = course.exercises.iter().map(|e| e.slug.clone()).collect();
            previous.update(fresh, request.students, &fresh_slugs(request), &order)?
        }
        None => fresh,
    };
    let report = Report::of(course, &source, &expectations, request.lang);
    let table = report::table::render(&report);
    let written = report::write_all(&report, request.out, request.gradescope)?;
    Ok(ClassGraded {
        table,
        rows: source.rows.len(),
        written,
        flaky,
        ..ClassGraded::default()
    })
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

/// Test results that differed between the `--repeat` runs.
fn flaky_tests(graded: &[Graded]) -> usize {
    graded
        .iter()
        .flat_map(|g| &g.exercises)
        .flat_map(|e| &e.tests)
        .filter(|t| t.flaky)
        .count()
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
