//! Words: every fixed sentence of a student's feedback, in English and Russian, and the
//! words for the values the pipeline returns ([`Status`], [`Reason`]).

use crate::confine::scan::{Construct, Refusal};
use crate::pipeline::build::BuildFailure;
use crate::pipeline::verdict::{Reason, Status, TestVerdict};
use crate::report::lang::Lang;

/// A fixed piece of the feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phrase {
    /// The title: `# Feedback: <id>`.
    Feedback,
    /// `Total`, before the points.
    Total,
    /// The header of the table of exercises.
    TableHeader,
    /// An exercise without a hand-in, in the table.
    NotHandedIn,
    /// Before the compiler's errors.
    DidNotCompile,
    /// Before why the lesson's tests did not build (no compiler errors of the student's).
    TestsNotBuilt,
    /// Before the run of a hidden test.
    HiddenRun,
    /// Before the diff of a visible test.
    Diff,
    /// A flaky test, explained.
    Flaky,
    /// Before the harness's blocking diagnosis (which is in English).
    Blocking,
    /// Before a symptom's message.
    Noticed,
    /// Before a hint.
    Hint,
    /// Before the exercise's hint.
    ExerciseHint,
}

impl Phrase {
    /// The phrase in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        let (en, ru) = match self {
            Phrase::Feedback => ("Feedback", "Отзыв"),
            Phrase::Total => ("Total", "Итого"),
            Phrase::TableHeader => (
                "| # | exercise | points |\n|---|---|---|",
                "| № | задание | баллы |\n|---|---|---|",
            ),
            Phrase::NotHandedIn => ("not handed in", "не сдано"),
            Phrase::DidNotCompile => (
                "Your code did not compile, so no test could run:",
                "Ваш код не скомпилировался, поэтому ни один тест не запускался:",
            ),
            Phrase::TestsNotBuilt => (
                "The tests could not be built with your code, so no test could run:",
                "Тесты не удалось собрать с вашим кодом, поэтому ни один тест не запускался:",
            ),
            Phrase::HiddenRun => (
                "This is a hidden test: its expected output is not shown. What your code \
                 printed (virtual times):",
                "Это скрытый тест: его ожидаемый вывод не показывается. Что напечатал ваш код \
                 (виртуальное время):",
            ),
            Phrase::Diff => (
                "Expected (`-`) and what your code did (`+`), with virtual times:",
                "Ожидалось (`-`) и что сделал ваш код (`+`), с виртуальным временем:",
            ),
            Phrase::Flaky => (
                "**Flaky:** this test gave different results when run again; the first run \
                 counts. On a paused clock that usually means two events at the same instant, \
                 or real threads.",
                "**Нестабильный тест:** при повторном запуске он дал другой результат; \
                 засчитан первый запуск. На остановленных часах так бывает, когда два события \
                 приходятся на один момент или когда работают настоящие потоки.",
            ),
            Phrase::Blocking => (
                "**Blocking:**",
                "**Блокировка (диагностика по-английски):**",
            ),
            Phrase::Noticed => ("**What your run shows:**", "**Что видно по запуску:**"),
            Phrase::Hint => ("**Hint:**", "**Подсказка:**"),
            Phrase::ExerciseHint => ("**Hint for this exercise:**", "**Подсказка к заданию:**"),
        };
        lang.pick(en, ru)
    }
}

/// A short word for a test's status, for the feedback's list of tests.
pub fn status(status: Status, lang: Lang) -> &'static str {
    let ru = match status {
        Status::Passed => "пройден",
        Status::Failed => "не пройден",
        Status::TimedOut => "превышено время",
        Status::Crashed => "процесс упал",
        Status::NotCompiled => "не скомпилирован",
        Status::Rejected => "отклонён",
        Status::NotRun => "не запущен",
        Status::NoResult => "нет результата",
    };
    lang.pick(status.word(), ru)
}

/// Why a test has no run to show, or what else is known of it, in words: its reason,
/// else what its status says.
pub fn message(test: &TestVerdict, lang: Lang) -> Option<String> {
    let said = test
        .message
        .as_ref()
        .map(|reason| self::reason(reason, lang));
    if test.status == Status::NoResult {
        let no_result = lang.pick(NO_RESULT_EN, NO_RESULT_RU);
        return Some(match said {
            Some(why) => format!("{no_result} ({why})"),
            None => no_result.to_string(),
        });
    }
    if said.is_some() {
        return said;
    }
    let (en, ru) = match test.status {
        Status::Rejected => (
            "the code was refused before building",
            "код отклонён до сборки",
        ),
        Status::NotCompiled => ("the code did not compile", "код не скомпилировался"),
        _ => return None,
    };
    Some(lang.pick(en, ru).to_string())
}

/// Said of a test of compiled code that produced no result (see [`Status::NoResult`]).
pub const NO_RESULT_EN: &str = "your code compiled, but this test produced no result, which \
                                is not your code's doing: ask your instructor to grade it again";
const NO_RESULT_RU: &str = "ваш код скомпилировался, но этот тест не дал результата, и ваш код \
                            тут ни при чём: попросите преподавателя проверить ещё раз";

/// A [`Reason`] in words. What the run step said itself (a crash, a budget, tampering) is
/// in English in both languages.
pub fn reason(reason: &Reason, lang: Lang) -> String {
    let ru = lang == Lang::Ru;
    match (reason, ru) {
        (Reason::DidNotRun, false) => "the test did not run".to_string(),
        (Reason::DidNotRun, true) => "тест не запускался".to_string(),
        (Reason::NoSnapshot, false) => "no expected run (snapshot) exists for this test".into(),
        (Reason::NoSnapshot, true) => "для этого теста нет ожидаемого запуска (снимка)".into(),
        (Reason::TimedOut { limit_s }, false) => format!(
            "the test was still running after {limit_s} s of real time and was stopped \
             (waiting on the paused clock costs no real time)"
        ),
        (Reason::TimedOut { limit_s }, true) => format!(
            "тест всё ещё шёл через {limit_s} с реального времени и был остановлен (ожидание \
             на остановленных часах реального времени не занимает)"
        ),
        (Reason::Tampered(why), false) => format!("tampered: {why}"),
        (Reason::Tampered(why), true) => format!("результат подделан: {why}"),
        (Reason::Said(why), _) => why.clone(),
        (Reason::TiesSorted, false) => timeline_evidence::TIES_NOTE.to_string(),
        (Reason::TiesSorted, true) => "строки, выведенные в один и тот же момент виртуального \
             времени, показаны отсортированными по тексту: их порядок не оценивается, только \
             какие это строки"
            .to_string(),
    }
}

/// Why code did not build: the compiler's errors as they are, else what happened.
pub fn build_failure(failure: &BuildFailure, lang: Lang) -> String {
    let (en, ru) = match failure {
        BuildFailure::Errors(errors) => return errors.clone(),
        BuildFailure::Silent => (
            "the tests of this exercise could not be built with your code (no compiler \
             message)",
            "тесты этого задания не собираются с вашим кодом (компилятор ничего не сообщил)",
        ),
        BuildFailure::GraderProblem => (
            "the grader could not build this exercise's tests for your class, and no \
             submission caused it (each student's tests build on their own): a problem of the \
             grading machine, not of your code. Your instructor can grade again (a smaller \
             class, or a higher --compile-limit).",
            "проверяющей программе не удалось собрать тесты этого задания для вашей группы, \
             и ни одна сданная работа в этом не виновата (тесты каждого студента по \
             отдельности собираются): это проблема проверяющей машины, а не вашего кода. \
             Преподаватель может запустить проверку ещё раз (на группе поменьше или с \
             большим --compile-limit).",
        ),
    };
    lang.pick(en, ru).to_string()
}

/// The phrase before a build failure: the compiler's errors, or tests that did not build.
pub fn build_failure_lead(failure: &BuildFailure, lang: Lang) -> &'static str {
    match failure {
        BuildFailure::Errors(_) => Phrase::DidNotCompile.text(lang),
        BuildFailure::Silent | BuildFailure::GraderProblem => Phrase::TestsNotBuilt.text(lang),
    }
}

/// Why code was refused before building, and what to do: one paragraph per reason.
pub fn refusal(refusal: &Refusal, lang: Lang) -> String {
    let mut paragraphs: Vec<String> = refusal
        .undeclared
        .iter()
        .map(|file| undeclared(file, lang))
        .collect();
    if !refusal.found.is_empty() {
        let uses: Vec<String> = refusal
            .found
            .iter()
            .map(|f| {
                let why = construct(f.construct, lang);
                format!("{}:{}: `{}` {why}", f.file, f.line, f.construct.code())
            })
            .collect();
        let (head, tail) = match lang {
            Lang::En => (
                "Not graded: the code uses what an exercise must not (it could read files of \
                 the grading machine, such as the tests' expected output):",
                "Remove it and hand in again.",
            ),
            Lang::Ru => (
                "Не проверено: код использует то, чего в задании быть не должно (так можно \
                 прочитать файлы проверяющей машины, например ожидаемый вывод тестов):",
                "Уберите это и сдайте работу снова.",
            ),
        };
        paragraphs.push(format!("{head}\n{}\n{tail}", uses.join("\n")));
    }
    paragraphs.join("\n\n")
}

fn undeclared(file: &str, lang: Lang) -> String {
    let module = file.strip_suffix(".rs").unwrap_or(file);
    match lang {
        Lang::En => format!(
            "Not graded: lib.rs must keep `pub mod {module};`: that module is the course's \
             given code (src/{file}, always compiled from the course's copy). Put the line \
             back at the top level of lib.rs, as the exercise has it, and hand in again."
        ),
        Lang::Ru => format!(
            "Не проверено: в lib.rs должна остаться строка `pub mod {module};`: этот модуль — \
             код, который даёт курс (src/{file}, всегда компилируется из копии курса). Верните \
             строку на верхний уровень lib.rs, как в задании, и сдайте работу снова."
        ),
    }
}

fn construct(construct: Construct, lang: Lang) -> &'static str {
    let (en, ru) = match construct {
        Construct::IncludeStr | Construct::IncludeBytes => (
            "reads a file of the grading machine at compile time",
            "читает файл проверяющей машины во время компиляции",
        ),
        Construct::Include => (
            "compiles a file of the grading machine into your code",
            "вкомпилирует в ваш код файл проверяющей машины",
        ),
        Construct::Env | Construct::OptionEnv => (
            "reads the grading machine's build environment",
            "читает окружение сборки проверяющей машины",
        ),
        Construct::PathAttribute => (
            "compiles another file of the grading machine as a module",
            "компилирует другой файл проверяющей машины как модуль",
        ),
    };
    lang.pick(en, ru)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confine::scan::Found;

    #[test]
    fn a_build_failure_shows_the_errors_or_says_whose_problem_it_is() {
        let errors = BuildFailure::Errors("error[E0308]: mismatched types".into());
        assert_eq!(
            build_failure(&errors, Lang::Ru),
            "error[E0308]: mismatched types"
        );
        assert_eq!(
            build_failure_lead(&errors, Lang::En),
            Phrase::DidNotCompile.text(Lang::En)
        );
        let grader = BuildFailure::GraderProblem;
        assert!(build_failure(&grader, Lang::En).contains("not of your code"));
        assert!(build_failure(&grader, Lang::Ru).contains("не вашего кода"));
        assert_eq!(
            build_failure_lead(&grader, Lang::Ru),
            Phrase::TestsNotBuilt.text(Lang::Ru)
        );
        assert!(build_failure(&BuildFailure::Silent, Lang::En).contains("no compiler message"));
    }

    #[test]
    fn a_refusal_names_each_reason_and_what_to_do() {
        let refusal = Refusal {
            undeclared: vec!["devices.rs".into()],
            found: vec![Found {
                file: "src/lib.rs".into(),
                line: 2,
                construct: Construct::Env,
            }],
        };
        let en = super::refusal(&refusal, Lang::En);
        assert!(
            en.starts_with(
                "Not graded: lib.rs must keep `pub mod devices;`: that module is the course's \
                 given code (src/devices.rs"
            ),
            "{en}"
        );
        assert!(
            en.contains("\n\nNot graded: the code uses what an exercise must not"),
            "{en}"
        );
        assert!(
            en.contains("src/lib.rs:2: `env!` reads the grading machine's build environment"),
            "{en}"
        );
        assert!(en.ends_with("Remove it and hand in again."), "{en}");
        let ru = super::refusal(&refusal, Lang::Ru);
        assert!(ru.contains("`pub mod devices;`") && ru.contains("src/lib.rs:2: `env!` читает"));
    }

    fn test(status: Status, message: Option<Reason>) -> TestVerdict {
        TestVerdict {
            message,
            ..TestVerdict::new("t", status, 1)
        }
    }

    #[test]
    fn a_test_without_a_reason_is_explained_by_its_status() {
        let said = |status, reason, lang| message(&test(status, reason), lang);
        assert_eq!(
            said(Status::Rejected, None, Lang::En).as_deref(),
            Some("the code was refused before building")
        );
        assert_eq!(
            said(Status::NotCompiled, None, Lang::Ru).as_deref(),
            Some("код не скомпилировался")
        );
        assert_eq!(
            said(Status::NotCompiled, Some(Reason::DidNotRun), Lang::En).as_deref(),
            Some("the test did not run")
        );
        assert_eq!(said(Status::Failed, None, Lang::En), None);
        assert_eq!(said(Status::Passed, None, Lang::Ru), None);
    }

    #[test]
    fn a_time_out_says_what_was_seen_and_no_cause() {
        let timed_out = Reason::TimedOut { limit_s: 10.0 };
        let en = reason(&timed_out, Lang::En);
        assert!(en.contains("after 10 s of real time"), "{en}");
        assert!(!en.contains("loop") && !en.contains("blocking"), "{en}");
        assert!(reason(&timed_out, Lang::Ru).contains("10 с реального времени"));
    }

    #[test]
    fn every_phrase_and_status_exists_in_both_languages() {
        let phrases = [
            Phrase::Feedback,
            Phrase::Total,
            Phrase::TableHeader,
            Phrase::NotHandedIn,
            Phrase::DidNotCompile,
            Phrase::TestsNotBuilt,
            Phrase::HiddenRun,
            Phrase::Diff,
            Phrase::Flaky,
            Phrase::Blocking,
            Phrase::Noticed,
            Phrase::Hint,
            Phrase::ExerciseHint,
        ];
        for phrase in phrases {
            assert_ne!(phrase.text(Lang::En), phrase.text(Lang::Ru), "{phrase:?}");
        }
        let statuses = [
            Status::Passed,
            Status::Failed,
            Status::TimedOut,
            Status::Crashed,
            Status::NotCompiled,
            Status::Rejected,
            Status::NotRun,
        ];
        for s in statuses {
            assert_ne!(status(s, Lang::En), status(s, Lang::Ru), "{s:?}");
        }
    }
}
