//! Scan: refuse student code that reaches outside itself at compile time.
//!
//! `include_str!`, `include_bytes!` and `include!` read any file the compiler can see
//! (tests, snapshots, solutions, the grader's machine); `env!`/`option_env!` read the build
//! environment; `#[path = ..]` compiles another file as a module. None has a place in an
//! exercise, so an exercise that uses one is not graded, and the feedback says why.
//! Comments and string literals are skipped, so mentioning them is fine. The scan returns
//! what it found ([`Refusal`]); `report::words` says it to the student.
//!
//! An exercise's given files (`given` in its manifest, e.g. `devices.rs`) are the course's
//! code: the grader compiles its own copies, so the student's are not scanned. But they
//! only take effect if `lib.rs` declares them: an exercise whose `lib.rs` does not (a
//! `pub mod devices;` or `mod devices;` at its top level, without `#[cfg]` or other such
//! attributes) is refused too, since an inline `mod devices { .. }` or a missing module
//! would let the student's own look-alike code stand in for the course's.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::pipeline::submission::Sources;

/// Why a lesson's sources were refused before building.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// Given files (`devices.rs`) whose module `lib.rs` does not declare as it must.
    pub undeclared: Vec<String>,
    /// What the code uses that an exercise must not, where.
    pub found: Vec<Found>,
}

/// One use of a refused construct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// The file, as the student knows it (`src/lib.rs`).
    pub file: String,
    /// The line, from 1.
    pub line: usize,
    /// What it uses.
    pub construct: Construct,
}

/// A construct that reaches outside the student's code at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Construct {
    /// `include_str!`: reads a file.
    IncludeStr,
    /// `include_bytes!`: reads a file.
    IncludeBytes,
    /// `include!`: compiles a file in.
    Include,
    /// `env!`: reads the build environment.
    Env,
    /// `option_env!`: reads the build environment.
    OptionEnv,
    /// `#[path = ..]`: compiles another file as a module.
    PathAttribute,
}

impl Construct {
    /// How it is written: `include_str!`, `#[path]`.
    pub fn code(self) -> &'static str {
        match self {
            Construct::IncludeStr => "include_str!",
            Construct::IncludeBytes => "include_bytes!",
            Construct::Include => "include!",
            Construct::Env => "env!",
            Construct::OptionEnv => "option_env!",
            Construct::PathAttribute => "#[path]",
        }
    }
}

/// Macros that read the compiler's surroundings.
const MACROS: [(&str, Construct); 5] = [
    ("include_str", Construct::IncludeStr),
    ("include_bytes", Construct::IncludeBytes),
    ("include", Construct::Include),
    ("env", Construct::Env),
    ("option_env", Construct::OptionEnv),
];

/// Outer attributes a given module's declaration may carry (lints, docs, tool
/// attributes). Anything else, `cfg` and `cfg_attr` above all, could compile the course's
/// file out and let a look-alike take its place.
const HARMLESS_ATTRIBUTES: [&str; 9] = [
    "allow",
    "warn",
    "deny",
    "forbid",
    "expect",
    "doc",
    "macro_use",
    "rustfmt",
    "clippy",
];

/// Why this exercise's sources are refused, or `None` when they are fine. `given`: the
/// exercise's given files (`devices.rs`), which `lib.rs` must declare as modules.
pub fn refused(sources: &Sources, given: &[String]) -> Option<Refusal> {
    let lib = sources
        .files
        .get(Path::new("lib.rs"))
        .map(|bytes| String::from_utf8_lossy(bytes))
        .unwrap_or_default();
    let undeclared: Vec<String> = given
        .iter()
        .filter(|file| !declares_module(&lib, file.strip_suffix(".rs").unwrap_or(file)))
        .cloned()
        .collect();
    let mut found = Vec::new();
    for (path, bytes) in &sources.files {
        if given.iter().any(|file| Path::new(file) == path) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let file = Path::new("src").join(path).display().to_string();
        found.extend(find(&text).into_iter().map(|(line, construct)| Found {
            file: file.clone(),
            line,
            construct,
        }));
    }
    let refusal = Refusal { undeclared, found };
    (refusal != Refusal::default()).then_some(refusal)
}

/// Whether `source` (a `lib.rs`) declares `module` as a file module at its top level:
/// `pub mod <module>;` or `mod <module>;`, outside comments, strings, macro calls and other
/// items, with no attribute on it but [`HARMLESS_ATTRIBUTES`]. An inline
/// `mod <module> { .. }` does not count: it is the student's code, not the course's file.
fn declares_module(source: &str, module: &str) -> bool {
    let tokens = tokens(&strip(source));
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        match token.as_str() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            "mod" if depth == 0 => {
                let declared = tokens.get(i + 1).is_some_and(|t| t == module)
                    && tokens.get(i + 2).is_some_and(|t| t == ";");
                let start = if i > 0 && tokens[i - 1] == "pub" {
                    i - 1
                } else {
                    i
                };
                if declared && harmless_attributes_before(&tokens, start) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether every outer attribute right before `tokens[item]` is harmless (and the item is
/// not preceded by a restricted visibility such as `pub(crate)`, whose `)` ends the scan).
fn harmless_attributes_before(tokens: &[String], item: usize) -> bool {
    let mut end = item;
    loop {
        match end.checked_sub(1).map(|i| tokens[i].as_str()) {
            // The start of the file, or the end of the previous item (`;`, `}`), or an
            // inner attribute's `]` handled below.
            None | Some(";" | "}") => return true,
            Some("]") => {
                // Find the `[` that opens this attribute.
                let mut depth = 0usize;
                let mut open = None;
                for j in (0..end).rev() {
                    match tokens[j].as_str() {
                        "]" | ")" | "}" => depth += 1,
                        "[" | "(" | "{" => {
                            depth -= 1;
                            if depth == 0 {
                                open = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let Some(open) = open else {
                    return false;
                };
                let before = |n: usize| open.checked_sub(n).map(|i| tokens[i].as_str());
                match (before(1), before(2)) {
                    // `#![..]`: an attribute of the crate, not of the item.
                    (Some("!"), Some("#")) => return true,
                    (Some("#"), _) => {
                        let name = tokens.get(open + 1).map_or("", String::as_str);
                        if !HARMLESS_ATTRIBUTES.contains(&name) {
                            return false;
                        }
                        end = open - 1;
                    }
                    _ => return false,
                }
            }
            Some(_) => return false,
        }
    }
}

/// `code` (already stripped of comments and literals) as words (identifiers, keywords,
/// numbers) and single punctuation characters.
fn tokens(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else {
            tokens.push(c.to_string());
            i += 1;
        }
    }
    tokens
}

/// (line, construct, reason) of every refused construct in `source`.
fn find(source: &str) -> Vec<(usize, Construct)> {
    let code = strip(source);
    let chars: Vec<char> = code.chars().collect();
    let mut hits = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let preceded_by_ident =
                start > 0 && (chars[start - 1].is_alphanumeric() || chars[start - 1] == '_');
            let next = next_non_space(&chars, i);
            let is_macro = next.is_some_and(|j| chars[j] == '!' && chars.get(j + 1) != Some(&'='));
            if let (false, true, Some((_, construct))) = (
                preceded_by_ident,
                is_macro,
                MACROS.iter().find(|(m, _)| *m == word),
            ) {
                hits.push((line, *construct));
            }
        } else if c == '#' {
            // `#[path = ..]`, `#![path = ..]`, or `path = ..` anywhere in an attribute
            // such as `#[cfg_attr(all(), path = "..")]`.
            let mut j = next_non_space(&chars, i + 1).unwrap_or(chars.len());
            if chars.get(j) == Some(&'!') {
                j = next_non_space(&chars, j + 1).unwrap_or(chars.len());
            }
            if chars.get(j) == Some(&'[') {
                let inside: String = chars[j + 1..].iter().take_while(|c| **c != ']').collect();
                if sets_path(&inside) {
                    hits.push((line, Construct::PathAttribute));
                }
            }
            i += 1;
        } else {
            i += 1;
        }
    }
    hits
}

/// Whether an attribute's contents set `path = ..` (as a whole word).
fn sets_path(attribute: &str) -> bool {
    let words: Vec<&str> = attribute
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '='))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        *w == "path="
            || w.starts_with("path=")
            || (*w == "path" && words.get(i + 1).is_some_and(|n| n.starts_with('=')))
    })
}

fn next_non_space(chars: &[char], from: usize) -> Option<usize> {
    (from..chars.len()).find(|&j| !chars[j].is_whitespace())
}

/// The source with comments and string/char literals blanked out (newlines kept, so line
/// numbers stay right).
fn strip(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&['/', '/']) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i..].starts_with(&['/', '*']) {
                    depth += 1;
                    i += 2;
                } else if chars[i..].starts_with(&['*', '/']) {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if let Some(end) = raw_string_end(&chars, i) {
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if chars[i] == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            i += 1;
            out.push(' ');
        } else if chars[i] == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("   ");
            i += 3;
        } else if chars[i] == '\'' && chars.get(i + 1) == Some(&'\\') {
            // An escaped char literal: '\n', '\'', '\u{1e}'.
            let end = (i + 3..chars.len())
                .find(|&j| chars[j] == '\'')
                .map_or(chars.len(), |j| j + 1);
            out.extend(std::iter::repeat_n(' ', end - i));
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Where a raw string `r"..."`, `r#"..."#` (or `br..`) starting at `i` ends.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r')
        || (i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
    {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(source: &str) -> Vec<(usize, String)> {
        find(source)
            .into_iter()
            .map(|(line, construct)| (line, construct.code().to_string()))
            .collect()
    }

    #[test]
    fn finds_every_refused_construct() {
        let source = "fn a() {\n    let s = include_str!(\"../tests/snapshots/x.snap\");\n}\n\
                      const B: &[u8] = include_bytes! (\"/etc/passwd\");\ninclude!(\"x.rs\");\n\
                      const P: &str = env!(\"HOME\");\nconst Q: Option<&str> = option_env!(\"X\");\n\
                      #[path = \"../../solutions/lib.rs\"]\nmod s;\n";
        let found: Vec<String> = words(source).into_iter().map(|(_, w)| w).collect();
        assert_eq!(
            found,
            [
                "include_str!",
                "include_bytes!",
                "include!",
                "env!",
                "option_env!",
                "#[path]"
            ]
        );
        assert_eq!(words(source)[0].0, 2);
    }

    fn given() -> Vec<String> {
        vec!["devices.rs".to_string()]
    }

    fn with_lib(lib: &str) -> Sources {
        Sources::lib_only(lib.as_bytes().to_vec())
    }

    #[test]
    fn a_given_module_must_be_declared_at_the_top_of_lib_rs() {
        for lib in [
            "pub mod devices;\n",
            "mod devices;\n",
            "//! Lesson 3.\n\n#![allow(unused)]\nuse std::fmt;\n\npub mod devices;\npub use devices::Device;\n",
            "/// The course's simulation.\n#[allow(dead_code)]\n#[rustfmt::skip]\npub mod devices;\n",
            "fn f() {}\npub   mod\n  devices ;\n",
            "pub mod devices; // given\npub mod mine { pub fn f() {} }\n",
        ] {
            assert_eq!(refused(&with_lib(lib), &given()), None, "{lib}");
        }
        // Without given files, nothing is required.
        assert_eq!(refused(&with_lib("pub fn f() {}\n"), &[]), None);
    }

    #[test]
    fn refuses_a_lib_rs_that_drops_or_replaces_a_given_module() {
        for lib in [
            // Dropped.
            "pub fn f() {}\n",
            // Replaced by the student's own code.
            "pub mod devices {\n    pub struct Device;\n}\n",
            "pub mod devices{}\n",
            // Only mentioned.
            "// pub mod devices;\n/* pub mod devices; */\nconst S: &str = \"pub mod devices;\";\n",
            // Not at the top level: `inner::devices` would be a file of the student's.
            "mod inner {\n    pub mod devices;\n}\npub use inner::devices;\n",
            // Inside a macro, which may do anything with it.
            "macro_rules! hide { ($i:item) => {}; }\nhide!(pub mod devices;);\n",
            // Compiled out, with a look-alike in its place.
            "#[cfg(any())]\npub mod devices;\n#[path = \"x.rs\"]\nmod x;\n",
            "#[cfg(any())] pub mod devices;\npub mod fake {}\npub use fake as devices;\n",
            "#[allow(unused)]\n#[cfg_attr(all(), cfg(any()))]\npub mod devices;\n",
            "#[r#cfg(any())]\npub mod devices;\n",
            // Another module's name, a restricted visibility.
            "pub mod devices_of_mine;\npub mod device;\n",
            "pub(crate) mod devices;\n",
        ] {
            let why = refused(&with_lib(lib), &given()).unwrap_or_else(|| panic!("passed: {lib}"));
            assert_eq!(why.undeclared, given(), "{lib}\n=> {why:?}");
        }
    }

    #[test]
    fn names_every_missing_module_and_the_other_reasons_too() {
        let given = ["mirrors.rs".to_string(), "jobs.rs".to_string()];
        let why = refused(
            &with_lib("pub mod jobs;\nconst P: &str = env!(\"HOME\");\n"),
            &given,
        )
        .expect("refused");
        assert_eq!(why.undeclared, ["mirrors.rs"]);
        let env = Found {
            file: "src/lib.rs".into(),
            line: 2,
            construct: Construct::Env,
        };
        assert_eq!(why.found, [env]);
    }

    #[test]
    fn the_students_copy_of_a_given_file_is_not_scanned() {
        // The grader compiles the course's copy instead, so what the student's says does
        // not matter; their other files still are scanned.
        let mut sources = with_lib("pub mod devices;\nmod helpers;\n");
        sources.files.insert(
            "devices.rs".into(),
            b"const S: &str = include_str!(\"x\");\n".to_vec(),
        );
        assert_eq!(refused(&sources, &given()), None);
        sources.files.insert(
            "helpers.rs".into(),
            b"const S: &str = include_str!(\"x\");\n".to_vec(),
        );
        let why = refused(&sources, &given()).expect("refused");
        let helper = Found {
            file: "src/helpers.rs".into(),
            line: 1,
            construct: Construct::IncludeStr,
        };
        assert_eq!(why.found, [helper], "not devices.rs");
    }

    #[test]
    fn finds_a_path_hidden_in_cfg_attr() {
        let source = "#[cfg_attr(all(), path = \"../../solutions/lib.rs\")]\nmod s;\n#[cfg_attr(test,path=\"x.rs\")]\nmod t;\n";
        let found: Vec<String> = words(source).into_iter().map(|(_, w)| w).collect();
        assert_eq!(found, ["#[path]", "#[path]"]);
        assert_eq!(
            words(
                "#[derive(Debug)]\nstruct Path { path: u8 }\n#[doc = \"the path = here\"]\nfn f() {}\n"
            ),
            []
        );
    }

    #[test]
    fn ignores_comments_strings_and_lookalikes() {
        let source = "// include_str!(\"x\") in a comment\n/* env!(\"A\") /* nested */ */\n\
                      fn f(my_env: u8) -> bool { let s = \"include!(x)\"; let r = r#\"env!(\"y\")\"#; \
                      let c = '!'; let q = '\\''; my_env != 3 && !s.is_empty() && c != q }\nfn path() {}\n";
        assert_eq!(words(source), []);
    }
}
