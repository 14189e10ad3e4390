//! Cache: every student's exercise verdict, stored the moment it is known, so a grading
//! run that is killed loses nothing and `--resume` regrades only what is missing.
//!
//! A verdict is filed under a key made of everything it depends on: the grader's version,
//! the Rust toolchain, everything the exercise is graded with (its manifest, tests, hidden
//! tests, snapshots, the harness, the lock file) and the student's staged files. Change any
//! of them and the old entry is simply never found again. Files are written to a temporary
//! name and renamed, so a kill mid-write leaves no half entry.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::course::Course;
use crate::submission::Sources;
use crate::verdict::ExerciseVerdict;

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
    /// Opens (creating) the cache in `dir` for `course`.
    pub fn open(course: &Course, dir: &Path) -> Result<Cache> {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let toolchain = Command::new("rustc")
            .arg("-vV")
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default();
        let mut common = Sha256::new();
        common.update(env!("CARGO_PKG_VERSION"));
        common.update(&toolchain);
        for shared in ["Cargo.lock", "Cargo.toml", "exercises/timeline"] {
            hash_tree(&mut common, &course.root.join(shared))?;
        }
        let mut suites = BTreeMap::new();
        for exercise in &course.exercises {
            let mut hasher = common.clone();
            hash_tree(&mut hasher, &exercise.dir.join("Cargo.toml"))?;
            hash_tree(&mut hasher, &exercise.dir.join("tests"))?;
            hash_tree(&mut hasher, &exercise.grading_dir)?;
            suites.insert(exercise.slug.clone(), hex(&hasher.finalize()));
        }
        Ok(Cache {
            dir: dir.to_path_buf(),
            suites,
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

    /// Stores a verdict atomically.
    pub fn store(&self, sources: &Sources, verdict: &ExerciseVerdict) -> Result<()> {
        let Some(path) = self.path(&verdict.slug, sources) else {
            return Ok(());
        };
        let write = self.writes.fetch_add(1, Ordering::Relaxed);
        let temporary = path.with_extension(format!("{}-{write}.partial", std::process::id()));
        fs::write(&temporary, serde_json::to_vec(verdict)?)
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

/// Feeds every file under `path` (or the file itself), in a stable order, to `hasher`.
fn hash_tree(hasher: &mut Sha256, path: &Path) -> Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(path)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for file in files {
        let relative = file.strip_prefix(path).unwrap_or(&file);
        hasher.update(relative.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?);
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            compile_error: None,
            rejected: None,
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
}
