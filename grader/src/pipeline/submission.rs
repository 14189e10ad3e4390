//! What a student hands in, once read: source files per exercise, plus notes for the
//! feedback about what was left out.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::pipeline::discover::Shape;
use crate::pipeline::pair::StudentId;

/// One student's work (or, for `verify`, one variant: a stub, a solution, a wrong one).
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// The student id: the submission's file or folder name.
    pub id: StudentId,
    /// The entry of the submissions folder it was read from (`alice.tar.gz`); empty for
    /// the course's own variants.
    pub entry: String,
    /// The form it was handed in as.
    pub shape: Shape,
    /// Per exercise slug, the Rust files under the exercise's `src/`.
    pub exercises: BTreeMap<String, Sources>,
    /// Things the student should know about intake (files ignored, archive problems).
    pub notes: Vec<String>,
}

/// An entry of the submissions folder that could not be graded: a row of every report all
/// the same, saying why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotGradable {
    /// The student id its name stands for.
    pub id: StudentId,
    /// Its name in the submissions folder.
    pub entry: String,
    /// What is wrong with it and what to do, in words.
    pub reason: String,
    /// What else was noticed while reading it (how it was read, what was left out).
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
