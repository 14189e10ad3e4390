//! What `check!` asserts when a student runs `cargo test`: the run against the course's
//! `.snap` file, read here rather than by insta's assertion, so that nothing a student's
//! environment says (`INSTA_UPDATE=always`, `INSTA_FORCE_PASS`, `cargo insta accept`) can
//! write, accept or skip a snapshot. The snapshots are the course's: a test passes only
//! when the code prints what they hold. The failure shows insta's kind of diff.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use similar::{ChangeTag, TextDiff};
use timeline::{TIES_NOTE, Ties, has_ties};

/// Where the snapshot of `test` in the test file `file` (as `file!()` names it, relative
/// to the workspace root cargo compiles from) lies: `<dir of file>/snapshots/<stem>__<test>.snap`.
/// `manifest_dir` is the test crate's `CARGO_MANIFEST_DIR`; the file is looked for next to
/// it and in its ancestors.
pub fn snapshot_path(manifest_dir: &Path, file: &str, test: &str) -> PathBuf {
    let file = Path::new(file);
    let source = if file.is_absolute() {
        file.to_path_buf()
    } else {
        manifest_dir
            .ancestors()
            .map(|dir| dir.join(file))
            .find(|path| path.is_file())
            .unwrap_or_else(|| manifest_dir.join(file))
    };
    let source = lexical(&source);
    let stem = source.file_stem().unwrap_or_default().to_string_lossy();
    let dir = source.parent().unwrap_or(Path::new("."));
    dir.join("snapshots").join(format!("{stem}__{test}.snap"))
}

/// `path` without `.` and `dir/..` steps (`tests/lesson/../a.rs` is `tests/a.rs`).
fn lexical(path: &Path) -> PathBuf {
    let mut clean = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if clean.file_name().is_some() => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

/// The snapshot's contents: the text after insta's `---` header, without trailing newlines.
pub fn contents(snap: &str) -> String {
    let snap = snap.replace("\r\n", "\n");
    let body = match snap.strip_prefix("---\n") {
        Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, body)| body),
        None => &snap,
    };
    body.trim_end_matches('\n').to_string()
}

/// Compares `rendered` with the snapshot at `path`; on a difference, the diff and what to
/// do, in words, with [`TIES_NOTE`] when the run had lines of one instant and `ties` shows
/// them sorted. Reads the file, never writes it.
pub fn compare(path: &Path, test: &str, rendered: &str, ties: Ties) -> Result<(), String> {
    let snap = std::fs::read_to_string(path).map_err(|error| {
        format!(
            "timeline-check: cannot read the snapshot of `{test}`, {}: {error}. The \
             snapshots come with the course: restore the file (`git checkout -- {}`), do not \
             write one (instructors: `cargo run -p grader -- bless` writes the course's snapshots).",
            path.display(),
            path.display()
        )
    })?;
    let expected = contents(&snap);
    let actual = rendered.trim_end_matches('\n');
    if expected == actual {
        return Ok(());
    }
    let note = if ties == Ties::Sorted && has_ties(actual) {
        format!("{TIES_NOTE}\n")
    } else {
        String::new()
    };
    Err(format!(
        "{}\n{note}timeline-check: `{test}` printed another timeline than its snapshot {} \
         (`-` what the course expects, `+` what your code did). Fix your code until they \
         match: the snapshots are the course's, and this check neither writes nor accepts \
         new ones (`INSTA_UPDATE`, `INSTA_FORCE_PASS` and `cargo insta` change nothing \
         here; the grader keeps its own copy anyway).",
        diff(&expected, actual),
        path.display()
    ))
}

/// Insta's kind of diff: line numbers of the snapshot and of the run, `-` and `+` lines.
pub fn diff(expected: &str, actual: &str) -> String {
    let rule = "─".repeat(12);
    let mut out = format!("-old snapshot\n+new results\n{rule}┬{}\n", "─".repeat(47));
    let number = |index: Option<usize>| index.map_or(String::new(), |i| (i + 1).to_string());
    let (expected, actual) = (
        timeline_evidence::line_ended(expected),
        timeline_evidence::line_ended(actual),
    );
    for change in TextDiff::from_lines(&expected, &actual).iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => '-',
            ChangeTag::Insert => '+',
            ChangeTag::Equal => ' ',
        };
        let _ = writeln!(
            out,
            "{:>5} {:>5} │{sign}{}",
            number(change.old_index()),
            number(change.new_index()),
            change.to_string_lossy().trim_end_matches('\n')
        );
    }
    out.push_str(&format!("{rule}┴{}", "─".repeat(47)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_not_part_of_the_contents() {
        let snap = "---\nsource: tests/a.rs\nexpression: rendered\n---\n[  0.000s] a\n=> x\n";
        assert_eq!(contents(snap), "[  0.000s] a\n=> x");
        assert_eq!(contents("---\r\nsource: a\r\n---\r\nb\r\n"), "b");
    }

    #[test]
    fn the_snapshot_lies_next_to_the_test_file() {
        let root = tempfile::tempdir().unwrap();
        let krate = root.path().join("exercises/01");
        std::fs::create_dir_all(krate.join("tests")).unwrap();
        std::fs::write(krate.join("tests/tick.rs"), "").unwrap();
        assert_eq!(
            snapshot_path(&krate, "exercises/01/tests/tick.rs", "ticks"),
            root.path()
                .join("exercises/01/tests/snapshots/tick__ticks.snap")
        );
    }

    #[test]
    fn a_difference_shows_both_lines_and_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s__t.snap");
        std::fs::write(
            &path,
            "---\nsource: s.rs\n---\n[  0.000s] a\n[  1.000s] b\n",
        )
        .unwrap();
        let sorted = Ties::Sorted;
        assert_eq!(
            compare(&path, "t", "[  0.000s] a\n[  1.000s] b", sorted),
            Ok(())
        );
        let error = compare(&path, "t", "[  0.000s] a\n[  2.000s] b", sorted).unwrap_err();
        assert!(error.contains("    2       │-[  1.000s] b"), "{error}");
        assert!(error.contains("          2 │+[  2.000s] b"), "{error}");
        assert!(error.contains("Fix your code"), "{error}");
        assert!(!error.contains(TIES_NOTE), "no ties, no note: {error}");
        let missing = compare(&dir.path().join("nope.snap"), "t", "", sorted).unwrap_err();
        assert!(missing.contains("restore the file"), "{missing}");
    }

    #[test]
    fn a_difference_with_lines_of_one_instant_says_they_are_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s__t.snap");
        std::fs::write(
            &path,
            "---\nsource: s.rs\n---\n[  0.000s] a\n[  1.000s] b\n",
        )
        .unwrap();
        let tie = "[  0.000s] a\n[  0.000s] b";
        let error = compare(&path, "t", tie, Ties::Sorted).unwrap_err();
        assert!(error.contains(TIES_NOTE), "{error}");
        // A test that declared the order grades it: no note.
        let error = compare(&path, "t", tie, Ties::AsPrinted).unwrap_err();
        assert!(!error.contains(TIES_NOTE), "{error}");
        // Nor when only the snapshot has lines of one instant: the run had none.
        std::fs::write(
            &path,
            "---\nsource: s.rs\n---\n[  0.000s] a\n[  0.000s] b\n",
        )
        .unwrap();
        let error = compare(&path, "t", "[  0.000s] a\n[  1.000s] b", Ties::Sorted).unwrap_err();
        assert!(!error.contains(TIES_NOTE), "{error}");
    }
}
