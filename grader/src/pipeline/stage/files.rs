//! Files of the staged workspace: TOML in and out, and writes that leave a file alone
//! when its contents are the same (so cargo keeps its build).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use toml::Table;

pub(super) fn read_toml(path: &Path) -> Result<Table> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))
}

pub(super) fn write_toml(path: &Path, table: &Table) -> Result<()> {
    write_if_changed(path, toml::to_string(table)?.as_bytes())
}

/// Writes only when the contents differ, keeping the file's timestamp (and so cargo's
/// build of it) otherwise.
pub(super) fn write_if_changed(path: &Path, contents: &[u8]) -> Result<()> {
    if fs::read(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

pub(super) fn copy(from: &Path, to: &Path) -> Result<()> {
    let contents = fs::read(from).with_context(|| format!("cannot read {}", from.display()))?;
    write_if_changed(to, &contents)
}

/// Makes `to` hold exactly what `from` holds, rewriting only the files that differ.
pub(super) fn sync_tree(from: &Path, to: &Path) -> Result<()> {
    if to.exists() {
        for entry in walkdir::WalkDir::new(to).contents_first(true) {
            let entry = entry?;
            let twin = from.join(entry.path().strip_prefix(to)?);
            let kind = entry.file_type();
            if kind.is_dir() {
                if !twin.is_dir() {
                    fs::remove_dir_all(entry.path())?;
                }
            } else if !(kind.is_file() && twin.is_file()) {
                fs::remove_file(entry.path())?;
            }
        }
    }
    if from.exists() {
        copy_tree(from, to)?;
    }
    Ok(())
}

pub(super) fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_synced_tree_keeps_what_stayed_and_drops_what_went() {
        let tmp = tempfile::tempdir().unwrap();
        let (from, to) = (tmp.path().join("from"), tmp.path().join("to"));
        for (path, text) in [("a/same.rs", "same"), ("a/new.rs", "new"), ("b.rs", "b2")] {
            write_if_changed(&from.join(path), text.as_bytes()).unwrap();
        }
        for (path, text) in [("a/same.rs", "same"), ("a/old.rs", "old"), ("b.rs", "b1")] {
            write_if_changed(&to.join(path), text.as_bytes()).unwrap();
        }
        write_if_changed(&to.join("gone/x.rs"), b"x").unwrap();
        let before = fs::metadata(to.join("a/same.rs"))
            .unwrap()
            .modified()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        sync_tree(&from, &to).unwrap();
        let mut files: Vec<String> = walkdir::WalkDir::new(&to)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(&to).unwrap().display().to_string())
            .collect();
        files.sort();
        assert_eq!(files, ["a/new.rs", "a/same.rs", "b.rs"]);
        assert_eq!(fs::read(to.join("b.rs")).unwrap(), b"b2");
        assert!(!to.join("gone").exists());
        let after = fs::metadata(to.join("a/same.rs"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(
            before, after,
            "an unchanged file is not rewritten (cargo keeps its build)"
        );
    }
}
