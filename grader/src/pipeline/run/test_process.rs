//! One test process: the batch binary started confined for one student's tests, handed
//! a fresh secret and nonce, its signed evidence read back.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read as _;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use timeline_evidence::{Binding, EVIDENCE_ENV, EVIDENCE_MARK, Evidence, WALL_LIMIT_ENV};

use super::RunOptions;
use super::ran::Ran;
use crate::confine::process;
use crate::pipeline::stage::Stage;

/// Which process to start: the batch binary, for which student, as which worker.
pub(super) struct Process<'a> {
    pub(super) binary: &'a Path,
    pub(super) key: &'a str,
    pub(super) slot: usize,
}

/// Runs the named tests in one confined process, killed after `limit` of real time, and
/// reads their signed evidence.
pub(super) fn run_tests(
    process: &Process<'_>,
    tests: &[(String, String)],
    work: &Path,
    options: &RunOptions,
    limit: Duration,
) -> Result<Ran> {
    let scratch = work.join("scratch");
    fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    // Without bwrap the process may run as an unprivileged user: let it write its scratch.
    fs::set_permissions(&scratch, fs::Permissions::from_mode(0o777))?;
    let mut args: Vec<String> = tests
        .iter()
        .map(|(suite, test)| Stage::test_path(process.key, suite, test))
        .collect();
    args.extend([
        "--exact".to_string(),
        "--quiet".to_string(),
        format!("--test-threads={}", tests.len().max(1)),
    ]);
    // The harness's watchdog stops a hung test at the test's limit, before this process is
    // killed (limit + slack), and records the class of the hang as evidence.
    let wall_limit = options.test_limit.as_millis().to_string();
    let env = [
        (EVIDENCE_ENV, "1"),
        ("RUST_BACKTRACE", "0"),
        (WALL_LIMIT_ENV, wall_limit.as_str()),
    ];
    let cpu = options.test_limit * 2 + Duration::from_secs(5);
    // One bound on the memory and processes of the test's whole tree, where available.
    let cgroup = options.sandbox.cgroup(options.jobs)?;
    let command = options
        .sandbox
        .command(process.binary, &args, &env, &scratch, cpu, process.slot);
    let command = match &cgroup {
        Some(group) => group.wrap(command),
        None => command,
    };
    let (secret, nonce) = (random_hex(32)?, random_hex(16)?);
    // The harness takes this line before `main` (timeline-check's constructor).
    let input = format!("{secret} {nonce}\n");
    let mut finished =
        process::run_with_input(command, limit, options.output_cap, input.as_bytes())?;
    // Dropping the group kills what is left in it; first, whether its bound ended the test.
    if let Some(note) = cgroup.and_then(|group| group.usage().note()) {
        finished.stderr.push_str(&format!("\n{note}"));
    }
    let mut ran = Ran {
        evidence: BTreeMap::new(),
        tampered: Vec::new(),
        foreign: Vec::new(),
        exit: finished.exit,
        stderr: finished.stderr,
    };
    let binding = Binding {
        key: process.key,
        nonce: &nonce,
    };
    let asked: Vec<String> = tests
        .iter()
        .map(|(suite, test)| Evidence::file_stem(suite, test))
        .collect();
    for line in finished.stdout.lines() {
        // libtest's progress dots can share the line: the evidence starts at its mark.
        let Some(start) = line.find(EVIDENCE_MARK) else {
            continue;
        };
        if let Some(evidence) = Evidence::from_line(&line[start..], secret.as_bytes()) {
            ran.take(evidence, binding, &asked);
        }
    }
    Ok(ran)
}

/// `n` random bytes, hex-encoded: a fresh secret or nonce for one test process.
fn random_hex(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .context("cannot read /dev/urandom for a secret")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
