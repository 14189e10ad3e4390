//! The words of every [`Symptom`], in English and Russian: what the run shows, and a hint
//! for that symptom; and which hints a failed test shows ([`hints`]).

use crate::course::TestSpec;
use crate::pipeline::symptom::Symptom;
use crate::pipeline::verdict::TestVerdict;
use crate::report::lang::Lang;

/// What the run shows, in one or two sentences. A hidden test's message says nothing of
/// its expected run beyond that it differs.
pub fn message(symptom: &Symptom, hidden: bool, lang: Lang) -> String {
    let ru = lang == Lang::Ru;
    match symptom {
        Symptom::Unimplemented => pick(
            ru,
            "Your code reached a `todo!()`: this function is not written yet.",
            "Ваш код дошёл до `todo!()`: эта функция ещё не написана.",
        ),
        Symptom::ClockStoodStill => pick(
            ru,
            "The virtual clock never advanced: every line of your run is at 0.000 s, where \
             the expected run has later times.",
            "Виртуальные часы так и не сдвинулись: все строки вашего запуска пришлись на \
             0.000 с, а в ожидаемом запуске есть и более поздние моменты.",
        ),
        Symptom::SelfWaking => pick(
            ru,
            "The run hung: the executor kept polling tasks, but the virtual clock never \
             advanced, so a task kept waking itself without ever waiting on a timer.",
            "Запуск завис: исполнитель продолжал опрашивать задачи, но виртуальные часы не \
             двигались, то есть какая-то задача снова и снова будила сама себя, так и не \
             дождавшись ни одного таймера.",
        ),
        Symptom::WokeEarly => pick(
            ru,
            "Polled by hand, your code's task was woken at an instant when nothing it waits \
             on was due (`woken: true` where the expected run says `false`): it wakes its own \
             waker instead of leaving that to a timer or a channel.",
            "При ручном опросе задачу вашего кода разбудили в момент, когда ничего из того, \
             чего она ждёт, ещё не наступило (`woken: true` там, где в ожидаемом запуске \
             `false`): код сам будит свой waker, вместо того чтобы оставить это таймеру или \
             каналу.",
        ),
        Symptom::BusyLoop => pick(
            ru,
            "The run hung inside one poll while the CPU stayed busy: a loop that never \
             reaches an `.await`.",
            "Запуск завис внутри одного опроса, и процессор всё это время был занят: это \
             цикл, который никогда не доходит до `.await`.",
        ),
        Symptom::StuckInBlockingCall => pick(
            ru,
            "The run hung inside one poll while the CPU stayed idle: a blocking call that \
             did not return.",
            "Запуск завис внутри одного опроса, а процессор простаивал: это блокирующий \
             вызов, который так и не вернулся.",
        ),
        Symptom::Hung => pick(
            ru,
            "The run did not end within the real-time limit; what held it was not observed.",
            "Запуск не закончился за отведённое реальное время; что именно его держало, \
             установить не удалось.",
        ),
        Symptom::Blocked { seconds } => blocked(*seconds, ru),
        Symptom::NeverReturned => pick(
            ru,
            "Your function had not returned when the test's virtual time limit passed, \
             where the expected run ends.",
            "Ваша функция так и не вернулась к концу отведённого тесту виртуального \
             времени, а ожидаемый запуск заканчивается.",
        ),
        Symptom::OutputAfterReturn { lines } => after_return(*lines, ru),
        Symptom::OneStepLate { lines, step_ms } => late(*lines, *step_ms, hidden, ru),
        Symptom::OtherOrder => pick(
            ru,
            "Your function returned the right results, in another order.",
            "Ваша функция вернула верные результаты, но в другом порядке.",
        ),
        Symptom::OneAfterAnother => pick(
            ru,
            "Your code did the same work and got the same result, but later: what the \
             expected run does at the same time, your run did one after another.",
            "Ваш код сделал ту же работу и получил тот же результат, но позже: то, что в \
             ожидаемом запуске идёт одновременно, у вас шло одно за другим.",
        ),
        Symptom::LeftAlive { tasks } => left_alive(*tasks, ru),
    }
}

/// A hint for the symptom: what usually causes it and what to do.
pub fn hint(symptom: &Symptom, lang: Lang) -> &'static str {
    let (en, ru) = match symptom {
        Symptom::Unimplemented => (
            "Replace the `todo!()` with your code.",
            "Замените `todo!()` своим кодом.",
        ),
        Symptom::ClockStoodStill => (
            "Nothing your code awaited made time pass. A `tokio::time::sleep(d)` does nothing \
             until it is awaited (`sleep(d).await`), and `std::thread::sleep` does not move \
             the virtual clock.",
            "Ничто из того, чего ждал ваш код, не продвинуло время. `tokio::time::sleep(d)` \
             ничего не делает, пока его не дождутся (`sleep(d).await`), а \
             `std::thread::sleep` виртуальные часы не двигает.",
        ),
        Symptom::SelfWaking | Symptom::WokeEarly => (
            "A loop around `tokio::task::yield_now()`, or a `poll_next` that wakes its own \
             waker and returns `Pending` at once, keeps the runtime busy forever: the paused \
             clock jumps ahead only when every task waits. Wait on a timer (`sleep`, \
             `interval`) instead.",
            "Цикл вокруг `tokio::task::yield_now()` или `poll_next`, который сразу будит \
             свой waker и возвращает `Pending`, навсегда занимают среду выполнения: \
             остановленные часы прыгают вперёд, только когда ждут все задачи. Ждите таймер \
             (`sleep`, `interval`).",
        ),
        Symptom::BusyLoop => (
            "Each round of a loop in async code must await something (a sleep, a channel, a \
             tick); otherwise no other task and no timer ever gets a turn.",
            "Каждый круг цикла в асинхронном коде должен чего-то ждать через `.await` (сна, \
             канала, тика), иначе ни другие задачи, ни таймеры не получат ход.",
        ),
        Symptom::StuckInBlockingCall => (
            "A blocking call (`std::thread::sleep`, blocking I/O, a `std::sync` lock or \
             channel) freezes the executor. Await the async version, or move the blocking \
             work into `tokio::task::spawn_blocking`.",
            "Блокирующий вызов (`std::thread::sleep`, блокирующий ввод-вывод, блокировка или \
             канал из `std::sync`) замораживает исполнитель. Дождитесь асинхронного аналога \
             через `.await` или перенесите блокирующую работу в \
             `tokio::task::spawn_blocking`.",
        ),
        Symptom::Hung => (
            "On a paused clock three things hang a run: a loop that never reaches `.await`, \
             a blocking call that does not return, and tasks that wake themselves at once (a \
             `yield_now` loop, a stream that wakes its own waker), so the clock never \
             advances. Look for each.",
            "На остановленных часах запуск вешают три вещи: цикл, который не доходит до \
             `.await`; блокирующий вызов, который не возвращается; задачи, которые сразу \
             будят сами себя (цикл с `yield_now`, поток, будящий свой waker), так что часы \
             не двигаются. Проверьте каждую.",
        ),
        Symptom::Blocked { .. } => (
            "On a paused clock waiting costs no real time, so real time spent means a thread \
             was stuck in blocking code (`std::thread::sleep`, blocking I/O, a long \
             computation). To wait, await `tokio::time::sleep`; to run blocking work, use \
             `tokio::task::spawn_blocking`.",
            "На остановленных часах ожидание не тратит реального времени, значит, поток \
             застрял в блокирующем коде (`std::thread::sleep`, блокирующий ввод-вывод, \
             долгое вычисление). Чтобы подождать, используйте \
             `tokio::time::sleep(..).await`; блокирующую работу запускайте через \
             `tokio::task::spawn_blocking`.",
        ),
        Symptom::NeverReturned => (
            "Find what your function is still waiting for at the end of the run: every \
             `.await` on its way out must complete.",
            "Найдите, чего ваша функция всё ещё ждёт в конце запуска: каждый `.await` на её \
             пути к возврату должен завершиться.",
        ),
        Symptom::OutputAfterReturn { .. } => (
            "What your function started must be finished or stopped before it returns: await \
             the tasks it spawned, or stop them (`JoinHandle::abort`, a dropped `select!` \
             branch).",
            "Всё, что запустила ваша функция, должно закончиться или быть остановлено до \
             возврата: дождитесь порождённых задач или остановите их (`JoinHandle::abort`, \
             ветка `select!`, которую отбросили).",
        ),
        Symptom::OneStepLate { .. } => (
            "Something decides that event one step too late: check which wait comes before it \
             (its own timer or poll, not another task's), and whether your loop waits first \
             where it should act first, or checks its condition only after a wait.",
            "Это событие наступает на шаг позже, чем нужно: проверьте, какое ожидание стоит \
             перед ним (его собственный таймер или опрос, а не чужой), и не ждёт ли ваш цикл \
             там, где сначала надо действовать, и не проверяет ли он условие только после \
             ожидания.",
        ),
        Symptom::OtherOrder => (
            "The order of the results is part of the task: the README says which one (most \
             often the order of the input). `join_all` keeps the input order; `JoinSet` and \
             `FuturesUnordered` give the order in which things complete, so carry each \
             input's index and put every result back in its place.",
            "Порядок результатов входит в задание: README говорит, какой нужен (чаще всего \
             порядок входных данных). `join_all` сохраняет порядок входа; `JoinSet` и \
             `FuturesUnordered` отдают результаты в порядке завершения, поэтому несите с \
             каждым результатом индекс входа и ставьте результат на его место.",
        ),
        Symptom::OneAfterAnother => (
            "Awaiting futures one by one (`a.await; b.await`, or `.await` inside a loop) runs \
             them in sequence. Start them together and then wait: `join_all`, `tokio::join!`, \
             `select!`, or tasks (`JoinSet`, `tokio::spawn`).",
            "Если дожидаться future по одной (`a.await; b.await` или `.await` в цикле), они \
             выполняются по очереди. Запустите их вместе, а потом ждите: `join_all`, \
             `tokio::join!`, `select!` или задачи (`JoinSet`, `tokio::spawn`).",
        ),
        Symptom::LeftAlive { .. } => (
            "A spawned task keeps running after the function that spawned it returns. Await \
             it, or stop it (`JoinHandle::abort`, a `CancellationToken`, a dropped `select!` \
             branch) before returning.",
            "Порождённая задача продолжает работать и после возврата функции, которая её \
             запустила. Дождитесь её или остановите (`JoinHandle::abort`, \
             `CancellationToken`, отброшенная ветка `select!`) до возврата.",
        ),
    };
    lang.pick(en, ru)
}

/// The hints a failed test shows, in order: each symptom's hint, then the test's own hint
/// (from the manifest), unless a symptom names another mistake than the one it is about.
/// An unwritten function needs no hint of its own beside the test's, which says what to
/// write.
pub fn hints(test: &TestVerdict, spec: Option<&TestSpec>, lang: Lang) -> Vec<String> {
    let own = spec.and_then(|s| test_hint(s, lang));
    let keeps_own = test.symptoms.iter().all(Symptom::keeps_test_hint);
    let mut hints: Vec<String> = test
        .symptoms
        .iter()
        .filter(|s| !(**s == Symptom::Unimplemented && keeps_own && own.is_some()))
        .map(|s| hint(s, lang).to_string())
        .collect();
    if let (true, Some(own)) = (keeps_own, own) {
        hints.push(own.to_string());
    }
    hints
}

/// A test's own hint in `lang`: the Russian one when there is one, else the English.
pub fn test_hint(spec: &TestSpec, lang: Lang) -> Option<&str> {
    match lang {
        Lang::Ru => spec.hint_ru.as_deref().or(spec.hint.as_deref()),
        Lang::En => spec.hint.as_deref(),
    }
}

fn pick(ru: bool, en: &str, russian: &str) -> String {
    if ru { russian } else { en }.to_string()
}

fn blocked(seconds: Option<f64>, ru: bool) -> String {
    match (seconds, ru) {
        (Some(s), false) => format!(
            "Your code kept the executor blocked for {s:.1} s of real time, where waiting on \
             the paused clock takes none."
        ),
        (Some(s), true) => format!(
            "Ваш код держал исполнитель заблокированным {s:.1} с реального времени, хотя \
             ожидание на остановленных часах его не занимает."
        ),
        (None, false) => "Your code kept the executor blocked in real time, where waiting on \
                          the paused clock takes none."
            .to_string(),
        (None, true) => "Ваш код держал исполнитель заблокированным в реальном времени, хотя \
                         ожидание на остановленных часах его не занимает."
            .to_string(),
    }
}

fn after_return(lines: Option<usize>, ru: bool) -> String {
    match (lines, ru) {
        (Some(n), false) => format!(
            "{n} line{} printed after your function returned.",
            if n == 1 { " was" } else { "s were" }
        ),
        (Some(n), true) => format!("После возврата вашей функции напечатано строк: {n}."),
        (None, false) => "Lines were printed after your function returned.".to_string(),
        (None, true) => "После возврата вашей функции что-то ещё печаталось.".to_string(),
    }
}

fn late(lines: usize, step_ms: u64, hidden: bool, ru: bool) -> String {
    let step = step_ms as f64 / 1000.0;
    match (hidden, lines, ru) {
        (true, _, false) => {
            "The same events as expected, some of them one constant step late, the rest on \
             time."
                .to_string()
        }
        (true, _, true) => {
            "События те же, что ожидались, но часть из них опоздала на один и тот же шаг, \
             остальные вовремя."
                .to_string()
        }
        (false, 0, false) => {
            format!("Every line on time, but your function returned exactly {step:.3} s late.")
        }
        (false, 0, true) => {
            format!("Все строки вовремя, но ваша функция вернулась ровно на {step:.3} с позже.")
        }
        (false, n, false) => format!(
            "The same lines as expected, {n} of them exactly {step:.3} s late, the rest on \
             time: the same events, one step later."
        ),
        (false, n, true) => format!(
            "Строки те же, что ожидались, но {n} из них опоздали ровно на {step:.3} с, \
             остальные вовремя: те же события, на шаг позже."
        ),
    }
}

fn left_alive(tasks: Option<usize>, ru: bool) -> String {
    match (tasks, ru) {
        (Some(1), false) => "A task was still alive after your function returned.".to_string(),
        (Some(n), false) => format!("{n} tasks were still alive after your function returned."),
        (Some(n), true) => format!("После возврата вашей функции остались живые задачи: {n}."),
        (None, false) => "Tasks were still alive after your function returned.".to_string(),
        (None, true) => "После возврата вашей функции остались живые задачи.".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::verdict::Status;

    /// One of each symptom.
    fn every_symptom() -> Vec<Symptom> {
        vec![
            Symptom::Unimplemented,
            Symptom::ClockStoodStill,
            Symptom::SelfWaking,
            Symptom::WokeEarly,
            Symptom::BusyLoop,
            Symptom::StuckInBlockingCall,
            Symptom::Hung,
            Symptom::Blocked { seconds: Some(1.5) },
            Symptom::NeverReturned,
            Symptom::OutputAfterReturn { lines: Some(2) },
            Symptom::OneStepLate {
                lines: 2,
                step_ms: 500,
            },
            Symptom::OtherOrder,
            Symptom::OneAfterAnother,
            Symptom::LeftAlive { tasks: Some(1) },
        ]
    }

    fn cyrillic(text: &str) -> bool {
        text.chars()
            .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap()))
    }

    #[test]
    fn every_symptom_has_words_and_a_hint_in_both_languages() {
        for symptom in every_symptom() {
            for hidden in [false, true] {
                let (en, ru) = (
                    message(&symptom, hidden, Lang::En),
                    message(&symptom, hidden, Lang::Ru),
                );
                assert!(!en.is_empty() && !cyrillic(&en), "{symptom:?}: {en}");
                assert!(cyrillic(&ru), "{symptom:?}: {ru}");
            }
            let (en, ru) = (hint(&symptom, Lang::En), hint(&symptom, Lang::Ru));
            assert!(!en.is_empty() && !cyrillic(en), "{symptom:?}: {en}");
            assert!(cyrillic(ru), "{symptom:?}: {ru}");
        }
    }

    #[test]
    fn numbers_are_in_the_message_of_a_visible_test_only() {
        let late = Symptom::OneStepLate {
            lines: 2,
            step_ms: 500,
        };
        assert!(message(&late, false, Lang::En).contains("2 of them exactly 0.500 s late"));
        assert!(message(&late, false, Lang::Ru).contains("ровно на 0.500 с"));
        assert!(!message(&late, true, Lang::En).contains("0.5"));
        let blocked = Symptom::Blocked { seconds: Some(1.5) };
        assert!(message(&blocked, false, Lang::Ru).contains("1.5 с"));
    }

    fn spec() -> TestSpec {
        TestSpec {
            name: "t".into(),
            points: 1,
            hidden: false,
            description: "d".into(),
            description_ru: Some("о".into()),
            hint: Some("use select!".into()),
            hint_ru: Some("используйте select!".into()),
        }
    }

    fn failed(symptoms: Vec<Symptom>) -> TestVerdict {
        TestVerdict {
            symptoms,
            ..TestVerdict::new("t", Status::Failed, 1)
        }
    }

    #[test]
    fn without_a_symptom_the_test_hint_is_shown_in_the_language_asked() {
        let test = failed(Vec::new());
        assert_eq!(hints(&test, Some(&spec()), Lang::En), ["use select!"]);
        assert_eq!(
            hints(&test, Some(&spec()), Lang::Ru),
            ["используйте select!"]
        );
        let english_only = TestSpec {
            hint_ru: None,
            ..spec()
        };
        assert_eq!(hints(&test, Some(&english_only), Lang::Ru), ["use select!"]);
        assert!(hints(&test, None, Lang::En).is_empty());
    }

    #[test]
    fn a_symptom_of_another_mistake_replaces_the_test_hint() {
        let test = failed(vec![Symptom::OtherOrder]);
        assert_eq!(
            hints(&test, Some(&spec()), Lang::En),
            [hint(&Symptom::OtherOrder, Lang::En)]
        );
        let unwritten = failed(vec![Symptom::Unimplemented]);
        let shown = hints(&unwritten, Some(&spec()), Lang::Ru);
        assert_eq!(
            shown,
            ["используйте select!"],
            "the test's hint says what to write"
        );
        assert_eq!(
            hints(&unwritten, None, Lang::En),
            [hint(&Symptom::Unimplemented, Lang::En)]
        );
        let never = failed(vec![Symptom::NeverReturned]);
        assert_eq!(
            hints(&never, Some(&spec()), Lang::En),
            [hint(&Symptom::NeverReturned, Lang::En), "use select!"]
        );
    }
}
