//! Symptom: what a failing test's run shows about the mistake behind it, recognised from
//! what the test observed ([`Facts`]) by a pure function ([`recognise`]).
//!
//! The list is closed ([`Symptom`]); `report::symptom` words each entry in English and
//! Russian, with a hint for that symptom. A fixed hint per test is about one mistake; a
//! recognised symptom names what this run did, so a student is not told about a mistake
//! they did not make (see [`Symptom::keeps_test_hint`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// How a hung run was stuck, as the harness classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hang {
    /// Stuck inside one poll with a busy CPU: a loop that never reaches `.await`.
    BusyLoop,
    /// Stuck inside one poll with an idle CPU: a blocking call that does not return.
    BlockingCall,
    /// The executor kept polling but the paused clock never advanced: tasks wake themselves.
    SelfWaking,
}

/// Everything known about one test's run that a symptom may be recognised from. Every
/// field but the texts is optional: a fact the harness did not record is `None`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts<'a> {
    /// The expected run, rendered (the snapshot).
    pub expected: Option<&'a str>,
    /// What the student's code did, rendered (`None`: no evidence came).
    pub actual: Option<&'a str>,
    /// The test passed: only the facts beside the timeline can still be symptoms.
    pub passed: bool,
    /// The process ran past the real-time limit and was stopped.
    pub timed_out: bool,
    /// How a hung run was stuck (the harness's class), when it says.
    pub hang: Option<Hang>,
    /// Real time, in seconds, the executor was blocked while the virtual clock stood still,
    /// all stretches together.
    pub blocked_s: Option<f64>,
    /// Tasks (and blocking jobs) still alive after the function under test returned.
    pub tasks_left: Option<usize>,
    /// Lines printed after the function under test returned.
    pub lines_after_return: Option<usize>,
}

/// Real time blocked, in seconds, from which blocking is a symptom: the harness's
/// `BLOCKED_LIMIT`, where a test that forbids blocking fails (a busy machine stretches a
/// correct run by far less; the harness's own diagnosis starts at 0.1 s per stretch).
pub const BLOCKED_FROM_S: f64 = 0.4;

/// A recognised symptom. The list is closed: each entry has its words in `report::symptom`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "symptom")]
pub enum Symptom {
    /// The run reached a `todo!()`: the function is not written yet.
    Unimplemented,
    /// Every line and the end at 0.000 s where the expected run has times.
    ClockStoodStill,
    /// The run hung while tasks kept waking themselves (the clock never advanced).
    SelfWaking,
    /// Polled by hand, the task was woken at an instant where nothing it waits on was due
    /// (its code woke its own waker, "just in case").
    WokeEarly,
    /// The run hung inside one poll with a busy CPU.
    BusyLoop,
    /// The run hung inside one poll with an idle CPU.
    StuckInBlockingCall,
    /// The run passed its real-time limit, and nothing says how it was stuck.
    Hung,
    /// The executor was blocked in real time while the virtual clock stood still.
    Blocked {
        /// Seconds of real time in all, when known.
        seconds: Option<f64>,
    },
    /// The function had not returned when the virtual time limit passed, where the
    /// expected run ends.
    NeverReturned,
    /// Lines printed after the function returned, where the expected run has none.
    OutputAfterReturn {
        /// How many, when known.
        lines: Option<usize>,
    },
    /// The same lines as expected, some exactly one constant step late, the rest on time.
    OneStepLate {
        /// How many lines came late.
        lines: usize,
        /// The step, in milliseconds.
        step_ms: u64,
    },
    /// The same results as expected, in another order (completion order, where the lesson
    /// wants input order).
    OtherOrder,
    /// The same lines and result as expected, but later: what the expected run does at one
    /// instant, the run did one after another.
    OneAfterAnother,
    /// Tasks still alive after the function returned.
    LeftAlive {
        /// How many, when known.
        tasks: Option<usize>,
    },
}

impl Symptom {
    /// Whether the test's own hint (from the manifest) still applies next to this symptom.
    /// Most symptoms name a mistake of their own, and the test's hint, written for another
    /// mistake, would mislead; an unwritten function or a run that never ends is what the
    /// test's hint is written for.
    pub fn keeps_test_hint(&self) -> bool {
        matches!(self, Symptom::Unimplemented | Symptom::NeverReturned)
    }
}

/// The symptoms a test's run shows, most specific first; none when nothing is recognised.
/// A symptom another one explains is left out (a blocked executor also stops the clock).
pub fn recognise(facts: &Facts<'_>) -> Vec<Symptom> {
    let actual = facts.actual.map(Timeline::parse).unwrap_or_default();
    let expected = facts.expected.map(Timeline::parse).unwrap_or_default();
    if let Some(End::Panicked(message)) = &actual.end
        && message.starts_with(TODO)
    {
        return vec![Symptom::Unimplemented];
    }
    let mut found = Vec::new();
    if let Some(hung) = hang(facts) {
        found.push(hung);
    }
    if !found.contains(&Symptom::SelfWaking) && woke_itself(&actual, &expected) {
        found.push(Symptom::WokeEarly);
    }
    let flags = actual.new_flags(&expected);
    if let Some(blocked) = blocked(facts, &flags) {
        found.push(blocked);
    }
    if let Some(left) = left_alive(facts, &flags) {
        found.push(left);
    }
    if let Some(after) = after_return(facts, &flags, &actual, &expected) {
        found.push(after);
    }
    if facts.passed || facts.actual.is_none() || facts.expected.is_none() {
        return found;
    }
    let blocked_already = found.iter().any(|s| matches!(s, Symptom::Blocked { .. }));
    if !blocked_already && clock_stood_still(&actual, &expected) {
        found.push(Symptom::ClockStoodStill);
    }
    if actual.end == Some(End::DidNotFinish) && expected.returns() {
        found.push(Symptom::NeverReturned);
    }
    // Work done in sequence also shifts the later part by one constant step: name the
    // sequence, the cause.
    if one_after_another(&actual, &expected) {
        found.push(Symptom::OneAfterAnother);
    } else if let Some(late) = one_step_late(&actual, &expected) {
        found.push(late);
    }
    if other_order(&actual, &expected) {
        found.push(Symptom::OtherOrder);
    }
    found
}

/// `todo!()`'s panic message (`not yet implemented: <what>` when it is given one).
const TODO: &str = "not yet implemented";

fn hang(facts: &Facts<'_>) -> Option<Symptom> {
    match facts.hang {
        Some(Hang::SelfWaking) => Some(Symptom::SelfWaking),
        Some(Hang::BusyLoop) => Some(Symptom::BusyLoop),
        Some(Hang::BlockingCall) => Some(Symptom::StuckInBlockingCall),
        None if facts.timed_out => Some(Symptom::Hung),
        None => None,
    }
}

/// A test that polls by hand prints whether the task was woken (`woken: true`): woken more
/// often at an instant than the expected run, where the expected run was not woken, means
/// the code woke itself with nothing due.
fn woke_itself(actual: &Timeline, expected: &Timeline) -> bool {
    let count = |timeline: &Timeline, text: &str, ms: u64| {
        timeline
            .lines
            .iter()
            .filter(|l| l.ms == ms && l.text == text)
            .count()
    };
    let woken = "woken: true";
    actual.lines.iter().filter(|l| l.text == woken).any(|l| {
        count(actual, woken, l.ms) > count(expected, woken, l.ms)
            && count(expected, "woken: false", l.ms) > 0
    })
}

fn blocked(facts: &Facts<'_>, flags: &[&str]) -> Option<Symptom> {
    let seconds = facts.blocked_s.filter(|s| *s >= BLOCKED_FROM_S);
    let flagged = flags.iter().any(|f| f.contains("block"));
    (seconds.is_some() || flagged).then_some(Symptom::Blocked { seconds })
}

fn left_alive(facts: &Facts<'_>, flags: &[&str]) -> Option<Symptom> {
    let tasks = facts.tasks_left.filter(|n| *n > 0);
    let flagged = flags.iter().any(|f| is_left_alive_flag(f));
    (tasks.is_some() || flagged).then_some(Symptom::LeftAlive { tasks })
}

fn is_left_alive_flag(flag: &str) -> bool {
    flag.contains("alive") || flag.contains("task") || flag.contains("job")
}

fn after_return(
    facts: &Facts<'_>,
    flags: &[&str],
    actual: &Timeline,
    expected: &Timeline,
) -> Option<Symptom> {
    let counted = facts.lines_after_return.filter(|n| *n > 0);
    let flagged = flags
        .iter()
        .any(|f| !is_left_alive_flag(f) && f.contains("after"));
    let printed = actual.after.len() > expected.after.len();
    let lines = counted.or(printed.then(|| actual.after.len() - expected.after.len()));
    (lines.is_some() || flagged).then_some(Symptom::OutputAfterReturn { lines })
}

fn clock_stood_still(actual: &Timeline, expected: &Timeline) -> bool {
    let ends_at_zero = matches!(actual.end, Some(End::Returned(_))) && actual.end_ms == Some(0);
    let expected_moves =
        expected.lines.iter().any(|l| l.ms > 0) || expected.end_ms.is_some_and(|ms| ms > 0);
    ends_at_zero && expected_moves && actual.lines.iter().all(|l| l.ms == 0)
}

/// Every line of `expected` in `actual` (the k-th line of a text paired with the k-th of
/// that text), some of them a constant step later, the rest on time, the end alike.
fn one_step_late(actual: &Timeline, expected: &Timeline) -> Option<Symptom> {
    if actual.lines.len() != expected.lines.len() || actual.end != expected.end {
        return None;
    }
    let mut deltas = Vec::new();
    for (index, line) in expected.lines.iter().enumerate() {
        let nth = expected.lines[..index]
            .iter()
            .filter(|l| l.text == line.text)
            .count();
        let twin = actual
            .lines
            .iter()
            .filter(|l| l.text == line.text)
            .nth(nth)?;
        deltas.push(twin.ms as i64 - line.ms as i64);
    }
    if let (Some(a), Some(e)) = (actual.end_ms, expected.end_ms) {
        deltas.push(a as i64 - e as i64);
    }
    let step = *deltas.iter().find(|d| **d != 0)?;
    let lines = expected.lines.len();
    let late = deltas[..lines].iter().filter(|d| **d == step).count();
    let others_on_time = deltas.iter().all(|d| *d == 0 || *d == step);
    (step > 0 && others_on_time).then_some(Symptom::OneStepLate {
        lines: late,
        step_ms: step.unsigned_abs(),
    })
}

/// The same lines (in any order) and the same end, later, and what the expected run
/// starts at its first instant, the run started at different instants: the work ran in
/// sequence, not at once.
fn one_after_another(actual: &Timeline, expected: &Timeline) -> bool {
    fn texts(t: &Timeline) -> Vec<&str> {
        let mut texts: Vec<&str> = t.lines.iter().map(|l| l.text.as_str()).collect();
        texts.sort_unstable();
        texts
    }
    let later = matches!((actual.end_ms, expected.end_ms), (Some(a), Some(e)) if a > e);
    later
        && actual.end == expected.end
        && texts(actual) == texts(expected)
        && spread(actual, &expected.first_instant())
}

/// Whether the lines of these texts came at more than one instant (the first line of each).
fn spread(timeline: &Timeline, texts: &[&str]) -> bool {
    let instants: BTreeSet<u64> = texts
        .iter()
        .filter_map(|text| timeline.lines.iter().find(|l| l.text == *text))
        .map(|l| l.ms)
        .collect();
    texts.len() > 1 && instants.len() > 1
}

/// Both runs return a list (bare or in `Ok(..)`/`Some(..)`) with the same elements, in
/// another order.
fn other_order(actual: &Timeline, expected: &Timeline) -> bool {
    let (Some(End::Returned(a)), Some(End::Returned(e))) = (&actual.end, &expected.end) else {
        return false;
    };
    let (Some((wrapper_a, a)), Some((wrapper_e, e))) = (list(a), list(e)) else {
        return false;
    };
    if wrapper_a != wrapper_e || a == e || a.len() < 2 {
        return false;
    }
    let (mut sorted_a, mut sorted_e) = (a.clone(), e.clone());
    sorted_a.sort();
    sorted_e.sort();
    sorted_a == sorted_e
}

/// The wrapper and elements of a rendered list, `[a, b]`, `Ok([a, b])` or `Some([a, b])`,
/// split at its top-level commas (brackets and quoted strings respected).
fn list(value: &str) -> Option<(&'static str, Vec<String>)> {
    let mut inner = value.trim();
    let mut wrapped = "";
    for wrapper in ["Ok(", "Some("] {
        if let Some(rest) = inner.strip_prefix(wrapper) {
            inner = rest.strip_suffix(')')?;
            wrapped = wrapper;
        }
    }
    let body = inner.strip_prefix('[')?.strip_suffix(']')?;
    let (mut items, mut item, mut depth, mut quoted, mut escaped) =
        (Vec::new(), String::new(), 0i32, false, false);
    for c in body.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(std::mem::take(&mut item).trim().to_string());
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    if !item.trim().is_empty() {
        items.push(item.trim().to_string());
    }
    Some((wrapped, items))
}

/// A rendered run, read loosely: stamped lines, the end line, what follows it, and the
/// harness's `!!` lines.
#[derive(Debug, Default)]
struct Timeline {
    lines: Vec<Line>,
    end: Option<End>,
    end_ms: Option<u64>,
    /// Stamped lines after the end line.
    after: Vec<String>,
    /// `!! ...` lines, wherever they are, lower-cased.
    flags: Vec<String>,
}

#[derive(Debug)]
struct Line {
    ms: u64,
    text: String,
}

#[derive(Debug, PartialEq)]
enum End {
    Returned(String),
    Panicked(String),
    DidNotFinish,
}

impl Timeline {
    fn parse(text: &str) -> Timeline {
        let mut timeline = Timeline::default();
        for raw in text.lines() {
            let line = raw.trim();
            if line.starts_with("!!") {
                timeline.flags.push(line.to_lowercase());
            } else if let Some(end) = line.strip_prefix("=> ") {
                let (kind, ms) = end_of(end);
                timeline.end = Some(kind);
                timeline.end_ms = ms;
            } else if let Some(stamped) = stamped(line) {
                if timeline.end.is_some() {
                    timeline.after.push(stamped.text);
                } else {
                    timeline.lines.push(stamped);
                }
            }
        }
        timeline
    }

    /// The texts of the lines printed at the first instant that has any.
    fn first_instant(&self) -> Vec<&str> {
        let Some(first) = self.lines.first() else {
            return Vec::new();
        };
        let at_first = self.lines.iter().take_while(|l| l.ms == first.ms);
        at_first.map(|l| l.text.as_str()).collect()
    }

    fn returns(&self) -> bool {
        matches!(self.end, Some(End::Returned(_) | End::Panicked(_)))
    }

    /// The `!!` lines that the expected run does not have.
    fn new_flags(&self, expected: &Timeline) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|f| !expected.flags.contains(f))
            .map(String::as_str)
            .collect()
    }
}

/// `[  1.250s] text`.
fn stamped(line: &str) -> Option<Line> {
    let (stamp, text) = line.strip_prefix('[')?.split_once("s] ")?;
    Some(Line {
        ms: millis(stamp)?,
        text: text.to_string(),
    })
}

fn millis(seconds: &str) -> Option<u64> {
    let s: f64 = seconds.trim().parse().ok()?;
    (s.is_finite() && s >= 0.0).then(|| (s * 1000.0).round() as u64)
}

/// `returned after 1.250s: value`, `panicked after 0.000s: message`, `did not finish ..`.
fn end_of(end: &str) -> (End, Option<u64>) {
    for (prefix, make) in [
        ("returned after ", End::Returned as fn(String) -> End),
        ("panicked after ", End::Panicked),
    ] {
        if let Some(rest) = end.strip_prefix(prefix)
            && let Some((time, value)) = rest.split_once("s: ")
        {
            return (make(value.to_string()), millis(time));
        }
    }
    (End::DidNotFinish, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facts of a failed run that printed `actual` where `expected` was wanted.
    fn failed<'a>(expected: &'a str, actual: &'a str) -> Facts<'a> {
        Facts {
            expected: Some(expected),
            actual: Some(actual),
            ..Facts::default()
        }
    }

    const TICKS: &str = "[  0.000s] tick\n[  1.000s] tick\n[  2.000s] tick\n\
                         => returned after 2.500s: ()";

    #[test]
    fn a_todo_is_unimplemented_and_nothing_else() {
        let facts = failed(TICKS, "=> panicked after 0.000s: not yet implemented");
        assert_eq!(recognise(&facts), [Symptom::Unimplemented]);
        let named = failed(TICKS, "=> panicked after 0.000s: not yet implemented: tick");
        assert_eq!(recognise(&named), [Symptom::Unimplemented]);
        let panic = failed(TICKS, "=> panicked after 0.000s: index out of bounds");
        assert_eq!(recognise(&panic), [], "a panic is not a still clock");
        assert!(Symptom::Unimplemented.keeps_test_hint());
    }

    #[test]
    fn a_clock_that_never_moved_is_recognised() {
        let actual = "[  0.000s] tick\n[  0.000s] tick\n[  0.000s] tick\n\
                      => returned after 0.000s: ()";
        assert_eq!(
            recognise(&failed(TICKS, actual)),
            [Symptom::ClockStoodStill]
        );
        let expected_at_zero = "[  0.000s] a\n=> returned after 0.000s: ()";
        let other = "[  0.000s] b\n=> returned after 0.000s: ()";
        assert!(recognise(&failed(expected_at_zero, other)).is_empty());
        assert!(!Symptom::ClockStoodStill.keeps_test_hint());
    }

    #[test]
    fn a_blocked_executor_explains_the_still_clock() {
        let actual = "[  0.000s] tick\n=> returned after 0.000s: ()";
        let facts = Facts {
            blocked_s: Some(3.0),
            ..failed(TICKS, actual)
        };
        assert_eq!(recognise(&facts), [Symptom::Blocked { seconds: Some(3.0) }]);
        let noise = Facts {
            blocked_s: Some(0.2),
            passed: true,
            ..failed(TICKS, TICKS)
        };
        assert!(recognise(&noise).is_empty(), "under the threshold");
        let flagged = "[  0.000s] tick\n!! the executor was blocked\n=> returned after 2.500s: ()";
        let facts = Facts {
            passed: true,
            ..failed(TICKS, flagged)
        };
        assert_eq!(recognise(&facts), [Symptom::Blocked { seconds: None }]);
    }

    #[test]
    fn a_task_polled_by_hand_that_wakes_itself_early_is_recognised() {
        let expected = "[  0.000s] poll: Pending\n[  0.999s] woken: false\n[  1.000s] woken: true\n=> returned after 1.000s: ()";
        let actual = "[  0.000s] poll: Pending\n[  0.999s] woken: true\n[  1.000s] woken: true\n=> returned after 1.000s: ()";
        let facts = Facts {
            expected: Some(expected),
            actual: Some(actual),
            ..Facts::default()
        };
        assert!(recognise(&facts).contains(&Symptom::WokeEarly));
        let on_time = Facts {
            actual: Some(expected),
            ..facts
        };
        assert!(!recognise(&on_time).contains(&Symptom::WokeEarly));
        // Not woken, then woken after a send at the same instant: as expected.
        let same_instant =
            "[  0.000s] woken: false\n[  0.000s] woken: true\n=> returned after 0.000s: ()";
        let both = Facts {
            expected: Some(same_instant),
            actual: Some(same_instant),
            passed: true,
            ..Facts::default()
        };
        assert!(recognise(&both).is_empty());
    }

    #[test]
    fn a_hang_is_named_by_its_class_or_left_open() {
        let hung = |hang| Facts {
            timed_out: true,
            hang,
            expected: Some(TICKS),
            ..Facts::default()
        };
        assert_eq!(recognise(&hung(None)), [Symptom::Hung]);
        assert_eq!(
            recognise(&hung(Some(Hang::SelfWaking))),
            [Symptom::SelfWaking]
        );
        assert_eq!(recognise(&hung(Some(Hang::BusyLoop))), [Symptom::BusyLoop]);
        assert_eq!(
            recognise(&hung(Some(Hang::BlockingCall))),
            [Symptom::StuckInBlockingCall]
        );
    }

    #[test]
    fn a_task_woke_itself_even_when_the_run_reported() {
        let facts = Facts {
            hang: Some(Hang::SelfWaking),
            ..failed(TICKS, "=> did not finish within 5.000s of virtual time")
        };
        assert_eq!(recognise(&facts)[0], Symptom::SelfWaking);
    }

    #[test]
    fn output_after_the_return_is_recognised() {
        let actual = "[  0.000s] tick\n=> returned after 0.500s: ()\n[  1.000s] tick";
        let expected = "[  0.000s] tick\n=> returned after 0.500s: ()";
        assert_eq!(
            recognise(&failed(expected, actual)),
            [Symptom::OutputAfterReturn { lines: Some(1) }]
        );
        let flagged =
            "[  0.000s] tick\n=> returned after 0.500s: ()\n!! 2 lines printed after the return";
        assert_eq!(
            recognise(&failed(expected, flagged)),
            [Symptom::OutputAfterReturn { lines: None }]
        );
        let counted = Facts {
            lines_after_return: Some(3),
            ..failed(expected, expected)
        };
        assert_eq!(
            recognise(&counted),
            [Symptom::OutputAfterReturn { lines: Some(3) }]
        );
    }

    #[test]
    fn a_task_left_alive_is_recognised() {
        let expected = "[  0.000s] tick\n=> returned after 0.500s: ()";
        let flagged = "[  0.000s] tick\n=> returned after 0.500s: ()\n!! 1 task still alive 1.000s after the return";
        assert_eq!(
            recognise(&failed(expected, flagged)),
            [Symptom::LeftAlive { tasks: None }]
        );
        let counted = Facts {
            tasks_left: Some(2),
            passed: true,
            ..failed(expected, expected)
        };
        assert_eq!(recognise(&counted), [Symptom::LeftAlive { tasks: Some(2) }]);
        let same_flag_expected = failed(flagged, flagged);
        assert!(recognise(&same_flag_expected).is_empty(), "it is expected");
    }

    #[test]
    fn events_one_step_late_are_recognised() {
        let expected = "[  0.000s] a: 1\n[  1.000s] b: 2\n[  2.000s] c: 3\n\
                        => returned after 2.000s: 3";
        let late = "[  0.000s] a: 1\n[  2.000s] b: 2\n[  3.000s] c: 3\n\
                    => returned after 3.000s: 3";
        assert_eq!(
            recognise(&failed(expected, late)),
            [Symptom::OneStepLate {
                lines: 2,
                step_ms: 1000
            }]
        );
        let early = "[  0.000s] a: 1\n[  0.500s] b: 2\n[  2.000s] c: 3\n\
                     => returned after 2.000s: 3";
        assert!(recognise(&failed(expected, early)).is_empty());
        let uneven = "[  0.000s] a: 1\n[  2.000s] b: 2\n[  4.000s] c: 3\n\
                      => returned after 4.000s: 3";
        assert!(recognise(&failed(expected, uneven)).is_empty());
        let other_value = "[  0.000s] a: 1\n[  2.000s] b: 2\n[  3.000s] c: 3\n\
                           => returned after 3.000s: 4";
        assert!(recognise(&failed(expected, other_value)).is_empty());
    }

    #[test]
    fn results_in_another_order_are_recognised() {
        let expected = "[  0.000s] go\n=> returned after 1.500s: \
                        Ok([\"r1, slow\", \"r2\", Device { name: \"r3\" }])";
        let swapped = "[  0.000s] go\n=> returned after 1.500s: \
                       Ok([\"r2\", Device { name: \"r3\" }, \"r1, slow\"])";
        assert_eq!(recognise(&failed(expected, swapped)), [Symptom::OtherOrder]);
        let missing = "[  0.000s] go\n=> returned after 1.500s: Ok([\"r2\", \"r1, slow\"])";
        assert!(recognise(&failed(expected, missing)).is_empty());
        let unwrapped = "[  0.000s] go\n=> returned after 1.500s: \
                         [\"r2\", Device { name: \"r3\" }, \"r1, slow\"]";
        assert!(recognise(&failed(expected, unwrapped)).is_empty());
    }

    #[test]
    fn work_done_one_after_another_is_recognised() {
        let expected = "[  0.000s] r1: connecting\n[  0.000s] r2: connecting\n\
                        [  0.300s] r2: reply\n[  0.500s] r1: reply\n\
                        => returned after 0.500s: [1, 2]";
        let sequential = "[  0.000s] r1: connecting\n[  0.500s] r1: reply\n\
                          [  0.500s] r2: connecting\n[  0.800s] r2: reply\n\
                          => returned after 0.800s: [1, 2]";
        assert_eq!(
            recognise(&failed(expected, sequential)),
            [Symptom::OneAfterAnother]
        );
        let other_lines = sequential.replace("r2: reply", "r2: refused");
        assert!(recognise(&failed(expected, &other_lines)).is_empty());
        // r2 runs after r1, each taking 0.5 s: every r2 event one constant step late too.
        let same_length = "[  0.000s] r1: connecting\n[  0.000s] r2: connecting\n\
                           [  0.500s] r1: reply\n[  0.500s] r2: reply\n\
                           => returned after 0.500s: [1, 2]";
        let in_turn = "[  0.000s] r1: connecting\n[  0.500s] r1: reply\n\
                       [  0.500s] r2: connecting\n[  1.000s] r2: reply\n\
                       => returned after 1.000s: [1, 2]";
        let named = recognise(&failed(same_length, in_turn));
        assert_eq!(
            named,
            [Symptom::OneAfterAnother],
            "the cause, not the shift"
        );
        let at_once_but_slow = "[  0.000s] r1: connecting\n[  0.000s] r2: connecting\n\
                                [  0.600s] r2: reply\n[  0.700s] r1: reply\n\
                                => returned after 0.700s: [1, 2]";
        assert!(recognise(&failed(expected, at_once_but_slow)).is_empty());
    }

    #[test]
    fn a_run_that_never_returned_is_recognised() {
        let actual = "[  0.000s] tick\n[  1.000s] tick\n[  2.000s] tick\n[  3.000s] tick\n\
                      => did not finish within 10.000s of virtual time";
        assert_eq!(recognise(&failed(TICKS, actual)), [Symptom::NeverReturned]);
        assert!(Symptom::NeverReturned.keeps_test_hint());
    }

    #[test]
    fn a_passing_run_or_a_plain_mistake_has_no_symptom() {
        let passed = Facts {
            passed: true,
            ..failed(TICKS, TICKS)
        };
        assert!(recognise(&passed).is_empty());
        let wrong = "[  0.000s] tock\n=> returned after 2.500s: ()";
        assert!(recognise(&failed(TICKS, wrong)).is_empty());
        assert!(recognise(&Facts::default()).is_empty());
    }

    #[test]
    fn lists_split_at_top_level_commas_only() {
        let (wrapper, items) = list("Ok([\"a, b\", (1, 2), [3, 4]])").unwrap();
        assert_eq!(wrapper, "Ok(");
        assert_eq!(items, ["\"a, b\"", "(1, 2)", "[3, 4]"]);
        assert_eq!(list("[]").unwrap(), ("", Vec::new()));
        assert!(list("(1, 2)").is_none());
    }
}
