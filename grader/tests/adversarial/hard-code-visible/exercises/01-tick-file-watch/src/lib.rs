//! ATTACK: hard-code-visible. Does not solve the lesson: prints exactly what the visible
//! snapshots expect, at the times they expect, recognising each visible test by its
//! arguments and ignoring the rest (the period, the file). It earns the visible tests'
//! points, which is why the grader has hidden tests with other parameters. This row is the
//! threat table's documented residual risk: it cannot score 0, but it must fail every
//! hidden test and so stay below full marks.

use std::path::Path;
use std::time::Duration;

use timeline::say;

async fn at(seconds: f64, since: &mut f64) {
    tokio::time::sleep(Duration::from_secs_f64(seconds - *since)).await;
    *since = seconds;
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    // The visible test uses 0.3 s; every period gets 0.3 s.
    let _ = period;
    loop {
        say!("tick");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    let mut now = 0.0;
    at(1.5, &mut now).await;
    say!("exists!");
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period);
    let mut now = 0.0;
    // Two visible tests call this: polls of 0.5 s (file at 2.25 s) and of 0.1 s (3.35 s).
    let ticks: &[f64] = if poll == Duration::from_millis(500) {
        &[0.0, 1.0, 2.0]
    } else {
        &[0.0, 1.0, 2.0, 3.0]
    };
    for &t in ticks {
        at(t, &mut now).await;
        say!("tick");
    }
    let exists = if poll == Duration::from_millis(500) { 2.5 } else { 3.4 };
    at(exists, &mut now).await;
    say!("exists!");
}
