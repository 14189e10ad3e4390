//! A class as instructors receive it, graded end to end by the real `grader` binary: every
//! entry of the submissions folder ends as exactly one row of every report and one
//! feedback file, graded or saying why not, and the exit code says whether all were graded.
//!
//! The class (lesson 01 only, to keep it quick), built in a temporary folder:
//! - `Олег/` and `Иван/` (Cyrillic ids of one length), honest folders;
//! - `Nina Petrova.tar.gz`, made like `tar -C work -czf ... .` (entries `./exercises/...`);
//! - `Nina_Petrova.ZIP` (an upper-case extension), `tarred.tar` (not compressed);
//! - `wrapped.tgz`: a top folder, and the lesson folder without `src/`;
//! - `bare/src/lib.rs`: no lesson folder, known by its functions;
//! - `compile-error/`: lesson 01 with a type error;
//! - `corrupt.zip` (not a zip) and `linked` (a symbolic link to `Олег/`): not gradable;
//! - `stray/`: honest, but not on the roster;
//! - the roster (`roster.csv`, inside the folder) adds `absent`, who handed in nothing;
//! - `--out` is `grades/`, inside the submissions folder, and holds a stale file.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

const LESSON: &str = "01-tick-file-watch";

/// Every row, and what it must come to: `full` (full marks), `partial` (graded, below
/// full marks), `not gradable`, `nothing handed in`.
const ROWS: [(&str, &str); 12] = [
    ("absent", "nothing handed in"),
    ("bare", "full"),
    ("compile-error", "partial"),
    ("corrupt", "not gradable"),
    ("linked", "not gradable"),
    ("Nina Petrova", "full"),
    ("Nina_Petrova", "full"),
    ("stray", "full"),
    ("tarred", "full"),
    ("wrapped", "full"),
    ("Иван", "full"),
    ("Олег", "full"),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .into()
}

fn solution() -> Vec<u8> {
    fs::read(root().join("solutions").join(LESSON).join("src/lib.rs")).unwrap()
}

fn grade(class: &Path, extra: &[&str]) -> Output {
    Command::new(assert_cmd::cargo::cargo_bin("grader"))
        .arg("grade")
        .arg(class)
        .args(["-e", "01", "--gradescope", "--roster"])
        .arg(class.join("roster.csv"))
        .arg("--out")
        .arg(class.join("grades"))
        .args(extra)
        .env_remove("TIMELINE_EVIDENCE")
        .output()
        .unwrap()
}

#[test]
fn every_entry_is_one_row_of_every_report_and_one_feedback_file() {
    let work = tempfile::tempdir().unwrap();
    let class = work.path().join("class");
    write_class(&class);

    // A dry run lists everyone, in seconds, and writes nothing.
    let started = Instant::now();
    let dry = grade(&class, &["--dry-run"]);
    let listing = String::from_utf8_lossy(&dry.stdout);
    let log = String::from_utf8_lossy(&dry.stderr);
    assert_eq!(dry.status.code(), Some(1), "{listing}\n{log}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    for (id, _) in ROWS {
        assert!(
            listing.lines().any(|l| l.starts_with(id)),
            "{id} not listed:\n{listing}"
        );
    }
    for words in [
        "absent: nothing handed in (on the roster)",
        "stray (not on the roster): folder `stray`, lessons 01",
        "Nina_Petrova: .zip `Nina_Petrova.ZIP`, lessons 01",
        "corrupt: NOT GRADABLE `corrupt.zip`",
        "note: Read `src/` as `exercises/01-tick-file-watch/src/`",
        "skipped grades: the grader's own (its --out or --roster)",
    ] {
        assert!(listing.contains(words), "no `{words}` in:\n{listing}");
    }
    assert!(!class.join("grades/gradebook.csv").exists());

    let output = grade(&class, &[]);
    let table = String::from_utf8_lossy(&output.stdout);
    let log = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{table}\n{log}");
    assert!(
        log.contains("warning: `stray` (entry `stray`) is not on the roster; graded anyway"),
        "{log}"
    );
    assert!(
        table.contains("\nskipped grades: the grader's own (its --out or --roster)"),
        "{table}"
    );
    let out = class.join("grades");
    check_gradebook(&out);
    check_results(&out);
    check_junit(&out);
    check_html(&out);
    check_feedback(&out);
    // The table: a header and a row each, in columns (Cyrillic ids padded like any).
    let lines: Vec<&str> = table.lines().take(ROWS.len() + 1).collect();
    let mut ids: Vec<&str> = ROWS.iter().map(|(id, _)| *id).collect();
    ids.sort();
    for (line, id) in lines[1..].iter().zip(ids) {
        assert!(line.starts_with(id), "{id} is not in its place:\n{table}");
    }
    let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    assert!(
        widths.iter().all(|w| *w == widths[0]),
        "{widths:?}:\n{table}"
    );
}

fn check_gradebook(out: &Path) {
    let mut reader = csv::Reader::from_path(out.join("gradebook.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "student", "name", "lms_id", LESSON, "total", "max", "status"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    let mut expected: Vec<&str> = ROWS.iter().map(|(id, _)| *id).collect();
    expected.sort();
    assert_eq!(ids, expected, "one row per entry and per roster student");
    for row in &rows {
        let what = ROWS.iter().find(|(id, _)| *id == &row[0]).unwrap().1;
        let (total, max, status) = (&row[4], &row[5], &row[6]);
        match what {
            "full" => assert_eq!((total, status), (max, "graded"), "{row:?}"),
            "partial" => assert!(total != max && status == "graded", "{row:?}"),
            "not gradable" => assert!(
                total == "0" && status.starts_with("not gradable: `") && status.contains("; "),
                "a reason and what to do: {row:?}"
            ),
            _ => assert_eq!((total, status), ("0", "nothing handed in"), "{row:?}"),
        }
    }
    let absent = rows.iter().find(|r| &r[0] == "absent").unwrap();
    assert_eq!((&absent[1], &absent[2]), ("Absent Student", "9009"));
    let oleg = rows.iter().find(|r| &r[0] == "Олег").unwrap();
    assert_eq!((&oleg[1], &oleg[2]), ("Олег Петров", "9001"));
}

fn check_results(out: &Path) {
    let results: Value =
        serde_json::from_slice(&fs::read(out.join("results.json")).unwrap()).unwrap();
    let students = results["students"].as_array().unwrap();
    assert_eq!(students.len(), ROWS.len());
    let by_id: BTreeMap<&str, &Value> = students
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s))
        .collect();
    assert_eq!(by_id["corrupt"]["status"], "not_gradable");
    assert!(
        by_id["linked"]["reason"]
            .as_str()
            .unwrap()
            .contains("symbolic link"),
        "{}",
        by_id["linked"]
    );
    assert_eq!(by_id["absent"]["status"], "nothing_handed_in");
    assert_eq!(by_id["absent"]["name"], "Absent Student");
    assert_eq!(by_id["Олег"]["status"], "graded");
    assert_eq!(by_id["Олег"]["entry"], "Олег");
    assert_eq!(by_id["compile-error"]["exercises"][0]["compiled"], false);
    // The compiler's own error, in the student's terms, is in the JSON too.
    let errors = by_id["compile-error"]["exercises"][0]["compile_errors"]
        .as_str()
        .unwrap_or_default();
    assert!(
        errors.contains("error[E0308]"),
        "{}",
        by_id["compile-error"]
    );
    assert!(errors.contains("src/lib.rs"), "{errors}");
}

fn check_junit(out: &Path) {
    let junit = fs::read_to_string(out.join("junit.xml")).unwrap();
    for (id, what) in ROWS {
        let suite = match what {
            "full" | "partial" => format!("<testsuite name=\"{id} {LESSON}\""),
            _ => format!("<testsuite name=\"{id}\""),
        };
        assert_eq!(junit.matches(&suite).count(), 1, "{suite} in:\n{junit}");
    }
    assert!(junit.contains("type=\"not gradable\""), "{junit}");
    assert!(junit.contains("type=\"nothing handed in\""), "{junit}");
    assert!(
        junit.contains("error[E0308]"),
        "the compiler's error reaches JUnit:\n{junit}"
    );
}

fn check_html(out: &Path) {
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    for (id, _) in ROWS {
        let shown = id.replace('&', "&amp;").replace('<', "&lt;");
        assert!(html.contains(&shown), "report.html names `{id}`");
    }
}

fn check_feedback(out: &Path) {
    let files: Vec<String> = fs::read_dir(out.join("feedback"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), ROWS.len(), "one feedback file each: {files:?}");
    let feedback = |id: &str| {
        let path = out
            .join("feedback")
            .join(format!("{}.md", grader::report::file_name(id)));
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&format!("# Feedback: {id}\n")), "{text}");
        text
    };
    for (id, _) in ROWS {
        feedback(id);
    }
    for (id, words) in [
        (
            "corrupt",
            "Not graded: `corrupt.zip` is not a readable zip archive (",
        ),
        ("linked", "Not graded: `linked` is a symbolic link"),
        (
            "absent",
            "Nothing handed in: the submissions folder has no entry named `absent`",
        ),
        ("stray", "Your id `stray` is not on the class roster"),
        (
            "bare",
            "Read `src/` as `exercises/01-tick-file-watch/src/` (it defines that lesson's",
        ),
        (
            "wrapped",
            "Read `course-main/exercises/01-tick-file-watch/` as `exercises/01-tick-file-watch/`",
        ),
        ("wrapped", "(a lesson folder without src/)"),
        ("compile-error", "did not compile"),
    ] {
        let text = feedback(id);
        assert!(
            text.contains(words),
            "{id}'s feedback lacks `{words}`:\n{text}"
        );
    }
    for id in ["Олег", "Nina Petrova", "Nina_Petrova", "tarred"] {
        let text = feedback(id);
        assert!(!text.contains("\n> "), "{id} needs no note:\n{text}");
    }
    for (id, _) in ROWS {
        let path = out
            .join("gradescope")
            .join(grader::report::file_name(id))
            .join("results.json");
        assert!(path.is_file(), "no {}", path.display());
    }
}

/// Writes the class described in the module docs.
fn write_class(class: &Path) {
    let lib = solution();
    let lib_path = format!("exercises/{LESSON}/src/lib.rs");
    for id in ["Олег", "Иван", "stray"] {
        write_file(&class.join(id).join(&lib_path), &lib);
    }
    let mut broken = lib.clone();
    broken.extend_from_slice(b"\npub fn broken() -> u32 {\n    \"three\"\n}\n");
    write_file(&class.join("compile-error").join(&lib_path), &broken);
    write_file(&class.join("bare/src/lib.rs"), &lib);
    tar(
        &class.join("Nina Petrova.tar.gz"),
        &format!("./{lib_path}"),
        &lib,
        true,
    );
    tar(&class.join("tarred.tar"), &lib_path, &lib, false);
    tar(
        &class.join("wrapped.tgz"),
        &format!("course-main/exercises/{LESSON}/lib.rs"),
        &lib,
        true,
    );
    let mut zip = zip::ZipWriter::new(fs::File::create(class.join("Nina_Petrova.ZIP")).unwrap());
    zip.start_file(&lib_path, zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(&lib).unwrap();
    zip.finish().unwrap();
    fs::write(class.join("corrupt.zip"), b"PK\x03\x04 not really a zip").unwrap();
    std::os::unix::fs::symlink(class.join("Олег"), class.join("linked")).unwrap();
    write_file(&class.join("grades/stale.txt"), b"from an earlier run\n");
    let roster = "id,name,lms_id\n\
                  Олег,Олег Петров,9001\n\
                  Иван,Иван Иванов,9002\n\
                  Nina Petrova,\"Petrova, Nina\",9003\n\
                  Nina_Petrova,Nina Petrova (2),9004\n\
                  tarred,T,\n\
                  wrapped,W,\n\
                  bare,B,\n\
                  compile-error,C,\n\
                  corrupt,X,\n\
                  linked,L,\n\
                  absent,Absent Student,9009\n";
    fs::write(class.join("roster.csv"), roster).unwrap();
}

fn write_file(path: &Path, contents: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// A tar archive of one file, its name written as given (`./` kept, as `tar -C` writes it).
fn tar(path: &Path, name: &str, contents: &[u8], gzip: bool) {
    let mut header = tar::Header::new_gnu();
    header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name.as_bytes());
    header.set_size(contents.len() as u64);
    header.set_mode(0o644);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    let file = fs::File::create(path).unwrap();
    if gzip {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::default(),
        ));
        builder.append(&header, contents).unwrap();
        builder.into_inner().unwrap().finish().unwrap();
    } else {
        let mut builder = tar::Builder::new(file);
        builder.append(&header, contents).unwrap();
        builder.finish().unwrap();
    }
}
