//! Right variant: `count_to` is the README's own suggestion taken literally,
//! `interval_at(Instant::now() + every, every)` wrapped in `IntervalStream`, created when
//! `count_to` is called; `lines` keeps a `VecDeque` of finished lines in an `unfold`.
//!
//! Correct per the README: "`tokio::time::interval` ticks at once ... wrong for 'wait
//! before each item' (use `interval_at(Instant::now() + every, every)` or a `Sleep`)".
//! `take(n)` ends the stream right after the `n`-th item. `lines` splits every chunk as it
//! arrives, queues its whole lines and yields them one by one, flushing a non-empty rest
//! when the chunks end.

use std::collections::VecDeque;
use std::time::Duration;

#[allow(unused_imports)]
use futures::{Stream, StreamExt};
#[allow(unused_imports)]
use timeline::say;
use tokio::time::{Instant, interval_at};
use tokio_stream::wrappers::IntervalStream;

/// Yields `1, 2, ..., n`, waiting `every` before each item, then ends (`None`) right after
/// the last one. `count_to(0, ..)` ends at once.
pub fn count_to(n: u32, every: Duration) -> impl Stream<Item = u32> {
    IntervalStream::new(interval_at(Instant::now() + every, every))
        .take(n as usize)
        .zip(futures::stream::iter(1..=n))
        .map(|(_, item)| item)
}

/// Prints `tick` at once and then every `tick`, while it consumes `count_to(n, every)`
/// printing `got <item>` for each item. Returns when the stream ends; the ticker stops
/// then too.
pub async fn count_while_ticking(n: u32, every: Duration, tick: Duration) {
    let ticker = async {
        let mut ticks = tokio::time::interval(tick);
        loop {
            ticks.tick().await;
            say!("tick");
        }
    };
    let consumer = async {
        let mut items = Box::pin(count_to(n, every));
        while let Some(item) = items.next().await {
            say!("got {item}");
        }
    };
    tokio::select! {
        () = consumer => {}
        () = ticker => {}
    }
}

/// The state of [`lines`]: the chunks, the bytes of the line being received, the lines
/// already whole, and whether the chunks have ended.
struct Splitter<S> {
    chunks: std::pin::Pin<Box<S>>,
    partial: Vec<u8>,
    ready: VecDeque<String>,
    ended: bool,
}

/// Turns a stream of byte chunks, cut at arbitrary places, into a stream of lines.
pub fn lines<S>(chunks: S) -> impl Stream<Item = String>
where
    S: Stream<Item = Vec<u8>>,
{
    let start = Splitter {
        chunks: Box::pin(chunks),
        partial: Vec::new(),
        ready: VecDeque::new(),
        ended: false,
    };
    futures::stream::unfold(start, |mut state| async move {
        loop {
            if let Some(line) = state.ready.pop_front() {
                return Some((line, state));
            }
            if state.ended {
                return None;
            }
            match state.chunks.next().await {
                Some(chunk) => {
                    for byte in chunk {
                        if byte == b'\n' {
                            let line = std::mem::take(&mut state.partial);
                            state
                                .ready
                                .push_back(String::from_utf8_lossy(&line).into_owned());
                        } else {
                            state.partial.push(byte);
                        }
                    }
                }
                None => {
                    state.ended = true;
                    if !state.partial.is_empty() {
                        let rest = std::mem::take(&mut state.partial);
                        state
                            .ready
                            .push_back(String::from_utf8_lossy(&rest).into_owned());
                    }
                }
            }
        }
    })
}
