//! Right variant: both streams as `futures::stream::poll_fn` closures that own their
//! state, and the ticker and consumer raced in a `tokio::select!`.
//!
//! Correct per the README: the closure is `poll_next` without the struct. `count_to`
//! keeps its `Sleep` (boxed and pinned) across calls, so `Pending` always comes from a
//! polled timer that will wake the task, and it ends right after `n`. `lines` keeps the
//! inner stream pinned in a box, buffers bytes, yields a line as soon as its `\n` is in,
//! and decodes only whole lines. `count_while_ticking` is hint 3's `select!`: the ticker
//! is dropped when the consumer returns.

use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

#[allow(unused_imports)]
use futures::{Stream, StreamExt};
#[allow(unused_imports)]
use timeline::say;

/// Yields `1, 2, ..., n`, waiting `every` before each item, then ends (`None`) right after
/// the last one. `count_to(0, ..)` ends at once.
pub fn count_to(n: u32, every: Duration) -> impl Stream<Item = u32> {
    let mut sent = 0;
    let mut sleep: Option<Pin<Box<tokio::time::Sleep>>> = None;
    futures::stream::poll_fn(move |cx| {
        if sent == n {
            return Poll::Ready(None);
        }
        let timer = sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(every)));
        match timer.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                sleep = None;
                sent += 1;
                Poll::Ready(Some(sent))
            }
        }
    })
}

/// Prints `tick` every `tick`, at once first, forever.
async fn ticker(tick: Duration) {
    loop {
        say!("tick");
        tokio::time::sleep(tick).await;
    }
}

/// Prints `tick` at once and then every `tick`, while it consumes `count_to(n, every)`
/// printing `got <item>` for each item. Returns when the stream ends; the ticker stops
/// then too.
pub async fn count_while_ticking(n: u32, every: Duration, tick: Duration) {
    let consume = async {
        let mut items = std::pin::pin!(count_to(n, every));
        while let Some(item) = items.next().await {
            say!("got {item}");
        }
    };
    tokio::select! {
        () = consume => {}
        () = ticker(tick) => unreachable!("the ticker never returns"),
    }
}

/// Cuts the first line off `buffer`, if a `\n` is in it.
fn take_line(buffer: &mut Vec<u8>) -> Option<String> {
    let pos = buffer.iter().position(|&byte| byte == b'\n')?;
    let mut line: Vec<u8> = buffer.drain(..=pos).collect();
    line.pop();
    Some(String::from_utf8_lossy(&line).into_owned())
}

/// Turns a stream of byte chunks, cut at arbitrary places, into a stream of lines.
pub fn lines<S>(chunks: S) -> impl Stream<Item = String>
where
    S: Stream<Item = Vec<u8>>,
{
    let mut chunks = Box::pin(chunks);
    let mut buffer = Vec::new();
    let mut ended = false;
    futures::stream::poll_fn(move |cx| {
        loop {
            if let Some(line) = take_line(&mut buffer) {
                return Poll::Ready(Some(line));
            }
            if ended {
                if buffer.is_empty() {
                    return Poll::Ready(None);
                }
                let rest = std::mem::take(&mut buffer);
                return Poll::Ready(Some(String::from_utf8_lossy(&rest).into_owned()));
            }
            match chunks.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(chunk)) => buffer.extend_from_slice(&chunk),
                Poll::Ready(None) => ended = true,
            }
        }
    })
}
