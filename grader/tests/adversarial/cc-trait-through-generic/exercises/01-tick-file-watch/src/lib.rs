//! ATTACK: cc-trait-through-generic. `tick` takes any `P: Period`, implemented for every
//! `T: Into<Duration> + Default + Sync`-free marker... in short: a bound that
//! `Duration` fails only deep inside a blanket impl, reached when the tests instantiate
//! `tick::<Duration>`. The crate compiles alone. Must score 0 on the lesson; the honest
//! classmates keep full marks and never see this code or its errors.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Something a period can be made of.
pub trait Period {
    /// The period.
    fn period(self) -> Duration;
}

/// Needed by the blanket impl; `Duration` does not have it.
pub trait Marker {}

impl<T: Marker + Into<Duration>> Period for T {
    fn period(self) -> Duration {
        self.into()
    }
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick<P: Period>(period: P) {
    let _ = period.period();
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
