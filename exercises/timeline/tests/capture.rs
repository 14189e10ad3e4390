//! The harness's own behaviour. Every test runs on a paused clock, so none depends on the
//! speed of the machine, except the blocking diagnosis, which measures real time only where
//! the code under test really sleeps (a `std::thread::sleep` of at least 150 ms).

use std::time::Duration;

use timeline::{Outcome, capture, say};
use tokio::time::sleep;

const LIMIT: Duration = Duration::from_secs(60);

async fn counter(name: &'static str, rounds: u32) {
    for i in 0..rounds {
        say!("{name}{i}");
        sleep(Duration::from_secs(1)).await;
    }
}

#[test]
fn two_tasks_interleave_on_the_virtual_clock() {
    // Spawned tasks that wake at the same instant run in the order their timers were
    // registered. (`tokio::join!` would rotate which future it polls first, so ties would
    // alternate: exercises avoid ties the lesson cares about.)
    let run = capture(LIMIT, async {
        let a = tokio::spawn(counter("A", 3));
        let b = tokio::spawn(counter("B", 3));
        a.await.unwrap();
        b.await.unwrap();
    });
    assert_eq!(
        run.render(),
        "[  0.000s] A0\n[  0.000s] B0\n[  1.000s] A1\n[  1.000s] B1\n\
         [  2.000s] A2\n[  2.000s] B2\n=> returned after 3.000s: ()"
    );
    // Three modelled seconds take far less than one real second.
    assert!(run.wall() < Duration::from_secs(1), "took {:?}", run.wall());
}

#[test]
fn lines_from_spawned_tasks_and_blocking_threads_are_recorded() {
    let run = capture(LIMIT, async {
        let spawned = tokio::spawn(async {
            sleep(Duration::from_millis(500)).await;
            say!("from a spawned task");
        });
        spawned.await.unwrap();
        tokio::task::spawn_blocking(|| say!("from a blocking thread"))
            .await
            .unwrap();
    });
    assert_eq!(
        run.in_printed_order().render(),
        "[  0.500s] from a spawned task\n[  0.500s] from a blocking thread\n\
         => returned after 0.500s: ()"
    );
}

struct Goodbye(&'static str);

impl Drop for Goodbye {
    fn drop(&mut self) {
        say!("dropped {}", self.0);
    }
}

#[test]
fn lines_printed_while_the_runtime_shuts_down_are_recorded() {
    let run = capture(LIMIT, async {
        tokio::spawn(async {
            let _guard = Goodbye("the forgotten task");
            sleep(Duration::from_secs(3600)).await;
        });
        sleep(Duration::from_secs(2)).await;
        say!("main returns");
    });
    assert_eq!(
        run.in_printed_order().render(),
        "[  2.000s] main returns\n[  2.000s] dropped the forgotten task\n\
         => returned after 2.000s: ()"
    );
}

#[test]
fn a_future_that_never_ends_hits_the_virtual_limit_in_no_time() {
    let run = capture(Duration::from_secs(5), async {
        loop {
            say!("tick");
            sleep(Duration::from_secs(2)).await;
        }
    });
    assert_eq!(
        run.outcome,
        Outcome::<()>::TimedOut {
            limit: Duration::from_secs(5)
        }
    );
    assert_eq!(
        run.render(),
        "[  0.000s] tick\n[  2.000s] tick\n[  4.000s] tick\n\
         => did not finish within 5.000s of virtual time"
    );
    assert!(run.wall() < Duration::from_secs(1), "took {:?}", run.wall());
}

#[test]
fn a_panic_becomes_an_outcome() {
    let run = capture(LIMIT, async {
        say!("about to give up");
        sleep(Duration::from_secs(1)).await;
        todo!()
    });
    assert_eq!(
        run.render(),
        "[  0.000s] about to give up\n=> panicked after 1.000s: not yet implemented"
    );
    assert_eq!(run.value(), None::<&()>);
}

#[test]
fn blocking_the_executor_is_named_between_the_two_lines() {
    let run = capture(LIMIT, async {
        say!("before");
        std::thread::sleep(Duration::from_millis(150));
        say!("after");
    });
    // The virtual clock did not move: the transcript cannot tell...
    assert_eq!(
        run.transcript.render(),
        "[  0.000s] before\n[  0.000s] after"
    );
    // ...but the real time spent between the two lines can.
    let blocking = run.transcript.blocking().expect("the blocking is detected");
    assert!(blocking.wall >= Duration::from_millis(150));
    let message = blocking.to_string();
    assert!(
        message.starts_with(
            "your code blocked for 0.1 s of real time between \
             `[  0.000s] before` and `[  0.000s] after`, while the virtual clock stood still."
        ) || message.starts_with("your code blocked for 0.2 s"),
        "{message}"
    );
}

#[test]
fn lines_of_one_instant_render_sorted_whatever_order_they_were_printed_in() {
    // The same three devices started front to back and back to front: the order of the
    // lines at each instant differs, and is not promised by tokio anyway.
    let devices = |names: [&'static str; 3]| async move {
        let handles = names.map(|name| tokio::spawn(counter(name, 2)));
        for handle in handles {
            handle.await.unwrap();
        }
    };
    let forward = capture(LIMIT, devices(["A", "B", "C"]));
    let backward = capture(LIMIT, devices(["C", "B", "A"]));
    assert_ne!(forward.transcript.render(), backward.transcript.render());
    let sorted = "[  0.000s] A0\n[  0.000s] B0\n[  0.000s] C0\n\
                  [  1.000s] A1\n[  1.000s] B1\n[  1.000s] C1\n=> returned after 2.000s: ()";
    assert_eq!(forward.render(), sorted);
    assert_eq!(backward.render(), sorted);
    // A test that declares the order sees it as printed.
    assert!(
        backward
            .in_printed_order()
            .render()
            .starts_with("[  0.000s] C0\n[  0.000s] B0\n[  0.000s] A0\n")
    );
}

#[test]
fn waiting_on_the_virtual_clock_is_not_blocking() {
    let run = capture(LIMIT, async {
        tokio::join!(counter("A", 5), counter("B", 5));
    });
    assert_eq!(run.transcript.blocking(), None);
}

#[test]
fn blocking_before_the_first_line_is_named_from_the_start() {
    let run = capture(LIMIT, async {
        std::thread::sleep(Duration::from_millis(150));
        say!("late");
    });
    let message = run.transcript.blocking().expect("detected").to_string();
    assert!(
        message.contains("between the start and `[  0.000s] late`"),
        "{message}"
    );
}

#[test]
fn every_run_renders_the_same_timeline() {
    let render = || {
        capture(LIMIT, async {
            let mut set = tokio::task::JoinSet::new();
            for (name, rounds) in [("A", 2), ("B", 3), ("C", 1)] {
                set.spawn(counter(name, rounds));
            }
            while let Some(done) = set.join_next().await {
                done.unwrap();
                say!("one finished");
            }
        })
        .render()
    };
    let first = render();
    for _ in 0..50 {
        assert_eq!(render(), first);
    }
}

#[test]
fn outside_a_capture_say_prints_instead_of_recording() {
    // Nothing to assert on stdout here (libtest captures it); the point is that it does
    // not panic without a runtime and that a later capture starts clean.
    say!("printed live");
    let run = capture(LIMIT, async { say!("recorded") });
    assert_eq!(
        run.render(),
        "[  0.000s] recorded\n=> returned after 0.000s: ()"
    );
}

#[test]
fn settling_lets_a_helper_task_pass_a_wake_on_without_moving_the_clock() {
    // A timer wakes a helper task, which sends on a channel: the receiver hears of it one
    // scheduler turn after the timer fired, so not yet when `advance` returns.
    let run = capture(LIMIT, async {
        let (sender, mut receiver) = tokio::sync::mpsc::channel(1);
        tokio::spawn(async move {
            sleep(Duration::from_secs(1)).await;
            sender.send("item").await.unwrap();
        });
        // The helper starts its timer when it first runs: let it.
        timeline::settle().await;
        let start = tokio::time::Instant::now();
        tokio::time::advance(Duration::from_secs(1)).await;
        say!("after advance: {:?}", receiver.try_recv().ok());
        timeline::settle().await;
        say!("after settle: {:?}", receiver.try_recv().ok());
        say!("clock moved by {:?}", start.elapsed());
    });
    assert_eq!(
        run.in_printed_order().render(),
        "[  1.000s] after advance: None\n[  1.000s] after settle: Some(\"item\")\n\
         [  1.000s] clock moved by 1s\n=> returned after 1.000s: ()"
    );
}
