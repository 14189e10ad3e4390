//! How long grading a class takes, against the naive ways, in one run.
//!
//! ```console
//! cargo run --release -p grader --example bench -- [--sizes 1,10,30,100] [--repeat 1] [--naive 1] [--jobs N] [--grader-arg ARG]...
//! ```
//!
//! It generates N synthetic submissions (deterministic, seeded by the student's index: per
//! exercise 60% the reference solution, 15% the stub, 25% one of the wrong variants),
//! writes them as an instructor receives them (`sNNN/exercises/<slug>/src/lib.rs`), and
//! times the release `grader grade <folder> --out <dir>` binary on them, wall clock, after
//! a warm-up grading (N = 1) in which the dependencies compile, reported on its own line.
//! Every gradebook is checked against what was handed in (a solution earns full marks, a
//! stub or a wrong variant does not), so a fast run cannot be a broken one.
//!
//! Then, for `--naive K` of the same submissions, the two naive ways: (A) per submission,
//! a fresh copy of the exercises workspace with an empty target folder and `cargo test` on
//! the six lesson packages; (B) one copy with a kept target folder, each student's files
//! copied in turn and the same `cargo test` run. Both run only the visible tests, so they
//! do less than the grader.
//!
//! By default the grader works on a private copy of the course in a temporary folder, so
//! its first run is truly cold (its own `target/grader`) and no teammate's grader run holds
//! the lock; `--in-place` uses this workspace's `target/grader` instead. "CPU s" is the
//! user + system time of every process the measurement started (from `/proc/self/stat`);
//! "others' CPU s" is what the rest of the machine used meanwhile (from `/proc/stat`): when
//! it is not near 0, someone else's work slowed the measurement down, or processes ran
//! in bwrap's own PID namespace (the confined compiler): bwrap does not pass their usage on
//! to its parent, so they count as others' CPU even on an idle machine. "grader peak memory"
//! is the grader process's own (not its cargo, rustc and test children), as it records it
//! in `results.json` (`grader_peak_rss_bytes`).

use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use clap::Parser;
use grader::confine::process::{self, Exit};
use grader::course::Course;

/// Times the grader on N synthetic submissions beside the naive ways.
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Args {
    /// Class sizes to time, one grading each.
    #[arg(long, value_delimiter = ',', default_value = "1,10,30,100")]
    sizes: Vec<usize>,
    /// Gradings of each class size; the table shows the median (by wall time) and the
    /// range (the machine's speed drifts: compare medians).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Submissions graded each naive way (0 skips them).
    #[arg(long, default_value_t = 1)]
    naive: usize,
    /// Parallel jobs, passed to the grader (`--jobs`) and to cargo (`-j`).
    #[arg(long)]
    jobs: Option<usize>,
    /// One more argument for every `grader grade` (repeatable), e.g. `--grader-arg=--sandbox
    /// --grader-arg=limits` to time a run without bwrap. The grader also sees this process's
    /// environment (`GRADER_CGROUPS=off` times it without control groups).
    #[arg(long = "grader-arg", value_name = "ARG", allow_hyphen_values = true)]
    grader_args: Vec<String>,
    /// Skip the extra build of the largest class that times build and test runs apart.
    #[arg(long)]
    no_phases: bool,
    /// Use this workspace's own `target/grader` instead of a private copy of the course.
    #[arg(long)]
    in_place: bool,
    /// Keep the temporary folder (submissions, reports, copies) and print where it is.
    #[arg(long)]
    keep: bool,
}

/// What one student hands in for one exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pick {
    Solution,
    Stub,
    Wrong(String),
}

/// One synthetic student: per exercise (in course order), the pick and its source.
#[derive(Debug)]
struct Student {
    id: String,
    picks: Vec<(String, Pick, PathBuf)>,
}

/// One line of the results table.
#[derive(Debug)]
struct Row {
    way: String,
    n: usize,
    timing: Timing,
    note: String,
    /// Computed as a difference of two measurements (not checked for a busy machine on
    /// its own).
    derived: bool,
}

/// Wall and CPU time of one measured step.
#[derive(Debug, Clone, Copy, Default)]
struct Timing {
    wall: Duration,
    /// CPU seconds of the processes the step started.
    cpu: f64,
    /// CPU seconds the rest of the machine used meanwhile (teammates' builds skew a run).
    others: f64,
    /// The grader's own peak memory in bytes (`grader_peak_rss_bytes` of its
    /// results.json: the grader process, not its cargo, rustc and test children).
    grader_peak: Option<u64>,
}

impl Timing {
    fn add(&mut self, other: Timing) {
        self.wall += other.wall;
        self.cpu += other.cpu;
        self.others += other.others;
        self.grader_peak = self.grader_peak.max(other.grader_peak);
    }

    /// Whether other work took more than a tenth of the machine meanwhile.
    fn contended(&self) -> bool {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        self.others > 0.1 * cores * self.wall.as_secs_f64()
    }
}

/// Starts a measurement; `stop` gives wall time and the CPU time of this process and of
/// every child it waited for since.
struct Clock {
    start: Instant,
    cpu: f64,
    busy: f64,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            start: Instant::now(),
            cpu: cpu_seconds(),
            busy: busy_seconds(),
        }
    }

    fn stop(&self) -> Timing {
        let cpu = cpu_seconds() - self.cpu;
        Timing {
            wall: self.start.elapsed(),
            cpu,
            others: (busy_seconds() - self.busy - cpu).max(0.0),
            grader_peak: None,
        }
    }
}

/// User + system time of this process and its waited-for descendants, in seconds.
fn cpu_seconds() -> f64 {
    // Fields 14-17 of /proc/self/stat: utime, stime, cutime, cstime, in clock ticks
    // (100 per second on Linux). The command name (field 2) may hold spaces: skip past it.
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = (11..=14)
        .filter_map(|i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

/// CPU seconds the whole machine has been busy (all cores), from `/proc/stat`.
fn busy_seconds() -> f64 {
    let Ok(stat) = fs::read_to_string("/proc/stat") else {
        return 0.0;
    };
    let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) else {
        return 0.0;
    };
    // user nice system idle iowait irq softirq steal: all but idle and iowait.
    let ticks: u64 = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .filter_map(|(_, v)| v.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut sizes = args.sizes.clone();
    sizes.retain(|&n| n > 0);
    if sizes.is_empty() {
        bail!("--sizes needs at least one class size above 0");
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("the grader sits inside the workspace")?
        .to_path_buf();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let grader = build_grader(&workspace)?;
    let tmp = tempfile::Builder::new()
        .prefix("grader-bench-")
        .disable_cleanup(args.keep)
        .tempdir()?;
    // Test processes run as `nobody` when the grader is root: they must reach the batch
    // binaries under this folder.
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755))?;
    let root = if args.in_place {
        workspace.clone()
    } else {
        let copy = tmp.path().join("course");
        copy_course(&workspace, &copy)?;
        copy
    };
    let course = Course::load(&root)?;
    let largest = sizes.iter().copied().max().unwrap_or(1).max(args.naive);
    let students = generate(&course, largest)?;
    let mut rows = Vec::new();
    log(&format!(
        "{cores} core(s); grader {}; course at {}; work folder {}",
        grader.display(),
        root.display(),
        tmp.path().display()
    ));

    // Warm-up: the dependencies compile into the target folder once.
    let warm_up = write_class(tmp.path(), &students[..1])?;
    let (timing, protections) = grade(&grader, &root, &warm_up, tmp.path(), &args, &course)?;
    rows.push(Row {
        way: "grader, first run (dependencies compile)".into(),
        n: 1,
        timing,
        note: if args.in_place {
            "cold only if target/grader was empty".into()
        } else {
            "cold: empty target folder".into()
        },
        derived: false,
    });
    let largest_size = sizes.iter().copied().max().unwrap_or(1);
    for &n in &sizes {
        let class = write_class(tmp.path(), &students[..n])?;
        let mut timings = Vec::new();
        for _ in 0..args.repeat.max(1) {
            // Each grading is of a class never built before, as a new class would be.
            forget_stage(&root)?;
            timings.push(grade(&grader, &root, &class, tmp.path(), &args, &course)?.0);
        }
        timings.sort_by_key(|t| t.wall);
        let timing = timings[timings.len() / 2];
        let note = if timings.len() > 1 {
            format!(
                "median of {}: {:.1}-{:.1} s",
                timings.len(),
                timings[0].wall.as_secs_f64(),
                timings[timings.len() - 1].wall.as_secs_f64()
            )
        } else {
            String::new()
        };
        rows.push(Row {
            way: "grader grade".into(),
            n,
            timing,
            note,
            derived: false,
        });
        if n == largest_size {
            // The same class again, nothing changed (after fixing a hidden test, say, only
            // that lesson's test crate would build again).
            let (again, _) = grade(&grader, &root, &class, tmp.path(), &args, &course)?;
            rows.push(Row {
                way: "  the same class again, unchanged".into(),
                n,
                timing: again,
                note: "the build is kept: only the tests run".into(),
                derived: false,
            });
        }
        if n == largest_size && !args.no_phases {
            let out = tmp.path().join(format!("out-class-{n}"));
            forget_stage(&root)?;
            rows.extend(phases(&course, &class, &out, n, timing)?);
        }
    }
    if args.naive > 0 {
        let picked = &students[..args.naive];
        rows.extend(naive_fresh(
            &workspace,
            &course,
            tmp.path(),
            picked,
            args.jobs,
        )?);
        rows.extend(naive_shared(
            &workspace,
            &course,
            tmp.path(),
            picked,
            args.jobs,
        )?);
    }
    print!(
        "{}",
        table(
            &rows,
            cores,
            args.jobs
                .unwrap_or_else(grader::pipeline::run::default_jobs)
        )
    );
    println!("\nLargest class: {}.", mix(&students[..largest_size]));
    println!(
        "\nGrader: {}",
        protections
            .as_deref()
            .unwrap_or("Protections: not reported by the grader.")
    );
    if args.keep {
        log(&format!("kept {}", tmp.path().display()));
    }
    Ok(())
}

fn log(message: &str) {
    eprintln!("[bench] {message}");
}

/// Builds the grader binary in the profile this example was built in, and finds it next
/// to the example (`target/<profile>/examples/bench` -> `target/<profile>/grader`).
fn build_grader(workspace: &Path) -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("the example binary is not in target/<profile>/examples")?;
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .args([
            "build",
            "--quiet",
            "--offline",
            "-p",
            "grader",
            "--bin",
            "grader",
        ])
        .current_dir(workspace);
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("release") => {
            command.arg("--release");
        }
        Some("debug") => {}
        Some(other) => {
            command.args(["--profile", other]);
        }
        None => {}
    }
    log("building the grader binary");
    let status = command.status().context("cannot run cargo")?;
    if !status.success() {
        bail!("`cargo build -p grader` failed");
    }
    let binary = profile_dir.join("grader");
    if !binary.is_file() {
        bail!("no grader binary at {}", binary.display());
    }
    Ok(binary)
}

/// Copies the workspace into `to` (the grader reads the course from it, and cargo needs
/// every member to load it), leaving out build output, history and grades.
fn copy_course(workspace: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(workspace)? {
        let entry = entry?;
        let name = entry.file_name();
        if [".git", "target", "grades"]
            .iter()
            .any(|skip| name == *skip)
        {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// Copies a folder, skipping `target` folders and links.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let walker = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| !(e.file_type().is_dir() && e.file_name() == "target"));
    for entry in walker {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// SplitMix64: a small, good, dependency-free generator.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `count` students; student `i` depends only on `i`, so a smaller class is a prefix of a
/// larger one.
fn generate(course: &Course, count: usize) -> Result<Vec<Student>> {
    let width = count.to_string().len().max(3);
    let mut students = Vec::with_capacity(count);
    for index in 0..count {
        let mut picks = Vec::new();
        for (number, exercise) in course.exercises.iter().enumerate() {
            let roll = splitmix(((index as u64) << 8) | number as u64);
            let percent = roll % 100;
            let (pick, source) = if percent < 60 || exercise.manifest.wrong.is_empty() {
                (Pick::Solution, exercise.solution(&course.root))
            } else if percent < 75 {
                (Pick::Stub, exercise.stub())
            } else {
                let wrong =
                    &exercise.manifest.wrong[(roll >> 32) as usize % exercise.manifest.wrong.len()];
                (Pick::Wrong(wrong.file.clone()), exercise.wrong(wrong))
            };
            if !source.is_file() {
                bail!("{} does not exist", source.display());
            }
            picks.push((exercise.slug.clone(), pick, source));
        }
        students.push(Student {
            id: format!("s{:0width$}", index + 1),
            picks,
        });
    }
    Ok(students)
}

/// What a class handed in, counted: "600 exercises: 371 solutions, 87 stubs, 142 wrong".
fn mix(students: &[Student]) -> String {
    let picks: Vec<(&String, &Pick)> = students
        .iter()
        .flat_map(|s| s.picks.iter().map(|(slug, pick, _)| (slug, pick)))
        .collect();
    let count = |f: fn(&Pick) -> bool| picks.iter().filter(|(_, p)| f(p)).count();
    let wrong: std::collections::BTreeSet<(&String, &String)> = picks
        .iter()
        .filter_map(|(slug, pick)| match pick {
            Pick::Wrong(file) => Some((*slug, file)),
            _ => None,
        })
        .collect();
    format!(
        "{} exercises: {} solutions, {} stubs, {} wrong variants ({} different)",
        picks.len(),
        count(|p| *p == Pick::Solution),
        count(|p| *p == Pick::Stub),
        count(|p| matches!(p, Pick::Wrong(_))),
        wrong.len()
    )
}

/// Writes `students` as a folder of submissions, `class-<N>/sNNN/exercises/<slug>/src/lib.rs`.
fn write_class(tmp: &Path, students: &[Student]) -> Result<PathBuf> {
    let folder = tmp.join(format!("class-{}", students.len()));
    if folder.exists() {
        return Ok(folder);
    }
    for student in students {
        drop_in(&folder.join(&student.id), student)?;
    }
    Ok(folder)
}

/// Puts a student's `lib.rs` files into a workspace-shaped folder.
fn drop_in(root: &Path, student: &Student) -> Result<()> {
    for (slug, _, source) in &student.picks {
        let dir = root.join("exercises").join(slug).join("src");
        fs::create_dir_all(&dir)?;
        fs::copy(source, dir.join("lib.rs"))
            .with_context(|| format!("cannot copy {}", source.display()))?;
    }
    Ok(())
}

/// Runs `grader grade` on a class folder as an instructor would, and checks the gradebook.
/// Removes the staged student and test crates, so that the next grading builds them as
/// a new class's (the grader keeps whatever did not change).
fn forget_stage(root: &Path) -> Result<()> {
    for folder in ["crates", "suites"] {
        let path = root.join("target/grader/stage").join(folder);
        if path.exists() {
            fs::remove_dir_all(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

fn grade(
    grader: &Path,
    root: &Path,
    class: &Path,
    tmp: &Path,
    args: &Args,
    course: &Course,
) -> Result<(Timing, Option<String>)> {
    let name = class.file_name().unwrap_or_default().to_string_lossy();
    let out = tmp.join(format!("out-{name}"));
    let mut command = Command::new(grader);
    // The grader works in the target folder cargo would use: the course's own, whatever
    // this process was given (`forget_stage` and the cold start count on it).
    command
        .env("CARGO_TARGET_DIR", root.join("target"))
        .arg("--root")
        .arg(root);
    if let Some(jobs) = args.jobs {
        command.args(["--jobs", &jobs.to_string()]);
    }
    command.args(&args.grader_args);
    command.arg("grade").arg(class).arg("--out").arg(&out);
    log(&format!("grading {name}"));
    let clock = Clock::start();
    let finished = process::run(command, Duration::from_secs(3600), 1 << 20)?;
    let mut timing = clock.stop();
    if finished.exit != Exit::Code(0) {
        bail!(
            "grader grade {} failed ({:?}):\n{}",
            class.display(),
            finished.exit,
            finished.stderr
        );
    }
    let protections = finished
        .stderr
        .lines()
        .find(|line| line.starts_with("Protections:"))
        .map(str::to_string);
    if finished.stderr.contains("Another grader run") {
        log("  (the grader waited for another run's lock: this time includes the wait)");
    }
    timing.grader_peak = grader_peak(&out);
    let problems = check_gradebook(&out.join("gradebook.csv"), class, course)?;
    log(&format!(
        "  {:.1} s wall, {:.1} CPU s (others {:.1}), grader peak memory {}; gradebook {}",
        timing.wall.as_secs_f64(),
        timing.cpu,
        timing.others,
        mebibytes(timing.grader_peak),
        if problems.is_empty() {
            "as expected".to_string()
        } else {
            format!("WRONG: {}", problems.join("; "))
        }
    ));
    Ok((timing, protections))
}

/// The grader's own peak memory, as its `results.json` in `out` records it.
fn grader_peak(out: &Path) -> Option<u64> {
    let text = fs::read_to_string(out.join("results.json")).ok()?;
    let results: serde_json::Value = serde_json::from_str(&text).ok()?;
    results["grader_peak_rss_bytes"].as_u64()
}

/// Bytes as whole MiB, or `-`.
fn mebibytes(bytes: Option<u64>) -> String {
    bytes.map_or("-".to_string(), |b| format!("{} MiB", b >> 20))
}

/// Compares a gradebook with what each student handed in: a solution has full marks, a
/// stub or wrong variant less. Returns the disagreements.
fn check_gradebook(path: &Path, class: &Path, course: &Course) -> Result<Vec<String>> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let mut problems = Vec::new();
    let mut rows = 0;
    for line in lines {
        rows += 1;
        let cells: Vec<&str> = line.split(',').collect();
        let id = cells[0];
        for exercise in &course.exercises {
            let Some(column) = header.iter().position(|h| *h == exercise.slug) else {
                continue;
            };
            let points: u32 = cells.get(column).and_then(|c| c.parse().ok()).unwrap_or(0);
            let handed_in = fs::read(
                class
                    .join(id)
                    .join("exercises")
                    .join(&exercise.slug)
                    .join("src/lib.rs"),
            )?;
            let solution = fs::read(exercise.solution(&course.root))?;
            let full = points == exercise.max_points();
            if (handed_in == solution) != full {
                problems.push(format!(
                    "{id} {}: {points}/{}",
                    exercise.slug,
                    exercise.max_points()
                ));
            }
        }
    }
    let expected = fs::read_dir(class)?.count();
    if rows != expected {
        problems.push(format!("{rows} rows for {expected} submissions"));
    }
    problems.truncate(5);
    Ok(problems)
}

/// Splits the grading of a class into its build and the rest: the build (stage + cargo,
/// exactly as `grade` does it) is timed again through the library, the test runs are the
/// binary's time minus that, and `results.json` tells how long each test took.
fn phases(course: &Course, class: &Path, out: &Path, n: usize, total: Timing) -> Result<Vec<Row>> {
    log(&format!(
        "building class-{n} again through the library, to time the build alone"
    ));
    let discovered = grader::pipeline::discover::discover(course, class)?;
    let options = grader::pipeline::build::BuildOptions::for_course(course)?;
    let mut build = Timing::default();
    for chunk in discovered.submissions.chunks(grader::pipeline::BATCH_SIZE) {
        let clock = Clock::start();
        let compiled = grader::pipeline::compile(
            course,
            chunk.iter().collect(),
            &options,
            &grader::pipeline::Silent,
        )?;
        build.add(clock.stop());
        drop(compiled);
    }
    let rest = Timing {
        wall: total.wall.saturating_sub(build.wall),
        cpu: (total.cpu - build.cpu).max(0.0),
        others: (total.others - build.others).max(0.0),
        grader_peak: None,
    };
    // Per test: real milliseconds, from results.json (read loosely: only durations).
    let path = out.join("results.json");
    let results: serde_json::Value = serde_json::from_slice(
        &fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
    )?;
    let mut tests = 0usize;
    let mut slow = 0usize;
    let mut slow_seconds = 0.0;
    let mut by_exercise: std::collections::BTreeMap<String, f64> = Default::default();
    for student in results["students"].as_array().into_iter().flatten() {
        for exercise in student["exercises"].as_array().into_iter().flatten() {
            for test in exercise["tests"].as_array().into_iter().flatten() {
                tests += 1;
                let ms = test["duration_ms"].as_f64().unwrap_or(0.0);
                if ms > 100.0 {
                    slow += 1;
                    slow_seconds += ms / 1000.0;
                    *by_exercise
                        .entry(exercise["slug"].as_str().unwrap_or("?").to_string())
                        .or_default() += ms / 1000.0;
                }
            }
        }
    }
    let worst = by_exercise
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(slug, s)| format!(", {s:.0} s of it in {slug}"))
        .unwrap_or_default();
    log(&format!(
        "  build {:.1} s, rest {:.1} s; {tests} tests, {slow} over 0.1 s real ({slow_seconds:.0} s{worst})",
        build.wall.as_secs_f64(),
        rest.wall.as_secs_f64(),
    ));
    let unreliable = if total.contended() || build.contended() {
        "; MACHINE BUSY in one of the two passes: split unreliable"
    } else {
        ""
    };
    Ok(vec![
        Row {
            way: "  of which: stage + build (cargo)".into(),
            n,
            timing: build,
            note: format!("timed again through the library{unreliable}"),
            derived: false,
        },
        Row {
            way: "  of which: test runs and the rest (total - build)".into(),
            n,
            timing: rest,
            note: format!(
                "{tests} tests; {slow} took > 0.1 s real each, {slow_seconds:.0} s together\
                 {worst}{unreliable}"
            ),
            derived: true,
        },
    ])
}

/// A copy of the exercises workspace (no grader) in `to`.
fn copy_exercises(workspace: &Path, to: &Path) -> Result<()> {
    copy_tree(&workspace.join("exercises"), &to.join("exercises"))?;
    fs::copy(workspace.join("Cargo.lock"), to.join("Cargo.lock"))?;
    let text = fs::read_to_string(workspace.join("Cargo.toml"))?;
    let mut manifest: toml::Table = toml::from_str(&text)?;
    if let Some(toml::Value::Table(ws)) = manifest.get_mut("workspace") {
        ws.remove("default-members");
        if let Some(toml::Value::Array(members)) = ws.get_mut("members") {
            members.retain(|m| m.as_str().is_some_and(|m| m.starts_with("exercises/")));
        }
    }
    fs::write(to.join("Cargo.toml"), toml::to_string(&manifest)?)?;
    Ok(())
}

/// `cargo test` in a copy; returns the timing and a one-line summary of the results.
fn cargo_test(dir: &Path, args: &[String], jobs: Option<usize>) -> Result<(Timing, String)> {
    let mut command = grader::pipeline::build::cargo();
    command
        .arg("test")
        .args(args)
        .args(["--no-fail-fast", "--offline"])
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .current_dir(dir);
    if let Some(jobs) = jobs {
        command.args(["-j", &jobs.to_string()]);
    }
    let clock = Clock::start();
    let finished = process::run(command, Duration::from_secs(1800), 16 << 20)?;
    let timing = clock.stop();
    let (mut passed, mut failed) = (0, 0);
    for line in finished.stdout.lines() {
        if let Some(rest) = line.strip_prefix("test result: ") {
            let number = |word: &str| -> u32 {
                rest.split(';')
                    .find_map(|part| part.trim().strip_suffix(word))
                    .and_then(|n| n.trim().rsplit(' ').next()?.parse().ok())
                    .unwrap_or(0)
            };
            passed += number("passed");
            failed += number("failed");
        }
    }
    // Failing tests are expected (stubs, wrong variants); a build that stops, or a run
    // that hangs, is not.
    let built = args.iter().any(|a| a == "--no-run") || passed + failed > 0;
    if matches!(finished.exit, Exit::TimedOut) || finished.exit != Exit::Code(0) && !built {
        bail!(
            "cargo test in {} did not finish: {:?}\n{}",
            dir.display(),
            finished.exit,
            finished.stderr
        );
    }
    let summary = format!("{passed} passed, {failed} failed");
    log(&format!(
        "  {:.1} s wall, {:.1} CPU s (others {:.1}); {summary}",
        timing.wall.as_secs_f64(),
        timing.cpu,
        timing.others
    ));
    Ok((timing, summary))
}

/// `-p exercise-01 -p exercise-02 ...`: the lessons, not the harness's own tests.
fn lesson_packages(course: &Course) -> Vec<String> {
    course
        .exercises
        .iter()
        .flat_map(|e| ["-p".to_string(), e.manifest.package.clone()])
        .collect()
}

/// Naive way A: per submission, a fresh copy with an empty target folder.
fn naive_fresh(
    workspace: &Path,
    course: &Course,
    tmp: &Path,
    students: &[Student],
    jobs: Option<usize>,
) -> Result<Vec<Row>> {
    let mut total = Timing::default();
    let args = lesson_packages(course);
    for student in students {
        let dir = tmp.join(format!("naive-fresh-{}", student.id));
        copy_exercises(workspace, &dir)?;
        drop_in(&dir, student)?;
        log(&format!(
            "naive A: {}: fresh copy, empty target, cargo test -p x6",
            student.id
        ));
        let (timing, _) = cargo_test(&dir, &args, jobs)?;
        total.add(timing);
        fs::remove_dir_all(&dir)?;
    }
    Ok(vec![Row {
        way: "naive A: fresh copy + empty target, `cargo test`".into(),
        n: students.len(),
        timing: total,
        note: "visible tests only".into(),
        derived: false,
    }])
}

/// Naive way B: one copy, one kept target folder, submissions one after another.
fn naive_shared(
    workspace: &Path,
    course: &Course,
    tmp: &Path,
    students: &[Student],
    jobs: Option<usize>,
) -> Result<Vec<Row>> {
    let dir = tmp.join("naive-shared");
    copy_exercises(workspace, &dir)?;
    let args = lesson_packages(course);
    log("naive B: first build of the shared copy (stubs, --no-run)");
    let mut first = args.clone();
    first.push("--no-run".into());
    let (warm, _) = cargo_test(&dir, &first, jobs)?;
    let mut total = Timing::default();
    for student in students {
        drop_in(&dir, student)?;
        log(&format!(
            "naive B: {}: shared target, cargo test -p x6",
            student.id
        ));
        let (timing, _) = cargo_test(&dir, &args, jobs)?;
        total.add(timing);
    }
    fs::remove_dir_all(&dir)?;
    Ok(vec![
        Row {
            way: "naive B: shared target, first build".into(),
            n: 0,
            timing: warm,
            note: "dependencies, not counted below".into(),
            derived: false,
        },
        Row {
            way: "naive B: shared target, `cargo test` one by one".into(),
            n: students.len(),
            timing: total,
            note: "visible tests only".into(),
            derived: false,
        },
    ])
}

/// The results as a Markdown table.
fn table(rows: &[Row], cores: usize, jobs: usize) -> String {
    let mut text = format!(
        "\n{} UTC, {cores} core(s), {jobs} test job(s)\n\n\
         | way | N | total s | s / submission | CPU s | others' CPU s | grader peak memory | note |\n\
         |---|--:|--:|--:|--:|--:|--:|---|\n",
        today()
    );
    for row in rows {
        let total = row.timing.wall.as_secs_f64();
        let (n, per) = if row.n == 0 {
            ("-".to_string(), "-".to_string())
        } else {
            (row.n.to_string(), format!("{:.2}", total / row.n as f64))
        };
        let mut note = row.note.clone();
        if !row.derived && row.timing.contended() {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str("MACHINE BUSY: skewed");
        }
        let _ = writeln!(
            text,
            "| {} | {n} | {total:.1} | {per} | {:.1} | {:.1} | {} | {note} |",
            row.way,
            row.timing.cpu,
            row.timing.others,
            mebibytes(row.timing.grader_peak)
        );
    }
    text
}

/// Today's date (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
