//! Verdict: compare what each test observed with the expected run, and score it.
//!
//! The expected runs are read from the grader's own copy of the snapshots (visible ones
//! under `exercises/`, hidden ones under `grader/course/`), never from the staged tree the
//! student's code could reach.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::course::{Course, Exercise, TestSpec};
use crate::pipeline::build::Built;
use crate::pipeline::outcome::{self, Outcome};
use crate::pipeline::run::{Observation, Observed};
use crate::pipeline::stage::Stage;
use crate::pipeline::submission::Submission;
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
    /// The test ran past its real-time limit (a loop without `.await`, a blocking call).
    TimedOut,
    /// The test process died before the test recorded its result.
    Crashed,
    /// The student's code did not compile.
    NotCompiled,
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
    /// happen; `None` for code that was refused or did not compile (its status says it, and
    /// `report` words it).
    pub message: Option<String>,
    /// Real time the run took, in milliseconds.
    pub wall_ms: Option<f64>,
    /// The test gave different results when run again (`--repeat`); the first counts.
    #[serde(default)]
    pub flaky: bool,
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
    /// Refused before building: why, in words.
    Refused(String),
    /// Did not compile: the compiler's errors, trimmed.
    NotCompiled(String),
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

    /// The compiler's errors, when the code did not compile.
    pub fn compile_errors(&self) -> Option<&str> {
        match self {
            Fate::NotCompiled(errors) => Some(errors),
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
    pub id: String,
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
        status: Status::NotCompiled,
        points: 0,
        max_points: spec.map_or(0, |s| s.points),
        actual: None,
        blocking: None,
        message: None,
        wall_ms: None,
        flaky: false,
        name,
    };
    match outcome {
        Outcome::Refused(_) => verdict.status = Status::Rejected,
        Outcome::NotCompiled(_) => {}
        Outcome::NotRun(why) => verdict.message = Some(why.clone()),
        Outcome::Ran(tests) => match tests.get(&verdict.name) {
            Some(observed) => observe(&mut verdict, observed, expected),
            None => verdict.message = Some("the test did not run".to_string()),
        },
    }
    if verdict.status == Status::Passed {
        verdict.points = verdict.max_points;
    }
    verdict
}

/// Fills in a test's verdict from what its run observed.
fn observe(verdict: &mut TestVerdict, observed: &Observed, expected: Option<&str>) {
    match observed {
        Observed::Evidence(evidence) => {
            let actual = snapshot::normalize(&evidence.rendered);
            verdict.status = if expected == Some(actual.as_str()) {
                Status::Passed
            } else {
                Status::Failed
            };
            if expected.is_none() {
                verdict.message =
                    Some("no expected run (snapshot) exists for this test".to_string());
            }
            verdict.actual = Some(actual);
            verdict.blocking = evidence.blocking.clone();
            verdict.wall_ms = Some(evidence.wall_ms);
        }
        Observed::TimedOut(limit) => {
            verdict.status = Status::TimedOut;
            verdict.message = Some(format!(
                "the test was still running after {} s of real time and was stopped; \
                 on a paused clock waiting costs no real time, so look for a loop that \
                 never reaches `.await` or a blocking call that never returns",
                limit.as_secs_f64()
            ));
        }
        Observed::Crashed(why) => {
            verdict.status = Status::Crashed;
            verdict.message = Some(why.clone());
        }
        Observed::Tampered(why) => {
            verdict.status = Status::Failed;
            verdict.message = Some(format!("tampered: {why}"));
        }
        Observed::OverBudget(why) => {
            verdict.status = Status::NotRun;
            verdict.message = Some(why.clone());
        }
    }
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
        Observed::Evidence(Evidence {
            suite: String::new(),
            test: String::new(),
            rendered: rendered.into(),
            blocking: None,
            wall_ms: 1.5,
            module: String::new(),
            nonce: String::new(),
        })
    }

    fn statuses(verdict: &ExerciseVerdict) -> Vec<(Status, u32, u32)> {
        let tests = verdict.tests.iter();
        tests.map(|t| (t.status, t.points, t.max_points)).collect()
    }

    #[test]
    fn refused_and_uncompiled_code_scores_nothing_and_says_why_once() {
        let refused = of(
            &exercise(),
            &Outcome::Refused("unsafe".into()),
            &expectations(),
        );
        assert_eq!(refused.fate, Fate::Refused("unsafe".into()));
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
        assert_eq!(broken.fate.compile_errors(), Some("E0308"));
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
        assert!(verdict.tests[1].message.as_deref().unwrap().contains("5 s"));
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
            verdict.tests[1].message.as_deref(),
            Some("tampered: two results")
        );
        let only_a = BTreeMap::from([("a".to_string(), Observed::OverBudget("budget".into()))]);
        let verdict = of(&exercise(), &Outcome::Ran(only_a), &expectations());
        assert_eq!(verdict.tests[0].status, Status::NotRun);
        assert_eq!(
            verdict.tests[1].message.as_deref(),
            Some("the test did not run")
        );
        let never = of(&exercise(), &Outcome::NotRun("why".into()), &expectations());
        assert_eq!(never.fate, Fate::NotRun("why".into()));
        assert!(never.fate.compiled());
        assert_eq!(never.points(), 0);
        assert_eq!(never.tests[1].message.as_deref(), Some("why"));
    }

    #[test]
    fn a_run_without_a_snapshot_fails_and_says_so() {
        let tests = BTreeMap::from([("a".to_string(), evidence("[ 0s] ok"))]);
        let verdict = of(&exercise(), &Outcome::Ran(tests), &Expectations::default());
        assert_eq!(verdict.tests[0].status, Status::Failed);
        assert!(
            verdict.tests[0]
                .message
                .as_deref()
                .unwrap()
                .contains("snapshot")
        );
    }
}
