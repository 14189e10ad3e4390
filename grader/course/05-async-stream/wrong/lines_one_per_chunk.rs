//! WRONG on purpose: every step of `lines` first waits for the next chunk and only then
//! looks for a `\n`, so a chunk holding several lines lets out only one: the others wait
//! for later chunks, and come late.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures::{Stream, StreamExt};
use timeline::say;
use tokio::time::Sleep;

/// Yields `1, 2, ..., n`, waiting `every` before each item, then ends (`None`) right after
/// the last one. `count_to(0, ..)` ends at once.
pub fn count_to(n: u32, every: Duration) -> impl Stream<Item = u32> {
    CountTo {
        n,
        sent: 0,
        every,
        sleep: None,
    }
}

/// The Rust twin of the Python `AsyncIterator` class: its state lives in a struct, and
/// `poll_next` plays the part of `__anext__`.
#[derive(Debug)]
struct CountTo {
    n: u32,
    sent: u32,
    every: Duration,
    /// The wait before the next item, created when the consumer asks for that item.
    ///
    /// A `Sleep` is `!Unpin` (it is a node in the timer's intrusive list, so it must not
    /// move once polled). Boxing it pins it on the heap and keeps `CountTo` itself `Unpin`,
    /// so `poll_next` can use plain `&mut self` fields.
    sleep: Option<Pin<Box<Sleep>>>,
}

impl Stream for CountTo {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        let this = &mut *self;
        // Like `raise StopAsyncIteration` before the sleep in the Python version: once all
        // items are out, the stream ends at once instead of waiting one more period.
        if this.sent == this.n {
            return Poll::Ready(None);
        }
        // The timer must outlive this call. A `Sleep` created here and dropped on return
        // would unregister itself from the timer, and nobody would ever wake this task: so
        // it is kept in `self` until it fires.
        let every = this.every;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(every)));
        // Not due yet: `Sleep::poll` has registered `cx`'s waker with the timer, which
        // wakes the task exactly once, at the deadline. Returning `Pending` without such a
        // registration would hang the consumer; waking ourselves "just in case" would make
        // the executor spin. `ready!` returns `Poll::Pending` for us.
        ready!(sleep.as_mut().poll(cx));
        // Due: forget this timer (the next item gets a fresh one when it is asked for).
        this.sleep = None;
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
            // Wrong: waits for a chunk before looking at what is already buffered.
            if !state.ended {
                match state.chunks.next().await {
                    Some(chunk) => state.buffer.extend_from_slice(&chunk),
                    None => state.ended = true,
                }
            }
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
