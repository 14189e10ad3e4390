//! The checks a test declares with `Options`: blocking forbidden, cleanup expected. Each
//! asserts on the rendered run, the text both `cargo test` and the grader compare. Only the
//! blocking tests spend real time, and only where the code under test really blocks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use timeline::{BLOCKED_LINE, say};
use timeline_check::{Options, capture, within};
use tokio::time::sleep;

const LIMIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_millis(250);

fn forbid() -> Options {
    within(LIMIT).forbid_blocking()
}

/// Lesson 2's mistake: the async sleep added, the blocking one kept.
async fn both_sleeps(steps: u32) {
    for i in 0..steps {
        say!("step {i}");
        std::thread::sleep(STEP);
        sleep(STEP).await;
    }
}

#[test]
fn a_blocking_sleep_beside_the_async_one_is_rendered_where_blocking_is_forbidden() {
    let run = capture(forbid(), both_sleeps(3));
    assert!(run.executor_held >= 3 * STEP, "{:?}", run.executor_held);
    assert_eq!(
        run.render(),
        format!(
            "[  0.000s] step 0\n[  0.250s] step 1\n[  0.500s] step 2\n\
             => returned after 0.750s: ()\n{BLOCKED_LINE}"
        )
    );
    // Where the test does not forbid it, the fact is kept but not rendered.
    let run = capture(LIMIT, both_sleeps(2));
    assert!(run.blocked());
    assert!(!run.render().contains("!!"), "{}", run.render());
}

/// CPU time of the calling thread (a busy loop bounded by it takes as long as it must on
/// a loaded machine, where one bounded by real time would compute less).
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn thread_cpu() -> Duration {
    let mut time = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `time` is owned by this frame.
    assert_eq!(
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) },
        0
    );
    Duration::new(time.tv_sec as u64, time.tv_nsec as u32)
}

#[cfg(target_os = "linux")]
#[test]
fn a_long_computation_on_the_executor_is_blocking_too() {
    let run = capture(forbid(), async {
        let start = thread_cpu();
        while thread_cpu() - start < Duration::from_millis(600) {
            std::hint::spin_loop();
        }
    });
    assert!(run.render().ends_with(BLOCKED_LINE), "{}", run.render());
}

#[test]
fn waiting_on_the_timer_or_in_spawn_blocking_does_not_block_the_executor() {
    let run = capture(forbid(), async {
        for _ in 0..20 {
            sleep(Duration::from_secs(1)).await;
        }
        // The job sleeps on a pool thread; the executor parks meanwhile.
        tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(500)))
            .await
            .unwrap();
    });
    assert!(!run.blocked(), "{:?}", run.executor_held);
    assert_eq!(run.render(), "=> returned after 20.000s: ()");
}

fn cleanup() -> Options {
    within(LIMIT).expect_cleanup(Duration::from_secs(1))
}

/// Lesson 1's mistake: a ticker muted by a flag, never stopped.
async fn muted_ticker() {
    let muted = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&muted);
    tokio::spawn(async move {
        loop {
            if !flag.load(Ordering::SeqCst) {
                say!("tick");
            }
            sleep(Duration::from_millis(400)).await;
        }
    });
    sleep(Duration::from_millis(500)).await;
    muted.store(true, Ordering::SeqCst);
}

#[test]
fn a_task_left_alive_is_rendered_after_the_grace_period() {
    let run = capture(cleanup(), muted_ticker());
    assert_eq!(
        run.render(),
        "[  0.000s] tick\n[  0.400s] tick\n=> returned after 0.500s: ()\n\
         !! 1 task still alive 1.000s after the return"
    );
    // Without the check, the same run renders as before.
    let run = capture(LIMIT, muted_ticker());
    assert_eq!(
        run.render(),
        "[  0.000s] tick\n[  0.400s] tick\n=> returned after 0.500s: ()"
    );
}

#[test]
fn lines_printed_after_the_return_come_after_it() {
    let run = capture(cleanup(), async {
        tokio::spawn(async {
            sleep(Duration::from_millis(300)).await;
            say!("late");
        });
        say!("returning");
    });
    assert_eq!(
        run.render(),
        "[  0.000s] returning\n=> returned after 0.000s: ()\n[  0.300s] late"
    );
    let left = run.leftovers.unwrap();
    assert_eq!((left.printed.len(), left.tasks), (1, 0));
}

#[test]
fn an_aborted_task_and_a_finished_helper_leave_nothing() {
    let run = capture(cleanup(), async {
        let helper = tokio::spawn(async { sleep(Duration::from_millis(100)).await });
        let ticker = tokio::spawn(async {
            loop {
                sleep(Duration::from_millis(100)).await;
            }
        });
        helper.await.unwrap();
        ticker.abort();
    });
    assert_eq!(run.render(), "=> returned after 0.100s: ()");
    assert!(run.leftovers.unwrap().is_clean());
}

#[test]
fn a_job_handed_out_and_still_running_is_rendered() {
    let release = Arc::new(AtomicBool::new(false));
    let released = Arc::clone(&release);
    let run = capture(cleanup(), async move {
        // A thread of its own does not hold the paused clock, so the grace passes at once.
        std::thread::spawn(timeline::job(move || {
            while !released.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }));
    });
    release.store(true, Ordering::SeqCst);
    assert_eq!(
        run.render(),
        "=> returned after 0.000s: ()\n!! 1 blocking job unfinished 1.000s after the return"
    );
}

#[test]
fn a_failed_run_has_no_leftovers() {
    let run = capture(within(Duration::from_secs(1)).expect_cleanup(STEP), async {
        sleep(Duration::from_secs(2)).await;
    });
    assert!(run.leftovers.is_none());
    assert_eq!(
        run.render(),
        "=> did not finish within 1.000s of virtual time"
    );
}
