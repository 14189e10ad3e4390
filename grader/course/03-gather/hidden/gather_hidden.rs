//! Hidden tests for lesson 3: the same properties as the visible ones, with other devices,
//! latencies, commands and failures, so code shaped to the visible snapshots fails here.
//! Apart from the `connecting` lines at 0 s, no two lines share an instant.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use exercise_03::devices::Device;
use exercise_03::{send_to_all, send_to_all_keep_errors, try_send_to_all};
use futures::FutureExt;
use timeline::say;
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(60);

/// The devices still running when one fails must stop there: 2 s of virtual time after
/// the test's code returns, no task of it may be alive, and a line printed meanwhile shows
/// after the return.
fn cleaned_up() -> Options {
    within(LIMIT).expect_cleanup(Duration::from_secs(2))
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A device that connects after `connect` ms and answers `reply` ms later.
fn answers(name: &str, connect: u64, reply: u64) -> Device {
    Device::new(name, ms(connect), ms(reply))
}

/// A device that refuses the connection after `connect` ms.
fn refuses(name: &str, connect: u64) -> Device {
    Device::refusing(name, ms(connect))
}

#[test]
fn send_to_all_finishes_with_the_slowest_of_five() {
    // They finish in the order listed (0.35 s .. 0.9 s): one after another, 3.05 s.
    let devices = [
        answers("10.0.0.1", 100, 250),
        answers("10.0.0.2", 300, 150),
        answers("10.0.0.3", 150, 450),
        answers("10.0.0.4", 50, 700),
        answers("10.0.0.5", 400, 500),
    ];
    let run = capture(LIMIT, send_to_all(&devices, "display clock"));
    check!(run);
}

#[test]
fn send_to_all_orders_replies_by_device_not_by_speed() {
    // They finish in the reverse of the order listed.
    let devices = [
        answers("fw-a", 800, 1500),
        answers("fw-b", 600, 1100),
        answers("fw-c", 400, 700),
        answers("fw-d", 100, 350),
    ];
    let run = capture(LIMIT, send_to_all(&devices, "show interfaces"));
    check!(run);
}

#[test]
fn try_send_to_all_gives_every_reply_in_listed_order() {
    // They finish in the order spine2, leaf1, spine1, leaf2.
    let devices = [
        answers("spine1", 450, 1300),
        answers("spine2", 150, 200),
        answers("leaf1", 380, 1000),
        answers("leaf2", 50, 1900),
    ];
    let run = capture(LIMIT, try_send_to_all(&devices, "show bgp summary"));
    check!(run);
}

#[test]
fn try_send_to_all_reports_whichever_device_fails_first() {
    // gw2 is listed first but fails at 1.3 s; gw4 fails first, at 0.75 s.
    let devices = [
        answers("gw1", 200, 900),
        refuses("gw2", 1300),
        answers("gw3", 600, 300),
        refuses("gw4", 750),
    ];
    let run = capture(cleaned_up(), try_send_to_all(&devices, "show arp"));
    check!(run);
}

#[test]
fn try_send_to_all_stops_the_others_after_a_failure() {
    // sw-core fails at 0.25 s; sw-acc2 would connect at 0.4 s and sw-acc1 answer at 1.1 s.
    let devices = [
        refuses("sw-core", 250),
        answers("sw-acc1", 100, 1000),
        answers("sw-acc2", 400, 200),
    ];
    let run = capture(cleaned_up(), async {
        let result = try_send_to_all(&devices, "write memory").await;
        say!("returned");
        tokio::time::sleep(Duration::from_secs(2)).await;
        say!("2 s later");
        result
    });
    check!(run);
}

#[test]
fn send_to_all_keep_errors_returns_one_result_per_device() {
    // ap4 fails at 0.09 s, ap2 and ap1 answer, and ap3 fails last, at 1.6 s.
    let devices = [
        answers("ap1", 350, 650),
        answers("ap2", 120, 80),
        refuses("ap3", 1600),
        refuses("ap4", 90),
    ];
    let run = capture(
        LIMIT,
        send_to_all_keep_errors(&devices, "show wlan summary"),
    );
    check!(run);
}

/// The message of a panic, whatever its payload's type.
fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn send_to_all_panics_with_the_error_of_a_failing_device() {
    // fw1 answers at 0.4 s and fw2 at 0.5 s; fw9 refuses at 0.8 s, last, so that a
    // `join_all` and a fail-fast join print the same lines before the panic.
    let devices = [
        answers("fw1", 150, 250),
        refuses("fw9", 800),
        answers("fw2", 300, 200),
    ];
    let run = capture(LIMIT, async {
        // The panic is caught and becomes a value here, whatever message wraps the
        // device's error (the future need not be `Send`, so it is not spawned).
        let sending = AssertUnwindSafe(send_to_all(&devices, "show run")).catch_unwind();
        match sending.await {
            Ok(replies) => format!("returned {replies:?} instead of panicking"),
            Err(panic) => {
                let message = panic_message(panic);
                if message.contains("fw9") {
                    "panicked with fw9's error".to_string()
                } else {
                    format!("panicked without fw9's error: {message}")
                }
            }
        }
    });
    check!(run);
}

#[test]
fn no_devices_give_empty_results_at_once() {
    let run = capture(LIMIT, async {
        let all = send_to_all(&[], "show users").await;
        let tried = try_send_to_all(&[], "show users").await;
        let kept = send_to_all_keep_errors(&[], "show users").await;
        (all, tried, kept)
    });
    check!(run);
}

#[test]
fn try_send_to_all_reports_a_failure_that_comes_last() {
    // ap3 answers at 0.75 s and ap1 at 0.9 s; ap2, listed between them, refuses at 1.3 s.
    let devices = [
        answers("ap1", 200, 700),
        refuses("ap2", 1300),
        answers("ap3", 450, 300),
    ];
    let run = capture(LIMIT, try_send_to_all(&devices, "show lldp"));
    check!(run);
}
