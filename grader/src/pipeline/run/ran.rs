//! What one test process left behind: its evidence, checked for belonging to it, and how
//! it ended.

use std::collections::BTreeMap;

use timeline_evidence::{Binding, Evidence};

use super::Observed;
use crate::confine::process::Exit;

/// What one test process left behind.
pub(super) struct Ran {
    /// The first validly signed evidence per `<suite>__<test>`.
    pub(super) evidence: BTreeMap<String, Evidence>,
    /// Tests that got more than one validly signed evidence line.
    pub(super) tampered: Vec<String>,
    /// Validly signed evidence that was not this process's to give: why, per line.
    pub(super) foreign: Vec<String>,
    pub(super) exit: Exit,
    pub(super) stderr: String,
}

impl Ran {
    pub(super) fn observed(&self, stem: &str) -> Option<Observed> {
        if !self.foreign.is_empty() {
            return Some(Observed::Tampered(format!(
                "the test process printed validly signed evidence that was not its own ({}): \
                 the code under test got hold of the grader's secret, so none of this \
                 process's results count",
                self.foreign.join("; ")
            )));
        }
        if self.tampered.iter().any(|t| t == stem) {
            return Some(Observed::Tampered(
                "this test's result was reported twice: the code under test produced a result \
                 of its own, so neither counts"
                    .to_string(),
            ));
        }
        self.evidence
            .get(stem)
            .map(|evidence| Observed::Evidence(Box::new(evidence.clone())))
    }

    /// Takes one validly signed piece of evidence, if it belongs to this process.
    pub(super) fn take(&mut self, evidence: Evidence, binding: Binding<'_>, asked: &[String]) {
        let stem = Evidence::file_stem(&evidence.suite, &evidence.test);
        if let Some(why) = evidence.binding(binding) {
            self.foreign.push(why);
            return;
        }
        if !asked.contains(&stem) {
            self.foreign.push(format!(
                "evidence for `{}`, a test this process was not asked to run",
                evidence.test
            ));
            return;
        }
        match self.evidence.entry(stem) {
            std::collections::btree_map::Entry::Occupied(seen) => {
                self.tampered.push(seen.key().clone())
            }
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(evidence);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(module: &str, test: &str, nonce: &str) -> Evidence {
        Evidence {
            suite: "tick_watch".into(),
            test: test.into(),
            rendered: "[  0.000s] tick".into(),
            blocking: None,
            wall_ms: 1.0,
            module: module.into(),
            nonce: nonce.into(),
            ties_sorted: true,
            held_ms: 0.0,
            blocked: false,
            leftovers: None,
            hang: None,
            checks: Default::default(),
        }
    }

    fn ran() -> Ran {
        Ran {
            evidence: BTreeMap::new(),
            tampered: Vec::new(),
            foreign: Vec::new(),
            exit: Exit::Code(0),
            stderr: String::new(),
        }
    }

    const MINE: Binding<'static> = Binding {
        key: "s001",
        nonce: "n1",
    };

    fn asked() -> Vec<String> {
        vec!["tick_watch__a".to_string(), "tick_watch__b".to_string()]
    }

    #[test]
    fn the_process_own_evidence_counts() {
        let mut ran = ran();
        ran.take(
            evidence("batch::s001::tick_watch", "a", "n1"),
            MINE,
            &asked(),
        );
        assert!(matches!(
            ran.observed("tick_watch__a"),
            Some(Observed::Evidence(_))
        ));
        assert!(ran.observed("tick_watch__b").is_none());
    }

    #[test]
    fn a_second_result_for_a_test_is_tampering() {
        let mut ran = ran();
        for _ in 0..2 {
            ran.take(
                evidence("batch::s001::tick_watch", "a", "n1"),
                MINE,
                &asked(),
            );
        }
        let Some(Observed::Tampered(why)) = ran.observed("tick_watch__a") else {
            panic!("not tampered");
        };
        assert!(why.contains("reported twice"), "{why}");
        assert!(ran.observed("tick_watch__b").is_none());
    }

    #[test]
    fn evidence_not_this_process_to_give_taints_all_its_tests() {
        let foreign = [
            (
                evidence("batch::s002::tick_watch", "b", "n1"),
                "another student",
            ),
            (
                evidence("batch::s001::tick_watch", "b", "n2"),
                "another test process",
            ),
            (
                evidence("batch::s001::tick_watch", "c", "n1"),
                "not asked to run",
            ),
        ];
        for (evidence, said) in foreign {
            let mut ran = ran();
            ran.take(
                super::tests::evidence("batch::s001::tick_watch", "a", "n1"),
                MINE,
                &asked(),
            );
            ran.take(evidence, MINE, &asked());
            for stem in asked() {
                let Some(Observed::Tampered(why)) = ran.observed(&stem) else {
                    panic!("{stem} is not tampered ({said})");
                };
                assert!(why.contains(said) && why.contains("secret"), "{why}");
            }
        }
    }
}
