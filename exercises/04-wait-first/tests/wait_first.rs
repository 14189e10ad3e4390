//! Visible tests for lesson 4. Each runs on a paused clock (`timeline_check::capture`), so the
//! printed times are exact and every run is the same. No two mirrors or jobs end at the
//! same millisecond, and no job ends at a deadline, so the timeline never depends on
//! which of two simultaneous events tokio runs first. Tests that say "later" keep the
//! runtime alive after the call returns: a request or job left running would print there.

use std::time::Duration;

use exercise_04::jobs::Job;
use exercise_04::mirrors::Mirror;
use exercise_04::{all_within, fastest, until_first_failure};
use timeline::say;
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(60);

/// Whatever a function of this lesson leaves behind must be stopped when it returns: 3 s
/// of virtual time later no task of it may be alive, and a line printed meanwhile shows
/// after the return.
fn cleaned_up() -> Options {
    within(LIMIT).expect_cleanup(Duration::from_secs(3))
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn fastest_mirror_answers_first() {
    // The first mirror asked (eu) is the slowest one.
    let run = capture(
        cleaned_up(),
        fastest(vec![
            Mirror::new("eu", ms(900)),
            Mirror::new("us", ms(300)),
            Mirror::new("asia", ms(600)),
        ]),
    );
    check!(run);
}

#[test]
fn the_other_mirrors_stop_once_one_answers() {
    let run = capture(cleaned_up(), async {
        let reply = fastest(vec![
            Mirror::new("a", ms(700)),
            Mirror::new("b", ms(400)),
            Mirror::new("c", ms(1200)),
            Mirror::new("d", ms(500)),
        ])
        .await;
        say!("fastest returned");
        tokio::time::sleep(ms(2000)).await;
        say!("2 s later");
        reply
    });
    check!(run);
}

#[test]
fn no_mirrors_no_reply() {
    let run = capture(cleaned_up(), fastest(vec![]));
    check!(run);
}

#[test]
fn the_first_failure_stops_the_other_jobs() {
    // The Python lesson's example: three long workers and one that fails after a while,
    // so `done(1) pending(3)`.
    let run = capture(cleaned_up(), async {
        let result = until_first_failure(vec![
            Job::ok("w1", ms(4000)),
            Job::ok("w2", ms(5000)),
            Job::ok("w3", ms(6000)),
            Job::failing("w4", ms(1500), "out of memory"),
        ])
        .await;
        say!("until_first_failure returned");
        tokio::time::sleep(ms(6000)).await;
        say!("6 s later");
        result
    });
    check!(run);
}

#[test]
fn the_first_failure_counts_done_and_pending() {
    let run = capture(
        cleaned_up(),
        until_first_failure(vec![
            Job::ok("a", ms(800)),
            Job::ok("b", ms(1300)),
            Job::failing("c", ms(2100), "disk full"),
            Job::ok("d", ms(3000)),
            Job::ok("e", ms(2600)),
            Job::ok("f", ms(1700)),
        ]),
    );
    check!(run);
}

#[test]
fn without_a_failure_every_job_ends() {
    let run = capture(
        cleaned_up(),
        until_first_failure(vec![
            Job::ok("a", ms(1200)),
            Job::ok("b", ms(700)),
            Job::ok("c", ms(1900)),
        ]),
    );
    check!(run);
}

#[test]
fn the_deadline_collects_what_finished_and_stops_the_rest() {
    let run = capture(cleaned_up(), async {
        let report = all_within(
            vec![
                Job::ok("a", ms(2500)),
                Job::ok("b", ms(900)),
                Job::failing("c", ms(1400), "bad input"),
                Job::ok("d", ms(4000)),
            ],
            ms(2000),
        )
        .await;
        say!("all_within returned");
        tokio::time::sleep(ms(3000)).await;
        say!("3 s later");
        report
    });
    check!(run);
}

#[test]
fn all_within_returns_early_when_every_job_ends() {
    let run = capture(
        cleaned_up(),
        all_within(
            vec![Job::ok("a", ms(600)), Job::ok("b", ms(1100))],
            ms(5000),
        ),
    );
    check!(run);
}
