//! Right variant: `count_to` as `stream::iter(1..=n).then(..)` (each item waits `every`
//! in an async block), the ticker as `IntervalStream` merged with the items through
//! `futures::stream::select`, and `lines` as an `unfold` over a `String` carry with the
//! undecoded bytes kept apart.
//!
//! Correct per the README: `then` runs the async block for an item only when the stream
//! is polled for it, so the stream waits `every` before each item and ends right after
//! `n` with no extra wait (an empty range ends at once); the `Sleep` lives inside the
//! pending `then` future between polls. `count_while_ticking` merges the ticks (the first
//! at once) with the items; it stops at the end marker of the items, dropping the ticker.
//! `lines` only decodes bytes up to a `\n`, so a letter cut between chunks comes out
//! whole.

use std::time::Duration;

#[allow(unused_imports)]
use futures::{Stream, StreamExt};
#[allow(unused_imports)]
use timeline::say;
use tokio_stream::wrappers::IntervalStream;

/// Yields `1, 2, ..., n`, waiting `every` before each item, then ends (`None`) right after
/// the last one. `count_to(0, ..)` ends at once.
pub fn count_to(n: u32, every: Duration) -> impl Stream<Item = u32> {
    futures::stream::iter(1..=n).then(move |item| async move {
        tokio::time::sleep(every).await;
        item
    })
}

/// What the merged stream of `count_while_ticking` carries.
enum Event {
    Tick,
    Item(u32),
    End,
}

/// Prints `tick` at once and then every `tick`, while it consumes `count_to(n, every)`
/// printing `got <item>` for each item. Returns when the stream ends; the ticker stops
/// then too.
pub async fn count_while_ticking(n: u32, every: Duration, tick: Duration) {
    let ticks = IntervalStream::new(tokio::time::interval(tick)).map(|_| Event::Tick);
    let items = count_to(n, every)
        .map(Event::Item)
        .chain(futures::stream::once(async { Event::End }));
    let mut events = std::pin::pin!(futures::stream::select(items, ticks));
    while let Some(event) = events.next().await {
        match event {
            Event::Tick => say!("tick"),
            Event::Item(item) => say!("got {item}"),
            Event::End => return,
        }
    }
}

/// Turns a stream of byte chunks, cut at arbitrary places, into a stream of lines.
pub fn lines<S>(chunks: S) -> impl Stream<Item = String>
where
    S: Stream<Item = Vec<u8>>,
{
    let state = (Box::pin(chunks), Vec::<u8>::new(), false);
    futures::stream::unfold(state, |(mut chunks, mut pending, mut ended)| async move {
        loop {
            if let Some(pos) = pending.iter().position(|&byte| byte == b'\n') {
                let rest = pending.split_off(pos + 1);
                pending.pop();
                let line = String::from_utf8_lossy(&pending).into_owned();
                return Some((line, (chunks, rest, ended)));
            }
            if ended {
                if pending.is_empty() {
                    return None;
                }
                let line = String::from_utf8_lossy(&pending).into_owned();
                return Some((line, (chunks, Vec::new(), true)));
            }
            match chunks.next().await {
                Some(chunk) => pending.extend(chunk),
                None => ended = true,
            }
        }
    })
}
