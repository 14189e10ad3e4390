//! Right variant: `count_to` is fed by a producer task. `tokio::spawn` runs a loop that
//! waits for room in a one-slot `tokio::sync::mpsc` channel, sleeps `every`, and sends the
//! next number; the stream is the receiving end, wrapped as a `Stream` by
//! `tokio_stream::wrappers::ReceiverStream`. `count_while_ticking` and `lines` are the
//! reference's.
//!
//! Correct per the README: "a stream that waits `every`, yields `1`, waits `every`, yields
//! `2`, ..., and then ends at once". The producer starts each wait once the previous item
//! was taken (it reserves the slot first), so items come `every` apart; it drops its
//! sender right after the last one, so the stream ends at once, and `count_to(0, ..)`
//! ends as soon as the producer has run. A channel wakes the consumer when an item
//! arrives: that wake comes one scheduler turn after the timer fired (the producer must
//! run first), at the same virtual instant, which the hand-polled tests allow. When the
//! stream is dropped early, the producer sees the channel closed and ends. The README
//! allows channels; the producer needs a runtime, which every caller of `count_to` has.

use std::pin::Pin;
use std::time::Duration;

use futures::{Stream, StreamExt};
use timeline::say;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

/// Yields `1, 2, ..., n`, waiting `every` before each item, then ends (`None`) right after
/// the last one. `count_to(0, ..)` ends at once.
pub fn count_to(n: u32, every: Duration) -> impl Stream<Item = u32> {
    let (sender, receiver) = mpsc::channel(1);
    tokio::spawn(produce(n, every, sender));
    ReceiverStream::new(receiver)
}

/// Sends `1..=n` on `sender`, each `every` after the previous one was taken; stops early
/// when the receiver is gone.
async fn produce(n: u32, every: Duration, sender: mpsc::Sender<u32>) {
    for item in 1..=n {
        // Room for the next item means the previous one was handed out: wait from then.
        let Ok(slot) = sender.reserve().await else {
            return;
        };
        tokio::select! {
            () = tokio::time::sleep(every) => slot.send(item),
            () = sender.closed() => return,
        }
    }
}

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
