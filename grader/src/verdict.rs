//! Verdict: compare what each test observed with the expected run, and score it.
//!
//! The expected runs are read from the grader's own copy of the snapshots (visible ones
//! under `exercises/`, hidden ones under `grader/course/`), never from the staged tree the
//! student's code could reach.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::build::Built;
use crate::course::{Course, Exercise};
use crate::pair::Pair;
use crate::run::{Observation, Observed};
use crate::snapshot;
use crate::stage::Stage;
use crate::submission::Submission;

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
    /// Why there is no run to show (timeout, crash, compile error).
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
    /// Compiler errors, trimmed, when the code did not compile.
    pub compile_error: Option<String>,
    /// Why the code was refused before building, when it was.
    pub rejected: Option<String>,
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
    let by_pair: BTreeMap<&Pair, &Observation> =
        observations.iter().map(|o| (&o.pair, o)).collect();
    stage
        .keys
        .iter()
        .zip(batch)
        .map(|(key, submission)| {
            let exercises = course
                .exercises
                .iter()
                .filter(|e| submission.exercises.contains_key(&e.slug))
                .map(|exercise| {
                    let pair = Pair::new(key, &exercise.slug);
                    let observation = by_pair.get(&pair).copied();
                    judge_unit(exercise, &pair, stage, built, observation, expectations)
                })
                .collect();
            Graded {
                id: submission.id.clone(),
                exercises,
                notes: submission.notes.clone(),
            }
        })
        .collect()
}

/// The verdict of one student's exercise: refused, not compiled, or judged from what its
/// tests observed.
fn judge_unit(
    exercise: &Exercise,
    pair: &Pair,
    stage: &Stage,
    built: &Built,
    observation: Option<&Observation>,
    expectations: &Expectations,
) -> ExerciseVerdict {
    let stopped = match (stage.rejected.get(pair), built.failures.get(pair)) {
        (Some(why), _) => Some((Status::Rejected, why)),
        (None, Some(errors)) => Some((Status::NotCompiled, errors)),
        (None, None) => None,
    };
    judge_exercise(exercise, stopped, observation, expectations)
}

/// The verdict of one student's exercise whose tests ran.
pub fn judge_observed(
    exercise: &Exercise,
    observation: &Observation,
    expectations: &Expectations,
) -> ExerciseVerdict {
    judge_exercise(exercise, None, Some(observation), expectations)
}

/// `stopped`: the code was refused or did not compile, with the reason.
fn judge_exercise(
    exercise: &Exercise,
    stopped: Option<(Status, &String)>,
    observation: Option<&Observation>,
    expectations: &Expectations,
) -> ExerciseVerdict {
    let tests = exercise
        .test_names()
        .into_iter()
        .map(|name| {
            let spec = exercise.spec(&name);
            let max_points = spec.map_or(0, |s| s.points);
            let mut verdict = TestVerdict {
                hidden: spec.is_some_and(|s| s.hidden),
                status: Status::NotCompiled,
                points: 0,
                max_points,
                actual: None,
                blocking: None,
                message: None,
                wall_ms: None,
                flaky: false,
                name,
            };
            match observation.and_then(|o| o.tests.get(&verdict.name)) {
                _ if stopped.is_some() => {
                    let (status, _) = stopped.expect("checked");
                    verdict.status = status;
                    verdict.message = Some(match status {
                        Status::Rejected => "the code was refused before building".to_string(),
                        _ => "the code did not compile".to_string(),
                    });
                }
                None => verdict.message = Some("the test did not run".to_string()),
                Some(Observed::Evidence(evidence)) => {
                    let expected = expectations.get(&exercise.slug, &verdict.name);
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
                Some(Observed::TimedOut(limit)) => {
                    verdict.status = Status::TimedOut;
                    verdict.message = Some(format!(
                        "the test was still running after {} s of real time and was stopped; \
                         on a paused clock waiting costs no real time, so look for a loop that \
                         never reaches `.await` or a blocking call that never returns",
                        limit.as_secs_f64()
                    ));
                }
                Some(Observed::Crashed(why)) => {
                    verdict.status = Status::Crashed;
                    verdict.message = Some(why.clone());
                }
                Some(Observed::Tampered(why)) => {
                    verdict.status = Status::Failed;
                    verdict.message = Some(format!("tampered: {why}"));
                }
                Some(Observed::OverBudget(why)) => {
                    verdict.status = Status::NotRun;
                    verdict.message = Some(why.clone());
                }
            }
            if verdict.status == Status::Passed {
                verdict.points = max_points;
            }
            verdict
        })
        .collect();
    ExerciseVerdict {
        slug: exercise.slug.clone(),
        tests,
        compile_error: stopped
            .filter(|(s, _)| *s == Status::NotCompiled)
            .map(|(_, e)| e.clone()),
        rejected: stopped
            .filter(|(s, _)| *s == Status::Rejected)
            .map(|(_, e)| e.clone()),
    }
}
