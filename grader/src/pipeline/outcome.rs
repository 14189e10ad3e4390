//! Outcome: what became of one student's hand-in of one lesson, exactly one of four:
//! refused before building, not compiled, ran (with what each test observed), or built
//! but never run. Gathered from the pipeline's steps ([`gather`]); its verdict is a pure
//! function of it ([`crate::pipeline::verdict::of`]).

use std::collections::BTreeMap;

use crate::confine::scan::Refusal;
use crate::course::Course;
use crate::pipeline::build::{BuildFailure, Built};
use crate::pipeline::pair::Pair;
use crate::pipeline::run::{Observation, Observed};
use crate::pipeline::stage::Stage;
use crate::pipeline::submission::Submission;

/// Why a compiled pair has no observation: the build linked no test binary for it, or its
/// run failed for the grader's own reasons.
const NEVER_RAN: &str = "the test did not run";

/// What became of one (student, lesson) pair.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Refused before building: what the scan found (see `scan`).
    Refused(Refusal),
    /// Did not compile: why (the compiler's errors, in the student's terms).
    NotCompiled(BuildFailure),
    /// Compiled and ran: test name -> what was observed (a test missing from the map did
    /// not run).
    Ran(BTreeMap<String, Observed>),
    /// Compiled, but its tests never ran: why, in words.
    NotRun(String),
}

impl Outcome {
    /// The outcome of `pair` after the batch was staged, built and run: refusal first
    /// (refused code is never built), then compile errors, then the observation if any.
    pub fn of(pair: &Pair, stage: &Stage, built: &Built, ran: Option<&Observation>) -> Outcome {
        if let Some(why) = stage.rejected.get(pair) {
            return Outcome::Refused(why.clone());
        }
        if let Some(errors) = built.failures.get(pair) {
            return Outcome::NotCompiled(errors.clone());
        }
        match ran {
            Some(observation) => Outcome::Ran(observation.tests.clone()),
            None => Outcome::NotRun(NEVER_RAN.to_string()),
        }
    }
}

/// Every pair of a batch with its outcome, per submission in batch order, per lesson in
/// course order (only the lessons the submission handed in).
pub fn gather<'c>(
    course: &'c Course,
    batch: &[&Submission],
    stage: &Stage,
    built: &Built,
    observations: &[Observation],
) -> Vec<Vec<(&'c crate::course::Exercise, Outcome)>> {
    let by_pair: BTreeMap<&Pair, &Observation> =
        observations.iter().map(|o| (&o.pair, o)).collect();
    stage
        .keys
        .iter()
        .zip(batch)
        .map(|(key, submission)| {
            course
                .exercises
                .iter()
                .filter(|e| submission.exercises.contains_key(&e.slug))
                .map(|exercise| {
                    let pair = Pair::new(key, &exercise.slug);
                    let ran = by_pair.get(&pair).copied();
                    (exercise, Outcome::of(&pair, stage, built, ran))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::pair::StudentKey;
    use std::path::PathBuf;

    fn stage() -> Stage {
        Stage {
            dir: PathBuf::new(),
            keys: vec![StudentKey::from("s001")],
            members: BTreeMap::new(),
            lines: BTreeMap::new(),
            rejected: BTreeMap::new(),
            own: Default::default(),
        }
    }

    #[test]
    fn a_refusal_wins_over_compile_errors_and_runs() {
        let pair = Pair::new(&StudentKey::from("s001"), "01");
        let mut stage = stage();
        let mut built = Built::default();
        let observation = Observation {
            pair: pair.clone(),
            tests: BTreeMap::new(),
        };
        assert!(matches!(
            Outcome::of(&pair, &stage, &built, None),
            Outcome::NotRun(_)
        ));
        assert!(matches!(
            Outcome::of(&pair, &stage, &built, Some(&observation)),
            Outcome::Ran(_)
        ));
        built.failures.insert(pair.clone(), "E0308".into());
        assert!(
            matches!(Outcome::of(&pair, &stage, &built, Some(&observation)), Outcome::NotCompiled(e) if e == "E0308".into())
        );
        let refusal = Refusal {
            undeclared: vec!["devices.rs".into()],
            found: Vec::new(),
        };
        stage.rejected.insert(pair.clone(), refusal.clone());
        assert!(
            matches!(Outcome::of(&pair, &stage, &built, None), Outcome::Refused(r) if r == refusal)
        );
        let other = Pair::new(&StudentKey::from("s002"), "01");
        assert!(matches!(
            Outcome::of(&other, &stage, &built, None),
            Outcome::NotRun(_)
        ));
    }
}
