//! Visible tests for the lines-from-chunks stream of lesson 5. Each runs on a paused
//! clock (`timeline_check::capture`), so the printed times are exact and every run is the same.
//!
//! The chunks come from a stream of the test that waits before each chunk and prints it
//! (`chunk "..."`) just before handing it over, so the transcript shows which chunk let
//! each line out. Lines printed at the same instant are checked in the order printed
//! (`in_printed_order`): the chunk, then its lines in the order they were yielded, then
//! the end; that order is the stream's, and what the lesson teaches.

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
fn lines_come_as_soon_as_their_chunk_arrives() {
    let chunks: Vec<Vec<u8>> = [
        "hel",
        "lo\nwor",
        "ld\n\nhow are",
        " you?\n",
        "tail without newline",
    ]
    .iter()
    .map(|chunk| chunk.as_bytes().to_vec())
    .collect();
    let run = capture(LIMIT, print_lines(arriving(chunks, ms(100))));
    check!(run.in_printed_order());
}

#[test]
fn a_character_cut_between_chunks_comes_out_whole() {
    // Cyrillic letters are two bytes each in UTF-8: offset 3 cuts the "р" of "Привет" in
    // half, 15 the "м" of "мир", 25 the "о" of "Пока". The text ends with "\n", so no
    // line comes after "Пока".
    let text = "Привет, мир!\nПока\n";
    let run = capture(
        LIMIT,
        print_lines(arriving(cut(text, &[3, 15, 25]), ms(250))),
    );
    check!(run.in_printed_order());
}

/// Feeds the stream by hand through a channel and polls it on a mock task
/// (`tokio_test::task::spawn`), printing every answer and whether the task was woken.
/// After each send the runtime settles ([`timeline::settle`]: a few scheduler turns, the
/// clock still), so a correct `lines` that reads its chunks in a task of its own has
/// passed the wake on. The lines are the test's own steps, so their order is checked.
#[test]
fn lines_step_by_step() {
    let run = capture(LIMIT, async {
        let (sender, receiver) = futures::channel::mpsc::unbounded::<Vec<u8>>();
        let mut lines = tokio_test::task::spawn(lines(receiver));
        let send = |chunk: &str| {
            say!("send {chunk:?}");
            sender.unbounded_send(chunk.as_bytes().to_vec()).unwrap();
        };
        say!("poll: {:?}", lines.poll_next());
        say!("woken: {}", lines.is_woken());
        send("ab");
        timeline::settle().await;
        say!("woken: {}", lines.is_woken());
        say!("poll: {:?}", lines.poll_next());
        say!("woken: {}", lines.is_woken());
        send("c\nde\nf");
        timeline::settle().await;
        say!("woken: {}", lines.is_woken());
        say!("poll: {:?}", lines.poll_next());
        say!("poll: {:?}", lines.poll_next());
        say!("poll: {:?}", lines.poll_next());
        say!("close the channel");
        sender.close_channel();
        timeline::settle().await;
        say!("woken: {}", lines.is_woken());
        say!("poll: {:?}", lines.poll_next());
        say!("poll: {:?}", lines.poll_next());
    });
    check!(run.in_printed_order());
}
