//! Demo: tick every second until a file appears; the demo creates it after 2.5 s.

use std::time::Duration;

use timeline::say;

fn main() {
    timeline::demo(async {
        let path = std::env::temp_dir().join(format!("exercise-01-{}.txt", std::process::id()));
        say!("waiting for the file to appear");

        // Stand-in for another program dropping the file in place a little later.
        let creator = path.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            std::fs::write(&creator, b"hello").expect("create the demo file");
        });

        let tick = Duration::from_secs(1);
        let poll = Duration::from_millis(100);
        exercise_01::tick_until_exists(&path, tick, poll).await;
        say!("done");
        let _ = std::fs::remove_file(&path);
    });
}
