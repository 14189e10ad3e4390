//! Demo: one command to three devices, three ways (about 4 s).

use std::time::Duration;

use exercise_03::devices::Device;
use exercise_03::{send_to_all, send_to_all_keep_errors, try_send_to_all};
use timeline::say;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn main() {
    timeline::demo(async {
        // r2 answers first and r3 last, but the replies come back as listed.
        let healthy = [
            Device::new("r1", ms(300), ms(500)),
            Device::new("r2", ms(100), ms(400)),
            Device::new("r3", ms(200), ms(1000)),
        ];
        say!("-- send_to_all: every device at once, replies in the listed order");
        let replies = send_to_all(&healthy, "show clock").await;
        say!("replies: {replies:?}");

        // r2 refuses at 0.4 s, while r1 and r3 are still waiting for their replies.
        let one_refuses = [
            Device::new("r1", ms(300), ms(500)),
            Device::refusing("r2", ms(400)),
            Device::new("r3", ms(200), ms(1000)),
        ];
        say!("-- try_send_to_all: r2 refuses the connection");
        match try_send_to_all(&one_refuses, "show clock").await {
            Ok(replies) => say!("replies: {replies:?}"),
            Err(error) => say!("error: {error}"),
        }
        tokio::time::sleep(ms(1000)).await;
        say!("1 s later: a line from r1 or r3 since the error would mean they were not cancelled");

        say!("-- send_to_all_keep_errors: every device finishes, the error is kept in its place");
        let results = send_to_all_keep_errors(&one_refuses, "show clock").await;
        for (device, result) in one_refuses.iter().zip(results) {
            say!("{}: {result:?}", device.name);
        }
    });
}
