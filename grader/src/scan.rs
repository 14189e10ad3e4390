//! Scan: refuse student code that reaches outside itself at compile time.
//!
//! `include_str!`, `include_bytes!` and `include!` read any file the compiler can see
//! (tests, snapshots, solutions, the grader's machine); `env!`/`option_env!` read the build
//! environment; `#[path = ..]` compiles another file as a module. None has a place in an
//! exercise, so an exercise that uses one is not graded, and the feedback says why.
//! Comments and string literals are skipped, so mentioning them is fine.

use std::path::Path;

use crate::submission::Sources;

/// Macros that read the compiler's surroundings, and why each is refused.
const MACROS: [(&str, &str); 5] = [
    (
        "include_str",
        "reads a file of the grading machine at compile time",
    ),
    (
        "include_bytes",
        "reads a file of the grading machine at compile time",
    ),
    (
        "include",
        "compiles a file of the grading machine into your code",
    ),
    ("env", "reads the grading machine's build environment"),
    (
        "option_env",
        "reads the grading machine's build environment",
    ),
];

/// Why this exercise's sources are refused, or `None` when they are fine.
pub fn refused(sources: &Sources) -> Option<String> {
    let mut hits = Vec::new();
    for (path, bytes) in &sources.files {
        let text = String::from_utf8_lossy(bytes);
        for (line, what, why) in find(&text) {
            hits.push(format!(
                "{}:{line}: `{what}` {why}",
                Path::new("src").join(path).display()
            ));
        }
    }
    (!hits.is_empty()).then(|| {
        format!(
            "Not graded: the code uses what an exercise must not (it could read files of the \
             grading machine, such as the tests' expected output):\n{}\nRemove it and hand in again.",
            hits.join("\n")
        )
    })
}

/// (line, construct, reason) of every refused construct in `source`.
fn find(source: &str) -> Vec<(usize, String, &'static str)> {
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
            if let (false, true, Some((_, why))) = (
                preceded_by_ident,
                is_macro,
                MACROS.iter().find(|(m, _)| *m == word),
            ) {
                hits.push((line, format!("{word}!"), *why));
            }
        } else if c == '#' {
            // `#[path` or `#![path`
            let mut j = next_non_space(&chars, i + 1).unwrap_or(chars.len());
            if chars.get(j) == Some(&'!') {
                j = next_non_space(&chars, j + 1).unwrap_or(chars.len());
            }
            if chars.get(j) == Some(&'[') {
                let k = next_non_space(&chars, j + 1).unwrap_or(chars.len());
                let word: String = chars[k..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '_')
                    .collect();
                if word == "path" {
                    hits.push((
                        line,
                        "#[path]".to_string(),
                        "compiles another file of the grading machine as a module",
                    ));
                }
            }
            i += 1;
        } else {
            i += 1;
        }
    }
    hits
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
            .map(|(line, what, _)| (line, what))
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

    #[test]
    fn ignores_comments_strings_and_lookalikes() {
        let source = "// include_str!(\"x\") in a comment\n/* env!(\"A\") /* nested */ */\n\
                      fn f(my_env: u8) -> bool { let s = \"include!(x)\"; let r = r#\"env!(\"y\")\"#; \
                      let c = '!'; let q = '\\''; my_env != 3 && !s.is_empty() && c != q }\nfn path() {}\n";
        assert_eq!(words(source), []);
    }
}
