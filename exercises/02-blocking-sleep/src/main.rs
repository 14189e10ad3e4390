//! Demo: two sums that wait side by side, then a slow blocking job while a ticker ticks.
//!
//! As given (blocking), the sums run one after the other and the ticker never gets a
//! turn during the job. Fixed, the sums interleave and the ticker ticks right through it.

use std::time::Duration;

use timeline::say;

/// Stands in for real blocking work (a big computation, a library with no async API):
/// holds its thread for 1.1 s, then adds up the bytes.
fn slow_checksum(data: &[u8]) -> u64 {
    std::thread::sleep(Duration::from_millis(1100));
    data.iter().map(|&byte| u64::from(byte)).sum()
}

fn main() {
    timeline::demo(async {
        say!("part 1: sums of [1, 2] and [1, 2, 3], 0.5 s per step");
        let sums = exercise_02::sum_both(&[1, 2], &[1, 2, 3], Duration::from_millis(500)).await;
        say!("sums: {sums:?}");

        say!("part 2: a slow checksum while a ticker ticks every 0.25 s");
        let ticker = tokio::spawn(async {
            loop {
                say!("tick");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        });
        let data: Vec<u8> = (0..=255).collect();
        let checksum = exercise_02::offload("checksum", move || slow_checksum(&data)).await;
        ticker.abort();
        say!("checksum: {checksum}");
    });
}
