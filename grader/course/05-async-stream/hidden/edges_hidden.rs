//! Hidden tests for lesson 5's edge cases (README "Edge cases") and for the rules of
//! `lines` that the task states (spaces and a `\r` stay in the line, an empty chunk is not
//! the end, an empty line is `""`), with other counts, periods and texts than any visible
//! test. Consumers ask for the next item at once; no tick shares a millisecond with an
//! item; chunks arrive from a stream of the test that prints each one as it hands it over.

use std::time::Duration;

use exercise_05::{count_to, count_while_ticking, lines};
use futures::{Stream, StreamExt};
use timeline::say;
use timeline_check::{Options, capture, check, within};

const LIMIT: Duration = Duration::from_secs(60);

/// `count_while_ticking` leaves nothing running: after the return the runtime runs on for
/// 2 s, and a task still alive then fails the test.
fn cleaned_up() -> Options {
    within(LIMIT).expect_cleanup(Duration::from_secs(2))
}

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// The chunks, as bytes.
fn chunks(texts: &[&str]) -> Vec<Vec<u8>> {
    texts.iter().map(|text| text.as_bytes().to_vec()).collect()
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
fn count_to_zero_later_in_the_program_ends_at_once() {
    let run = capture(LIMIT, async {
        tokio::time::sleep(ms(400)).await;
        say!("counting to 0");
        count_to(0, ms(2500)).collect::<Vec<u32>>().await
    });
    check!(run.in_printed_order());
}

#[test]
fn a_single_item_then_the_end() {
    let run = capture(LIMIT, async {
        let mut items = std::pin::pin!(count_to(1, ms(1700)));
        while let Some(item) = items.next().await {
            say!("got {item}");
        }
        say!("end of stream");
    });
    check!(run.in_printed_order());
}

#[test]
fn the_count_ends_before_the_second_tick() {
    let run = capture(cleaned_up(), async {
        count_while_ticking(2, ms(300), ms(1000)).await;
        say!("returned");
        // A ticker left running would tick at 1 s and 2 s.
        tokio::time::sleep(ms(2000)).await;
        say!("2 s later");
    });
    check!(run.in_printed_order());
}

#[test]
fn no_chunks_no_lines() {
    let run = capture(LIMIT, async {
        tokio::time::sleep(ms(600)).await;
        say!("reading no chunks");
        print_lines(futures::stream::empty::<Vec<u8>>()).await;
    });
    check!(run.in_printed_order());
}

#[test]
fn only_empty_chunks_no_lines() {
    let run = capture(LIMIT, print_lines(arriving(chunks(&["", "", ""]), ms(200))));
    check!(run.in_printed_order());
}

#[test]
fn an_empty_chunk_is_not_the_end() {
    let run = capture(
        LIMIT,
        print_lines(arriving(chunks(&["ab", "", "c\n", "", "", "de"]), ms(150))),
    );
    check!(run.in_printed_order());
}

#[test]
fn spaces_and_a_carriage_return_stay_in_the_line() {
    let run = capture(
        LIMIT,
        print_lines(arriving(
            chunks(&[
                "  two leading",
                " and two trailing  \r\nonly a CR\r",
                "\n\r\n",
                "\tlast \r",
            ]),
            ms(250),
        )),
    );
    check!(run.in_printed_order());
}

#[test]
fn empty_lines_are_yielded_as_empty_strings() {
    let run = capture(
        LIMIT,
        print_lines(arriving(
            chunks(&["\n", "first\n\n", "\n", "last\n"]),
            ms(300),
        )),
    );
    check!(run.in_printed_order());
}
