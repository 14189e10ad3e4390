//! A hand-built class for the renderers (`tests/reports.rs`, `tests/html.rs`): a two-lesson
//! course with visible and hidden tests, and students at full marks, with a failing diff,
//! a compile error, a time-out, refused code, a lesson that produced no result, a
//! Unicode id and one with markup in it, plus an entry that could not be graded. Verdicts
//! come from outcomes through the grader's own `verdict::of`, as in a real run.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use grader::confine::scan::{Construct, Found, Refusal};
use grader::course::{Course, Exercise, Manifest, Suite};
use grader::fingerprint::Versions;
use grader::pipeline::build::BuildFailure;
use grader::pipeline::outcome::Outcome;
use grader::pipeline::run::Observed;
use grader::pipeline::verdict::{self, Expectations};
use grader::report::Report;
use grader::report::lang::Lang;
use grader::report::row::{HandInOutcome, Row};
use timeline_evidence::Evidence;

/// A line only the hidden test's expected run holds: no report may ever show it.
pub const HIDDEN_EXPECTED: &str = "[  7.000s] only the course knows this line";

/// The students, in report order.
pub const IDS: [&str; 6] = [
    "alice",
    "boris",
    "chen",
    "dana",
    "eve<script>alert(1)</script>",
    "Олег Петров",
];

/// What could not be graded.
pub const SKIPPED: &str = "notes.txt: not a folder, .zip, .tar or .tar.gz; hand in a folder \
                           or an archive named after the student";

/// The compiler's errors as the student sees them: their own path.
pub const COMPILE_ERROR: &str = "error[E0308]: mismatched types\n --> \
exercises/01-tick/src/lib.rs:3:5\n  |\n3 |     42\n  |     ^^ expected `()`, found integer";

const TICKS: &str = "[  0.000s] tick\n[  1.000s] tick\n=> returned after 2.000s: ()";
const WAITS: &str = "[  1.500s] exists!\n=> returned after 1.500s: ()";
const GATHERS: &str = "[  0.000s] a: start\n[  0.000s] b: start\n=> returned after 1.000s: [1, 2]";
const FAILS_FAST: &str = "=> returned after 0.500s: Err(\"b\")";

/// The class, its course and expectations, kept alive together.
#[derive(Debug)]
pub struct Class {
    /// Holds the snapshots the expectations were read from.
    pub dir: tempfile::TempDir,
    pub course: Course,
    pub expected: Expectations,
    pub graded: Vec<Row>,
    pub skipped: Vec<String>,
    /// The versions results.json records (fixed, so snapshots are stable).
    pub versions: Versions,
    /// Every id of the class.
    pub ids: Vec<String>,
}

impl Class {
    /// The report every renderer reads.
    pub fn report(&self) -> Report<'_> {
        Report {
            course: &self.course,
            slugs: self
                .course
                .exercises
                .iter()
                .map(|e| e.slug.clone())
                .collect(),
            rows: &self.graded,
            skipped: &self.skipped,
            roster: false,
            expected: &self.expected,
            protections: vec![
                "own process group, killed as a whole".to_string(),
                "seccomp: no new programs".to_string(),
            ],
            compiler_protections: Some("bwrap, unprivileged user, limits".to_string()),
            versions: &self.versions,
            shard: None,
            class: &self.ids,
            lang: Lang::En,
        }
    }
}

/// Builds the class.
pub fn class() -> Class {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let course = course(dir.path());
    let expected = Expectations::load(&course).expect("the fixture's snapshots read");
    let [tick, gather] = [&course.exercises[0], &course.exercises[1]];
    let of = |exercise: &Exercise, outcome: Outcome| verdict::of(exercise, &outcome, &expected);
    let ran = |runs: &[(&str, Observed)]| {
        Outcome::Ran(
            runs.iter()
                .map(|(name, observed)| (name.to_string(), observed.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    };
    let tick_right = || {
        ran(&[
            ("ticks", evidence(TICKS, None)),
            ("waits", evidence(WAITS, None)),
            ("hidden_ticks", evidence(HIDDEN_EXPECTED, None)),
        ])
    };
    let gather_right = || {
        ran(&[
            ("gathers", evidence(GATHERS, None)),
            ("fails_fast", evidence(FAILS_FAST, None)),
        ])
    };
    let blocked = "your code blocked for 1.0 s of real time between `[  0.000s] tick` and \
                   `[  0.000s] tick`, while the virtual clock stood still";
    let graded = vec![
        student(
            IDS[0],
            vec![of(tick, tick_right()), of(gather, gather_right())],
        ),
        student(
            IDS[1],
            vec![of(
                tick,
                ran(&[
                    (
                        "ticks",
                        evidence(
                            "[  0.000s] tick\n[  0.000s] tick\n=> returned after 1.000s: ()",
                            Some(blocked),
                        ),
                    ),
                    ("waits", evidence(WAITS, None)),
                    ("hidden_ticks", evidence(HIDDEN_EXPECTED, None)),
                ]),
            )],
        ),
        student(
            IDS[2],
            vec![
                of(
                    tick,
                    Outcome::NotCompiled(BuildFailure::Errors(COMPILE_ERROR.to_string())),
                ),
                of(
                    gather,
                    ran(&[
                        ("gathers", Observed::TimedOut(Duration::from_secs(10))),
                        (
                            "fails_fast",
                            evidence("=> returned after 3.000s: Ok([1, 2])", None),
                        ),
                    ]),
                ),
            ],
        ),
        student(
            IDS[3],
            vec![
                of(tick, tick_right()),
                of(gather, Outcome::NotRun("the test did not run".to_string())),
            ],
        ),
        student(IDS[4], vec![of(tick, tick_right())]),
        student(
            IDS[5],
            vec![of(
                tick,
                Outcome::Refused(Refusal {
                    undeclared: Vec::new(),
                    found: vec![Found {
                        file: "src/lib.rs".into(),
                        line: 1,
                        construct: Construct::IncludeStr,
                    }],
                }),
            )],
        ),
    ];
    let mut graded = graded;
    graded[5].notes.push(
        "Ignored: exercises/01-tick/tests/ticks.rs (changed; the course's copy is used: only \
         src/**/*.rs is graded)"
            .to_string(),
    );
    Class {
        dir,
        course,
        expected,
        graded,
        skipped: vec![SKIPPED.to_string()],
        versions: Versions {
            grader: "0.1.0+0123456789abcdef".to_string(),
            course: "fedcba9876543210".to_string(),
        },
        ids: IDS.iter().map(|id| id.to_string()).collect(),
    }
}

fn student(id: &str, exercises: Vec<verdict::ExerciseVerdict>) -> Row {
    Row {
        id: id.into(),
        name: None,
        lms_id: None,
        entry: Some(id.to_string()),
        notes: Vec::new(),
        outcome: HandInOutcome::Graded(exercises),
    }
}

fn evidence(rendered: &str, blocking: Option<&str>) -> Observed {
    Observed::Evidence(Box::new(Evidence {
        suite: String::new(),
        test: String::new(),
        rendered: rendered.to_string(),
        blocking: blocking.map(str::to_string),
        wall_ms: 3.0,
        module: String::new(),
        nonce: String::new(),
        ties_sorted: true,
        held_ms: 0.0,
        blocked: false,
        leftovers: None,
        hang: None,
        checks: Default::default(),
    }))
}

/// Two lessons, each with its snapshots written under `dir`.
fn course(dir: &Path) -> Course {
    let tick = exercise(
        dir,
        "01-tick",
        "package = \"exercise-01\"\ntitle = { en = \"Tick\", ru = \"Тик\" }\n\
         hint = \"Run both in `tokio::select!`.\"\n\
         [[tests]]\nname = \"ticks\"\npoints = 2\ndescription = \"Ticks every second.\"\n\
         hint = \"Sleep with `.await`.\"\n\
         [[tests]]\nname = \"waits\"\npoints = 1\ndescription = \"Waits for the file.\"\n\
         [[tests]]\nname = \"hidden_ticks\"\npoints = 3\nhidden = true\n\
         description = \"Ticks with another period.\"\n",
        &[
            ("ticks", false, TICKS),
            ("waits", false, WAITS),
            ("hidden_ticks", true, HIDDEN_EXPECTED),
        ],
    );
    let gather = exercise(
        dir,
        "02-gather",
        "package = \"exercise-02\"\ntitle = { en = \"Gather\", ru = \"Сбор\" }\n\
         [[tests]]\nname = \"gathers\"\npoints = 2\ndescription = \"Runs all at once.\"\n\
         [[tests]]\nname = \"fails_fast\"\npoints = 2\nhidden = true\n\
         description = \"Stops at the first failure.\"\n",
        &[
            ("gathers", false, GATHERS),
            ("fails_fast", true, FAILS_FAST),
        ],
    );
    Course {
        root: dir.to_path_buf(),
        exercises: vec![tick, gather],
    }
}

/// One lesson: a suite per test, each with its snapshot.
fn exercise(dir: &Path, slug: &str, manifest: &str, tests: &[(&str, bool, &str)]) -> Exercise {
    let manifest: Manifest = toml::from_str(manifest).expect("the fixture's manifest parses");
    let snapshots = dir.join(slug).join("snapshots");
    let suites = tests
        .iter()
        .map(|(name, hidden, run)| {
            let suite = Suite {
                name: (*name).to_string(),
                path: PathBuf::from(format!("{name}.rs")),
                snapshots: snapshots.clone(),
                hidden: *hidden,
                tests: vec![(*name).to_string()],
            };
            let path = grader::snapshot::path(&suite, name);
            grader::snapshot::write(&path, &suite.path, run).expect("snapshot written");
            suite
        })
        .collect();
    Exercise {
        slug: slug.to_string(),
        manifest,
        dir: dir.join(slug),
        grading_dir: dir.join(slug),
        suites,
    }
}
