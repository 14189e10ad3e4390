//! Lines printed at the same virtual instant: in which order a run shows them.
//!
//! Two tasks that wake at the same instant run in an order tokio does not promise
//! (spawned tasks in the order their timers were set, `tokio::join!` taking turns, a
//! `Vec` of futures polled front to back or back to front). So by default a run shows the
//! lines of one instant sorted by their text: they are compared as a multiset, and every
//! correct order renders the same. A test whose lesson teaches the order of such lines
//! declares it with [`Run::in_printed_order`](crate::Run::in_printed_order).

/// How a run renders lines printed at the same virtual instant (the same millisecond).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Ties {
    /// Sorted by their text (a stable sort): their order is not checked. The default.
    #[default]
    Sorted,
    /// In the order they were printed: the test checks it, and the lesson teaches it.
    AsPrinted,
}

use timeline_evidence::stamp_of;
pub use timeline_evidence::{TIES_NOTE, has_ties};

/// Puts each group of consecutive lines with the same time stamp in text order (a stable
/// sort). Lines without a stamp (`[... 3 more lines not recorded]`) stay where they are
/// and end a group.
pub(crate) fn sort_ties(lines: &mut [String]) {
    for group in lines.chunk_by_mut(|a, b| stamp_of(a).is_some() && stamp_of(a) == stamp_of(b)) {
        group.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn only_lines_of_one_instant_are_sorted() {
        let mut run = lines(
            "[  0.000s] c\n[  0.000s] a\n[  0.000s] b\n[  1.000s] z\n[  2.000s] y\n[  2.000s] x",
        );
        sort_ties(&mut run);
        assert_eq!(
            run.join("\n"),
            "[  0.000s] a\n[  0.000s] b\n[  0.000s] c\n[  1.000s] z\n[  2.000s] x\n[  2.000s] y"
        );
    }

    #[test]
    fn lines_without_a_stamp_keep_their_place() {
        let mut run = lines("[  0.000s] b\n[  0.000s] a\n[... 2 more lines not recorded]");
        sort_ties(&mut run);
        assert_eq!(
            run.join("\n"),
            "[  0.000s] a\n[  0.000s] b\n[... 2 more lines not recorded]"
        );
    }

    #[test]
    fn an_earlier_instant_printed_later_is_not_moved() {
        // Lines are grouped as printed, never sorted by time: a line stamped earlier that
        // came later stays where it was.
        let mut run = lines("[  1.000s] b\n[  0.500s] a\n[  1.000s] c");
        sort_ties(&mut run);
        assert_eq!(run.join("\n"), "[  1.000s] b\n[  0.500s] a\n[  1.000s] c");
    }

    #[test]
    fn ties_are_two_lines_with_one_stamp() {
        assert!(has_ties("[  0.000s] a\n[  0.000s] a"));
        assert!(!has_ties("[  0.000s] a\n=> returned after 0.000s: ()"));
        assert!(!has_ties(
            "[... 1 more lines not recorded]\n[... 1 more lines not recorded]"
        ));
        assert!(!has_ties(""));
        assert_eq!(stamp_of("[ 12.345s] tick"), Some("[ 12.345s]"));
        assert_eq!(stamp_of("[not a stamp] x"), None);
    }
}
