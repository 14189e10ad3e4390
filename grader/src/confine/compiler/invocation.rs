//! One rustc command line as cargo gave it to the wrapper.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// What the wrapper needs to know of one rustc command line.
#[derive(Debug)]
pub(super) struct Invocation {
    pub(super) out_dir: PathBuf,
    /// Library search folders (`-L dependency=..`).
    pub(super) search: Vec<PathBuf>,
    /// `--extern name=path` files.
    pub(super) externs: Vec<PathBuf>,
    /// The crate's folder (`CARGO_MANIFEST_DIR`).
    pub(super) manifest_dir: PathBuf,
    /// Whether this is a lesson's test crate (compiled with every member's code).
    pub(super) suite: bool,
}

impl Invocation {
    /// `None` for a rustc run that compiles no crate of the stage.
    pub(super) fn parse(args: &[OsString]) -> Option<Invocation> {
        let words: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let value = |flag: &str| -> Vec<&str> {
            let mut found = Vec::new();
            for (i, word) in words.iter().enumerate() {
                if word == flag {
                    found.extend(words.get(i + 1).map(String::as_str));
                } else if let Some(rest) = word.strip_prefix(&format!("{flag}=")) {
                    found.push(rest);
                }
            }
            found
        };
        let crate_name = *value("--crate-name").first()?;
        if crate_name == "___" {
            return None;
        }
        let out_dir = PathBuf::from(*value("--out-dir").first()?);
        let search = value("-L")
            .into_iter()
            .filter_map(|l| l.strip_prefix("dependency=").map(PathBuf::from))
            .collect();
        let externs = value("--extern")
            .into_iter()
            .filter_map(|e| e.split_once('=').map(|(_, path)| PathBuf::from(path)))
            .collect();
        let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
        let suite = std::env::var("CARGO_PKG_NAME").is_ok_and(|p| p.starts_with("suite-"));
        Some(Invocation {
            out_dir,
            search,
            externs,
            manifest_dir,
            suite,
        })
    }
}

/// The arguments with the output folder replaced by `private`.
pub(super) fn rewrite_out_dir(args: &[OsString], private: &Path) -> Vec<OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut next_is_dir = false;
    for arg in args {
        if next_is_dir {
            out.push(private.as_os_str().to_owned());
            next_is_dir = false;
        } else if arg == "--out-dir" {
            out.push(arg.clone());
            next_is_dir = true;
        } else if arg.to_string_lossy().starts_with("--out-dir=") {
            let mut word = OsString::from("--out-dir=");
            word.push(private);
            out.push(word);
        } else {
            out.push(arg.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_output_folder_is_replaced_in_both_spellings() {
        let args: Vec<OsString> = [
            "--crate-name",
            "s001",
            "--out-dir",
            "/t/deps",
            "--out-dir=/t/deps",
        ]
        .map(OsString::from)
        .to_vec();
        let rewritten = rewrite_out_dir(&args, Path::new("/p"));
        let words: Vec<String> = rewritten
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            words,
            ["--crate-name", "s001", "--out-dir", "/p", "--out-dir=/p"]
        );
    }
}
