//! Right variant: both streams written by hand (`impl Stream` on a struct, README hint 2
//! for `count_to`, the same shape for `lines`), and a spawned ticker stopped with
//! `abort()`.
//!
//! Correct per the README: `CountTo` keeps its `Pin<Box<Sleep>>` between calls, creates
//! it on the first poll after an item (so it "waits `every`, yields"), returns `Pending`
//! only after polling the sleep (which registers the waker), and ends without waiting
//! after `n`. `Lines` keeps a byte buffer and the pinned inner stream, yields a line as
//! soon as a `\n` is buffered, decodes only whole lines, and flushes a non-empty rest at
//! the end. The ticker is `tokio::spawn`ed and aborted when the consumer is done (hint 3).

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

#[allow(unused_imports)]
use futures::{Stream, StreamExt};
#[allow(unused_imports)]
use timeline::say;
use tokio::time::Sleep;

/// The counter: the wait for the next item lives here between calls.
#[derive(Debug)]
struct CountTo {
    n: u32,
    sent: u32,
    every: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
}

impl Stream for CountTo {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        let this = &mut *self;
        if this.sent == this.n {
            return Poll::Ready(None);
        }
        let every = this.every;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(every)));
        ready!(sleep.as_mut().poll(cx));
        this.sleep = None;
        this.sent += 1;
        Poll::Ready(Some(this.sent))
    }
}

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

/// Prints `tick` at once and then every `tick`, while it consumes `count_to(n, every)`
/// printing `got <item>` for each item. Returns when the stream ends; the ticker stops
/// then too.
pub async fn count_while_ticking(n: u32, every: Duration, tick: Duration) {
    let ticker = tokio::spawn(async move {
        loop {
            say!("tick");
            tokio::time::sleep(tick).await;
        }
    });
    let mut items = count_to(n, every).boxed();
    while let Some(item) = items.next().await {
        say!("got {item}");
    }
    ticker.abort();
}

/// The line splitter: bytes received but not yet yielded, and the chunks still to come.
struct Lines<S> {
    chunks: Pin<Box<S>>,
    buffer: Vec<u8>,
    ended: bool,
}

impl<S> std::fmt::Debug for Lines<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lines")
            .field("buffer", &self.buffer)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl<S: Stream<Item = Vec<u8>>> Stream for Lines<S> {
    type Item = String;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<String>> {
        let this = &mut *self;
        loop {
            if let Some(pos) = this.buffer.iter().position(|&byte| byte == b'\n') {
                let line: Vec<u8> = this.buffer.drain(..=pos).collect();
                let text = String::from_utf8_lossy(&line[..pos]).into_owned();
                return Poll::Ready(Some(text));
            }
            if this.ended {
                if this.buffer.is_empty() {
                    return Poll::Ready(None);
                }
                let rest = std::mem::take(&mut this.buffer);
                return Poll::Ready(Some(String::from_utf8_lossy(&rest).into_owned()));
            }
            match ready!(this.chunks.as_mut().poll_next(cx)) {
                Some(chunk) => this.buffer.extend_from_slice(&chunk),
                None => this.ended = true,
            }
        }
    }
}

/// Turns a stream of byte chunks, cut at arbitrary places, into a stream of lines.
pub fn lines<S>(chunks: S) -> impl Stream<Item = String>
where
    S: Stream<Item = Vec<u8>>,
{
    Lines {
        chunks: Box::pin(chunks),
        buffer: Vec::new(),
        ended: false,
    }
}
