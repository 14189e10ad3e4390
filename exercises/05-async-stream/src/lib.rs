//! Lesson 5: async iterators, the `Stream` trait.
//!
//! Read the task in README.md. Run the demo with `cargo run -p exercise-05` and the tests
//! with `cargo test -p exercise-05`. Print with `say!`, not `println!`: the tests read
//! what you print and when.

use std::time::Duration;

#[allow(unused_imports)]
use futures::{Stream, StreamExt};
#[allow(unused_imports)]
use timeline::say;

/// Yields `1, 2, ..., n`, waiting `every` before each item, then ends (`None`) right after
/// the last one. `count_to(0, ..)` ends at once.
pub fn count_to(n: u32, every: Duration) -> impl Stream<Item = u32> {
    // TODO: return a stream that waits `every`, yields 1, waits `every`, yields 2, ...
    // and after `n` returns `None` at once (no extra wait). This is the Python
    // `AsyncIterator`; pick one of two ways to write it:
    //
    // - By hand: a struct with the counter and the pending timer, and
    //   `impl Stream for YourStruct { type Item = u32; fn poll_next(..) }`: the Rust
    //   `__anext__`. `poll_next` is called again and again; it must keep its
    //   `tokio::time::Sleep` in the struct between calls (as a `Pin<Box<Sleep>>`), poll it,
    //   and return `Poll::Pending` while the sleep is pending: the sleep has then arranged
    //   for the task to be woken at the deadline. A `Sleep` created inside `poll_next` and
    //   dropped at its end wakes nobody.
    // - With `futures::stream::unfold(state, |state| async move { .. })`: each step is
    //   an async block that can simply `tokio::time::sleep(every).await`, and returns
    //   `Some((item, next_state))`, or `None` to end the stream.
    //
    // Never `std::thread::sleep` in there: it would freeze every task on the thread.
    let _ = (n, every);
    // (`poll_fn` is only here so that the stub compiles: a bare `todo!()` has no type
    // that is a `Stream`. Replace the whole body.)
    futures::stream::poll_fn(|_| todo!("count_to"))
}

/// Prints `tick` at once and then every `tick`, while it consumes `count_to(n, every)`
/// printing `got <item>` for each item. Returns when the stream ends; the ticker stops
/// then too.
pub async fn count_while_ticking(n: u32, every: Duration, tick: Duration) {
    // TODO: run two things at once, as in lesson 1:
    // - a ticker: `say!("tick")`, then sleep `tick`, forever;
    // - a consumer: `while let Some(item) = items.next().await { say!("got {item}") }`,
    //   Rust's `async for`. `next()` (from `StreamExt`) wants a stream that stays in
    //   place: pin it first, `let mut items = std::pin::pin!(count_to(n, every));`.
    // When the consumer is done, return, and make sure the ticker stops: `tokio::select!`
    // drops it, or abort it if you `tokio::spawn`ed it.
    let _ = (n, every, tick);
    todo!("count_while_ticking")
}

/// Turns a stream of byte chunks, cut at arbitrary places, into a stream of lines.
///
/// Every `\n` ends a line (the `\n` itself is not part of it; an empty line is yielded as
/// `""`). A line is yielded as soon as the chunk holding its `\n` arrives. When `chunks`
/// ends, what is left after the last `\n`, if anything, is yielded as a last line. A
/// multi-byte UTF-8 character may be cut between two chunks; it comes out whole.
pub fn lines<S>(chunks: S) -> impl Stream<Item = String>
where
    S: Stream<Item = Vec<u8>>,
{
    // TODO: a stream built from another stream (Python's `async for chunk in ...: yield`).
    // Keep a buffer of bytes received but not yet yielded. To produce the next line:
    // if the buffer holds a `\n`, cut the line off the front and yield it; otherwise wait
    // for the next chunk (`chunks.next().await`) and add it to the buffer. When `chunks`
    // ends, yield what is left, unless it is empty, and then end.
    //
    // - `futures::stream::unfold` with the state `(chunks, buffer, ended)` fits well;
    //   `chunks` may not be `Unpin`, so keep it as `Box::pin(chunks)` to call `.next()`.
    // - Decode a line only once it is whole (`String::from_utf8_lossy(&bytes)`): a chunk
    //   may end in the middle of a two-byte letter such as `п`.
    // - Yield each line as soon as it is complete, not when the input ends.
    let _ = chunks;
    // (`poll_fn` is only here so that the stub compiles. Replace the whole body.)
    futures::stream::poll_fn(|_| todo!("lines"))
}
