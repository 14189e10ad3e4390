//! `gradebook.csv`: one row per student, one column per exercise, and the total.

use super::Report;

/// The CSV text (RFC 4180: comma-separated, fields with commas or quotes quoted).
/// An exercise not handed in is an empty cell.
pub fn csv(report: &Report<'_>) -> String {
    let mut header = vec!["student".to_string()];
    header.extend(report.slugs.iter().cloned());
    header.extend(["total".to_string(), "max".to_string()]);
    let mut lines = vec![row(&header)];
    for graded in report.graded {
        let mut fields = vec![graded.id.clone()];
        fields.extend(report.slugs.iter().map(|slug| {
            report
                .points(graded, slug)
                .map_or_else(String::new, |(got, _)| got.to_string())
        }));
        let (got, max) = report.total(graded);
        fields.extend([got.to_string(), max.to_string()]);
        lines.push(row(&fields));
    }
    lines.join("\n") + "\n"
}

fn row(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| quote(f))
        .collect::<Vec<_>>()
        .join(",")
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(quote("alice"), "alice");
        assert_eq!(quote("Lee, Ann"), "\"Lee, Ann\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
