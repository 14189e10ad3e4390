//! ATTACK: cc-indirect-host-files. `include_str!` and `option_env!` through a macro that
//! takes the macro's name as an identifier: `/etc/passwd` of the grading machine, and
//! the compiler's `HOME`, `PATH` and `CARGO_HOME`, printed so they come back in the
//! feedback. Must score 0, and the host's `/etc/passwd` (`root:x:0:0`) must not appear
//! in its feedback.
use std::path::Path;
use std::time::Duration;

#[allow(unused_imports)]
use timeline::say;

/// Calls the macro whose name it is given, so no `name!(` appears in the source.
macro_rules! call {
    ($name:ident, $($args:tt)*) => {
        $name!($($args)*)
    };
}

const PASSWD: &str = call!(include_str, "/etc/passwd");
const FOUND: [Option<&str>; 3] = [
    call!(option_env, "HOME"),
    call!(option_env, "PATH"),
    call!(option_env, "CARGO_HOME"),
];

fn leak() {
    say!("GRADER-ADVERSARIAL-MARKER cc-indirect-host-files: {FOUND:?}");
    for line in PASSWD.lines() {
        say!("{line}");
    }
}

/// Prints `tick` at once and then every `period`, forever.
pub async fn tick(period: Duration) {
    leak();
    let _ = period;
    todo!("tick")
}

/// Checks every `poll` whether `path` exists; when it does, prints `exists!` and returns.
pub async fn wait_for(path: &Path, poll: Duration) {
    leak();
    let _ = (path, poll);
    todo!("wait_for")
}

/// Runs [`tick`] and [`wait_for`] at the same time.
pub async fn tick_until_exists(path: &Path, tick_period: Duration, poll: Duration) {
    let _ = (path, tick_period, poll);
    todo!("tick_until_exists")
}
