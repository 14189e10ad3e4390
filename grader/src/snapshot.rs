//! Reading and writing insta `.snap` files, the expected runs.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::course::Suite;

/// Where the snapshot of `test` in `suite` lives: `<snapshots>/<suite>__<test>.snap`,
/// the name insta gives it.
pub fn path(suite: &Suite, test: &str) -> PathBuf {
    suite.snapshots.join(format!(
        "{}.snap",
        timeline_evidence::Evidence::file_stem(&suite.name, test)
    ))
}

/// The expected text of a snapshot (what follows insta's metadata header).
pub fn read(path: &Path) -> Result<String> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("cannot read the snapshot {}", path.display()))?;
    Ok(normalize(body(&text)))
}

/// Writes a snapshot in insta's format, so `cargo test` reads the same file.
pub fn write(path: &Path, source: &Path, contents: &str) -> Result<()> {
    let header = format!(
        "---\nsource: {}\nexpression: rendered\n---\n",
        source.display()
    );
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    fs::write(path, format!("{header}{}\n", normalize(contents)))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Compares the way insta does: line endings and trailing white space do not count.
pub fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n").trim_end().to_string()
}

fn body(text: &str) -> &str {
    // `---\n<yaml>\n---\n<body>`: the body starts after the second `---` line.
    let mut offset = 0;
    let mut fences = 0;
    for line in text.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            fences += 1;
            if fences == 2 {
                return &text[offset..];
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_body_after_the_header() {
        let snap =
            "---\nsource: tests/a.rs\nexpression: rendered\n---\n[  0.000s] tick\n=> returned\n";
        assert_eq!(normalize(body(snap)), "[  0.000s] tick\n=> returned");
    }

    #[test]
    fn writes_what_it_reads() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s__t.snap");
        write(&file, Path::new("tests/s.rs"), "[  1.000s] a\n=> x").unwrap();
        assert_eq!(read(&file).unwrap(), "[  1.000s] a\n=> x");
    }
}
