//! The grader's secret, taken before `main`.
//!
//! Under the grader (`TIMELINE_EVIDENCE` set), the grader writes one line on the test
//! process's standard input: a secret and a nonce. A test's code under test can run before
//! the harness does (`capture(LIMIT, student_fn(args))` evaluates `student_fn(args)` first),
//! so the harness cannot wait for its first `capture` to read that line: a constructor,
//! run by the loader before `main` and before any test, reads it, then confines the
//! process ([`crate::confine`]) so that what runs later can neither start programs nor
//! read the process's memory from outside. What is left on stdin afterwards is nothing.
//!
//! Statics in a dependency can be dropped by the linker when nothing refers to them, so
//! [`taken`] refers to the constructor, and under grading it fails loudly (and so every
//! test with it) when the constructor did not run: `grader verify`, which requires every
//! reference solution to pass, proves the constructor is linked into the test binaries.

use std::sync::OnceLock;

use timeline_evidence::EVIDENCE_ENV;

/// What the grader handed this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handed {
    /// The key evidence is signed with.
    pub secret: Vec<u8>,
    /// Names this process: evidence carries it, so it is good for this process only.
    pub nonce: String,
}

impl Handed {
    /// Reads the grader's line: `<secret> <nonce>`; `None` unless both are there.
    pub fn parse(line: &str) -> Option<Handed> {
        let mut words = line.split_whitespace();
        let (secret, nonce) = (words.next()?, words.next()?);
        Some(Handed {
            secret: secret.as_bytes().to_vec(),
            nonce: nonce.to_string(),
        })
    }
}

/// What the constructor did, when the grader asked for evidence.
#[derive(Debug)]
struct Taken {
    /// The grader's line, or why it could not be read.
    handed: Result<Handed, String>,
    /// Whether the process could be confined, or why not.
    confined: Result<(), String>,
}

static TAKEN: OnceLock<Taken> = OnceLock::new();

/// Run by the loader before `main` (ELF `.init_array`, Mach-O `__mod_init_func`, the MSVC
/// CRT's `.CRT$XCU`), like the `ctor` crate does; `#[used]` keeps it in the object file.
#[used]
#[allow(unsafe_code)] // The link sections: the only `unsafe` of the crate, no code.
#[cfg_attr(
    any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly",
        target_os = "illumos"
    ),
    unsafe(link_section = ".init_array")
)]
#[cfg_attr(
    target_vendor = "apple",
    unsafe(link_section = "__DATA,__mod_init_func")
)]
#[cfg_attr(windows, unsafe(link_section = ".CRT$XCU"))]
static CONSTRUCTOR: extern "C" fn() = constructor;

extern "C" fn constructor() {
    // Nothing may unwind out of a constructor; a panic here leaves `TAKEN` unset, which
    // `taken` reports.
    let _ = std::panic::catch_unwind(take);
}

fn take() {
    if std::env::var_os(EVIDENCE_ENV).is_none() {
        return;
    }
    let handed = read_line()
        .and_then(|line| Handed::parse(&line).ok_or_else(|| "no secret and nonce".to_string()));
    let confined = crate::confine::confine();
    let _ = TAKEN.set(Taken { handed, confined });
}

/// One line from the real standard input, read without a buffer that could keep the rest.
#[cfg(unix)]
fn read_line() -> Result<String, String> {
    use std::os::fd::AsFd as _;
    let stdin = std::io::stdin();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 4096 {
        match rustix::io::read(stdin.as_fd(), &mut byte) {
            Ok(0) => break,
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => line.push(byte[0]),
            Err(rustix::io::Errno::INTR) => continue,
            Err(error) => return Err(format!("cannot read stdin: {error}")),
        }
    }
    String::from_utf8(line).map_err(|_| "stdin is not text".to_string())
}

#[cfg(not(unix))]
fn read_line() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|error| format!("cannot read stdin: {error}"))?;
    Ok(line)
}

/// The grader's secret and nonce, taken before `main`; an error for people when the
/// constructor did not run (not linked), could not read them, or could not confine the
/// process. Only meaningful under grading.
pub fn taken() -> Result<&'static Handed, String> {
    // Refer to the constructor, so that the linker keeps the object file holding it.
    std::hint::black_box(&CONSTRUCTOR);
    let Some(taken) = TAKEN.get() else {
        return Err(format!(
            "timeline-check: {EVIDENCE_ENV} is set but the harness's constructor did not run \
             before `main`, so the grader's secret was not taken safely; the constructor \
             (`CONSTRUCTOR` in timeline-check/src/secret.rs) was not linked into this test \
             binary, or this platform runs no constructors. Grading cannot trust this binary."
        ));
    };
    let handed = taken.handed.as_ref().map_err(|why| {
        format!("timeline-check: the grader's secret could not be read before `main`: {why}")
    })?;
    taken.confined.as_ref().map_err(|why| {
        format!("timeline-check: the test process could not be confined before `main`: {why}")
    })?;
    Ok(handed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grader_line_gives_a_secret_and_a_nonce() {
        assert_eq!(
            Handed::parse("abc123 n0nce\n"),
            Some(Handed {
                secret: b"abc123".to_vec(),
                nonce: "n0nce".into()
            })
        );
        assert_eq!(Handed::parse("abc123\n"), None);
        assert_eq!(Handed::parse(""), None);
    }
}
