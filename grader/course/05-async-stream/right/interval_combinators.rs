//! Right variant: `count_to` from a `tokio::time::interval_at` wrapped in
//! `tokio_stream::wrappers::IntervalStream`, `lines` from `StreamExt` combinators (`scan`
//! plus `flat_map`), and the ticker as an `interval` inside a `select!` loop.
//!
//! Correct per the README: "`tokio::time::interval` ticks at once ... wrong for 'wait
//! before each item' (use `interval_at(Instant::now() + every, every)` ...)". The interval
//! is created when the stream is first polled (a stream is lazy), with
//! `MissedTickBehavior::Delay` so each item still comes `every` after the previous one was
//! taken; `take(n)` ends right after the `n`-th item, without another wait. `lines`
//! appends each chunk to the buffer carried by `scan` and emits the lines it completes at
//! once; an end marker chained after the chunks flushes the rest. The ticker's first tick
//! is immediate, as a ticker wants.

use std::time::Duration;

#[allow(unused_imports)]
use futures::{Stream, StreamExt};
#[allow(unused_imports)]
use timeline::say;
use tokio::time::{Instant, MissedTickBehavior, interval, interval_at};
use tokio_stream::wrappers::IntervalStream;

/// Yields `1, 2, ..., n`, waiting `every` before each item, then ends (`None`) right after
/// the last one. `count_to(0, ..)` ends at once.
pub fn count_to(n: u32, every: Duration) -> impl Stream<Item = u32> {
    let ticks = futures::stream::once(async move {
        let mut ticks = interval_at(Instant::now() + every, every);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        IntervalStream::new(ticks)
    })
    .flatten();
    ticks
        .take(n as usize)
        .zip(futures::stream::iter(1..=n))
        .map(|(_, item)| item)
}

/// Prints `tick` at once and then every `tick`, while it consumes `count_to(n, every)`
/// printing `got <item>` for each item. Returns when the stream ends; the ticker stops
/// then too.
pub async fn count_while_ticking(n: u32, every: Duration, tick: Duration) {
    let mut ticks = interval(tick);
    let mut items = std::pin::pin!(count_to(n, every));
    loop {
        tokio::select! {
            item = items.next() => match item {
                Some(item) => say!("got {item}"),
                None => return,
            },
            _ = ticks.tick() => say!("tick"),
        }
    }
}

/// Cuts every whole line off the front of `buffer`.
fn whole_lines(buffer: &mut Vec<u8>) -> Vec<String> {
    let mut found = Vec::new();
    while let Some(pos) = buffer.iter().position(|&byte| byte == b'\n') {
        let line: Vec<u8> = buffer.drain(..=pos).collect();
        found.push(String::from_utf8_lossy(&line[..pos]).into_owned());
    }
    found
}

/// Turns a stream of byte chunks, cut at arbitrary places, into a stream of lines.
pub fn lines<S>(chunks: S) -> impl Stream<Item = String>
where
    S: Stream<Item = Vec<u8>>,
{
    chunks
        .map(Some)
        .chain(futures::stream::once(async { None }))
        .scan(Vec::new(), |buffer: &mut Vec<u8>, chunk| {
            let out = match chunk {
                Some(chunk) => {
                    buffer.extend_from_slice(&chunk);
                    whole_lines(buffer)
                }
                None if buffer.is_empty() => Vec::new(),
                None => vec![String::from_utf8_lossy(&std::mem::take(buffer)).into_owned()],
            };
            futures::future::ready(Some(out))
        })
        .flat_map(futures::stream::iter)
}
