//! Pair: the identity of one student's hand-in of one lesson, the key every step of the
//! pipeline files its results under (instead of string tuples).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

/// A student's short key inside one batch (`s001`): names their crate, module and test
/// process. Only meaningful within its batch; the student's id is on the submission.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StudentKey(String);

/// A student's id: the name of their entry in the submissions folder (an archive's without
/// its extension), Unicode and spaces kept (`Олег`, `Nina Petrova`). What reports show and
/// rosters list; [`crate::report::file_name`] makes it a file name.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StudentId(String);

/// A lesson (exercise) slug, e.g. `01-tick-file-watch`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LessonSlug(String);

/// One student's hand-in of one lesson, within a batch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pair {
    /// Who.
    pub student: StudentKey,
    /// Which lesson.
    pub lesson: LessonSlug,
}

/// One student's hand-in of one lesson across batches and runs: the student's id (their
/// submission's name) and the lesson. What a resumed run takes from the cache, and merges.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HandIn {
    /// The student's id.
    pub student: StudentId,
    /// Which lesson.
    pub lesson: LessonSlug,
}

impl HandIn {
    /// The hand-in of `lesson` by the student whose id is `student`.
    pub fn new(student: &str, lesson: &str) -> HandIn {
        HandIn {
            student: StudentId::from(student),
            lesson: LessonSlug::from(lesson),
        }
    }
}

impl StudentKey {
    /// The key of the `index`-th (from 0) student of a batch whose keys are `width` digits
    /// wide: `s001`.
    pub fn numbered(index: usize, width: usize) -> StudentKey {
        StudentKey(format!("s{:0width$}", index + 1))
    }
}

impl Pair {
    /// The pair of `student` and `lesson`.
    pub fn new(student: &StudentKey, lesson: &str) -> Pair {
        Pair {
            student: student.clone(),
            lesson: LessonSlug::from(lesson),
        }
    }
}

impl From<&str> for LessonSlug {
    fn from(slug: &str) -> LessonSlug {
        LessonSlug(slug.to_string())
    }
}

impl From<&str> for StudentId {
    fn from(id: &str) -> StudentId {
        StudentId(id.to_string())
    }
}

impl From<String> for StudentId {
    fn from(id: String) -> StudentId {
        StudentId(id)
    }
}

impl From<&str> for StudentKey {
    fn from(key: &str) -> StudentKey {
        StudentKey(key.to_string())
    }
}

macro_rules! string_like {
    ($name:ident) => {
        impl $name {
            /// The text of it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        /// Honours width and alignment (`{:8}`), as `str` does: tables pad ids.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

string_like!(StudentKey);
string_like!(StudentId);
string_like!(LessonSlug);

impl fmt::Display for Pair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.student, self.lesson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn ids_keep_their_unicode_and_pad_like_text() {
        let id = StudentId::from("Олег");
        assert_eq!(format!("[{id:6}]"), "[Олег  ]");
        assert_eq!(format!("[{id:>6}]"), "[  Олег]");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"Олег\"");
    }

    #[test]
    fn keys_are_numbered_from_one_and_padded() {
        assert_eq!(StudentKey::numbered(0, 3).as_str(), "s001");
        assert_eq!(StudentKey::numbered(99, 3).as_str(), "s100");
        assert_eq!(StudentKey::numbered(41, 4).as_str(), "s0042");
    }

    #[test]
    fn a_map_by_slug_is_found_by_the_course_s_string() {
        let map = BTreeMap::from([(LessonSlug::from("01-a"), 1), (LessonSlug::from("02-b"), 2)]);
        assert_eq!(map.get("02-b"), Some(&2));
        assert_eq!(map.get("03-c"), None);
    }

    #[test]
    fn pairs_order_by_student_then_lesson() {
        let (a, b) = (StudentKey::from("s001"), StudentKey::from("s002"));
        let mut pairs = [
            Pair::new(&b, "01"),
            Pair::new(&a, "02"),
            Pair::new(&a, "01"),
        ];
        pairs.sort();
        let shown: Vec<String> = pairs.iter().map(Pair::to_string).collect();
        assert_eq!(shown, ["s001 01", "s001 02", "s002 01"]);
    }
}
