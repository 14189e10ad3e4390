//! What [`check!`](crate::check!) does with a run: a snapshot assertion for a student, a
//! piece of evidence for the grader.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::capture::Run;

/// When set to a folder, `check!` writes evidence there instead of asserting.
pub const EVIDENCE_ENV: &str = "TIMELINE_EVIDENCE";

/// What one `check!` observed, as the grader reads it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The test file's stem (`tick_watch` for `tests/tick_watch.rs`).
    pub suite: String,
    /// The test function's name.
    pub test: String,
    /// [`Run::render`]: the text compared with the snapshot.
    pub rendered: String,
    /// The blocking diagnosis, if the run blocked the executor.
    pub blocking: Option<String>,
    /// Real time the run took, in milliseconds.
    pub wall_ms: f64,
}

impl Evidence {
    /// The file name this evidence is stored under, also the snapshot's name.
    pub fn file_stem(suite: &str, test: &str) -> String {
        format!("{suite}__{test}")
    }
}

/// What the `check!` macro must do next.
#[derive(Debug)]
pub enum CheckMode {
    /// Assert this rendered run against the insta snapshot.
    Snapshot(String),
    /// Nothing: the run was written as evidence for the grader.
    Recorded,
}

/// Decides between asserting and recording; called by [`check!`](crate::check!).
#[doc(hidden)]
pub fn check_mode<T: Debug>(file: &str, test: &str, run: &Run<T>) -> CheckMode {
    let rendered = run.render();
    let blocking = run.transcript.blocking().map(|b| b.to_string());
    match std::env::var_os(EVIDENCE_ENV) {
        None => {
            if let Some(diagnosis) = &blocking {
                eprintln!("note: {diagnosis}\n");
            }
            CheckMode::Snapshot(rendered)
        }
        Some(dir) => {
            let evidence = Evidence {
                suite: suite_of(file),
                test: test.to_string(),
                rendered,
                blocking,
                wall_ms: run.wall().as_secs_f64() * 1000.0,
            };
            write_evidence(Path::new(&dir), &evidence);
            CheckMode::Recorded
        }
    }
}

fn suite_of(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes atomically (temporary file, then rename), so the grader never reads half a file.
fn write_evidence(dir: &Path, evidence: &Evidence) {
    let stem = Evidence::file_stem(&evidence.suite, &evidence.test);
    let path: PathBuf = dir.join(format!("{stem}.json"));
    let temporary = dir.join(format!("{stem}.json.partial"));
    let json = serde_json::to_vec(evidence).expect("evidence serialises");
    std::fs::write(&temporary, json)
        .and_then(|()| std::fs::rename(&temporary, &path))
        .unwrap_or_else(|e| panic!("timeline: cannot write evidence to {}: {e}", path.display()));
}
