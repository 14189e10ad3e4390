//! A test's resources beyond its own process: one bound on its whole tree.
//!
//! A shell script runs confined exactly as a test process is (`Sandbox::command`, in the
//! control group `run` hands it) and tries to hold more than its bound: many processes
//! each holding memory, and files in every place that might be writable (`/`, `/dev/shm`,
//! `/tmp`, its working folder). What it managed to hold, as it reports it, must stay within
//! the test's memory bound; the group is removed afterwards with whatever was left in it.
//! Without cgroups (not root), the first test has nothing to check and says so.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use grader::confine::process::{self, Finished};
use grader::confine::sandbox::{Choice, Sandbox};

/// Tests running at once the bound is sized for (the default on two cores).
const JOBS: usize = 16;
const MIB: u64 = 1 << 20;
/// Memory each child of the script holds (a shell variable).
const CHILD_MIB: u64 = 150;
/// Bytes of each file the script writes.
const FILE_MIB: u64 = 48;

fn run_script(
    sandbox: &Sandbox,
    script: &str,
    group: Option<&grader::confine::sandbox::cgroup::Cgroup>,
) -> Finished {
    let scratch = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        scratch.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let args = ["-c".to_string(), script.to_string()];
    let command: Command = sandbox.command(
        Path::new("/bin/sh"),
        &args,
        &[],
        scratch.path(),
        Duration::from_secs(60),
        0,
    );
    let command = match group {
        Some(group) => group.wrap(command),
        None => command,
    };
    process::run(command, Duration::from_secs(60), 64 * 1024).unwrap()
}

#[test]
fn a_test_with_its_children_and_files_holds_at_most_its_memory_bound() {
    let sandbox = Sandbox::detect(Choice::Auto).unwrap();
    let Some(group) = sandbox.cgroup(JOBS).unwrap() else {
        eprintln!(
            "no cgroups here, nothing to check: {}",
            sandbox.protections().join("; ")
        );
        return;
    };
    let bound = group.memory;
    // More children than the bound holds, each far under every per-process limit.
    let children = bound / (CHILD_MIB * MIB) + 4;
    let script = format!(
        "i=0; while [ $i -lt {children} ]; do \
             sh -c 'x=$(head -c {child} /dev/zero | tr \"\\0\" a); echo held; sleep 30' & \
             i=$((i+1)); done; \
         for d in / /dev/shm /tmp \"$PWD\"; do n=0; while [ $n -lt 4 ]; do \
             head -c {file} /dev/zero > \"$d/fill-$n\" 2>/dev/null && echo \"wrote $d\"; \
             n=$((n+1)); done; done; \
         sleep 8; echo end",
        child = CHILD_MIB * MIB,
        file = FILE_MIB * MIB,
    );
    let finished = run_script(&sandbox, &script, Some(&group));
    let usage = group.usage();
    let dirs = group.dirs().to_vec();
    drop(group);

    let held = finished.stdout.matches("held").count() as u64;
    let wrote = finished.stdout.matches("wrote").count() as u64;
    let reported = held * CHILD_MIB * MIB + wrote * FILE_MIB * MIB;
    eprintln!(
        "bound {} MiB: {held} of {children} children held {CHILD_MIB} MiB, {wrote} files of \
         {FILE_MIB} MiB written, peak {:?} MiB, {} killed",
        bound / MIB,
        usage.peak.map(|p| p / MIB),
        usage.oom_kills
    );
    assert!(
        finished.stdout.contains("end"),
        "the script ran to its end: {finished:?}"
    );
    assert!(
        reported <= bound,
        "the test held {} MiB, over its bound of {} MiB:\n{}",
        reported / MIB,
        bound / MIB,
        finished.stdout
    );
    assert!(usage.oom_kills > 0, "the bound was reached: {usage:?}");
    assert!(usage.peak.is_none_or(|peak| peak <= bound), "{usage:?}");
    assert!(usage.note().is_some_and(|n| n.contains("memory bound")));
    for dir in dirs {
        assert!(!dir.exists(), "{} is removed after the test", dir.display());
    }
}

#[test]
fn inside_bwrap_only_the_capped_tmp_is_writable() {
    let sandbox = Sandbox::detect(Choice::Auto).unwrap();
    if !sandbox.uses_bwrap() {
        eprintln!("no bwrap here, nothing to check");
        return;
    }
    let script = format!(
        "for d in / /dev/shm /tmp; do n=0; while [ $n -lt 3 ]; do \
             head -c {file} /dev/zero > \"$d/fill-$n\" 2>/dev/null && echo \"wrote $d\"; \
             n=$((n+1)); done; done; echo end",
        file = FILE_MIB * MIB,
    );
    let finished = run_script(&sandbox, &script, None);
    assert!(finished.stdout.contains("end"), "{finished:?}");
    let lines: Vec<&str> = finished.stdout.lines().collect();
    assert_eq!(
        lines,
        ["wrote /tmp", "end"],
        "only one 48 MiB file fits the 64 MiB /tmp; / and /dev/shm are read-only"
    );
}

#[test]
fn an_honest_lesson_grades_at_full_marks_without_cgroups() {
    let output = Command::new(env!("CARGO_BIN_EXE_grader"))
        .args(["verify", "-e", "01"])
        .env("GRADER_CGROUPS", "off")
        .env_remove("TIMELINE_EVIDENCE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("no cgroups (GRADER_CGROUPS=off)"),
        "{stderr}"
    );
    assert!(stdout.contains("all as expected"), "{stdout}");
}
