//! Hidden tests for lesson 4's edge cases (README "Edge cases") and for the rule that
//! every mirror is asked, with other mirrors, jobs and deadlines than any visible test.
//! Each edge is met later in the run than at 0 s where that costs nothing, so "at once"
//! means "at the instant of the call". Same rules as the other tests: no two ends at one
//! millisecond, none at a deadline.

use std::time::Duration;

use exercise_04::jobs::Job;
use exercise_04::mirrors::Mirror;
use exercise_04::{all_within, fastest, until_first_failure};
use timeline::say;
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(60);

/// Every function of this lesson leaves nothing running: after the return the runtime
/// runs on for 2 s, and a task still alive then fails the test.
fn cleaned_up() -> Options {
    within(LIMIT).expect_cleanup(Duration::from_secs(2))
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// The quickest mirror is listed first, so only the `asked` lines tell a solution that
/// asks every mirror from one that asks only the first (or only the quickest).
#[test]
fn every_mirror_is_asked_even_when_the_first_is_the_quickest() {
    let run = capture(cleaned_up(), async {
        let reply = fastest(vec![
            Mirror::new("north", ms(350)),
            Mirror::new("south", ms(1250)),
            Mirror::new("east", ms(800)),
        ])
        .await;
        say!("fastest returned");
        tokio::time::sleep(ms(1500)).await;
        say!("1.5 s later");
        reply
    });
    check!(run);
}

#[test]
fn no_mirrors_later_in_the_program_is_none_at_once() {
    let run = capture(cleaned_up(), async {
        tokio::time::sleep(ms(1200)).await;
        say!("asking no mirrors");
        fastest(Vec::new()).await
    });
    check!(run);
}

#[test]
fn no_jobs_is_ok_zero_at_once() {
    let run = capture(cleaned_up(), async {
        tokio::time::sleep(ms(700)).await;
        say!("running no jobs");
        until_first_failure(Vec::new()).await
    });
    check!(run);
}

#[test]
fn a_failure_that_comes_last_leaves_nothing_pending() {
    let run = capture(
        cleaned_up(),
        until_first_failure(vec![
            Job::ok("g", ms(400)),
            Job::failing("h", ms(1600), "checksum mismatch"),
            Job::ok("i", ms(900)),
        ]),
    );
    check!(run);
}

#[test]
fn all_within_without_jobs_returns_at_once() {
    let run = capture(cleaned_up(), async {
        tokio::time::sleep(ms(300)).await;
        say!("collecting no jobs");
        all_within(Vec::new(), ms(4000)).await
    });
    check!(run);
}

#[test]
fn a_zero_limit_leaves_every_job_unfinished() {
    let run = capture(cleaned_up(), async {
        let report = all_within(
            vec![
                Job::ok("u", ms(600)),
                Job::failing("v", ms(200), "early crash"),
            ],
            Duration::ZERO,
        )
        .await;
        say!("all_within returned");
        tokio::time::sleep(ms(1000)).await;
        say!("1 s later");
        report
    });
    check!(run);
}
