//! Demo: the Python lesson's `async for` over a counter while a ticker ticks, then lines
//! read from byte chunks that arrive a little at a time, cut in the middle of letters.

use std::time::Duration;

use futures::StreamExt;
use timeline::say;

fn main() {
    timeline::demo(async {
        say!("count to 2, one item every 1.1 s, while a ticker ticks every 0.5 s");
        exercise_05::count_while_ticking(
            2,
            Duration::from_millis(1100),
            Duration::from_millis(500),
        )
        .await;

        say!("lines from chunks that arrive every 0.2 s");
        // Stand-in for a socket: the text arrives in pieces cut at arbitrary bytes. Bytes
        // 5, 19 and 41 fall inside "и", "р" and "к", two-byte letters in UTF-8.
        let text = "Привет, мир!\nHello, world!\nпока";
        let bytes = text.as_bytes();
        let pieces = [
            &bytes[..5],
            &bytes[5..19],
            &bytes[19..30],
            &bytes[30..41],
            &bytes[41..],
        ];
        let chunks = futures::stream::iter(pieces).then(|piece| async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            say!("chunk {:?}", String::from_utf8_lossy(piece));
            piece.to_vec()
        });
        let mut lines = std::pin::pin!(exercise_05::lines(chunks));
        while let Some(line) = lines.next().await {
            say!("line {line:?}");
        }
        say!("done");
    });
}
