//! Verdict: compare what each test observed with the expected run, and score it.
//!
//! The expected runs are read from the grader's own copy of the snapshots (visible ones
//! under `exercises/`, hidden ones under `grader/course/`), never from the staged tree the
//! student's code could reach.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use timeline_evidence::{Checks, Evidence, Hang, Left};

use crate::confine::scan::Refusal;
use crate::course::{Course, Exercise, TestSpec};
use crate::pipeline::build::{BuildFailure, Built};
use crate::pipeline::outcome::{self, Outcome};
use crate::pipeline::pair::StudentId;
use crate::pipeline::run::{Observation, Observed};
use crate::pipeline::stage::Stage;
use crate::pipeline::submission::Submission;
use crate::pipeline::symptom::{self, Facts, Symptom};
use crate::snapshot;

/// How one test went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The run matched the expected one.
    Passed,
    /// The run differed from the expected one (wrong output, wrong times, a panic, a
    /// virtual-time hang).
    Failed,
    /// The test ran past its real-time limit (a loop without `.await`, a blocking call, or
    /// tasks waking themselves so the clock never advances: its symptom says which, when
    /// the evidence tells).
    TimedOut,
    /// The test process died before the test recorded its result.
    Crashed,
    /// The student's code did not compile.
    NotCompiled,
    /// The code compiled, but the test produced no result: no test binary was linked for
    /// it or its run failed for the grader's own reasons (the message says which).
    NoResult,
    /// The student's code was refused before building (see `scan`).
    Rejected,
    /// The test was not run, or cut short, because the student's lesson used up its time
    /// budget (crashes made its tests run again one by one).
    NotRun,
}

impl Status {
    /// A short word for tables.
    pub fn word(self) -> &'static str {
        match self {
            Status::Passed => "pass",
            Status::Failed => "fail",
            Status::TimedOut => "timeout",
            Status::Crashed => "crash",
            Status::NotCompiled => "not compiled",
            Status::NoResult => "no result",
            Status::Rejected => "rejected",
            Status::NotRun => "not run",
        }
    }
}

/// One test's verdict.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestVerdict {
    /// The test function.
    pub name: String,
    /// How it went.
    pub status: Status,
    /// Points earned.
    pub points: u32,
    /// Points possible.
    pub max_points: u32,
    /// Whether the test is hidden (its expected run is never shown).
    pub hidden: bool,
    /// What the student's code did, rendered (when the test ran).
    pub actual: Option<String>,
    /// Where the executor was blocked, if it was.
    pub blocking: Option<String>,
    /// What is known of a run that did not finish (timeout, crash, budget) or did not
    /// happen; `None` for code that was refused or did not compile (its status says it).
    /// `report` words it.
    pub message: Option<Reason>,
    /// What the run shows about the mistake behind it (see [`symptom::recognise`]), most
    /// specific first; `report` words them and picks the hint.
    #[serde(default)]
    pub symptoms: Vec<Symptom>,
    /// Real time the run took, in milliseconds.
    pub wall_ms: Option<f64>,
    /// The test gave different results when run again (`--repeat`); the first counts.
    #[serde(default)]
    pub flaky: bool,
    /// The run held the executor inside polls for `timeline::BLOCKED_LIMIT` or more
    /// (a blocking call or a long computation on the executor), whether or not the test
    /// forbids it (where it does, the rendered run says so too and fails).
    #[serde(default)]
    pub blocked: bool,
    /// What the run left after the return, when the test expects cleanup.
    #[serde(default)]
    pub leftovers: Option<Left>,
    /// The test hung (stopped by the harness's watchdog), and how.
    #[serde(default)]
    pub hang: Option<Hang>,
    /// What the test checks besides its timeline (blocking, cleanup), as it declared it.
    #[serde(default)]
    pub checks: Checks,
}

/// Why a test has no verdict from its own run, or what else is known of it: a value the
/// report words (in the student's language).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason", content = "detail")]
pub enum Reason {
    /// The test never ran (no test binary was linked for it, or the grader's run failed).
    DidNotRun,
    /// The run came, but the course has no expected run (snapshot) for the test.
    NoSnapshot,
    /// The test was stopped after this many seconds of real time.
    TimedOut {
        /// The real-time limit, in seconds.
        limit_s: f64,
    },
    /// The test's evidence was tampered with: why, in the run step's words.
    Tampered(String),
    /// What the run step said (a crash, the time budget), in its words (English).
    Said(String),
    /// The run differed, and it had lines of one instant, shown sorted: their order is not
    /// graded (see `timeline_evidence::TIES_NOTE`).
    TiesSorted,
}

impl TestVerdict {
    /// A verdict with nothing observed: `status`, no points of `max_points`, visible.
    pub fn new(name: impl Into<String>, status: Status, max_points: u32) -> TestVerdict {
        TestVerdict {
            name: name.into(),
            status,
            points: 0,
            max_points,
            hidden: false,
            actual: None,
            blocking: None,
            message: None,
            symptoms: Vec::new(),
            wall_ms: None,
            flaky: false,
            blocked: false,
            leftovers: None,
            hang: None,
            checks: Checks::default(),
        }
    }
}

/// One exercise of one submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExerciseVerdict {
    /// The exercise slug.
    pub slug: String,
    /// The tests, in suite order.
    pub tests: Vec<TestVerdict>,
    /// How far the code got.
    pub fate: Fate,
}

/// How far a student's code of one lesson got: the [`Outcome`] without the observations
/// (those became the test verdicts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// Refused before building: what the scan found (`report` words it).
    Refused(Refusal),
    /// Did not compile: why (the compiler's errors, trimmed; `report` words the rest).
    NotCompiled(BuildFailure),
    /// Compiled, and its tests ran.
    Ran,
    /// Compiled, but its tests never ran: why, in words.
    NotRun(String),
}

impl Fate {
    /// Whether the code compiled (it was neither refused nor failed to build).
    pub fn compiled(&self) -> bool {
        matches!(self, Fate::Ran | Fate::NotRun(_))
    }

    /// Why the code did not build, when it did not (`report::words::build_failure` says it).
    pub fn build_failure(&self) -> Option<&BuildFailure> {
        match self {
            Fate::NotCompiled(failure) => Some(failure),
            _ => None,
        }
    }
}

impl From<&Outcome> for Fate {
    fn from(outcome: &Outcome) -> Fate {
        match outcome {
            Outcome::Refused(why) => Fate::Refused(why.clone()),
            Outcome::NotCompiled(errors) => Fate::NotCompiled(errors.clone()),
            Outcome::Ran(_) => Fate::Ran,
            Outcome::NotRun(why) => Fate::NotRun(why.clone()),
        }
    }
}

impl ExerciseVerdict {
    /// Points earned.
    pub fn points(&self) -> u32 {
        self.tests.iter().map(|t| t.points).sum()
    }

    /// Points possible.
    pub fn max_points(&self) -> u32 {
        self.tests.iter().map(|t| t.max_points).sum()
    }
}

/// Everything decided about one submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Graded {
    /// The student id.
    pub id: StudentId,
    /// The exercises the submission contained, in course order.
    pub exercises: Vec<ExerciseVerdict>,
    /// Intake notes (ignored files and the like).
    pub notes: Vec<String>,
}

/// The expected run of every test, read once.
#[derive(Debug, Default)]
pub struct Expectations {
    runs: BTreeMap<(String, String), Option<String>>,
}

impl Expectations {
    /// Reads every snapshot of the course; a missing one is remembered as missing.
    pub fn load(course: &Course) -> Result<Expectations> {
        let mut runs = BTreeMap::new();
        for exercise in &course.exercises {
            for suite in &exercise.suites {
                for test in &suite.tests {
                    let path = snapshot::path(suite, test);
                    let expected = if path.is_file() {
                        Some(snapshot::read(&path)?)
                    } else {
                        None
                    };
                    runs.insert((exercise.slug.clone(), test.clone()), expected);
                }
            }
        }
        Ok(Expectations { runs })
    }

    /// The expected run of a test, if its snapshot exists.
    pub fn get(&self, slug: &str, test: &str) -> Option<&str> {
        self.runs
            .get(&(slug.to_string(), test.to_string()))
            .and_then(|r| r.as_deref())
    }
}

/// Turns observations into verdicts, submission by submission, in batch order.
pub fn judge(
    course: &Course,
    batch: &[&Submission],
    stage: &Stage,
    built: &Built,
    observations: &[Observation],
    expectations: &Expectations,
) -> Vec<Graded> {
    let outcomes = outcome::gather(course, batch, stage, built, observations);
    batch
        .iter()
        .zip(outcomes)
        .map(|(submission, outcomes)| Graded {
            id: submission.id.clone(),
            exercises: outcomes
                .iter()
                .map(|(exercise, outcome)| of(exercise, outcome, expectations))
                .collect(),
            notes: submission.notes.clone(),
        })
        .collect()
}

/// The verdict of one student's exercise whose tests ran.
pub fn judge_observed(
    exercise: &Exercise,
    observation: &Observation,
    expectations: &Expectations,
) -> ExerciseVerdict {
    of(
        exercise,
        &Outcome::Ran(observation.tests.clone()),
        expectations,
    )
}

/// The verdict of one student's exercise, from its outcome alone.
pub fn of(exercise: &Exercise, outcome: &Outcome, expectations: &Expectations) -> ExerciseVerdict {
    let tests = exercise
        .test_names()
        .into_iter()
        .map(|name| {
            let expected = expectations.get(&exercise.slug, &name);
            test_verdict(exercise.spec(&name), name, outcome, expected)
        })
        .collect();
    ExerciseVerdict {
        slug: exercise.slug.clone(),
        tests,
        fate: Fate::from(outcome),
    }
}

/// One test's verdict: `spec` its manifest entry, `expected` its expected run.
fn test_verdict(
    spec: Option<&TestSpec>,
    name: String,
    outcome: &Outcome,
    expected: Option<&str>,
) -> TestVerdict {
    let mut verdict = TestVerdict {
        hidden: spec.is_some_and(|s| s.hidden),
        ..TestVerdict::new(name, Status::NoResult, spec.map_or(0, |s| s.points))
    };
    match outcome {
        Outcome::Refused(_) => verdict.status = Status::Rejected,
        Outcome::NotCompiled(_) => verdict.status = Status::NotCompiled,
        Outcome::NotRun(_) => verdict.message = Some(Reason::DidNotRun),
        Outcome::Ran(tests) => match tests.get(&verdict.name) {
            Some(observed) => {
                observe(&mut verdict, observed, expected);
                verdict.symptoms = symptom::recognise(&facts(&verdict, observed, expected));
            }
            None => verdict.message = Some(Reason::DidNotRun),
        },
    }
    if verdict.status == Status::Passed {
        verdict.points = verdict.max_points;
    }
    verdict
}

/// What a symptom may be recognised from, of a test judged from `observed`: the rendered
/// runs, and what the harness measured (the time the executor was held, what was left
/// after the return, the class of a hang), else the blocking diagnosis's seconds.
fn facts<'a>(
    verdict: &'a TestVerdict,
    observed: &Observed,
    expected: Option<&'a str>,
) -> Facts<'a> {
    let evidence = match observed {
        Observed::Evidence(evidence) => Some(evidence),
        _ => None,
    };
    let held_s = evidence.filter(|e| e.blocked).map(|e| e.held_ms / 1000.0);
    Facts {
        expected,
        actual: verdict.actual.as_deref(),
        passed: verdict.status == Status::Passed,
        timed_out: matches!(observed, Observed::TimedOut(_)) || verdict.hang.is_some(),
        hang: verdict.hang.and_then(hang_class),
        blocked_s: held_s.or_else(|| verdict.blocking.as_deref().and_then(blocked_seconds)),
        tasks_left: verdict.leftovers.map(|left| left.tasks + left.jobs),
        lines_after_return: verdict.leftovers.map(|left| left.lines),
    }
}

/// The harness's class of a hang as a symptom's: the three a student can act on; the
/// others (a blocking job holding the clock, a clock that moves too slowly, a poll the
/// harness could not look into) leave the cause open.
fn hang_class(hang: Hang) -> Option<symptom::Hang> {
    match hang {
        Hang::BusyLoop => Some(symptom::Hang::BusyLoop),
        Hang::BlockingCall => Some(symptom::Hang::BlockingCall),
        Hang::SelfWaking => Some(symptom::Hang::SelfWaking),
        _ => None,
    }
}

/// The real time a blocking diagnosis counts in all, in seconds: `(the first of 5 such
/// stretches, 5.0 s in all)`, else the one stretch's `blocked for 1.0 s`.
pub fn blocked_seconds(diagnosis: &str) -> Option<f64> {
    let number_before = |marker: &str| {
        let head = &diagnosis[..diagnosis.find(marker)?];
        head.rsplit([' ', '(']).next()?.parse::<f64>().ok()
    };
    let number_after = |marker: &str| {
        let tail = &diagnosis[diagnosis.find(marker)? + marker.len()..];
        tail.split(' ').next()?.parse::<f64>().ok()
    };
    number_before(" s in all").or_else(|| number_after("blocked for "))
}

/// Fills in a test's verdict from what its run observed.
fn observe(verdict: &mut TestVerdict, observed: &Observed, expected: Option<&str>) {
    match observed {
        Observed::Evidence(evidence) if evidence.hang.is_some() => {
            verdict.status = Status::TimedOut;
            verdict.hang = evidence.hang;
            verdict.wall_ms = Some(evidence.wall_ms);
            // The hang's class becomes a symptom (see `facts`), worded in the feedback.
            verdict.message = Some(Reason::TimedOut {
                limit_s: evidence.wall_ms / 1000.0,
            });
        }
        Observed::Evidence(evidence) => {
            let actual = snapshot::normalize(&evidence.rendered);
            verdict.status = if expected == Some(actual.as_str()) {
                Status::Passed
            } else {
                Status::Failed
            };
            if expected.is_none() {
                verdict.message = Some(Reason::NoSnapshot);
            } else if verdict.status == Status::Failed && ties_note(evidence, &actual) {
                verdict.message = Some(Reason::TiesSorted);
            }
            verdict.actual = Some(actual);
            verdict.blocking = evidence.blocking.clone();
            verdict.wall_ms = Some(evidence.wall_ms);
            verdict.blocked = evidence.blocked;
            verdict.leftovers = evidence.leftovers;
            verdict.checks = evidence.checks;
        }
        Observed::TimedOut(limit) => {
            verdict.status = Status::TimedOut;
            verdict.message = Some(Reason::TimedOut {
                limit_s: limit.as_secs_f64(),
            });
        }
        Observed::Crashed(why) => {
            verdict.status = Status::Crashed;
            verdict.message = Some(Reason::Said(why.clone()));
        }
        Observed::Tampered(why) => {
            verdict.status = Status::Failed;
            verdict.message = Some(Reason::Tampered(why.clone()));
        }
        Observed::OverBudget(why) => {
            verdict.status = Status::NotRun;
            verdict.message = Some(Reason::Said(why.clone()));
        }
    }
}

/// The note beside a difference when the student's run had lines of one instant and they
/// are shown sorted (the test did not declare their order), so the student does not chase
/// an order that is not graded; the student's `cargo test` says the same.
fn ties_note(evidence: &Evidence, actual: &str) -> bool {
    evidence.ties_sorted && timeline_evidence::has_ties(actual)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::{Manifest, Suite};
    use std::path::PathBuf;
    use std::time::Duration;
    use timeline_evidence::Evidence;

    /// Lesson `01` with a visible test `a` (2 points) and a hidden test `b` (3 points).
    fn exercise() -> Exercise {
        let manifest: Manifest = toml::from_str(
            "package = \"exercise-01\"\ntitle = { en = \"A\", ru = \"А\" }\n\
             [[tests]]\nname = \"a\"\npoints = 2\ndescription = \"a\"\n\
             [[tests]]\nname = \"b\"\npoints = 3\nhidden = true\ndescription = \"b\"\n",
        )
        .unwrap();
        let suite = |name: &str, hidden| Suite {
            name: name.into(),
            path: PathBuf::new(),
            snapshots: PathBuf::new(),
            hidden,
            tests: vec![name.to_string()],
        };
        Exercise {
            slug: "01".into(),
            manifest,
            dir: PathBuf::new(),
            grading_dir: PathBuf::new(),
            suites: vec![suite("a", false), suite("b", true)],
        }
    }

    fn expectations() -> Expectations {
        let run = |test: &str| {
            (
                ("01".to_string(), test.to_string()),
                Some("[ 0s] ok".into()),
            )
        };
        Expectations {
            runs: BTreeMap::from([run("a"), run("b")]),
        }
    }

    fn evidence(rendered: &str) -> Observed {
        Observed::Evidence(Box::new(Evidence {
            suite: String::new(),
            test: String::new(),
            rendered: rendered.into(),
            blocking: None,
            wall_ms: 1.5,
            module: String::new(),
            nonce: String::new(),
            ties_sorted: true,
            held_ms: 0.0,
            blocked: false,
            leftovers: None,
            hang: None,
            checks: Default::default(),
        }))
    }

    fn statuses(verdict: &ExerciseVerdict) -> Vec<(Status, u32, u32)> {
        let tests = verdict.tests.iter();
        tests.map(|t| (t.status, t.points, t.max_points)).collect()
    }

    #[test]
    fn refused_and_uncompiled_code_scores_nothing_and_says_why_once() {
        let refusal = Refusal {
            undeclared: vec!["devices.rs".into()],
            found: Vec::new(),
        };
        let refused = of(
            &exercise(),
            &Outcome::Refused(refusal.clone()),
            &expectations(),
        );
        assert_eq!(refused.fate, Fate::Refused(refusal));
        assert!(!refused.fate.compiled());
        assert_eq!(
            statuses(&refused),
            [(Status::Rejected, 0, 2), (Status::Rejected, 0, 3)]
        );
        let broken = of(
            &exercise(),
            &Outcome::NotCompiled("E0308".into()),
            &expectations(),
        );
        assert_eq!(broken.fate.build_failure(), Some(&"E0308".into()));
        assert_eq!(
            statuses(&broken),
            [(Status::NotCompiled, 0, 2), (Status::NotCompiled, 0, 3)]
        );
        assert_eq!(broken.max_points(), 5);
        let mut messages = refused.tests.iter().chain(&broken.tests);
        assert!(
            messages.all(|t| t.message.is_none()),
            "the report words them"
        );
    }

    #[test]
    fn a_run_scores_each_test_from_what_it_observed() {
        let tests = BTreeMap::from([
            ("a".to_string(), evidence("[ 0s] ok\r\n")),
            ("b".to_string(), Observed::TimedOut(Duration::from_secs(5))),
        ]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &expectations());
        assert_eq!(verdict.fate, Fate::Ran);
        assert_eq!(
            statuses(&verdict),
            [(Status::Passed, 2, 2), (Status::TimedOut, 0, 3)]
        );
        assert_eq!(verdict.points(), 2);
        assert_eq!(verdict.tests[0].actual.as_deref(), Some("[ 0s] ok"));
        assert_eq!(verdict.tests[0].wall_ms, Some(1.5));
        assert_eq!(
            verdict.tests[1].message,
            Some(Reason::TimedOut { limit_s: 5.0 })
        );
        assert_eq!(verdict.tests[1].symptoms, [Symptom::Hung]);
        assert!(verdict.tests[0].symptoms.is_empty());
    }

    #[test]
    fn a_failed_run_carries_its_symptoms() {
        let mut blocked = evidence("[  0.000s] ok\n=> returned after 0.000s: ()");
        if let Observed::Evidence(evidence) = &mut blocked {
            evidence.blocking = Some("your code blocked for 1.0 s of real time".into());
        }
        let tests = BTreeMap::from([
            ("a".to_string(), blocked),
            (
                "b".to_string(),
                evidence("=> panicked after 0.000s: not yet implemented"),
            ),
        ]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &expectations());
        assert_eq!(
            verdict.tests[0].symptoms,
            [Symptom::Blocked { seconds: Some(1.0) }]
        );
        assert_eq!(verdict.tests[1].symptoms, [Symptom::Unimplemented]);
    }

    #[test]
    fn blocked_seconds_are_read_from_the_diagnosis() {
        let one = "your code blocked for 1.2 s of real time between the start and the end. On";
        assert_eq!(blocked_seconds(one), Some(1.2));
        let many = "your code blocked for 1.0 s of real time between `a` and `b`, while the \
                    virtual clock stood still (the first of 5 such stretches, 5.3 s in all). On";
        assert_eq!(blocked_seconds(many), Some(5.3));
        assert_eq!(blocked_seconds("something else"), None);
    }

    #[test]
    fn wrong_tampered_unobserved_and_over_budget_tests_score_nothing() {
        let tests = BTreeMap::from([
            ("a".to_string(), evidence("[ 1s] late")),
            ("b".to_string(), Observed::Tampered("two results".into())),
        ]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &expectations());
        assert_eq!(
            statuses(&verdict),
            [(Status::Failed, 0, 2), (Status::Failed, 0, 3)]
        );
        assert_eq!(
            verdict.tests[1].message,
            Some(Reason::Tampered("two results".into()))
        );
        let only_a = BTreeMap::from([("a".to_string(), Observed::OverBudget("budget".into()))]);
        let verdict = of(&exercise(), &Outcome::Ran(only_a), &expectations());
        assert_eq!(verdict.tests[0].status, Status::NotRun);
        assert_eq!(verdict.tests[1].status, Status::NoResult);
        assert_eq!(verdict.tests[1].message, Some(Reason::DidNotRun));
    }

    #[test]
    fn compiled_code_without_an_observation_has_no_result_not_a_compile_error() {
        let never = of(&exercise(), &Outcome::NotRun("why".into()), &expectations());
        assert_eq!(never.fate, Fate::NotRun("why".into()));
        assert!(never.fate.compiled());
        assert_eq!(
            statuses(&never),
            [(Status::NoResult, 0, 2), (Status::NoResult, 0, 3)]
        );
        assert_eq!(never.tests[1].message, Some(Reason::DidNotRun));
    }

    #[test]
    fn a_failed_run_with_lines_of_one_instant_says_their_order_is_not_graded() {
        let tie = "[ 0s] ok\n[ 0s] ok";
        let tests = BTreeMap::from([("a".to_string(), evidence(tie))]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &expectations());
        assert_eq!(verdict.tests[0].status, Status::Failed);
        assert_eq!(verdict.tests[0].message, Some(Reason::TiesSorted));
        // Declared order (not sorted), or no tie on either side: no note.
        let mut declared = evidence(tie);
        if let Observed::Evidence(e) = &mut declared {
            e.ties_sorted = false;
        }
        let no_tie = evidence("[ 1s] late");
        for observed in [declared, no_tie] {
            let tests = BTreeMap::from([("a".to_string(), observed)]);
            let verdict = of(&exercise(), &Outcome::Ran(tests), &expectations());
            assert_eq!(verdict.tests[0].status, Status::Failed);
            assert_eq!(verdict.tests[0].message, None);
        }
    }

    #[test]
    fn no_note_when_only_the_expected_run_has_lines_of_one_instant() {
        let tied = (
            ("01".to_string(), "a".to_string()),
            Some("[ 0s] x\n[ 0s] y".into()),
        );
        let expectations = Expectations {
            runs: BTreeMap::from([tied]),
        };
        let tests = BTreeMap::from([("a".to_string(), evidence("[ 1s] late"))]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &expectations);
        assert_eq!(verdict.tests[0].status, Status::Failed);
        assert_eq!(verdict.tests[0].message, None);
    }

    #[test]
    fn a_hang_recorded_by_the_harness_times_out_with_its_class() {
        let Observed::Evidence(mut hung) = evidence("=> hung (self_waking)") else {
            unreachable!()
        };
        hung.hang = Some(Hang::SelfWaking);
        hung.wall_ms = 5000.0;
        let tests = BTreeMap::from([("a".to_string(), Observed::Evidence(hung))]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &expectations());
        let test = &verdict.tests[0];
        assert_eq!((test.status, test.points), (Status::TimedOut, 0));
        assert_eq!(test.hang, Some(Hang::SelfWaking));
        assert_eq!(test.message, Some(Reason::TimedOut { limit_s: 5.0 }));
        assert_eq!(test.symptoms, [Symptom::SelfWaking]);
    }

    #[test]
    fn blocking_and_leftovers_are_carried_into_the_verdict() {
        let Observed::Evidence(mut run) = evidence("[ 0s] ok") else {
            unreachable!()
        };
        run.blocked = true;
        run.held_ms = 1200.0;
        let left = Left {
            grace_ms: 1000,
            lines: 0,
            tasks: 1,
            jobs: 0,
        };
        run.leftovers = Some(left);
        let tests = BTreeMap::from([("a".to_string(), Observed::Evidence(run))]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &expectations());
        let test = &verdict.tests[0];
        // The verdict is the rendered run's: these facts only explain it.
        assert_eq!(test.status, Status::Passed);
        assert!(test.blocked);
        assert_eq!(test.leftovers, Some(left));
        // ...and are reported beside the pass: the executor was held, a task was left.
        let shown = &test.symptoms;
        assert!(
            shown.iter().any(|s| matches!(s, Symptom::Blocked { .. })),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|s| matches!(s, Symptom::LeftAlive { .. })),
            "{shown:?}"
        );
    }

    #[test]
    fn a_blocking_symptom_starts_where_the_harness_fails_a_test() {
        let limit = timeline_evidence::BLOCKED_LIMIT.as_secs_f64();
        assert!((symptom::BLOCKED_FROM_S - limit).abs() < 1e-9);
    }

    #[test]
    fn a_run_without_a_snapshot_fails_and_says_so() {
        let tests = BTreeMap::from([("a".to_string(), evidence("[ 0s] ok"))]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &Expectations::default());
        assert_eq!(verdict.tests[0].status, Status::Failed);
        assert_eq!(verdict.tests[0].message, Some(Reason::NoSnapshot));
    }
}
