//! `gradebook.csv`: one row per student (every entry of the submissions folder, and with
//! a roster every student on it), one column per exercise, the total, and the row's status.

use anyhow::Result;

use super::Report;
use super::row::Row;

/// The CSV text (RFC 4180, written by the `csv` crate). An exercise not handed in (or not
/// graded) is an empty cell; `status` is `graded`, `not gradable: <why and what to do>` or
/// `nothing handed in`. With a roster, `name` and `lms_id` follow `student`.
pub fn csv(report: &Report<'_>) -> Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header = vec!["student".to_string()];
    if report.roster {
        header.extend(["name".to_string(), "lms_id".to_string()]);
    }
    header.extend(report.slugs.iter().cloned());
    header.extend(["total", "max", "status"].map(String::from));
    writer.write_record(&header)?;
    for row in report.rows {
        writer.write_record(fields(report, row))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

/// One student's fields, in the header's order.
fn fields(report: &Report<'_>, row: &Row) -> Vec<String> {
    let mut fields = vec![row.id.to_string()];
    if report.roster {
        fields.push(row.name.clone().unwrap_or_default());
        fields.push(row.lms_id.clone().unwrap_or_default());
    }
    fields.extend(report.slugs.iter().map(|slug| {
        report
            .points(row, slug)
            .map_or_else(String::new, |(got, _)| got.to_string())
    }));
    let (got, max) = report.total(row);
    fields.extend([got.to_string(), max.to_string(), status(row)]);
    fields
}

/// The status cell.
fn status(row: &Row) -> String {
    match (row.is_graded(), row.reason()) {
        (false, Some(reason)) if row.entry.is_some() => format!("{}: {reason}", row.status()),
        _ => row.status().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::course::Course;
    use crate::pipeline::roster::Roster;
    use crate::pipeline::submission::{NotGradable, Submission};
    use crate::pipeline::verdict::{Expectations, Graded};
    use crate::report::lang::Lang;
    use crate::report::{Report, row};

    #[test]
    fn every_row_is_a_csv_record_that_reads_back() {
        let course = Course::load(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()).unwrap();
        let roster = Roster::parse(
            "Nina Petrova,\"Petrova, Nina\",\"10\"\"03\"\nОлег,Олег,\nabsent,\"Ab, Sent\",7\n",
        )
        .unwrap();
        let graded = Graded {
            id: "Nina Petrova".into(),
            exercises: Vec::new(),
            notes: Vec::new(),
        };
        let submission = Submission {
            id: "Nina Petrova".into(),
            entry: "Nina Petrova.tgz".into(),
            ..Submission::default()
        };
        let refused = NotGradable {
            id: "Олег".into(),
            entry: "Олег.zip".into(),
            reason: "`Олег.zip` is broken, \"badly\"; hand it in again".into(),
            notes: Vec::new(),
        };
        let (rows, _) = row::rows(vec![graded], &[submission], vec![refused], Some(&roster));
        let expected = Expectations::default();
        let slugs = vec![course.exercises[0].slug.clone()];
        let mut report = Report::for_tests(&course, slugs, &rows, &expected, Lang::En);
        report.roster = true;
        let text = super::csv(&report).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let records: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let max = course.exercises[0].max_points().to_string();
        assert_eq!(
            records,
            [
                [
                    "Nina Petrova",
                    "Petrova, Nina",
                    "10\"03",
                    "",
                    "0",
                    &max,
                    "graded"
                ],
                [
                    "absent",
                    "Ab, Sent",
                    "7",
                    "",
                    "0",
                    &max,
                    "nothing handed in"
                ],
                [
                    "Олег",
                    "Олег",
                    "",
                    "",
                    "0",
                    &max,
                    "not gradable: `Олег.zip` is broken, \"badly\"; hand it in again"
                ],
            ],
            "{text}"
        );
    }
}
