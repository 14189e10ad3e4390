use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = grader::cli::Cli::parse();
    match grader::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
