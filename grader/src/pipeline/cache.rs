//! Cache: every student's exercise verdict, stored the moment it is known, so a grading
//! run that is killed loses nothing and `--resume` regrades only what is missing.
//!
//! A verdict is filed under a key made of everything it depends on: the exercise's
//! [`Fingerprint`] (the grader, the toolchain, everything the exercise is graded with) and
//! the student's staged files.
//! Change any of them and the old entry is simply never found again. Files are written to
//! a temporary name and renamed, so a kill mid-write leaves no half entry.
//!
//! The cache lives in the output folder, which instructors share: it keeps verdicts, never
//! the expected output of a hidden test (a passing hidden test's run is that output, so it
//! is dropped before the verdict is stored).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::fingerprint::{Fingerprint, hex};
use crate::pipeline::submission::Sources;
use crate::pipeline::verdict::{ExerciseVerdict, Status};

/// The verdict cache of one output folder.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Per exercise slug: the hash of everything it is graded with.
    suites: BTreeMap<String, String>,
    /// Numbers the temporary files: two students who handed in the same code get the same
    /// entry, and their verdicts may be stored at the same moment.
    writes: AtomicUsize,
}

impl Cache {
    /// Opens (creating) the cache in `dir`, filing verdicts under `fingerprint`.
    pub fn open(fingerprint: &Fingerprint, dir: &Path) -> Result<Cache> {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Cache {
            dir: dir.to_path_buf(),
            suites: fingerprint.exercises.clone(),
            writes: AtomicUsize::new(0),
        })
    }

    fn path(&self, slug: &str, sources: &Sources) -> Option<PathBuf> {
        let mut hasher = Sha256::new();
        hasher.update(self.suites.get(slug)?);
        for (path, contents) in &sources.files {
            hasher.update(path.to_string_lossy().as_bytes());
            hasher.update([0]);
            hasher.update((contents.len() as u64).to_le_bytes());
            hasher.update(contents);
        }
        Some(self.dir.join(format!("{}.json", hex(&hasher.finalize()))))
    }

    /// The stored verdict of these sources, if any.
    pub fn load(&self, slug: &str, sources: &Sources) -> Option<ExerciseVerdict> {
        let bytes = fs::read(self.path(slug, sources)?).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores a verdict atomically, without the run of any passing hidden test.
    pub fn store(&self, sources: &Sources, verdict: &ExerciseVerdict) -> Result<()> {
        let Some(path) = self.path(&verdict.slug, sources) else {
            return Ok(());
        };
        let write = self.writes.fetch_add(1, Ordering::Relaxed);
        let temporary = path.with_extension(format!("{}-{write}.partial", std::process::id()));
        fs::write(
            &temporary,
            serde_json::to_vec(&without_hidden_runs(verdict))?,
        )
        .with_context(|| format!("cannot write {}", temporary.display()))?;
        fs::rename(&temporary, &path).with_context(|| format!("cannot write {}", path.display()))
    }
}

impl Cache {
    /// Leaves an empty marker file in the cache folder (used by tests).
    pub fn mark(&self, name: &str) {
        let _ = fs::write(self.dir.join(name), b"");
    }
}

/// A verdict fit for a shared folder: a passing hidden test's run is the hidden expected
/// output, so it is not kept (the reports never show it either).
pub fn without_hidden_runs(verdict: &ExerciseVerdict) -> ExerciseVerdict {
    let mut kept = verdict.clone();
    for test in &mut kept.tests {
        if test.hidden && test.status == Status::Passed {
            test.actual = None;
            test.blocking = None;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::verdict::Fate;

    #[test]
    fn the_same_entry_stored_from_many_threads_at_once_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache {
            dir: dir.path().to_path_buf(),
            suites: BTreeMap::from([("01".to_string(), "suite".to_string())]),
            writes: AtomicUsize::new(0),
        };
        let sources = Sources {
            files: BTreeMap::from([(PathBuf::from("lib.rs"), b"pub fn f() {}".to_vec())]),
        };
        let verdict = ExerciseVerdict {
            slug: "01".into(),
            tests: Vec::new(),
            fate: Fate::Ran,
        };
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        cache.store(&sources, &verdict).unwrap();
                    }
                });
            }
        });
        assert!(cache.load("01", &sources).is_some());
        let files = fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(files, 1, "one entry, no temporary file left");
    }

    #[test]
    fn an_entry_of_the_old_format_is_simply_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache {
            dir: dir.path().to_path_buf(),
            suites: BTreeMap::from([("01".to_string(), "suite".to_string())]),
            writes: AtomicUsize::new(0),
        };
        let sources = Sources {
            files: BTreeMap::from([(PathBuf::from("lib.rs"), b"fn f() {}".to_vec())]),
        };
        let path = cache.path("01", &sources).unwrap();
        let old = r#"{"slug":"01","tests":[],"compile_error":"E0308","rejected":null}"#;
        fs::write(&path, old).unwrap();
        assert!(cache.load("01", &sources).is_none());
        let verdict = ExerciseVerdict {
            slug: "01".into(),
            tests: Vec::new(),
            fate: Fate::NotCompiled("E0308".into()),
        };
        cache.store(&sources, &verdict).unwrap();
        let loaded = cache.load("01", &sources).expect("the new format loads");
        assert_eq!(loaded.fate, verdict.fate);
    }

    #[test]
    fn a_passing_hidden_tests_run_is_never_stored() {
        let test =
            |name: &str, hidden: bool, status: Status| crate::pipeline::verdict::TestVerdict {
                hidden,
                actual: Some(format!("[  1.000s] {name}")),
                wall_ms: Some(1.0),
                ..crate::pipeline::verdict::TestVerdict::new(name, status, 1)
            };
        let verdict = ExerciseVerdict {
            slug: "01".into(),
            tests: vec![
                test("hidden_pass", true, Status::Passed),
                test("hidden_fail", true, Status::Failed),
                test("visible_pass", false, Status::Passed),
            ],
            fate: Fate::Ran,
        };
        let kept = without_hidden_runs(&verdict);
        let actual: Vec<Option<&str>> = kept.tests.iter().map(|t| t.actual.as_deref()).collect();
        assert_eq!(
            actual,
            [
                None,
                Some("[  1.000s] hidden_fail"),
                Some("[  1.000s] visible_pass")
            ]
        );
    }
}
