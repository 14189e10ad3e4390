//! What each subcommand does, in terms of the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::cli::{Cli, Command};
use crate::commands::grade;
use crate::confine::compiler::Compiler;
use crate::confine::sandbox::{Choice, Sandbox};
use crate::course::{Course, Exercise};
use crate::pipeline::Options;
use crate::pipeline::build::BuildOptions;
use crate::pipeline::run::RunOptions;
use crate::present::Presenter;

/// Runs the command line; `Ok(ExitCode::FAILURE)` when a check did not pass.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let root = cli.root.clone().unwrap_or_else(default_root);
    // Cargo later runs inside the staged workspace, so a relative root would point nowhere.
    let root = std::path::absolute(&root)
        .with_context(|| format!("cannot resolve the course folder {}", root.display()))?;
    let course = Course::load(&root)?;
    let options = options(&cli, &course)?;
    let presenter = Presenter::new(cli.progress.for_here(), protections(&options));
    match &cli.command {
        Command::Verify { exercise, repeat } => {
            let selected = select(&course, exercise)?;
            let verification =
                crate::commands::verify::verify(&course, &selected, *repeat, &options, &presenter);
            presenter.finish();
            let verification = verification?;
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
            shard,
            lang,
            roster,
            dry_run,
        } => {
            let request = grade::GradeRequest {
                submissions: submissions.as_deref(),
                exercises: select(&course, exercise)?,
                students: student,
                out,
                gradescope: *gradescope,
                resume: *resume,
                repeat: (*repeat).max(1),
                shard: *shard,
                lang: *lang,
                roster: roster.as_deref(),
                dry_run: *dry_run,
            };
            if request.submissions.is_none() && !request.dry_run {
                eprintln!(
                    "No submissions folder given: grading the bundled demo class, written to {}",
                    grade::demo_folder(&options).display()
                );
            }
            let graded = grade::grade(&course, &request, &options, &presenter);
            presenter.finish();
            let graded = graded?;
            say_graded(&graded, &request);
            Ok(exit_code(graded.not_gradable.is_empty()))
        }
        Command::Merge {
            shards,
            out,
            gradescope,
            lang,
        } => {
            let merged = crate::commands::merge::merge(&course, shards)?;
            let table = crate::commands::merge::write(&course, &merged, out, *gradescope, *lang)?;
            print!("{table}");
            eprintln!(
                "Merged {} shard(s): {} row(s), written to {}",
                shards.len(),
                merged.rows.len(),
                out.display()
            );
            // As for `grade`: 1 when some entry of the class could not be graded.
            let graded = |r: &crate::report::row::Row| r.entry.is_none() || r.is_graded();
            Ok(exit_code(merged.rows.iter().all(graded)))
        }
        Command::Bless { exercise } => {
            let selected = select(&course, exercise)?;
            let written = crate::commands::bless::bless(&course, &selected, &options, &presenter);
            presenter.finish();
            let written = written?;
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

/// `grade`'s and `merge`'s exit code: 0 when every entry of the class was graded, 1 when
/// some could not be (each is still a row with its reason).
fn exit_code(all_graded: bool) -> ExitCode {
    if all_graded {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Prints what grading a class (or a dry run) came to: the table or listing on stdout, the
/// rest on stderr.
fn say_graded(graded: &grade::ClassGraded, request: &grade::GradeRequest<'_>) {
    print!("{}", graded.table);
    if request.dry_run {
        eprintln!(
            "Dry run: {} to grade, {} not gradable, {} with nothing handed in; nothing was \
             built, run or reported",
            graded.rows - graded.not_gradable.len() - graded.absent,
            graded.not_gradable.len(),
            graded.absent
        );
        return;
    }
    if graded.flaky > 0 {
        eprintln!(
            "warning: {} test result(s) differed between the {} runs; they are marked flaky in \
             the reports",
            graded.flaky, request.repeat
        );
    }
    let not_graded = graded.not_gradable.len();
    eprintln!(
        "Graded {} of {} row(s) ({not_graded} not graded: see the table); wrote {} file(s) to {} \
         (gradebook.csv, results.json, junit.xml, report.html, feedback/)",
        graded.rows - not_graded,
        graded.rows,
        graded.written.len(),
        request.out.display()
    );
}

/// How test processes and compiler runs are confined in this run, in words: printed
/// before the run's first progress.
fn protections(options: &Options) -> Vec<String> {
    let mut lines = vec![format!(
        "Protections: {}.",
        options.run.sandbox.protections().join("; ")
    )];
    if let Some(compiler) = &options.build.compiler {
        lines.push(format!("Compiler: {}.", compiler.protections()));
    }
    lines
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
