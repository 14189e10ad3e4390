//! Cargo, as the build runs it: the target folder it would use, one `cargo build` of a
//! staged batch, and its JSON messages read as types (`cargo_metadata::Message`).

use std::collections::BTreeMap;
use std::io::{BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use cargo_metadata::diagnostic::{DiagnosticLevel, DiagnosticSpan};
use cargo_metadata::{Message, MetadataCommand, PackageId};

use super::BuildOptions;
use crate::pipeline::stage::Stage;

/// At most this many errors per package, of at most this many characters each, are kept
/// from one cargo run (a test crate's errors of every student together).
const MAX_KEPT_ERRORS: usize = 2000;
const MAX_ERROR_CHARS: usize = 4000;

/// The grader's own folder inside a target folder.
const GRADER_FOLDER: &str = "grader";

/// The folder the grader builds in for the workspace at `root`: `grader/` inside the
/// target folder cargo would use there (`CARGO_TARGET_DIR`, else the configured
/// `build.target-dir`, else `<root>/target`), as `cargo metadata` reports it.
pub fn grader_dir(root: &Path) -> Result<PathBuf> {
    let mut command = MetadataCommand::new();
    command
        .current_dir(root)
        .no_deps()
        .other_options(vec!["--offline".to_string(), "--frozen".to_string()]);
    // Cargo runs in `root`: a relative CARGO_TARGET_DIR means the caller's folder.
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        let dir = std::path::absolute(&dir)
            .with_context(|| format!("cannot resolve CARGO_TARGET_DIR={}", dir.display()))?;
        command.env("CARGO_TARGET_DIR", dir);
    }
    let metadata = command.exec().with_context(|| {
        format!(
            "cannot ask cargo for the target folder of {} (`cargo metadata`): is it a Cargo \
             workspace, and is cargo on PATH?",
            root.display()
        )
    })?;
    Ok(metadata
        .target_directory
        .into_std_path_buf()
        .join(GRADER_FOLDER))
}

/// What one cargo run said, sorted by package.
#[derive(Debug, Default)]
pub(super) struct CargoOutcome {
    /// Package name -> test executable.
    pub binaries: BTreeMap<String, PathBuf>,
    /// Package name -> rendered errors.
    pub errors: BTreeMap<String, Vec<String>>,
    /// Suite package name -> (batch.rs line, rendered error) for errors inside a test crate.
    pub suite_errors: BTreeMap<String, Vec<(Option<usize>, String)>>,
}

/// One `cargo build` of the pending test crates, read as it goes: `linked` hears of every
/// test binary the moment cargo reports it.
pub(super) fn cargo_build(
    stage: &Stage,
    options: &BuildOptions,
    packages: &[String],
    students: usize,
    linked: &dyn Fn(&str, &Path),
) -> Result<CargoOutcome> {
    let mut command = cargo();
    command
        .args([
            "build",
            "--tests",
            "--keep-going",
            "--offline",
            "--message-format=json",
        ])
        .args(["--profile", "grading"])
        .arg("--manifest-path")
        .arg(stage.dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &options.dir)
        .current_dir(&stage.dir);
    for package in packages {
        command.args(["-p", package]);
    }
    if let Some(compiler) = &options.compiler {
        compiler.apply(&mut command, students)?;
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `cargo build`")?;
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut text);
        text
    });
    let mut outcome = CargoOutcome::default();
    let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
    for message in Message::parse_stream(stdout) {
        let message = message.context("cannot read cargo's output")?;
        if let Some((package, binary)) = record(&mut outcome, &message) {
            linked(&package, &binary);
        }
    }
    let status = child.wait().context("cannot wait for `cargo build`")?;
    let stderr = stderr_reader.join().unwrap_or_default();
    if !status.success() && outcome.errors.is_empty() && outcome.suite_errors.is_empty() {
        let stderr = String::from_utf8_lossy(&stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = lines[lines.len().saturating_sub(20)..].join("\n");
        bail!(
            "cargo could not build the staged batch in {}:\n{tail}",
            stage.dir.display(),
        );
    }
    Ok(outcome)
}

/// Files one cargo message; returns the package and binary of a linked test executable.
fn record(outcome: &mut CargoOutcome, message: &Message) -> Option<(String, PathBuf)> {
    match message {
        Message::CompilerArtifact(artifact) if artifact.profile.test => {
            let exe = artifact.executable.as_ref()?.clone().into_std_path_buf();
            let package = folder_name(artifact.manifest_path.parent()?.as_std_path())?;
            outcome.binaries.insert(package.clone(), exe.clone());
            Some((package, exe))
        }
        Message::CompilerMessage(compiler) if compiler.message.level == DiagnosticLevel::Error => {
            let package = package_folder(&compiler.package_id).unwrap_or_default();
            let mut rendered = compiler.message.rendered.clone().unwrap_or_default();
            // A flood of errors (a macro can make millions) must not fill the grader's
            // memory: a student is shown three anyway.
            if let Some((cut, _)) = rendered.char_indices().nth(MAX_ERROR_CHARS) {
                rendered.truncate(cut);
            }
            if package.starts_with("suite-") {
                let line = batch_line(&compiler.message.spans);
                let errors = outcome.suite_errors.entry(package).or_default();
                if errors.len() < MAX_KEPT_ERRORS {
                    errors.push((line, rendered));
                }
            } else {
                let errors = outcome.errors.entry(package).or_default();
                if errors.len() < MAX_KEPT_ERRORS {
                    errors.push(rendered);
                }
            }
            None
        }
        _ => None,
    }
}

/// The folder of a package (every staged package's folder is named after it), from its
/// id: `path+file:///stage/crates/s001#0.1.0`, `path+file:///stage/crates/x#name@0.1.0`,
/// or the older `name 0.1.0 (path+file:///stage/crates/x)`.
fn package_folder(id: &PackageId) -> Option<String> {
    let repr = id.repr.as_str();
    let url = match repr.split_once(" (") {
        Some((_, rest)) => rest.strip_suffix(')')?,
        None => repr.split('#').next()?,
    };
    let path = url.strip_prefix("path+file://")?;
    folder_name(Path::new(path))
}

fn folder_name(path: &Path) -> Option<String> {
    path.file_name()?.to_str().map(str::to_string)
}

/// The `batch.rs` line an error inside an included test file comes from.
fn batch_line(spans: &[DiagnosticSpan]) -> Option<usize> {
    for span in spans {
        let mut current = Some(span);
        while let Some(span) = current {
            if span.file_name.ends_with("batch.rs") {
                return Some(span.line_start);
            }
            current = span.expansion.as_ref().map(|e| &e.span);
        }
    }
    None
}

/// A cargo command free of the settings of whatever cargo started the grader.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for variable in [
        "CARGO_TARGET_DIR",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_INCREMENTAL",
        "CARGO_PROFILE_DEV_DEBUG",
        "CARGO_BUILD_TARGET",
    ] {
        command.env_remove(variable);
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Message {
        serde_json::from_str(json).expect("a cargo message")
    }

    fn artifact(manifest: &str, test: bool, executable: Option<&str>) -> Message {
        let executable = executable.map_or("null".to_string(), |e| format!("\"{e}\""));
        parse(&format!(
            r#"{{"reason":"compiler-artifact","package_id":"path+file://{dir}#0.1.0",
            "manifest_path":"{manifest}","target":{{"kind":["lib"],"crate_types":["lib"],
            "name":"x","src_path":"/s/src/lib.rs","edition":"2024","doc":true,"doctest":false,
            "test":{test}}},"profile":{{"opt_level":"0","debuginfo":0,"debug_assertions":true,
            "overflow_checks":true,"test":{test}}},"features":[],"filenames":[],
            "executable":{executable},"fresh":false}}"#,
            dir = Path::new(manifest).parent().unwrap().display()
        ))
    }

    fn error(package_id: &str, rendered: &str, spans: &str) -> Message {
        parse(&format!(
            r#"{{"reason":"compiler-message","package_id":"{package_id}",
            "manifest_path":"/m/Cargo.toml","target":{{"kind":["lib"],"crate_types":["lib"],
            "name":"x","src_path":"/s/src/lib.rs","edition":"2024","doc":true,"doctest":false,
            "test":false}},"message":{{"$message_type":"diagnostic","message":"m","code":null,
            "level":"error","spans":{spans},"children":[],"rendered":"{rendered}"}}}}"#
        ))
    }

    fn span(file: &str, line: usize, expansion: Option<String>) -> String {
        let expansion = expansion.map_or("null".to_string(), |e| {
            format!(r#"{{"span":{e},"macro_decl_name":"include!","def_site_span":null}}"#)
        });
        format!(
            r#"{{"file_name":"{file}","byte_start":0,"byte_end":1,"line_start":{line},
            "line_end":{line},"column_start":1,"column_end":2,"is_primary":true,"text":[],
            "label":null,"suggested_replacement":null,"suggestion_applicability":null,
            "expansion":{expansion}}}"#
        )
    }

    #[test]
    fn a_test_binary_is_filed_under_its_package_folder() {
        let mut outcome = CargoOutcome::default();
        let message = artifact(
            "/stage/suites/suite-exercise-01/Cargo.toml",
            true,
            Some("/t/grading/deps/batch-0123"),
        );
        assert_eq!(
            record(&mut outcome, &message),
            Some((
                "suite-exercise-01".to_string(),
                PathBuf::from("/t/grading/deps/batch-0123")
            ))
        );
        assert_eq!(outcome.binaries.len(), 1);
    }

    #[test]
    fn libraries_and_non_test_binaries_are_not_test_binaries() {
        let mut outcome = CargoOutcome::default();
        for message in [
            artifact("/stage/crates/s001/Cargo.toml", false, None),
            artifact("/stage/crates/s001/Cargo.toml", false, Some("/t/s001")),
            artifact("/stage/crates/s001/Cargo.toml", true, None),
        ] {
            assert_eq!(record(&mut outcome, &message), None);
        }
        assert!(outcome.binaries.is_empty());
    }

    #[test]
    fn a_student_crate_error_is_filed_under_its_package() {
        let mut outcome = CargoOutcome::default();
        for id in [
            "path+file:///stage/crates/s001#0.1.0",
            "path+file:///stage/crates/s001#s001@0.1.0",
            "s001 0.1.0 (path+file:///stage/crates/s001)",
        ] {
            record(&mut outcome, &error(id, "error: one", "[]"));
        }
        assert_eq!(outcome.errors["s001"], ["error: one"; 3]);
        assert!(outcome.suite_errors.is_empty());
    }

    #[test]
    fn a_test_crate_error_is_traced_to_its_batch_line_through_macro_expansions() {
        let mut outcome = CargoOutcome::default();
        let inner = span(
            "suites/suite-x/common/a.rs",
            3,
            Some(span("batch.rs", 7, None)),
        );
        let id = "path+file:///stage/suites/suite-x#0.1.0";
        record(
            &mut outcome,
            &error(id, "error: in tests", &format!("[{inner}]")),
        );
        record(&mut outcome, &error(id, "error: nowhere", "[]"));
        assert_eq!(
            outcome.suite_errors["suite-x"],
            [
                (Some(7), "error: in tests".to_string()),
                (None, "error: nowhere".to_string())
            ]
        );
    }

    #[test]
    fn warnings_and_other_messages_are_ignored_and_long_errors_cut() {
        let mut outcome = CargoOutcome::default();
        let warning = error("path+file:///s/crates/s001#0.1.0", "w", "[]");
        let Message::CompilerMessage(mut warning) = warning else {
            panic!("a compiler message");
        };
        warning.message.level = DiagnosticLevel::Warning;
        record(&mut outcome, &Message::CompilerMessage(warning));
        record(
            &mut outcome,
            &parse(r#"{"reason":"build-finished","success":false}"#),
        );
        assert!(outcome.errors.is_empty());
        let long = "e".repeat(MAX_ERROR_CHARS + 10);
        record(
            &mut outcome,
            &error("path+file:///s/crates/s002#0.1.0", &long, "[]"),
        );
        assert_eq!(outcome.errors["s002"][0].len(), MAX_ERROR_CHARS);
    }

    /// A workspace of one empty package in `dir`, with `config` as its `.cargo/config.toml`.
    fn workspace(dir: &Path, config: Option<&str>) {
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"w\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("src/lib.rs"), "").unwrap();
        if let Some(config) = config {
            std::fs::create_dir_all(dir.join(".cargo")).unwrap();
            std::fs::write(dir.join(".cargo/config.toml"), config).unwrap();
        }
    }

    #[test]
    fn the_configured_target_dir_is_honoured() {
        if std::env::var_os("CARGO_TARGET_DIR").is_some() {
            return; // The variable wins over the configuration; the binary's tests cover it.
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("course");
        workspace(&root, Some("[build]\ntarget-dir = \"built\"\n"));
        assert_eq!(
            grader_dir(&root).unwrap(),
            root.join("built/grader"),
            "a relative target-dir is relative to the folder holding .cargo/"
        );
    }

    #[test]
    fn without_configuration_the_workspace_s_target_is_used() {
        if std::env::var_os("CARGO_TARGET_DIR").is_some() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        workspace(dir.path(), None);
        assert_eq!(
            grader_dir(dir.path()).unwrap(),
            dir.path().join("target/grader")
        );
    }
}
