//! Hidden tests for lesson 4: the same three strategies with other latencies, counts,
//! failing jobs and deadlines than the visible tests, so a solution shaped to the visible
//! snapshots fails here. Same rules: no two ends at one millisecond, none at a deadline.

use std::time::Duration;

use exercise_04::jobs::Job;
use exercise_04::mirrors::Mirror;
use exercise_04::{all_within, fastest, until_first_failure};
use timeline::say;
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(60);

/// Whatever a function of this lesson leaves behind must be stopped when it returns: 2 s
/// of virtual time later no task of it may be alive, and a line printed meanwhile shows
/// after the return.
fn cleaned_up() -> Options {
    within(LIMIT).expect_cleanup(Duration::from_secs(2))
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

#[test]
fn the_fastest_of_five_mirrors_is_the_last_one_asked() {
    let run = capture(cleaned_up(), async {
        let reply = fastest(vec![
            Mirror::new("m1", ms(1500)),
            Mirror::new("m2", ms(800)),
            Mirror::new("m3", ms(1100)),
            Mirror::new("m4", ms(2000)),
            Mirror::new("m5", ms(250)),
        ])
        .await;
        say!("fastest returned");
        tokio::time::sleep(ms(3000)).await;
        say!("3 s later");
        reply
    });
    check!(run);
}

#[test]
fn a_single_mirror_is_the_fastest() {
    let run = capture(cleaned_up(), fastest(vec![Mirror::new("only", ms(450))]));
    check!(run);
}

#[test]
fn the_first_of_two_failures_is_reported() {
    let run = capture(cleaned_up(), async {
        let result = until_first_failure(vec![
            Job::ok("a", ms(500)),
            Job::failing("b", ms(1600), "timeout"),
            Job::failing("c", ms(2200), "refused"),
            Job::ok("d", ms(1000)),
            Job::ok("e", ms(3000)),
        ])
        .await;
        say!("until_first_failure returned");
        tokio::time::sleep(ms(3000)).await;
        say!("3 s later");
        result
    });
    check!(run);
}

#[test]
fn four_jobs_without_a_failure() {
    let run = capture(cleaned_up(),
        until_first_failure(vec![
            Job::ok("a", ms(300)),
            Job::ok("b", ms(2400)),
            Job::ok("c", ms(1000)),
            Job::ok("d", ms(1800)),
        ]),
    );
    check!(run);
}

#[test]
fn a_failure_before_the_deadline_is_collected_too() {
    let run = capture(cleaned_up(), async {
        let report = all_within(
            vec![
                Job::failing("p", ms(300), "crashed"),
                Job::ok("q", ms(1700)),
                Job::failing("r", ms(3500), "late crash"),
                Job::ok("s", ms(2900)),
                Job::ok("t", ms(1100)),
            ],
            ms(3200),
        )
        .await;
        say!("all_within returned");
        tokio::time::sleep(ms(2000)).await;
        say!("2 s later");
        report
    });
    check!(run);
}

#[test]
fn nothing_ends_before_a_short_deadline() {
    let run = capture(cleaned_up(), async {
        let report = all_within(
            vec![Job::ok("x", ms(2000)), Job::ok("y", ms(2500))],
            ms(1500),
        )
        .await;
        say!("all_within returned");
        tokio::time::sleep(ms(2000)).await;
        say!("2 s later");
        report
    });
    check!(run);
}

#[test]
fn quick_jobs_do_not_wait_for_a_long_deadline() {
    let run = capture(cleaned_up(),
        all_within(
            vec![
                Job::failing("k", ms(1300), "bad"),
                Job::ok("l", ms(400)),
                Job::ok("m", ms(900)),
            ],
            ms(10_000),
        ),
    );
    check!(run);
}
