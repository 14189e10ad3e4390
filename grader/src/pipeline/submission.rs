//! What a student hands in, once read: source files per exercise, plus notes for the
//! feedback about what was left out.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// One student's work (or, for `verify`, one variant: a stub, a solution, a wrong one).
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// The student id: the submission's file or folder name.
    pub id: String,
    /// Per exercise slug, the Rust files under the exercise's `src/`.
    pub exercises: BTreeMap<String, Sources>,
    /// Things the student should know about intake (files ignored, archive problems).
    pub notes: Vec<String>,
}

/// The `src/**/*.rs` files of one exercise: path relative to `src/` -> contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Sources {
    /// Path relative to the crate's `src/` (always contains `lib.rs`).
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Sources {
    /// A crate made of a single `lib.rs`.
    pub fn lib_only(contents: Vec<u8>) -> Sources {
        Sources {
            files: BTreeMap::from([(PathBuf::from("lib.rs"), contents)]),
        }
    }
}
