//! WRONG on purpose: waits with `std::thread::sleep` inside `poll_next`. The thread
//! blocks and the virtual clock never moves, so every item comes at 0.000 s. (The real
//! sleep is scaled down to 1/200 of `every` only so that grading it stays fast.)

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use timeline::say;

/// Yields `1, 2, ..., n`, waiting `every` before each item, then ends (`None`) right after
/// the last one. `count_to(0, ..)` ends at once.
pub fn count_to(n: u32, every: Duration) -> impl Stream<Item = u32> {
    CountTo { n, sent: 0, every }
}

/// The Rust twin of the Python `AsyncIterator` class: its state lives in a struct, and
/// `poll_next` plays the part of `__anext__`.
#[derive(Debug)]
struct CountTo {
    n: u32,
    sent: u32,
    every: Duration,
}

impl Stream for CountTo {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u32>> {
        let this = &mut *self;
        if this.sent == this.n {
            return Poll::Ready(None);
        }
        // Wrong: "wait before the item" with a blocking sleep. The whole thread stops,
        // every other task with it, and the stream never returns `Pending`.
        std::thread::sleep(this.every / 200);
        this.sent += 1;
        Poll::Ready(Some(this.sent))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.n - self.sent) as usize;
        (left, Some(left))
    }
}

// The same stream without writing `poll_next` by hand: `unfold` turns "state -> async
// step" into a stream, much like an `async def __anext__`. Each step is an ordinary async
// block, so the sleep is simply awaited:
//
//     futures::stream::unfold(0, move |sent| async move {
//         if sent == n {
//             return None;
//         }
//         tokio::time::sleep(every).await;
//         Some((sent + 1, sent + 1))
//     })
//
// The result holds the pending async block, which is `!Unpin`: callers pin it (see
// `count_while_ticking`) or get it boxed with `.boxed()`.

/// Prints `tick` at once and then every `tick`, while it consumes `count_to(n, every)`
/// printing `got <item>` for each item. Returns when the stream ends; the ticker stops
/// then too.
pub async fn count_while_ticking(n: u32, every: Duration, tick: Duration) {
    let ticker = async {
        loop {
            say!("tick");
            tokio::time::sleep(tick).await;
        }
    };
    let consumer = async {
        // `StreamExt::next` needs `&mut` to an `Unpin` stream, because it polls the stream
        // again and again across `.await`s and it must not move in between. `pin!` pins it
        // on the stack; `Box::pin` would pin it on the heap. Python's `async for` hides
        // all of this.
        let mut items = std::pin::pin!(count_to(n, every));
        while let Some(item) = items.next().await {
            say!("got {item}");
        }
    };
    // The Python lesson starts the ticker with `create_task` and lets `asyncio.run` cancel
    // it when `main` returns. Here both futures run on this task, and `select!` drops the
    // ticker as soon as the consumer is done: dropping a future cancels it. (A
    // `tokio::spawn`ed ticker would need an explicit `.abort()`.)
    tokio::select! {
        // `biased` only so that this wrong variant prints the same on every run: its items
        // fall on the same instants as ticks, where an unbiased `select!` picks at random.
        biased;
        () = consumer => {}
        _ = ticker => unreachable!("the ticker never ends"),
    }
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
    let state = Lines {
        // `chunks` may be `!Unpin` (an `async` adapter usually is); `next()` needs `Unpin`,
        // and `Box::pin` gives it that.
        chunks: Box::pin(chunks),
        buffer: Vec::new(),
        ended: false,
    };
    // Python would write an async generator (`async for chunk in ...: ... yield line`).
    // Rust has no stable async generators yet, so `unfold` plays that part: each step
    // is an async block that takes the state, awaits what it needs, and hands back the
    // next line with the state for the step after.
    futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(end) = state.buffer.iter().position(|&byte| byte == b'\n') {
                let line: Vec<u8> = state.buffer.drain(..=end).collect();
                return Some((decode(&line[..end]), state));
            }
            if state.ended {
                if state.buffer.is_empty() {
                    return None;
                }
                let tail = std::mem::take(&mut state.buffer);
                return Some((decode(&tail), state));
            }
            // No whole line buffered: wait for more bytes. While `chunks` is pending, so
            // is this stream, and the wake-up comes from whatever `chunks` waits on.
            match state.chunks.next().await {
                Some(chunk) => state.buffer.extend_from_slice(&chunk),
                None => state.ended = true,
            }
        }
    })
}

/// The state `lines` carries from one step to the next.
struct Lines<S> {
    chunks: Pin<Box<S>>,
    /// Bytes received but not yet yielded: the start of a line whose `\n` has not come.
    buffer: Vec<u8>,
    /// `chunks` has ended (it must not be polled again).
    ended: bool,
}

/// Decodes one whole line. Bytes are decoded only once the line is complete: a chunk may
/// end in the middle of a multi-byte character (`п` is two bytes, `0xD0 0xBF`), and
/// decoding chunk by chunk would turn both halves into `\u{FFFD}`.
fn decode(line: &[u8]) -> String {
    String::from_utf8_lossy(line).into_owned()
}
