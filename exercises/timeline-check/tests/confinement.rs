//! Under grading (`TIMELINE_EVIDENCE` set), the harness takes the grader's line from stdin
//! before `main` and confines the process: the test below starts this test binary again
//! as the grader would, and the ignored test checks, from inside, what code under test
//! can and cannot do there.
#![cfg(target_os = "linux")]

use std::io::{Read as _, Write as _};
use std::process::{Command, Stdio};
use std::time::Duration;

use timeline_check::{EVIDENCE_ENV, EVIDENCE_MARK, Evidence, capture, check};

const SECRET: &str = "5ecre7";
const NONCE: &str = "n0nce";
const INSIDE: &str = "inside_a_graded_process";

/// This test binary, run as the grader runs one: only the test named `test`, the grader's
/// line on stdin.
fn run_graded(test: &str, input: &str) -> std::process::Output {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", test, "--test-threads=1"])
        .env(EVIDENCE_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_graded_process_is_confined_and_signs_bound_evidence() {
    let output = run_graded(INSIDE, &format!("{SECRET} {NONCE}\n"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(
        output.status.success(),
        "the confined test failed:\n{stdout}\n{stderr}"
    );
    let evidence: Vec<Evidence> = stdout
        .lines()
        .filter_map(|line| line.find(EVIDENCE_MARK).map(|at| &line[at..]))
        .filter_map(|line| Evidence::from_line(line, SECRET.as_bytes()))
        .collect();
    assert_eq!(evidence.len(), 1, "one signed line expected in:\n{stdout}");
    assert_eq!(evidence[0].test, INSIDE);
    assert_eq!(evidence[0].nonce, NONCE);
    assert_eq!(evidence[0].module, "confinement");
    assert!(evidence[0].rendered.contains("from a blocking thread"));
}

#[test]
fn without_the_grader_line_a_graded_test_fails_loudly() {
    let output = run_graded(INSIDE, "");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(
        !stdout.contains(EVIDENCE_MARK),
        "evidence without a secret:\n{stdout}"
    );
    assert!(
        stdout.contains("secret could not be read before `main`: no secret and nonce"),
        "the failure does not say why:\n{stdout}"
    );
}

#[test]
#[ignore = "run by the tests above, in a process of its own, as the grader would"]
fn inside_a_graded_process() {
    // The constructor took the grader's line: nothing is left for the code under test.
    let mut rest = Vec::new();
    std::io::stdin().read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "stdin still held {rest:?}");

    // No program starts, this binary included, and the call fails rather than kills.
    let exe = std::env::current_exe().unwrap();
    for program in [exe.as_path(), "sh".as_ref()] {
        let error = Command::new(program).arg("--list").output().unwrap_err();
        assert_eq!(
            error.raw_os_error(),
            Some(libc::EPERM),
            "{program:?}: {error}"
        );
        // std's other way to start a process: with a uid set it forks rather than calling
        // `posix_spawn`.
        use std::os::unix::process::CommandExt as _;
        let error = Command::new(program)
            .uid(rustix::process::getuid().as_raw())
            .output()
            .unwrap_err();
        assert_eq!(
            error.raw_os_error(),
            Some(libc::EPERM),
            "{program:?}: {error}"
        );
    }

    // Its memory cannot be read by another route, and it stays non-dumpable.
    let mut byte = [0u8; 1];
    let local = libc::iovec {
        iov_base: byte.as_mut_ptr().cast(),
        iov_len: 1,
    };
    let remote = libc::iovec {
        iov_base: SECRET.as_ptr() as *mut _,
        iov_len: 1,
    };
    #[allow(unsafe_code)] // The raw system call, to see the filter refuse it.
    // SAFETY: both vectors point at one valid byte of this process.
    let read = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
    assert_eq!(read, -1);
    assert_eq!(
        std::io::Error::last_os_error().raw_os_error(),
        Some(libc::EPERM)
    );
    use rustix::process::{DumpableBehavior, dumpable_behavior, set_dumpable_behavior};
    assert_eq!(
        set_dumpable_behavior(DumpableBehavior::Dumpable),
        Err(rustix::io::Errno::PERM)
    );
    assert_eq!(dumpable_behavior(), Ok(DumpableBehavior::NotDumpable));

    // Threads still start (plain, and tokio's blocking pool), and evidence is signed.
    assert_eq!(std::thread::spawn(|| 7).join().unwrap(), 7);
    let run = capture(Duration::from_secs(1), async {
        let text = tokio::task::spawn_blocking(|| "from a blocking thread")
            .await
            .unwrap();
        timeline::say!("{text}");
    });
    check!(run);
}
