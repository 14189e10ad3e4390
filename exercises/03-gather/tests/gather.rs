//! Visible tests for lesson 3. Each runs on a paused clock (`timeline_check::capture`), so the
//! printed times are exact and every run is the same. Every device connects, answers or
//! fails at its own millisecond: apart from the `connecting` lines at 0 s, no two lines
//! ever share an instant. Which device starts first is not graded: `check!` shows the
//! lines of one instant sorted, so devices started back to front pass too.

use std::time::Duration;

use exercise_03::devices::Device;
use exercise_03::{send_to_all, send_to_all_keep_errors, try_send_to_all};
use timeline::say;
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(60);

/// The devices still running when one fails must stop there: 3 s of virtual time after
/// the test's code returns, no task of it may be alive, and a line printed meanwhile shows
/// after the return.
fn cleaned_up() -> Options {
    within(LIMIT).expect_cleanup(Duration::from_secs(3))
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
fn send_to_all_takes_as_long_as_the_slowest_device() {
    // They finish in the order they are listed (0.7 s, 1.0 s, 1.5 s): one after another
    // they would take 3.2 s.
    let devices = [
        answers("r1", 200, 500),
        answers("r2", 400, 600),
        answers("r3", 300, 1200),
    ];
    let run = capture(LIMIT, send_to_all(&devices, "show clock"));
    check!(run);
}

#[test]
fn send_to_all_returns_replies_in_input_order_not_completion_order() {
    // They finish in the order sw2, sw4, sw1, sw3.
    let devices = [
        answers("sw1", 500, 1000),
        answers("sw2", 200, 600),
        answers("sw3", 300, 2000),
        answers("sw4", 700, 400),
    ];
    let run = capture(LIMIT, send_to_all(&devices, "show version"));
    check!(run);
}

#[test]
fn try_send_to_all_returns_every_reply_when_all_devices_answer() {
    // They finish in the order r2, r3, r1.
    let devices = [
        answers("r1", 600, 900),
        answers("r2", 100, 300),
        answers("r3", 250, 500),
    ];
    let run = capture(LIMIT, try_send_to_all(&devices, "show ip int br"));
    check!(run);
}

#[test]
fn try_send_to_all_returns_the_error_as_soon_as_a_device_fails() {
    // edge2 fails at 0.5 s, while core1 (listed first) still waits for its reply.
    let devices = [
        answers("core1", 300, 2000),
        refuses("edge2", 500),
        answers("dist3", 700, 1000),
    ];
    let run = capture(cleaned_up(), try_send_to_all(&devices, "show version"));
    check!(run);
}

#[test]
fn try_send_to_all_cancels_the_devices_still_running() {
    // c3 fails at 0.9 s. a1 would answer at 1.4 s and d4 would connect at 1.2 s: after the
    // error, neither may print anything, even though the runtime keeps going for 3 s.
    let devices = [
        answers("a1", 400, 1000),
        answers("b2", 200, 500),
        refuses("c3", 900),
        answers("d4", 1200, 300),
    ];
    let run = capture(cleaned_up(), async {
        let result = try_send_to_all(&devices, "show running-config").await;
        say!("returned");
        tokio::time::sleep(Duration::from_secs(3)).await;
        say!("3 s later");
        result
    });
    check!(run);
}

#[test]
fn send_to_all_keep_errors_waits_for_every_device() {
    // r2 and r4 fail (0.2 s, 0.6 s); r3 and r1 answer (0.9 s, 1.3 s).
    let devices = [
        answers("r1", 300, 1000),
        refuses("r2", 200),
        answers("r3", 500, 400),
        refuses("r4", 600),
    ];
    let run = capture(LIMIT, send_to_all_keep_errors(&devices, "show clock"));
    check!(run);
}
