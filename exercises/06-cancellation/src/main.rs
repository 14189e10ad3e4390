//! Demo: one worker shut down gracefully, a supervisor stopping a group at the first
//! failure, and an optional service cut off by a timeout. About four seconds in real time.

use std::time::Duration;

use exercise_06::workers::Worker;
use exercise_06::{city_map, shutdown_after, supervise};
use timeline::say;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// A traffic service that answers after `delay`.
async fn traffic(city: &str, delay: Duration) -> String {
    say!("traffic: looking up {city}");
    tokio::time::sleep(delay).await;
    say!("traffic: answered");
    format!("{city}: jam on the ring road")
}

fn main() {
    timeline::demo(async {
        say!("1. a worker asked to shut down after 1.25 s");
        let result = shutdown_after(Worker::new("db", ms(500), ms(500)), ms(1250)).await;
        say!("shutdown_after returned {result:?}");

        say!("2. a supervisor: `mailer` fails in round 3, the others roll back");
        let workers = vec![
            Worker::new("orders", ms(500), ms(250)),
            Worker::new("payments", ms(350), ms(450)),
            Worker::new("stock", ms(650), ms(150)),
            Worker::new("mailer", ms(300), ms(200)).failing_in_round(3),
        ];
        let report = supervise(workers).await;
        say!("supervise returned {report:?}");

        say!("3. an optional traffic service, given 0.5 s");
        let fast = city_map("Moscow", traffic("Moscow", ms(200)), ms(500)).await;
        say!("{fast:?}");
        let slow = city_map("Kazan", traffic("Kazan", ms(5000)), ms(500)).await;
        say!("{slow:?}");
    });
}
