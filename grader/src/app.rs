//! What each subcommand does, in terms of the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::cli::{Cli, Command};
use crate::confine::compiler::Compiler;
use crate::confine::sandbox::{Choice, Sandbox};
use crate::course::{Course, Exercise};
use crate::pipeline::Options;
use crate::pipeline::build::BuildOptions;
use crate::pipeline::run::RunOptions;

/// Runs the command line; `Ok(ExitCode::FAILURE)` when a check did not pass.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let root = cli.root.clone().unwrap_or_else(default_root);
    // Cargo later runs inside the staged workspace, so a relative root would point nowhere.
    let root = std::path::absolute(&root)
        .with_context(|| format!("cannot resolve the course folder {}", root.display()))?;
    let course = Course::load(&root)?;
    let options = options(&cli, &course)?;
    match &cli.command {
        Command::Verify { exercise, repeat } => {
            let selected = select(&course, exercise)?;
            say_protections(&options);
            let verification =
                crate::commands::verify::verify(&course, &selected, *repeat, &options)?;
            print!("{}", crate::commands::verify::render(&verification));
            Ok(if verification.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Grade {
            submissions,
            exercise,
            student,
            out,
            gradescope,
            resume,
            repeat,
        } => {
            let request = crate::commands::grade::GradeRequest {
                submissions: submissions.as_deref(),
                exercises: select(&course, exercise)?,
                students: student,
                out,
                gradescope: *gradescope,
                resume: *resume,
                repeat: (*repeat).max(1),
            };
            crate::commands::grade::grade(&course, &request, &options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bless { exercise } => {
            let selected = select(&course, exercise)?;
            say_protections(&options);
            let written = crate::commands::bless::bless(&course, &selected, &options)?;
            println!(
                "{written} snapshot(s) written; review them with `git diff` before committing"
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The run's options from the command line: the sandbox, the compiler's confinement
/// (when the grader binary can be cargo's compiler wrapper), the target folder.
fn options(cli: &Cli, course: &Course) -> Result<Options> {
    let mut run = RunOptions {
        sandbox: Sandbox::detect(cli.sandbox)?,
        ..RunOptions::default()
    };
    let mut build = BuildOptions::for_course(course)?;
    if let Some(wrapper) = &cli.wrapper {
        build.compiler = Some(Compiler::detect(
            wrapper.clone(),
            &course.root,
            Duration::from_secs(cli.compile_limit.max(1)),
            run.sandbox.uses_bwrap() || cli.sandbox == Choice::Bwrap,
        )?);
    }
    if let Some(jobs) = cli.jobs {
        run.jobs = jobs.max(1);
    }
    run.test_limit_override = cli.test_limit.map(Duration::from_secs_f64);
    run.lesson_budget = cli.lesson_budget.map(Duration::from_secs_f64);
    Ok(Options { build, run })
}

/// Tells on stderr how test processes are confined in this run.
pub(crate) fn say_protections(options: &Options) {
    eprintln!(
        "Protections: {}.",
        options.run.sandbox.protections().join("; ")
    );
    if let Some(compiler) = &options.build.compiler {
        eprintln!("Compiler: {}.", compiler.protections());
    }
}

/// The workspace this grader was built from.
fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn select<'a>(course: &'a Course, keys: &[String]) -> Result<Vec<&'a Exercise>> {
    if keys.is_empty() {
        return Ok(course.exercises.iter().collect());
    }
    keys.iter()
        .map(|key| match course.find(key) {
            Some(exercise) => Ok(exercise),
            None => bail!(
                "no exercise `{key}`; the course has: {}",
                course
                    .exercises
                    .iter()
                    .map(|e| e.slug.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
        .collect()
}
