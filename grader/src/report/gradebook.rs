//! `gradebook.csv`: one row per student, one column per exercise, and the total.

use anyhow::{Context, Result};

use super::Report;
use crate::pipeline::verdict::Graded;

/// The CSV text (RFC 4180 through the `csv` crate: comma-separated, `\n`-terminated, a
/// field quoted only when it holds a comma, a quote or a line break). An exercise not
/// handed in is an empty cell.
pub fn csv(report: &Report<'_>) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header(report))?;
    for graded in report.graded {
        writer.write_record(row(report, graded))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("{}", e.error()))
        .context("cannot write the gradebook")?;
    String::from_utf8(bytes).context("the gradebook is not UTF-8")
}

fn header(report: &Report<'_>) -> Vec<String> {
    let mut header = vec!["student".to_string()];
    header.extend(report.slugs.iter().cloned());
    header.extend(["total".to_string(), "max".to_string()]);
    header
}

fn row(report: &Report<'_>, graded: &Graded) -> Vec<String> {
    let mut fields = vec![graded.id.clone()];
    fields.extend(report.slugs.iter().map(|slug| {
        report
            .points(graded, slug)
            .map_or_else(String::new, |(got, _)| got.to_string())
    }));
    let (got, max) = report.total(graded);
    fields.extend([got.to_string(), max.to_string()]);
    fields
}

#[cfg(test)]
mod tests {
    /// One record through the same writer settings as the gradebook.
    fn record(fields: &[&str]) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(fields).unwrap();
        String::from_utf8(writer.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn quotes_only_what_needs_quoting_and_reads_back() {
        let fields = [
            "alice",
            "Lee, Ann",
            "say \"hi\"",
            "two\nlines",
            "Олег",
            "",
            "9",
        ];
        let text = record(&fields);
        assert_eq!(
            text,
            "alice,\"Lee, Ann\",\"say \"\"hi\"\"\",\"two\nlines\",Олег,,9\n"
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let back = reader.records().next().unwrap().unwrap();
        assert_eq!(back.iter().collect::<Vec<_>>(), fields);
    }
}
