//! `report.html`: the class at a glance, for the instructor. One self-contained page: inline
//! CSS and inline SVG, no script, no font, image or style from anywhere (its Content
//! Security Policy forbids every fetch). Per lesson a chart of the score distribution; the
//! pass rate of every test, hardest first; every student's row, linking to their feedback
//! file. Every text from a submission (ids, notes) is escaped.

use std::fmt::Write as _;

use super::Report;
use super::row::Row;
use crate::course::Exercise;
use crate::pipeline::verdict::{ExerciseVerdict, Fate, Status};

/// No fetch of any kind, no script; inline styles only.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1,h2{font-weight:600}
table{border-collapse:collapse;margin:1em 0}
th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.lessons{display:flex;flex-wrap:wrap;gap:1.5em}
.lesson{flex:0 0 22em}
.lesson h3{font-size:1em;margin:.2em 0}
svg text{font-size:11px;fill:#333}
.full{background:#e6f4ea}.partial{background:#fff7e0}.zero{background:#fde8e8}
.broken{background:#f3e5f5}.missing{color:#888}
.hidden{color:#666;font-size:.85em}
";

/// Width and height of a lesson's chart, and the room kept for its labels.
const CHART_W: u32 = 320;
const CHART_H: u32 = 140;
const LABEL_H: u32 = 16;

/// Per-score bars up to this many points; above it the scores are put in this many bins.
const MAX_BARS: u32 = 30;

/// The whole page.
pub fn page(report: &Report<'_>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Class report</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
    );
    out.push_str(&summary(report));
    out.push_str(&lessons(report));
    out.push_str(&tests(report));
    out.push_str(&students(report));
    out.push_str(&skipped(report));
    out.push_str("</body>\n</html>\n");
    out
}

/// Text made safe inside an element or an attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The relative link to a student's feedback file: `feedback/<file_name(id)>.md`, every
/// byte outside the URL-safe set percent-encoded (the name keeps an id's Unicode).
pub fn feedback_href(id: &str) -> String {
    let name = format!("{}.md", super::file_name(id));
    let mut href = String::from("feedback/");
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            href.push(char::from(byte));
        } else {
            let _ = write!(href, "%{byte:02X}");
        }
    }
    href
}

fn exercises<'a>(report: &'a Report<'_>) -> impl Iterator<Item = &'a Exercise> {
    let course = report.course.exercises.iter();
    course.filter(|e| report.slugs.contains(&e.slug))
}

fn number(slug: &str) -> &str {
    slug.split('-').next().unwrap_or(slug)
}

/// `k%` of `n`, rounded; `None` when there is nothing to divide.
fn percent(k: usize, n: usize) -> Option<usize> {
    (n > 0).then(|| (k * 200 + n) / (2 * n))
}

fn summary(report: &Report<'_>) -> String {
    let students = report.rows.len();
    let max = exercises(report).map(Exercise::max_points).sum::<u32>();
    let sum: u32 = report.rows.iter().map(|g| report.total(g).0).sum();
    let mean = if students == 0 {
        0.0
    } else {
        f64::from(sum) / students as f64
    };
    let full = report
        .rows
        .iter()
        .filter(|g| max > 0 && report.total(g).0 == max)
        .count();
    let skipped = match not_graded(report).len() {
        0 => String::new(),
        n => format!("; <a href=\"#skipped\">{n} hand-in(s) not graded</a>"),
    };
    format!(
        "<h1>Class report</h1>\n<p id=\"summary\"><span id=\"students\">{students}</span> \
         student(s) graded; mean total <span id=\"mean\">{mean:.1}</span> of {max} points; \
         {full} at full marks{skipped}.</p>\n"
    )
}

fn lessons(report: &Report<'_>) -> String {
    let mut out = String::from("<h2>Scores per lesson</h2>\n<div class=\"lessons\">\n");
    for exercise in exercises(report) {
        out.push_str(&lesson(report, exercise));
    }
    out.push_str("</div>\n");
    out
}

/// The points of every student who handed the lesson in.
fn scores(report: &Report<'_>, slug: &str) -> Vec<u32> {
    let graded = report.rows.iter();
    graded
        .filter_map(|g| report.points(g, slug).map(|(got, _)| got))
        .collect()
}

fn lesson(report: &Report<'_>, exercise: &Exercise) -> String {
    let scores = scores(report, &exercise.slug);
    let max = exercise.max_points();
    let mean = if scores.is_empty() {
        "-".to_string()
    } else {
        format!(
            "{:.1}",
            f64::from(scores.iter().sum::<u32>()) / scores.len() as f64
        )
    };
    format!(
        "<section class=\"lesson\" id=\"lesson-{slug}\">\n<h3>{n} {title}</h3>\n\
         <p>handed in by {k} of {total}; mean {mean} of {max}</p>\n{chart}</section>\n",
        slug = escape(&exercise.slug),
        n = escape(number(&exercise.slug)),
        title = escape(&exercise.manifest.title.en),
        k = scores.len(),
        total = report.rows.len(),
        chart = chart(&exercise.slug, &bins(&scores, max)),
    )
}

/// One bar of a chart: the scores `low..=high` and how many students got one of them.
#[derive(Debug, PartialEq, Eq)]
struct Bin {
    low: u32,
    high: u32,
    count: usize,
}

/// The score distribution: a bar per score up to [`MAX_BARS`] points, else ten even bins.
fn bins(scores: &[u32], max: u32) -> Vec<Bin> {
    let width = if max <= MAX_BARS {
        1
    } else {
        (max + 1).div_ceil(10)
    };
    (0..=max)
        .step_by(width as usize)
        .map(|low| {
            let high = (low + width - 1).min(max);
            let count = scores
                .iter()
                .filter(|&&s| (low..=high).contains(&s))
                .count();
            Bin { low, high, count }
        })
        .collect()
}

/// A bar chart as inline SVG: each bar's count above it (when not 0) and its score below
/// (every bar's when there are few, else every fifth and the last, so labels never overlap).
fn chart(slug: &str, bins: &[Bin]) -> String {
    let mut out = format!(
        "<svg class=\"chart\" width=\"{CHART_W}\" height=\"{CHART_H}\" role=\"img\" \
         aria-label=\"score distribution of {}\">\n",
        escape(slug)
    );
    let most = bins.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let slot = CHART_W / u32::try_from(bins.len().max(1)).unwrap_or(1);
    for (index, bin) in bins.iter().enumerate() {
        let labelled = bins.len() <= 12 || index % 5 == 0 || index + 1 == bins.len();
        out.push_str(&bar(
            bin,
            slot * u32::try_from(index).unwrap_or(0),
            slot,
            most,
            labelled,
        ));
    }
    out.push_str("</svg>\n");
    out
}

/// One bar at `x`, `slot` wide, scaled so that `most` students fill the chart's height.
fn bar(bin: &Bin, x: u32, slot: u32, most: usize, labelled: bool) -> String {
    let room = CHART_H - 2 * LABEL_H;
    let h = u32::try_from(bin.count * room as usize / most).unwrap_or(room);
    let y = LABEL_H + room - h;
    let mid = x + slot / 2;
    let label = if bin.low == bin.high {
        bin.low.to_string()
    } else {
        format!("{}-{}", bin.low, bin.high)
    };
    let mut out = format!(
        "<g><title>{label} points: {count} student(s)</title>\
         <rect x=\"{rx}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"#4a78b5\"/>",
        count = bin.count,
        rx = x + 1,
        w = slot.saturating_sub(2).max(1),
    );
    if bin.count > 0 {
        let _ = write!(
            out,
            "<text class=\"count\" x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            y.saturating_sub(3).max(10),
            bin.count
        );
    }
    if labelled {
        let _ = write!(
            out,
            "<text class=\"score\" x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            CHART_H - 3
        );
    }
    out.push_str("</g>\n");
    out
}

/// How one test went across the class.
#[derive(Debug)]
struct Rate<'a> {
    slug: &'a str,
    name: &'a str,
    hidden: bool,
    passed: usize,
    handed_in: usize,
}

/// Every test of the graded lessons with how many of those who handed the lesson in
/// passed it, hardest first (tests nobody handed in last).
fn rates<'a>(report: &'a Report<'_>) -> Vec<Rate<'a>> {
    let mut rates: Vec<Rate<'a>> = Vec::new();
    for exercise in exercises(report) {
        let verdicts: Vec<&ExerciseVerdict> = report
            .rows
            .iter()
            .filter_map(|g| g.exercises().iter().find(|e| e.slug == exercise.slug))
            .collect();
        for spec in &exercise.manifest.tests {
            let passed = verdicts
                .iter()
                .filter(|v| {
                    v.tests
                        .iter()
                        .any(|t| t.name == spec.name && t.status == Status::Passed)
                })
                .count();
            rates.push(Rate {
                slug: &exercise.slug,
                name: &spec.name,
                hidden: spec.hidden,
                passed,
                handed_in: verdicts.len(),
            });
        }
    }
    // Stable: ties keep course order.
    rates.sort_by_key(|r| percent(r.passed, r.handed_in).unwrap_or(usize::MAX));
    rates
}

fn tests(report: &Report<'_>) -> String {
    let mut out = String::from(
        "<h2>Tests, hardest first</h2>\n<table id=\"tests\">\n<thead><tr><th>lesson</th>\
         <th>test</th><th class=\"num\">passed</th><th class=\"num\">rate</th><th></th>\
         </tr></thead>\n<tbody>\n",
    );
    for rate in rates(report) {
        out.push_str(&rate_row(&rate));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn rate_row(rate: &Rate<'_>) -> String {
    let (shown, width) = match percent(rate.passed, rate.handed_in) {
        Some(p) => (format!("{p}%"), p),
        None => ("-".to_string(), 0),
    };
    let hidden = if rate.hidden {
        " <span class=\"hidden\">(hidden)</span>"
    } else {
        ""
    };
    format!(
        "<tr><td>{n}</td><td><code>{name}</code>{hidden}</td>\
         <td class=\"num\">{passed} of {of}</td><td class=\"num rate\">{shown}</td>\
         <td><svg width=\"100\" height=\"10\" role=\"img\" aria-label=\"{shown}\">\
         <rect width=\"100\" height=\"10\" fill=\"#eee\"/>\
         <rect width=\"{width}\" height=\"10\" fill=\"#3c9a5f\"/></svg></td></tr>\n",
        n = escape(number(rate.slug)),
        name = escape(rate.name),
        passed = rate.passed,
        of = rate.handed_in,
    )
}

fn students(report: &Report<'_>) -> String {
    let mut out = String::from(
        "<h2>Students</h2>\n<table id=\"students-table\">\n<thead><tr><th>student</th>",
    );
    for exercise in exercises(report) {
        let _ = write!(
            out,
            "<th class=\"num\" title=\"{}\">{}</th>",
            escape(&exercise.manifest.title.en),
            escape(number(&exercise.slug))
        );
    }
    out.push_str("<th class=\"num\">total</th></tr></thead>\n<tbody>\n");
    for graded in report.rows {
        out.push_str(&student_row(report, graded));
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

fn student_row(report: &Report<'_>, graded: &Row) -> String {
    let mut out = format!(
        "<tr><td><a href=\"{}\">{}</a></td>",
        escape(&feedback_href(&graded.id)),
        escape(&graded.id)
    );
    for exercise in exercises(report) {
        let verdict = graded.exercises().iter().find(|e| e.slug == exercise.slug);
        out.push_str(&cell(verdict, exercise.max_points()));
    }
    let (got, max) = report.total(graded);
    let _ = writeln!(out, "<td class=\"num\">{got} / {max}</td></tr>");
    out
}

/// One lesson of one student: the points, coloured by how far the code got.
fn cell(verdict: Option<&ExerciseVerdict>, max: u32) -> String {
    let Some(verdict) = verdict else {
        return "<td class=\"num missing\" title=\"not handed in\">-</td>".to_string();
    };
    let points = verdict.points();
    let (class, title) = match &verdict.fate {
        Fate::Refused(_) => ("broken", "refused before building"),
        Fate::NotCompiled(_) => ("broken", "did not compile"),
        Fate::NotRun(_) => ("broken", "compiled, but its tests produced no result"),
        _ if points == max => ("full", "full marks"),
        _ if points == 0 => ("zero", "no test passed"),
        _ => ("partial", "some tests passed"),
    };
    format!("<td class=\"num {class}\" title=\"{title}\">{points}</td>")
}

/// What was not graded: the rows that could not be (with why) and the entries that are
/// no student's.
fn not_graded(report: &Report<'_>) -> Vec<String> {
    let rows = report
        .rows
        .iter()
        .filter_map(|r| r.reason().map(|why| format!("{}: {why}", r.id)));
    rows.chain(report.skipped.iter().cloned()).collect()
}

fn skipped(report: &Report<'_>) -> String {
    let entries = not_graded(report);
    if entries.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>Not graded</h2>\n<ul id=\"skipped\">\n");
    for entry in &entries {
        let _ = writeln!(out, "<li>{}</li>", escape(entry));
    }
    out.push_str("</ul>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_from_submissions() {
        assert_eq!(
            escape("<script>a&b</script>\"'"),
            "&lt;script&gt;a&amp;b&lt;/script&gt;&quot;&#39;"
        );
    }

    #[test]
    fn links_percent_encode_what_urls_cannot_hold() {
        assert_eq!(feedback_href("alice"), "feedback/alice.md");
        let oleg = feedback_href("Олег");
        assert!(oleg.starts_with("feedback/%D0%9E%D0%BB"), "{oleg}");
        assert!(oleg.ends_with(".md") && oleg.is_ascii(), "{oleg}");
        let name = format!("{}.md", crate::report::file_name("Nina Petrova"));
        assert_eq!(feedback_href("Nina Petrova"), format!("feedback/{name}"));
    }

    #[test]
    fn percentages_round_half_up_and_never_divide_by_zero() {
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(0, 5), Some(0));
        assert_eq!(percent(5, 5), Some(100));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn small_lessons_get_a_bar_per_score_large_ones_ten_bins() {
        let small = bins(&[0, 2, 2, 3], 3);
        let counts: Vec<usize> = small.iter().map(|b| b.count).collect();
        assert_eq!(counts, [1, 0, 2, 1]);
        let large = bins(&[0, 45, 99, 100], 100);
        assert_eq!(large.len(), 10);
        assert_eq!(
            large[0],
            Bin {
                low: 0,
                high: 10,
                count: 1
            }
        );
        assert_eq!(
            large[9],
            Bin {
                low: 99,
                high: 100,
                count: 2
            }
        );
        // Full marks fall in the last bin, never off the chart.
        let total: usize = large.iter().map(|b| b.count).sum();
        assert_eq!(total, 4, "{large:?}");
    }
}
