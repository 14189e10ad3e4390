//! Hidden tests for the lines-from-chunks stream of lesson 5: other texts, other cuts,
//! other periods. Same set-up as `tests/lines.rs`, lines of one instant checked in the
//! order printed (the chunk, its lines in the order yielded, the end).

use std::time::Duration;

use exercise_05::lines;
use futures::{Stream, StreamExt};
use timeline::say;
use timeline_check::{capture, check};

const LIMIT: Duration = Duration::from_secs(60);

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Cuts `text` into byte chunks at the given byte offsets (which may fall inside a
/// multi-byte character).
fn cut(text: &str, offsets: &[usize]) -> Vec<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut start = 0;
    for &end in offsets.iter().chain([&bytes.len()]) {
        chunks.push(bytes[start..end].to_vec());
        start = end;
    }
    chunks
}

/// A stream that waits `every` before each chunk, prints it, and hands it over.
fn arriving(chunks: Vec<Vec<u8>>, every: Duration) -> impl Stream<Item = Vec<u8>> {
    futures::stream::iter(chunks).then(move |chunk| async move {
        tokio::time::sleep(every).await;
        say!("chunk {:?}", String::from_utf8_lossy(&chunk));
        chunk
    })
}

/// Prints every line of `lines(chunks)` as it comes, then the end of the stream.
async fn print_lines(chunks: impl Stream<Item = Vec<u8>>) {
    let mut lines = std::pin::pin!(lines(chunks));
    while let Some(line) = lines.next().await {
        say!("line {line:?}");
    }
    say!("end of lines");
}

#[test]
fn many_lines_in_one_chunk_and_one_line_over_many_chunks() {
    let text = "one\ntwo\nthree\n\nfour\nfive";
    let run = capture(
        LIMIT,
        print_lines(arriving(cut(text, &[11, 12, 14, 15, 20]), ms(150))),
    );
    check!(run.in_printed_order());
}

#[test]
fn cyrillic_lines_cut_in_other_places() {
    // Every offset falls inside a two-byte letter; the text ends without "\n".
    let text = "Раз, два\nтри!\nЧетыре пять";
    let run = capture(
        LIMIT,
        print_lines(arriving(cut(text, &[1, 9, 18, 28]), ms(400))),
    );
    check!(run.in_printed_order());
}

/// Feeds the stream by hand through a channel and polls it on a mock task, as in
/// `lines_step_by_step` of `tests/lines.rs` (settling after each send, the test's own
/// steps in order); here the text ends with "\n".
#[test]
fn lines_step_by_step_ending_with_a_newline() {
    let run = capture(LIMIT, async {
        let (sender, receiver) = futures::channel::mpsc::unbounded::<Vec<u8>>();
        let mut lines = tokio_test::task::spawn(lines(receiver));
        let send = |chunk: &str| {
            say!("send {chunk:?}");
            sender.unbounded_send(chunk.as_bytes().to_vec()).unwrap();
        };
        say!("poll: {:?}", lines.poll_next());
        send("x");
        timeline::settle().await;
        say!("woken: {}", lines.is_woken());
        say!("poll: {:?}", lines.poll_next());
        send("y\n");
        timeline::settle().await;
        say!("woken: {}", lines.is_woken());
        say!("poll: {:?}", lines.poll_next());
        say!("poll: {:?}", lines.poll_next());
        say!("woken: {}", lines.is_woken());
        send("\nz\n");
        timeline::settle().await;
        say!("poll: {:?}", lines.poll_next());
        say!("poll: {:?}", lines.poll_next());
        say!("poll: {:?}", lines.poll_next());
        say!("close the channel");
        sender.close_channel();
        timeline::settle().await;
        say!("woken: {}", lines.is_woken());
        say!("poll: {:?}", lines.poll_next());
    });
    check!(run.in_printed_order());
}
