//! The table printed at the end of a grading run: student x exercise, with totals.

use std::fmt::Write as _;

use super::Report;

/// Renders the table; exercises are headed by their number.
pub fn render(report: &Report<'_>) -> String {
    let width = report
        .rows
        .iter()
        .map(|g| g.id.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let headers: Vec<String> = report
        .slugs
        .iter()
        .map(|s| s.split('-').next().unwrap_or(s).to_string())
        .collect();
    let cells: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|graded| {
            let mut row: Vec<String> = report
                .slugs
                .iter()
                .map(|slug| match report.points(graded, slug) {
                    Some((got, max)) => format!("{got}/{max}"),
                    None => "-".to_string(),
                })
                .collect();
            let (got, max) = report.total(graded);
            row.push(format!("{got}/{max}"));
            row
        })
        .collect();
    let mut columns: Vec<String> = headers;
    columns.push("total".to_string());
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, h)| {
            cells
                .iter()
                .map(|r| r[i].len())
                .chain([h.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let _ = write!(out, "{:width$}", "student");
    for (header, w) in columns.iter().zip(&widths) {
        let _ = write!(out, "  {header:>w$}");
    }
    out.push('\n');
    for (graded, row) in report.rows.iter().zip(&cells) {
        let _ = write!(out, "{:width$}", graded.id);
        for (cell, w) in row.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>w$}");
        }
        out.push('\n');
    }
    for row in report.rows {
        if let (Some(reason), Some(entry)) = (row.reason(), &row.entry) {
            let _ = writeln!(out, "not graded {entry}: {reason}");
        } else if let Some(reason) = row.reason() {
            let _ = writeln!(out, "{reason}: {}", row.id);
        }
    }
    for skipped in report.skipped {
        let _ = writeln!(out, "skipped {skipped}");
    }
    out
}
