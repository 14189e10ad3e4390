//! Letting the runtime settle before a hand-polled test looks at a stream or a future.

/// Scheduler turns [`settle`] gives the runtime: enough for a wake that travels through a
/// few helper tasks (a timer wakes a producer task, which sends on a channel, which wakes
/// the consumer).
pub const SETTLE_TURNS: usize = 8;

/// Lets every task that is ready run, for [`SETTLE_TURNS`] scheduler turns, without moving
/// the paused clock. A test that polls by hand after `tokio::time::advance` (or after it
/// sent something) calls this first: `advance` gives the runtime one turn, in which the
/// timers it passed fire, but a correct stream fed by a task of its own through a channel
/// is woken one turn later, when that task has run. Waiting a few turns accepts that and
/// still tells a wake at the deadline from one a whole period late.
pub async fn settle() {
    for _ in 0..SETTLE_TURNS {
        tokio::task::yield_now().await;
    }
}
