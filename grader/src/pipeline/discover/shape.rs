//! Shape: what form an entry of the submissions folder has (a folder, a zip, a tar,
//! compressed or not), and the student id its name stands for.
//!
//! Extensions are matched whatever their case (`alice.ZIP`, `bob.Tar.Gz`): a hand-in
//! renamed by an LMS or a Windows tool is still an archive.

use std::fmt;

/// The form of a hand-in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Shape {
    /// A folder (a clone of the student's workspace, or just its `exercises/`).
    #[default]
    Folder,
    /// A `.zip` archive.
    Zip,
    /// A `.tar.gz` or `.tgz` archive (gzip-compressed tar).
    TarGz,
    /// A `.tar` archive (not compressed).
    Tar,
}

/// The extensions of archives, with the shape each stands for (longest first, so
/// `.tar.gz` is not read as `.gz`).
const ARCHIVES: [(&str, Shape); 4] = [
    (".tar.gz", Shape::TarGz),
    (".tgz", Shape::TarGz),
    (".tar", Shape::Tar),
    (".zip", Shape::Zip),
];

impl Shape {
    /// The id and shape an entry named `name` stands for: a folder's name, an archive's
    /// name without its extension (any case); `None` for anything else (a loose file, an
    /// archive with no name before its extension).
    pub fn of(name: &str, is_dir: bool) -> Option<(&str, Shape)> {
        if is_dir {
            return Some((name, Shape::Folder));
        }
        ARCHIVES.iter().find_map(|(extension, shape)| {
            let cut = name.len().checked_sub(extension.len())?;
            let (stem, tail) = (name.get(..cut)?, name.get(cut..)?);
            (tail.eq_ignore_ascii_case(extension) && !stem.is_empty()).then_some((stem, *shape))
        })
    }

    /// Whether it is a tar stream (compressed or not).
    pub fn is_tar(self) -> bool {
        matches!(self, Shape::TarGz | Shape::Tar)
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Shape::Folder => "folder",
            Shape::Zip => ".zip",
            Shape::TarGz => ".tar.gz",
            Shape::Tar => ".tar",
        })
    }
}

/// Whether `head` (the first bytes of a file) starts a gzip stream.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&[0x1f, 0x8b])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archives_are_known_by_their_extension_in_any_case() {
        assert_eq!(Shape::of("alice", true), Some(("alice", Shape::Folder)));
        assert_eq!(
            Shape::of("alice.zip", true),
            Some(("alice.zip", Shape::Folder))
        );
        assert_eq!(Shape::of("alice.zip", false), Some(("alice", Shape::Zip)));
        assert_eq!(Shape::of("alice.ZIP", false), Some(("alice", Shape::Zip)));
        assert_eq!(Shape::of("bob.tar.gz", false), Some(("bob", Shape::TarGz)));
        assert_eq!(Shape::of("bob.TAR.GZ", false), Some(("bob", Shape::TarGz)));
        assert_eq!(Shape::of("bob.tgz", false), Some(("bob", Shape::TarGz)));
        assert_eq!(Shape::of("carol.tar", false), Some(("carol", Shape::Tar)));
        assert_eq!(Shape::of("Олег.zip", false), Some(("Олег", Shape::Zip)));
        assert_eq!(
            Shape::of("Nina Petrova.Tar", false),
            Some(("Nina Petrova", Shape::Tar))
        );
    }

    #[test]
    fn other_files_are_no_hand_in() {
        for name in ["notes.txt", "alice.gz", "alice.rar", ".zip", "zip", "Олег"] {
            assert_eq!(Shape::of(name, false), None, "{name}");
        }
    }

    #[test]
    fn gzip_is_known_by_its_magic_bytes() {
        assert!(is_gzip(&[0x1f, 0x8b, 8, 0]));
        assert!(!is_gzip(b"ustar"));
        assert!(!is_gzip(&[0x1f]));
    }
}
