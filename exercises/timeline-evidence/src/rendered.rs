//! What the rendered run and the harness's checks mean, shared by the harness (which
//! renders and measures) and the grader (which reads): the note on lines of one instant,
//! the held time from which the executor counts as blocked, the name of the real-time
//! limit's variable.

use std::time::Duration;

/// Said beside a difference when the run showed same-instant lines sorted.
pub const TIES_NOTE: &str = "note: lines printed at the same virtual instant are shown \
     sorted by their text; their order is not graded, only which lines they are.";

/// Held time in all from which a test that forbids blocking renders
/// `!! the executor was blocked ...` (and evidence says `blocked`). The blocking steps the
/// course asks about last a quarter of a second or more each and come several per test,
/// while a correct solution holds the executor for a few milliseconds of CPU, however busy
/// the machine is.
pub const BLOCKED_LIMIT: Duration = Duration::from_millis(400);

/// Milliseconds of real time a capture may take before the harness's watchdog calls it
/// hung (the grader sets it to the test's limit).
pub const WALL_LIMIT_ENV: &str = "TIMELINE_WALL_LIMIT_MS";

/// Whether a rendered run has two lines with the same time stamp.
///
/// ```
/// assert!(timeline_evidence::has_ties("[  0.000s] a\n[  0.000s] b\n=> returned after 0.000s: ()"));
/// assert!(!timeline_evidence::has_ties("[  0.000s] a\n[  1.000s] b"));
/// ```
pub fn has_ties(rendered: &str) -> bool {
    let stamps: Vec<Option<&str>> = rendered.lines().map(stamp_of).collect();
    stamps
        .windows(2)
        .any(|pair| pair[0].is_some() && pair[0] == pair[1])
}

/// The time stamp a rendered line starts with (`[  1.000s]`), if it has one.
pub fn stamp_of(line: &str) -> Option<&str> {
    let end = line.find("s] ")?;
    let stamp = &line[..end + 2];
    let inner = stamp.strip_prefix('[')?.strip_suffix("s]")?;
    inner.trim_start().parse::<f64>().is_ok().then_some(stamp)
}

/// `text` ending with a line break (empty text stays empty): what a line diff of two runs
/// compares, so that a last line the same on both sides is not shown as removed and added
/// because only one side has a line after it.
pub fn line_ended(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}
