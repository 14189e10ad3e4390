//! ATTACK: cc-type-recursion. A generic function that calls itself with a type twice as
//! large at every level (`Pair<T>` = `(T, T)`): monomorphisation instantiates it without
//! end, through the type-length and recursion limits the attack raises. Must score 0 on
//! the lesson with a compiler message; the run completes and the honest classmates keep
//! full marks.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Recurses on ever larger types.
pub fn grow<T: Clone>(value: T, depth: u64) -> u64 {
    if depth == 0 {
        return 0;
    }
    grow((value.clone(), value), depth - 1) + 1
}

/// Instantiates [`grow`].
pub fn start() -> u64 {
    grow(1u8, 1000)
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
