//! The wrapper mode: cargo runs the grader binary in rustc's place, and it runs that one
//! rustc confined, or reports why it could not as the crate's compiler error.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Context, Result};

use super::invocation::{Invocation, rewrite_out_dir};
use super::jail::command;
use super::rustc::{End, publish, run};
use super::{Compiler, GAVE_UP, MODE_ENV, STATS_ENV, compile_uid};

/// The wrapper mode's entry point: cargo called `grader <rustc> <args>`.
pub fn wrap() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let rustc = args.next().unwrap_or_else(|| "rustc".into());
    let args: Vec<OsString> = args.collect();
    let Some(invocation) = Invocation::parse(&args) else {
        // Cargo asking rustc about itself (`-vV`, `--print`): nothing of a student's.
        return passthrough(&rustc, &args);
    };
    let settings = std::env::var(MODE_ENV)
        .ok()
        .and_then(|json| serde_json::from_str::<Compiler>(&json).ok());
    let Some(settings) = settings else {
        give_up(&format!(
            "the grader's compiler wrapper got no settings ({MODE_ENV}); this is a problem of \
             the grading machine, not of your code"
        ));
        return ExitCode::FAILURE;
    };
    match confined(&settings, &invocation, &args) {
        Ok(code) => code,
        Err(error) => {
            give_up(&format!(
                "the grader could not run the compiler confined ({error:#}); this is a \
                 problem of the grading machine, not of your code"
            ));
            ExitCode::FAILURE
        }
    }
}

/// Runs rustc as asked, unconfined, with its exit code.
fn passthrough(rustc: &OsStr, args: &[OsString]) -> ExitCode {
    match Command::new(rustc).args(args).status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1).clamp(0, 255) as u8),
        Err(error) => {
            eprintln!(
                "grader (rustc wrapper): cannot run {}: {error}",
                rustc.to_string_lossy()
            );
            ExitCode::FAILURE
        }
    }
}

/// Prints a rustc JSON error diagnostic, which cargo reports as the crate's error.
fn give_up(why: &str) {
    let message = format!("{GAVE_UP}: {why}");
    let diagnostic = serde_json::json!({
        "$message_type": "diagnostic",
        "message": message,
        "code": null,
        "level": "error",
        "spans": [],
        "children": [],
        "rendered": format!("error: {message}\n"),
    });
    eprintln!("{diagnostic}");
}

/// Compiles as asked, confined; the exit code cargo should see.
fn confined(settings: &Compiler, invocation: &Invocation, args: &[OsString]) -> Result<ExitCode> {
    let parent = invocation.out_dir.parent().unwrap_or(&invocation.out_dir);
    let private = tempfile::Builder::new()
        .prefix(".compile-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "cannot create a private output folder in {}",
                parent.display()
            )
        })?;
    let uid = settings.setpriv.as_ref().map(|_| compile_uid());
    if let Some(uid) = uid {
        std::os::unix::fs::chown(private.path(), Some(uid), Some(uid))?;
    }
    let args = rewrite_out_dir(args, private.path());
    let mut command = command(settings, invocation, &args, private.path(), uid)?;
    let limit = if invocation.suite {
        settings.suite_limit
    } else {
        settings.limit
    };
    let end = run(&mut command, limit, private.path(), &invocation.out_dir)?;
    record_stats(private.path());
    match end {
        End::Exited(status) if status.success() => {
            publish(private.path(), &invocation.out_dir)?;
            Ok(ExitCode::SUCCESS)
        }
        // Ordinary compiler errors: rustc printed them.
        End::Exited(status) if status.code() == Some(1) => Ok(ExitCode::FAILURE),
        other => {
            give_up(&other.why(limit, settings));
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Appends the measurement of the run to the [`STATS_ENV`] file, when asked for.
fn record_stats(private: &Path) {
    let Some(file) = std::env::var_os(STATS_ENV) else {
        return;
    };
    let measured = fs::read_to_string(private.join(".stats")).unwrap_or_default();
    let package = std::env::var("CARGO_PKG_NAME").unwrap_or_default();
    let line = format!("{package} {}\n", measured.lines().last().unwrap_or("-"));
    if let Ok(mut out) = fs::OpenOptions::new().create(true).append(true).open(file) {
        let _ = out.write_all(line.as_bytes());
    }
}
