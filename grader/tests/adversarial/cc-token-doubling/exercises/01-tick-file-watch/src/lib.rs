//! ATTACK: cc-token-doubling. A `macro_rules!` that doubles its tokens at every step of
//! its recursion: the expansion grows as 2^n and takes all the memory the compiler may
//! have. Must score 0 on the lesson with a message saying the compiler gave up; the run
//! completes and the honest classmates keep full marks.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

macro_rules! double {
    () => {};
    ($first:tt $($rest:tt)*) => { double!($($rest)* $($rest)*); };
}

double!(a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l);

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
