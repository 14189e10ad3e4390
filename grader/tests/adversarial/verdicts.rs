//! Reading what the grader decided about one attack: its score, its statuses, the words
//! of its feedback.

use super::*;

/// What became of one attack.
#[derive(Debug, Default)]
pub(crate) struct Row {
    /// `points/max` on the attacked exercise, or why there are none.
    pub(crate) score: String,
    /// Test statuses, counted (`fail×4 crash×2`), or `not graded`.
    pub(crate) statuses: String,
    /// What is wrong with it.
    pub(crate) problems: Vec<String>,
    /// The attack's own report lines (`GRADER-ADVERSARIAL-MARKER <attack>: ...`) found in
    /// its feedback: how far it got.
    pub(crate) said: Vec<String>,
}

pub(crate) fn judge(attack: &Attack, results: &Value, out: &Path) -> Row {
    let mut row = Row::default();
    let feedback =
        fs::read_to_string(out.join("feedback").join(format!("{}.md", attack.name))).ok();
    let mut words = feedback.clone().unwrap_or_default();
    let Some(student) = student(results, attack.name) else {
        // Rejected at intake: the reason is in `skipped`.
        let reason = results["skipped"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .find(|s| s.starts_with(&format!("{}:", attack.name)));
        match reason {
            Some(reason) => {
                row.score = "0".into();
                row.statuses = "rejected".into();
                words.push_str(reason);
            }
            None => {
                row.score = "?".into();
                row.statuses = "missing".into();
                row.problems
                    .push("neither graded nor listed as skipped".into());
            }
        }
        check_words(attack, &words, &mut row);
        return row;
    };
    if feedback.is_none() {
        row.problems.push("no feedback file".into());
    }
    let exercise = student["exercises"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["slug"] == attack.slug);
    let Some(exercise) = exercise else {
        row.score = "?".into();
        row.problems
            .push(format!("{} is not in its results", attack.slug));
        return row;
    };
    let points = exercise["points"].as_u64().unwrap_or(u64::MAX);
    let max = exercise["max_points"].as_u64().unwrap_or(0);
    row.score = format!("{points}/{max}");
    row.statuses = statuses(exercise);
    match attack.expect {
        Expect::Zero if points != 0 => row
            .problems
            .push(format!("scored {points}/{max} ({}), not 0", row.statuses)),
        Expect::HiddenFail => {
            let hidden = hidden_tests(results, attack.slug);
            let passed: Vec<&str> = exercise["tests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t["status"] == "passed")
                .filter_map(|t| t["name"].as_str())
                .filter(|name| hidden.contains(*name))
                .collect();
            if !passed.is_empty() || points >= max {
                row.problems.push(format!(
                    "scored {points}/{max}; hidden tests passed: {passed:?}"
                ));
            }
        }
        Expect::Zero => {}
    }
    for test in exercise["tests"].as_array().into_iter().flatten() {
        if let Some(ms) = test["duration_ms"].as_f64()
            && ms > TEST_WALL_MS
        {
            row.problems.push(format!(
                "test {} took {ms:.0} ms of real time",
                test["name"].as_str().unwrap_or("?")
            ));
        }
    }
    check_words(attack, &words, &mut row);
    row
}

pub(crate) fn check_words(attack: &Attack, text: &str, row: &mut Row) {
    let lower = text.to_lowercase();
    for word in attack.mention {
        if !lower.contains(&word.to_lowercase()) {
            row.problems
                .push(format!("the feedback does not mention `{word}`"));
        }
    }
    for leak in attack.forbid {
        if text.contains(leak) {
            row.problems
                .push(format!("the feedback leaks what the attack read: `{leak}`"));
        }
    }
    if text.contains(GOT_THROUGH) {
        row.problems.push(format!(
            "the attack says it got through: `{}`",
            text.lines()
                .find(|l| l.contains(GOT_THROUGH))
                .unwrap_or_default()
                .trim()
                .chars()
                .take(200)
                .collect::<String>()
        ));
    }
    let own = format!("{MARKER} {}:", attack.name);
    let mut said = BTreeSet::new();
    for line in text.lines() {
        if let Some(at) = line.find(&own) {
            // A blocking diagnosis quotes the line in backticks: keep only the line.
            let rest = &line[at + own.len()..];
            let mut line = rest
                .split('`')
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            if line.is_empty() {
                continue;
            }
            if line.len() > 160 {
                let cut = (0..=160)
                    .rev()
                    .find(|&i| line.is_char_boundary(i))
                    .unwrap_or(0);
                line.truncate(cut);
                line.push('…');
            }
            said.insert(line);
        }
    }
    row.said = said.into_iter().take(4).collect();
}

pub(crate) fn student<'a>(results: &'a Value, id: &str) -> Option<&'a Value> {
    results["students"]
        .as_array()?
        .iter()
        .find(|s| s["id"] == id)
}

pub(crate) fn hidden_tests(results: &Value, slug: &str) -> BTreeSet<String> {
    results["exercises"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["slug"] == slug)
        .flat_map(|e| e["tests"].as_array().into_iter().flatten())
        .filter(|t| t["hidden"] == true)
        .filter_map(|t| t["name"].as_str().map(str::to_string))
        .collect()
}

/// `pass×2 fail×4`, or why no test ran.
pub(crate) fn statuses(exercise: &Value) -> String {
    if exercise["submitted"] != true {
        return "not graded".into();
    }
    if exercise["compiled"] != true {
        return "not compiled".into();
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for test in exercise["tests"].as_array().into_iter().flatten() {
        let status = test["status"].as_str().unwrap_or("?").replace('_', " ");
        *counts.entry(status).or_default() += 1;
    }
    counts
        .iter()
        .map(|(status, n)| format!("{status}×{n}"))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------
// The class.
