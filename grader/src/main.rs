use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Cargo runs the grader as the compiler wrapper of the staged crates (see `compiler`).
    if std::env::var_os(grader::confine::compiler::MODE_ENV).is_some() {
        return grader::confine::compiler::wrap();
    }
    let mut cli = grader::cli::Cli::parse();
    cli.wrapper = std::env::current_exe().ok();
    match grader::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
