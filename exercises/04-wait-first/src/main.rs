//! Demo: the three waiting strategies, one after the other, in about four seconds. Each
//! part keeps running a little after the call returns: a request or job left running
//! would show up there.

use std::time::Duration;

use exercise_04::jobs::Job;
use exercise_04::mirrors::Mirror;
use exercise_04::{all_within, fastest, until_first_failure};
use timeline::say;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn main() {
    timeline::demo(async {
        say!("FIRST_COMPLETED: asking three mirrors, eu first");
        let reply = fastest(vec![
            Mirror::new("eu", ms(900)),
            Mirror::new("us", ms(300)),
            Mirror::new("asia", ms(600)),
        ])
        .await;
        say!("fastest: {reply:?}");
        tokio::time::sleep(ms(800)).await;

        say!("FIRST_EXCEPTION: four jobs, w4 fails after 0.5 s");
        let result = until_first_failure(vec![
            Job::ok("w1", ms(1200)),
            Job::ok("w2", ms(300)),
            Job::ok("w3", ms(1500)),
            Job::failing("w4", ms(500), "out of memory"),
        ])
        .await;
        say!("until_first_failure: {result:?}");
        tokio::time::sleep(ms(1100)).await;

        say!("ALL_COMPLETED within 0.8 s");
        let report = all_within(
            vec![
                Job::ok("a", ms(400)),
                Job::failing("b", ms(600), "bad input"),
                Job::ok("c", ms(1200)),
            ],
            ms(800),
        )
        .await;
        say!("all_within: {report:?}");
        tokio::time::sleep(ms(500)).await;
        say!("nothing else ran");
    });
}
