//! ATTACK: build-rs-extra-dep. Hands in its own `Cargo.toml` (a build script and the extra
//! dependency `libc`) and a `build.rs` that writes a file outside the staging area and
//! turns on `cfg(adversarial_build_rs)`. Only with that cfg does this file contain a working
//! solution (which also uses `libc`); without it, it is the stub. Must score 0, and the
//! feedback must say that `Cargo.toml` and `build.rs` were ignored.

use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Prints `tick` at once and then every `period`, forever.
#[cfg(adversarial_build_rs)]
pub async fn tick(period: Duration) {
    let _ = libc::EXIT_SUCCESS;
    loop {
        say!("tick");
        tokio::time::sleep(period).await;
    }
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
#[cfg(adversarial_build_rs)]
pub async fn wait_for(path: &Path, poll: Duration) {
    while !tokio::fs::try_exists(path).await.unwrap_or(false) {
        tokio::time::sleep(poll).await;
    }
    say!("exists!");
}

/// Runs [`tick`] and [`wait_for`] at the same time.
#[cfg(adversarial_build_rs)]
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    tokio::select! {
        () = tick(tick_period) => {}
        () = wait_for(path, poll) => {}
    }
}

/// Prints `tick` at once and then every `period`, forever.
#[cfg(not(adversarial_build_rs))]
pub async fn tick(period: Duration) {
    let _ = period;
    todo!("tick (the build script did not run)")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
#[cfg(not(adversarial_build_rs))]
pub async fn wait_for(path: &Path, poll: Duration) {
    let _ = (path, poll);
    todo!("wait_for (the build script did not run)")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
#[cfg(not(adversarial_build_rs))]
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists (the build script did not run)")
}
