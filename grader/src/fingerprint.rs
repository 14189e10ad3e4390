//! Fingerprint: what a verdict depends on besides the student's code, as hashes.
//!
//! A verdict is a function of the student's files, the grader and the course. The grader
//! counts as the bytes of its executable (any rebuild counts, whatever its version number
//! says) and the Rust toolchain; the course as everything an exercise is graded with: its
//! manifest, tests, hidden tests, snapshots, both harness crates and the lock file.
//!
//! The cache files verdicts under these hashes, and `results.json` records them
//! ([`Versions`]), so a partial regrade or a merge of shards never mixes verdicts of two
//! versions.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::course::Course;

/// The course's and the grader's versions, as `results.json` records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Versions {
    /// The grader: its package version, then a hash of its executable and the toolchain.
    pub grader: String,
    /// The course: a hash of everything the graded exercises are graded with.
    pub course: String,
}

/// The hashes of one course and grader.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    /// Per exercise slug: the hash of the grader and everything the exercise is graded with.
    pub exercises: BTreeMap<String, String>,
    /// Both versions, for the reports.
    pub versions: Versions,
}

/// Files every exercise is graded with.
const SHARED: [&str; 5] = [
    "Cargo.lock",
    "Cargo.toml",
    "exercises/timeline",
    "exercises/timeline-check",
    "exercises/timeline-evidence",
];

impl Fingerprint {
    /// Hashes the running grader and `course`.
    pub fn of(course: &Course) -> Result<Fingerprint> {
        let toolchain = Command::new("rustc")
            .arg("-vV")
            .output()
            .map(|o| o.stdout)
            .unwrap_or_default();
        let mut grader = Sha256::new();
        grader.update(env!("CARGO_PKG_VERSION"));
        grader.update(executable_digest());
        grader.update(&toolchain);
        let grader = hex(&grader.finalize());
        let mut shared = Sha256::new();
        for path in SHARED {
            hash_tree(&mut shared, &course.root.join(path))?;
        }
        let mut exercises = BTreeMap::new();
        let mut whole = Sha256::new();
        for exercise in &course.exercises {
            let mut hasher = shared.clone();
            hash_tree(&mut hasher, &exercise.dir.join("Cargo.toml"))?;
            hash_tree(&mut hasher, &exercise.dir.join("tests"))?;
            hash_tree(&mut hasher, &exercise.grading_dir)?;
            let course_part = hex(&hasher.finalize());
            whole.update(&exercise.slug);
            whole.update(&course_part);
            exercises.insert(exercise.slug.clone(), hex(&combine(&grader, &course_part)));
        }
        Ok(Fingerprint {
            exercises,
            versions: Versions {
                grader: format!("{}+{}", env!("CARGO_PKG_VERSION"), &grader[..16]),
                course: hex(&whole.finalize())[..16].to_string(),
            },
        })
    }
}

fn combine(grader: &str, course: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(grader);
    hasher.update(course);
    hasher.finalize().to_vec()
}

/// The grader itself, as built: a hash of its executable (empty if it cannot be read, which
/// only costs cache hits after a rebuild).
fn executable_digest() -> Vec<u8> {
    std::env::current_exe()
        .and_then(fs::read)
        .map(|bytes| Sha256::digest(bytes).to_vec())
        .unwrap_or_default()
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

/// Bytes as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
