//! The course as the grader sees it: every exercise, its tests, points, reference
//! solution, stub and wrong variants, read from the project tree.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The whole course, in lesson order.
#[derive(Debug)]
pub struct Course {
    /// The project root (the workspace holding `exercises/`, `solutions/`, `grader/`).
    pub root: PathBuf,
    /// The exercises, sorted by slug (`01-...`, `02-...`).
    pub exercises: Vec<Exercise>,
}

/// One lesson.
#[derive(Debug)]
pub struct Exercise {
    /// Folder name, e.g. `01-tick-file-watch`.
    pub slug: String,
    /// The manifest, `grader/course/<slug>/exercise.toml`.
    pub manifest: Manifest,
    /// `exercises/<slug>`: the pristine crate (manifest, stub, visible tests, snapshots).
    pub dir: PathBuf,
    /// `grader/course/<slug>`: the manifest, wrong variants, hidden tests.
    pub grading_dir: PathBuf,
    /// Visible and hidden test files.
    pub suites: Vec<Suite>,
}

/// A test file and the tests found in it.
#[derive(Debug, Clone)]
pub struct Suite {
    /// File stem: the first half of each snapshot name.
    pub name: String,
    /// The test file.
    pub path: PathBuf,
    /// Where its snapshots live.
    pub snapshots: PathBuf,
    /// Kept by the grader, never shown to students.
    pub hidden: bool,
    /// The `#[test]` functions, in file order.
    pub tests: Vec<String>,
}

/// `exercise.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Cargo package name, `exercise-NN`.
    pub package: String,
    /// Title in English and Russian.
    pub title: Title,
    /// Shown in feedback when the exercise is not at full marks.
    #[serde(default)]
    pub hint: Option<String>,
    /// The same hint in Russian (required when `hint` is given; see
    /// [`Exercise::manifest_problems`]).
    #[serde(default)]
    pub hint_ru: Option<String>,
    /// Real seconds one test may take (default: the grader's, 10 s). Waiting on the paused
    /// clock costs nothing, so only blocking code comes near it.
    #[serde(default)]
    pub time_limit: Option<f64>,
    /// Points and texts per test.
    pub tests: Vec<TestSpec>,
    /// Plausible wrong solutions and the tests each must fail.
    #[serde(default)]
    pub wrong: Vec<WrongSpec>,
    /// Files under the exercise's `src/` that belong to the course, not to the student
    /// (the simulation a lesson hands out, e.g. `devices.rs`). Each is a module that
    /// `lib.rs` must declare (`pub mod devices;`); the grader always compiles the course's
    /// copy, whatever the student handed in.
    #[serde(default)]
    pub given: Vec<String>,
    /// The spec map: every line of the README's "Done when" and "Edge cases", and every
    /// contract the README or stub states, with the tests that check it and the wrong
    /// variants that break it.
    #[serde(default)]
    pub spec: Vec<SpecLine>,
}

/// One line of the spec map (`[[spec]]` in `exercise.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecLine {
    /// Where the line comes from.
    pub kind: SpecKind,
    /// For `done-when` and `edge`, the README's bullet verbatim (its markdown joined into
    /// one line, whitespace collapsed); for `contract`, the rule in one sentence.
    pub text: String,
    /// The tests that check it (at least one).
    pub tests: Vec<String>,
    /// Files in `wrong/` that break this line only.
    #[serde(default)]
    pub wrong: Vec<String>,
}

/// The kind of a spec line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpecKind {
    /// A bullet of README.md's "## Done when".
    DoneWhen,
    /// A rule the README or the stub's docs state elsewhere.
    Contract,
    /// A bullet of README.md's "## Edge cases".
    Edge,
}

impl SpecKind {
    /// As written in `exercise.toml`.
    pub fn name(self) -> &'static str {
        match self {
            SpecKind::DoneWhen => "done-when",
            SpecKind::Contract => "contract",
            SpecKind::Edge => "edge",
        }
    }

    /// The README sections (English, Russian) whose bullets are lines of this kind.
    fn sections(self) -> Option<(&'static str, &'static str)> {
        match self {
            SpecKind::DoneWhen => Some(("Done when", "Готово, когда")),
            SpecKind::Contract => None,
            SpecKind::Edge => Some(("Edge cases", "Крайние случаи")),
        }
    }
}

/// A title in both course languages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Title {
    /// English.
    pub en: String,
    /// Russian.
    pub ru: String,
}

/// One test's entry in the manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// The test function's name.
    pub name: String,
    /// Points for passing it.
    pub points: u32,
    /// A hidden test's expected output is never shown.
    #[serde(default)]
    pub hidden: bool,
    /// What the test checks, in one line.
    pub description: String,
    /// The same in Russian (required; see [`Exercise::translation_problems`]).
    #[serde(default)]
    pub description_ru: Option<String>,
    /// Shown when it fails (unless a symptom of another mistake is recognised).
    #[serde(default)]
    pub hint: Option<String>,
    /// The same hint in Russian (required when `hint` is given).
    #[serde(default)]
    pub hint_ru: Option<String>,
}

/// A wrong variant: a whole `src/lib.rs` in `wrong/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongSpec {
    /// File name in `wrong/`.
    pub file: String,
    /// The mistake it models.
    pub why: String,
    /// Exactly the tests it must fail.
    pub fails: Vec<String>,
}

impl Course {
    /// Reads every exercise that has a folder under `grader/course/`.
    pub fn load(root: &Path) -> Result<Course> {
        let course_dir = root.join("grader/course");
        let mut slugs: Vec<String> = fs::read_dir(&course_dir)
            .with_context(|| format!("cannot read the course folder {}", course_dir.display()))?
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().join("exercise.toml").is_file())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        slugs.sort();
        if slugs.is_empty() {
            bail!(
                "no exercise manifests (grader/course/*/exercise.toml) under {}",
                root.display()
            );
        }
        let exercises = slugs
            .iter()
            .map(|slug| Exercise::load(root, slug))
            .collect::<Result<_>>()?;
        Ok(Course {
            root: root.to_path_buf(),
            exercises,
        })
    }

    /// The exercise with this slug, package name or number (`01`, `exercise-01`, `01-tick-..`).
    pub fn find(&self, key: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| {
            e.slug == key || e.manifest.package == key || e.slug.split('-').next() == Some(key)
        })
    }
}

impl Exercise {
    fn load(root: &Path, slug: &str) -> Result<Exercise> {
        let grading_dir = root.join("grader/course").join(slug);
        let manifest_path = grading_dir.join("exercise.toml");
        let text = fs::read_to_string(&manifest_path)
            .with_context(|| format!("cannot read {}", manifest_path.display()))?;
        let manifest: Manifest = toml::from_str(&text).with_context(|| {
            format!(
                "{} is not a valid exercise manifest",
                manifest_path.display()
            )
        })?;
        for file in &manifest.given {
            if !is_module_file(file) {
                bail!(
                    "{}: given file `{file}` must be a module file right in the exercise's \
                     src/ (`<name>.rs`, a plain Rust name, not lib.rs or main.rs)",
                    manifest_path.display()
                );
            }
        }
        let dir = root.join("exercises").join(slug);
        let mut suites = find_suites(&dir.join("tests"), false)?;
        for hidden in find_suites(&grading_dir.join("hidden"), true)? {
            if let Some(visible) = suites.iter().find(|s| s.name == hidden.name) {
                bail!(
                    "{} and {} have the same name; test files of one exercise need different \
                     names (their snapshots are named after them)",
                    visible.path.display(),
                    hidden.path.display()
                );
            }
            suites.push(hidden);
        }
        Ok(Exercise {
            slug: slug.to_string(),
            manifest,
            dir,
            grading_dir,
            suites,
        })
    }

    /// The Rust crate name the tests import, `exercise_NN`.
    pub fn crate_name(&self) -> String {
        self.manifest.package.replace('-', "_")
    }

    /// The stub students start from.
    pub fn stub(&self) -> PathBuf {
        self.dir.join("src/lib.rs")
    }

    /// The reference solution.
    pub fn solution(&self, root: &Path) -> PathBuf {
        root.join("solutions").join(&self.slug).join("src/lib.rs")
    }

    /// Where the course's copy of a given file lives: `exercises/<slug>/src/<file>`.
    pub fn given_file(&self, file: &str) -> PathBuf {
        self.dir.join("src").join(file)
    }

    /// The module names of the given files (`devices.rs` -> `devices`), as `lib.rs` must
    /// declare them (`load` made sure every given file is such a `<name>.rs`).
    pub fn given_modules(&self) -> Vec<String> {
        self.manifest
            .given
            .iter()
            .map(|file| file.strip_suffix(".rs").unwrap_or(file).to_string())
            .collect()
    }

    /// A wrong variant's source.
    pub fn wrong(&self, spec: &WrongSpec) -> PathBuf {
        self.grading_dir.join("wrong").join(&spec.file)
    }

    /// The right variants: every `.rs` file in `grader/course/<slug>/right/`, sorted by
    /// name. Each is a whole `lib.rs` that must score full marks; the folder needs no
    /// manifest entry, and a missing folder means none.
    pub fn right_variants(&self) -> Result<Vec<PathBuf>> {
        rust_files(&self.grading_dir.join("right"))
    }

    /// Every test name, visible and hidden, in suite order.
    pub fn test_names(&self) -> Vec<String> {
        self.suites
            .iter()
            .flat_map(|s| s.tests.iter().cloned())
            .collect()
    }

    /// The manifest entry of a test.
    pub fn spec(&self, test: &str) -> Option<&TestSpec> {
        self.manifest.tests.iter().find(|t| t.name == test)
    }

    /// Total points of the exercise.
    pub fn max_points(&self) -> u32 {
        self.manifest.tests.iter().map(|t| t.points).sum()
    }

    /// Disagreements between the manifest and the test files, as sentences.
    pub fn manifest_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let found: Vec<(String, bool)> = self
            .suites
            .iter()
            .flat_map(|s| s.tests.iter().map(move |t| (t.clone(), s.hidden)))
            .collect();
        let mut seen = BTreeSet::new();
        for (test, hidden) in &found {
            if !seen.insert(test.clone()) {
                problems.push(format!("test `{test}` is defined twice"));
            }
            match self.spec(test) {
                None => problems.push(format!("test `{test}` has no entry in exercise.toml")),
                Some(spec) if spec.hidden != *hidden => problems.push(format!(
                    "test `{test}` is {} but exercise.toml says hidden = {}",
                    if *hidden { "in hidden/" } else { "visible" },
                    spec.hidden
                )),
                Some(spec) if spec.points == 0 => {
                    problems.push(format!("test `{test}` is worth 0 points"))
                }
                Some(_) => {}
            }
        }
        for spec in &self.manifest.tests {
            if !seen.contains(&spec.name) {
                problems.push(format!(
                    "exercise.toml gives points to `{}`, which no test file defines",
                    spec.name
                ));
            }
        }
        problems.extend(self.translation_problems());
        for wrong in &self.manifest.wrong {
            if !self.wrong(wrong).is_file() {
                problems.push(format!("wrong variant {} does not exist", wrong.file));
            }
            for test in &wrong.fails {
                if !seen.contains(test) {
                    problems.push(format!(
                        "wrong variant {} lists unknown test `{test}`",
                        wrong.file
                    ));
                }
            }
        }
        for file in &self.manifest.given {
            if !self.given_file(file).is_file() {
                problems.push(format!(
                    "given file {} does not exist",
                    self.given_file(file).display()
                ));
            }
        }
        for suite in &self.suites {
            if uses_raw_capture(&suite.path) {
                problems.push(format!(
                    "{} calls timeline::capture: tests must use timeline_check::capture, which \
                     takes the grader's secret before the code under test runs",
                    suite.path.display()
                ));
            }
        }
        for suite in &self.suites {
            for test in &suite.tests {
                if !crate::snapshot::path(suite, test).is_file() {
                    problems.push(format!(
                        "test `{test}` has no snapshot ({}); run `cargo run -p grader -- bless`",
                        crate::snapshot::path(suite, test).display()
                    ));
                }
            }
        }
        problems
    }

    /// Where the spec map disagrees with the READMEs, the tests and the wrong variants, as
    /// sentences.
    pub fn spec_problems(&self) -> Vec<String> {
        let read = |name: &str| {
            let path = self.dir.join(name);
            fs::read_to_string(&path).map_err(|error| {
                format!(
                    "cannot read {} ({error}): the spec map is checked against it",
                    path.display()
                )
            })
        };
        match (read("README.md"), read("README.ru.md")) {
            (Ok(en), Ok(ru)) => {
                let tests: BTreeSet<String> = self.test_names().into_iter().collect();
                spec_problems(&self.manifest, &tests, &en, &ru)
            }
            (en, ru) => en.err().into_iter().chain(ru.err()).collect(),
        }
    }
}

/// The pure checks of the spec map against the READMEs (`en`, `ru`), the tests found in
/// the test files and the manifest's wrong variants. Every lesson needs its map.
pub fn spec_problems(
    manifest: &Manifest,
    tests: &BTreeSet<String>,
    en: &str,
    ru: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    if manifest.spec.is_empty() {
        problems.push(
            "exercise.toml has no spec map: add a [[spec]] entry for every bullet of \
             README.md's `## Done when` and `## Edge cases` and for every contract the README \
             or the stub states, each naming its tests and wrong variants (CONTRIBUTING.md, \
             \"The course manifest\")"
                .to_string(),
        );
        return problems;
    }
    for kind in [SpecKind::DoneWhen, SpecKind::Edge] {
        problems.extend(bullet_problems(manifest, kind, en, ru));
    }
    for line in &manifest.spec {
        problems.extend(line_problems(manifest, line, tests));
    }
    let named: BTreeSet<&String> = manifest.spec.iter().flat_map(|l| &l.tests).collect();
    for test in tests.iter().filter(|t| !named.contains(t)) {
        problems.push(format!(
            "test `{test}` is on no line of the spec map: name it in the `tests` of the \
             [[spec]] entry it checks"
        ));
    }
    problems
}

/// Every bullet of the kind's README section has exactly one entry with its text, every
/// entry of the kind is a bullet, and the Russian README has as many bullets.
fn bullet_problems(manifest: &Manifest, kind: SpecKind, en: &str, ru: &str) -> Vec<String> {
    let Some((en_heading, ru_heading)) = kind.sections() else {
        return Vec::new();
    };
    let (Some(bullets), Some(ru_bullets)) = (
        section_bullets(en, en_heading),
        section_bullets(ru, ru_heading),
    ) else {
        return vec![format!(
            "README.md needs a `## {en_heading}` section and README.ru.md a \
             `## {ru_heading}` section, with one bullet per line of the spec"
        )];
    };
    let mut problems = Vec::new();
    if bullets.len() != ru_bullets.len() {
        problems.push(format!(
            "README.md's `## {en_heading}` has {} bullet(s) but README.ru.md's \
             `## {ru_heading}` has {}: translate every bullet",
            bullets.len(),
            ru_bullets.len()
        ));
    }
    let entries: Vec<&SpecLine> = manifest.spec.iter().filter(|l| l.kind == kind).collect();
    for bullet in &bullets {
        match entries.iter().filter(|l| &l.text == bullet).count() {
            1 => {}
            0 => problems.push(format!(
                "README line \"{bullet}\" has no [[spec]] entry with kind = \"{}\"",
                kind.name()
            )),
            n => problems.push(format!(
                "README line \"{bullet}\" has {n} [[spec]] entries; give it exactly one"
            )),
        }
    }
    for entry in entries.iter().filter(|l| !bullets.contains(&l.text)) {
        problems.push(format!(
            "[[spec]] entry \"{}\" (kind = \"{}\") is no bullet of README.md's \
             `## {en_heading}`: copy the bullet verbatim, joined into one line",
            entry.text,
            kind.name()
        ));
    }
    problems
}

/// One entry names known tests, and wrong variants that exist and fail only its tests.
fn line_problems(manifest: &Manifest, line: &SpecLine, tests: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let at = format!("[[spec]] entry \"{}\"", line.text);
    if line.tests.is_empty() {
        problems.push(format!("{at} names no test: list the tests that check it"));
    }
    for test in line.tests.iter().filter(|t| !tests.contains(*t)) {
        problems.push(format!("{at} names `{test}`, which no test file defines"));
    }
    if line.wrong.is_empty() && line.kind != SpecKind::Edge {
        problems.push(format!(
            "{at} names no wrong variant: add one in wrong/ that breaks this line only"
        ));
    }
    for file in &line.wrong {
        let Some(wrong) = manifest.wrong.iter().find(|w| &w.file == file) else {
            problems.push(format!(
                "{at} names wrong/{file}, which has no [[wrong]] entry"
            ));
            continue;
        };
        let outside: Vec<&str> = wrong
            .fails
            .iter()
            .filter(|t| !line.tests.contains(t))
            .map(String::as_str)
            .collect();
        if wrong.fails.is_empty() || !outside.is_empty() {
            problems.push(format!(
                "{at} names wrong/{file}, which must fail some of this line's tests and no \
                 other; it fails [{}]",
                wrong.fails.join(", ")
            ));
        }
    }
    problems
}

/// The top-level bullets of the markdown section `## heading`, each joined into one line
/// with its whitespace collapsed; `None` when there is no such section.
pub fn section_bullets(markdown: &str, heading: &str) -> Option<Vec<String>> {
    let mut lines = markdown.lines().skip_while(|l| {
        l.trim_end()
            .strip_prefix("## ")
            .is_none_or(|h| h.trim() != heading)
    });
    lines.next()?;
    let mut bullets: Vec<String> = Vec::new();
    let mut open = false;
    for line in lines.take_while(|l| !l.starts_with("## ") && !l.starts_with("# ")) {
        if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            bullets.push(item.to_string());
            open = true;
        } else if line.trim().is_empty() {
            continue;
        } else if open && line.starts_with(char::is_whitespace) {
            if let Some(last) = bullets.last_mut() {
                last.push(' ');
                last.push_str(line);
            }
        } else {
            open = false;
        }
    }
    Some(
        bullets
            .iter()
            .map(|b| b.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect(),
    )
}

impl Exercise {
    /// Hints and test descriptions without their Russian text (or a Russian hint without
    /// an English one), as sentences: feedback comes in both languages (`--lang ru`), so
    /// every text a student reads needs both.
    pub fn translation_problems(&self) -> Vec<String> {
        let manifest = &self.manifest;
        let mut problems = Vec::new();
        let mut check = |whose: String, en: &Option<String>, ru: &Option<String>| match (
            en.as_deref().map(str::trim),
            ru.as_deref().map(str::trim),
        ) {
            (Some(en), None | Some("")) if !en.is_empty() => problems.push(format!(
                "{whose} has a `hint` but no `hint_ru`: add its Russian text on the line \
                     after `hint` (`hint_ru = \"...\"`), feedback is given in both languages"
            )),
            (None, Some(_)) => problems.push(format!(
                "{whose} has a `hint_ru` but no `hint`: add the English text too"
            )),
            _ => {}
        };
        check(
            "exercise.toml".to_string(),
            &manifest.hint,
            &manifest.hint_ru,
        );
        for test in &manifest.tests {
            let whose = format!("exercise.toml's test `{}`", test.name);
            check(whose, &test.hint, &test.hint_ru);
        }
        for test in &manifest.tests {
            if test
                .description_ru
                .as_deref()
                .is_none_or(|ru| ru.trim().is_empty())
            {
                problems.push(format!(
                    "exercise.toml's test `{}` has no `description_ru`: add its Russian text on \
                     the line after `description`, feedback is given in both languages",
                    test.name
                ));
            }
        }
        problems
    }
}

/// `name.rs`, with `name` a plain identifier other than `lib` and `main`: a file that
/// `lib.rs` can declare as `pub mod name;`.
fn is_module_file(file: &str) -> bool {
    let Some(module) = file.strip_suffix(".rs") else {
        return false;
    };
    module.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && module
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !["lib", "main", "_"].contains(&module)
}

fn find_suites(dir: &Path, hidden: bool) -> Result<Vec<Suite>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut suites = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") && path.is_file() {
            let text = fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            suites.push(Suite {
                name,
                snapshots: dir.join("snapshots"),
                path,
                hidden,
                tests: test_functions(&text),
            });
        }
    }
    suites.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(suites)
}

/// Whether a test file uses the harness's raw `capture` instead of `timeline_check`'s.
fn uses_raw_capture(path: &Path) -> bool {
    let source: String = fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    source.contains("timeline::capture")
        || source.split("timeline::{").skip(1).any(|group| {
            group
                .split('}')
                .next()
                .is_some_and(|g| g.split([',', ' ', '\n']).any(|w| w == "capture"))
        })
}

/// The `.rs` files directly in `dir`, sorted by name; none when `dir` does not exist.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(dir).with_context(|| {
        format!(
            "cannot list the right variants in {}: check that it is a readable folder",
            dir.display()
        )
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot list the right variants in {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "rs") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Names of the functions marked `#[test]` (the attribute on its own line, as rustfmt
/// writes it).
pub fn test_functions(source: &str) -> Vec<String> {
    let mut tests = Vec::new();
    let mut marked = false;
    for line in source.lines().map(str::trim) {
        if line == "#[test]" {
            marked = true;
        } else if marked && !line.starts_with("#[") && !line.starts_with("//") {
            let name = line
                .strip_prefix("fn ")
                .or_else(|| line.strip_prefix("async fn "))
                .and_then(|rest| rest.split(['(', '<']).next());
            if let Some(name) = name {
                tests.push(name.trim().to_string());
            }
            marked = false;
        }
    }
    tests
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{
        Manifest, is_module_file, rust_files, section_bullets, spec_problems, test_functions,
    };

    const README: &str = "# Lesson\n\n## Done when\n\n- `f` prints at 0 s\n  and returns;\n- nothing after.\n\nA paragraph.\n\n## Edge cases\n\n- empty input: returns at once.\n\n## Run\n\n- not a spec line\n";
    const README_RU: &str = "## Готово, когда\n\n- раз\n- два\n\n## Крайние случаи\n\n- пусто\n";

    /// A manifest with tests `a`, `b`, `c`, wrong variants `wa.rs` (fails `a`) and
    /// `wab.rs` (fails `a`, `b`), and the given `[[spec]]` entries.
    fn manifest(spec: &str) -> Manifest {
        let text = format!(
            "package = \"exercise-09\"\ntitle = {{ en = \"t\", ru = \"т\" }}\n\
             [[tests]]\nname = \"a\"\npoints = 1\ndescription = \"a\"\n\
             [[wrong]]\nfile = \"wa.rs\"\nwhy = \"w\"\nfails = [\"a\"]\n\
             [[wrong]]\nfile = \"wab.rs\"\nwhy = \"w\"\nfails = [\"a\", \"b\"]\n{spec}"
        );
        toml::from_str(&text).unwrap()
    }

    const GOOD: &str = "[[spec]]\nkind = \"done-when\"\ntext = \"`f` prints at 0 s and returns;\"\ntests = [\"a\"]\nwrong = [\"wa.rs\"]\n\
        [[spec]]\nkind = \"done-when\"\ntext = \"nothing after.\"\ntests = [\"a\", \"b\"]\nwrong = [\"wab.rs\"]\n\
        [[spec]]\nkind = \"contract\"\ntext = \"panics on failure\"\ntests = [\"a\"]\nwrong = [\"wa.rs\"]\n\
        [[spec]]\nkind = \"edge\"\ntext = \"empty input: returns at once.\"\ntests = [\"c\"]\n";

    fn tests() -> BTreeSet<String> {
        ["a", "b", "c"].iter().map(|t| t.to_string()).collect()
    }

    fn problems(spec: &str, en: &str, ru: &str) -> Vec<String> {
        spec_problems(&manifest(spec), &tests(), en, ru)
    }

    #[test]
    fn bullets_of_a_section_are_joined_into_one_line_each() {
        assert_eq!(
            section_bullets(README, "Done when").unwrap(),
            ["`f` prints at 0 s and returns;", "nothing after."]
        );
        assert_eq!(
            section_bullets(README, "Edge cases").unwrap(),
            ["empty input: returns at once."]
        );
        assert_eq!(
            section_bullets(README_RU, "Готово, когда").unwrap().len(),
            2
        );
        assert_eq!(section_bullets(README, "Missing"), None);
    }

    #[test]
    fn a_complete_spec_map_has_no_problems() {
        assert_eq!(problems(GOOD, README, README_RU), Vec::<String>::new());
    }

    #[test]
    fn a_lesson_without_a_spec_map_is_a_problem() {
        let found = problems("", README, README_RU);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("exercise.toml has no spec map"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_bullet_without_an_entry_and_an_entry_without_a_bullet_are_problems() {
        let edited = GOOD.replace("nothing after.", "nothing after");
        let found = problems(&edited, README, README_RU);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].contains("README line \"nothing after.\" has no"),
            "{found:#?}"
        );
        assert!(
            found[1].contains("is no bullet of README.md's `## Done when`"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_bullet_with_two_entries_is_a_problem() {
        let twice = format!(
            "{GOOD}[[spec]]\nkind = \"edge\"\ntext = \"empty input: returns at once.\"\ntests = [\"c\"]\n"
        );
        let found = problems(&twice, README, README_RU);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("has 2 [[spec]] entries"), "{found:#?}");
    }

    #[test]
    fn the_russian_readme_needs_as_many_bullets() {
        let found = problems(GOOD, README, &README_RU.replace("- два\n", ""));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains("has 2 bullet(s) but README.ru.md"),
            "{found:#?}"
        );
        let found = problems(GOOD, README, "## Готово, когда\n\n- раз\n- два\n");
        assert!(
            found[0].contains("`## Крайние случаи` section"),
            "{found:#?}"
        );
    }

    #[test]
    fn unknown_and_orphan_tests_are_problems() {
        let found = problems(&GOOD.replace("[\"c\"]", "[\"z\"]"), README, README_RU);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].contains("names `z`, which no test file defines"),
            "{found:#?}"
        );
        assert!(found[1].contains("test `c` is on no line"), "{found:#?}");
        let found = problems(&GOOD.replace("[\"c\"]", "[]"), README, README_RU);
        assert!(found[0].contains("names no test"), "{found:#?}");
    }

    #[test]
    fn done_when_and_contract_lines_need_a_wrong_variant_that_breaks_only_them() {
        let found = problems(
            &GOOD.replacen("wrong = [\"wa.rs\"]", "wrong = []", 1),
            README,
            README_RU,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("names no wrong variant"), "{found:#?}");
        let wider = GOOD.replacen("wrong = [\"wa.rs\"]", "wrong = [\"wab.rs\"]", 1);
        let found = problems(&wider, README, README_RU);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("no other; it fails [a, b]"), "{found:#?}");
        let missing = GOOD.replacen("wrong = [\"wa.rs\"]", "wrong = [\"gone.rs\"]", 1);
        let found = problems(&missing, README, README_RU);
        assert!(
            found[0].contains("wrong/gone.rs, which has no [[wrong]] entry"),
            "{found:#?}"
        );
    }

    #[test]
    fn an_unknown_spec_kind_or_field_is_refused() {
        for bad in [
            "[[spec]]\nkind = \"todo\"\ntext = \"x\"\ntests = [\"a\"]\n",
            "[[spec]]\nkind = \"edge\"\ntext = \"x\"\ntests = [\"a\"]\nnote = \"n\"\n",
        ] {
            let text =
                format!("package = \"p\"\ntitle = {{ en = \"t\", ru = \"т\" }}\ntests = []\n{bad}");
            assert!(toml::from_str::<Manifest>(&text).is_err(), "{bad}");
        }
    }

    fn exercise(manifest: &str) -> super::Exercise {
        super::Exercise {
            slug: "01".into(),
            manifest: toml::from_str(manifest).unwrap(),
            dir: Default::default(),
            grading_dir: Default::default(),
            suites: Vec::new(),
        }
    }

    #[test]
    fn the_course_has_every_text_a_student_reads_in_both_languages() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap();
        let course = super::Course::load(root).unwrap();
        let problems: Vec<String> = course
            .exercises
            .iter()
            .flat_map(|e| {
                e.translation_problems()
                    .into_iter()
                    .map(move |p| format!("{}: {p}", e.slug))
            })
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn every_hint_needs_its_russian_text() {
        let head = "package = \"exercise-01\"\ntitle = { en = \"A\", ru = \"А\" }\n";
        let test = |name: &str, hints: &str| {
            format!(
                "[[tests]]\nname = \"{name}\"\npoints = 1\ndescription = \"d\"\n\
                 description_ru = \"о\"\n{hints}"
            )
        };
        let both = "hint = \"use select!\"\nhint_ru = \"используйте select!\"\n";
        let complete = format!("{head}{both}{}{}", test("a", both), test("b", ""));
        assert!(exercise(&complete).translation_problems().is_empty());
        let missing = format!(
            "{head}hint = \"x\"\n{}{}",
            test("a", "hint = \"y\"\n"),
            test("b", "hint_ru = \"у\"\n")
        );
        let problems = exercise(&missing).translation_problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("exercise.toml has a `hint` but no `hint_ru`"));
        assert!(problems[1].contains("test `a`") && problems[1].contains("hint_ru = "));
        assert!(problems[2].contains("test `b` has a `hint_ru` but no `hint`"));
        let untranslated =
            format!("{head}[[tests]]\nname = \"c\"\npoints = 1\ndescription = \"d\"\n");
        let problems = exercise(&untranslated).translation_problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("test `c` has no `description_ru`"));
    }

    #[test]
    fn right_variants_are_the_rust_files_of_the_folder_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let right = dir.path().join("right");
        assert!(
            rust_files(&right).unwrap().is_empty(),
            "a missing folder has none"
        );
        std::fs::create_dir(&right).unwrap();
        assert!(
            rust_files(&right).unwrap().is_empty(),
            "an empty folder has none"
        );
        for file in ["select_all.rs", "joinset.rs", "notes.md", "x.rs.orig"] {
            std::fs::write(right.join(file), "").unwrap();
        }
        std::fs::create_dir(right.join("nested.rs")).unwrap();
        let names: Vec<String> = rust_files(&right)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["joinset.rs", "select_all.rs"]);
    }

    #[test]
    fn given_files_are_plain_module_files() {
        for ok in ["devices.rs", "work_ers2.rs", "_sim.rs"] {
            assert!(is_module_file(ok), "{ok}");
        }
        for bad in [
            "devices", "lib.rs", "main.rs", "_.rs", "2x.rs", "a/b.rs", "../x.rs", ".rs", "a-b.rs",
        ] {
            assert!(!is_module_file(bad), "{bad}");
        }
    }

    #[test]
    fn spots_the_raw_capture_in_a_test_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.rs");
        for (source, raw) in [
            (
                "use timeline::say;\nuse timeline_check::{capture, check};",
                false,
            ),
            ("use timeline::{capture, say};", true),
            ("let run = timeline::capture(limit, f);", true),
        ] {
            std::fs::write(&file, source).unwrap();
            assert_eq!(super::uses_raw_capture(&file), raw, "{source}");
        }
    }

    #[test]
    fn finds_test_functions_in_file_order() {
        let source =
            "#[test]\nfn first() {}\n\nfn helper() {}\n#[test]\n#[should_panic]\nfn second() {}\n";
        assert_eq!(test_functions(source), ["first", "second"]);
    }
}
