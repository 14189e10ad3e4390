//! ATTACK: include-path-solution. Hands in no code of its own: a `#[path]` module pointing
//! six folders up from the staged `src/lib.rs` (crate, crates, stage, grader, target, the
//! course root) at the course's reference solution, re-exported as this crate's API. If
//! the build can see the course tree, this is full marks for someone else's code. Must be
//! rejected (the feedback names `#[path`) or fail to build: 0 either way.

#[path = "../../../../../../solutions/01-tick-file-watch/src/lib.rs"]
mod answer;

pub use answer::{tick, tick_until_exists, wait_for};
