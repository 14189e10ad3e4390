//! Discover: read a folder of submissions into [`Submission`]s.
//!
//! Each entry of the folder is one student, named after the entry: a folder (a clone of
//! the student's workspace, or just its `exercises/`), a `.zip`, or a `.tar.gz`/`.tgz`.
//! Only regular files named `<slug>/src/**/*.rs` under a known exercise are taken, with
//! size caps. Links are never followed, archives are streamed and never extracted, and a
//! path with `..` or a root is refused. Nothing is read before its path says it could be
//! graded: a source file is read up to [`MAX_FILE`], and only while the submission's
//! [`MAX_TOTAL`] lasts; any other file of an exercise is only compared with the course's
//! copy as it is read; everything else is skipped unread. So what the grader holds does not
//! grow with what an archive unpacks to (a zip of 20,000 zero-filled entries, a gzip bomb),
//! and what was left out is a note in the student's feedback. Anything else a student put in an exercise
//! folder (tests, manifests, build scripts, snapshots) is listed in their feedback as
//! ignored, unless it is identical to the course's own copy. The same goes for the
//! exercise's given files (`src/devices.rs`...): they are the course's code, so a
//! submission always gets the course's copy of them, and a student whose copy differs is
//! told that their changes are ignored.

mod layout;
mod shape;
mod tarball;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, BufRead, Read};
use std::os::unix::ffi::OsStringExt;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::course::Course;
use crate::pipeline::pair::StudentId;
use crate::pipeline::submission::{NotGradable, Sources, Submission};
use layout::Lesson;
pub use shape::Shape;
use tarball::{Kind, Tarball};

/// Largest source file taken.
pub const MAX_FILE: u64 = 256 * 1024;
/// Largest total of source files taken from one submission.
pub const MAX_TOTAL: u64 = 1024 * 1024;
/// Most archive entries or files looked at in one submission.
pub const MAX_ENTRIES: usize = 20_000;
/// Longest path of a file taken (in bytes).
pub const MAX_PATH: usize = 1024;
/// Most ignored files listed by name in a student's feedback (the rest are counted).
const MAX_LISTED: usize = 20;

/// Folders never looked into.
const SKIPPED_DIRS: [&str; 4] = ["target", ".git", "node_modules", ".idea"];

/// The files a grading run writes into its `--out` folder: when `--out` is the
/// submissions folder itself, these are the grader's, not students'.
const OWN_FILES: [&str; 6] = [
    "gradebook.csv",
    "results.json",
    "junit.xml",
    "feedback",
    "gradescope",
    "report.html",
];

/// The forms a hand-in may take, in words (for messages).
pub const FORMS: &str = "a folder, .zip, .tar.gz, .tgz or .tar";

/// The class, read: every entry of the submissions folder is in exactly one of
/// `submissions` and `not_gradable`, or (the grader's own files, hidden entries) in
/// `notes`.
#[derive(Debug, Default)]
pub struct Class {
    /// One per student whose entry could be read, sorted by id.
    pub submissions: Vec<Submission>,
    /// One per entry that could not be graded, with why and what to do, sorted by id.
    pub not_gradable: Vec<NotGradable>,
    /// Entries of the folder that are no student's (the grader's own output, hidden
    /// files), in words.
    pub notes: Vec<String>,
}

/// Reads every entry of `folder`.
pub fn discover(course: &Course, folder: &Path) -> Result<Class> {
    discover_excluding(course, folder, &[])
}

/// Reads every entry of `folder` but `own`, the grader's own files and folders (its
/// `--out`, a roster), which are named in the class's notes instead.
pub fn discover_excluding(course: &Course, folder: &Path, own: &[PathBuf]) -> Result<Class> {
    if !folder.is_dir() {
        bail!(
            "the submissions folder `{}` does not exist or is not a folder; give a folder holding \
             one entry per student ({FORMS}), or no argument to grade the bundled demo class",
            folder.display()
        );
    }
    let mut class = Class::default();
    let entries = list_entries(folder, own, &mut class.notes)?;
    refuse_duplicate_ids(&entries, folder)?;
    let lessons = lessons(course);
    for (name, path) in entries {
        match read_entry(course, &lessons, &path, &name) {
            Ok(submission) => class.submissions.push(submission),
            Err(not_gradable) => class.not_gradable.push(not_gradable),
        }
    }
    class.submissions.sort_by(|a, b| a.id.cmp(&b.id));
    class.not_gradable.sort_by(|a, b| a.id.cmp(&b.id));
    if class.submissions.is_empty() && class.not_gradable.is_empty() {
        let mut message = format!("no submissions in {}", folder.display());
        if !class.notes.is_empty() {
            message.push_str(&format!(" ({})", class.notes.join("; ")));
        }
        bail!("{message}: expected one entry per student ({FORMS})");
    }
    Ok(class)
}

/// What the layout needs of the course's lessons.
fn lessons(course: &Course) -> Vec<Lesson> {
    course
        .exercises
        .iter()
        .map(|e| Lesson {
            slug: e.slug.clone(),
            package: e.manifest.package.clone(),
            functions: fs::read_to_string(e.stub())
                .map(|stub| layout::stub_functions(&stub))
                .unwrap_or_default(),
        })
        .collect()
}

/// The entries of the submissions folder (name, path), by name: hidden ones and the
/// grader's own (`own`, and its output files when `--out` is this folder) left out and
/// named in `notes`.
fn list_entries(
    folder: &Path,
    own: &[PathBuf],
    notes: &mut Vec<String>,
) -> Result<Vec<(String, PathBuf)>> {
    let entries = fs::read_dir(folder)
        .with_context(|| format!("cannot read the submissions folder {}", folder.display()))?;
    let own: Vec<PathBuf> = own
        .iter()
        .filter_map(|p| fs::canonicalize(p).ok())
        .collect();
    let out_is_here = fs::canonicalize(folder).is_ok_and(|f| own.contains(&f));
    let mut listed = Vec::new();
    let mut hidden = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot list {}", folder.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_own = fs::canonicalize(entry.path()).is_ok_and(|p| own.contains(&p))
            || (out_is_here && OWN_FILES.contains(&name.as_str()));
        if is_own {
            notes.push(format!(
                "{name}: the grader's own (its --out or --roster), not a student's hand-in"
            ));
        } else if name.starts_with('.') {
            hidden.push(name);
        } else {
            listed.push((name, entry.path()));
        }
    }
    if !hidden.is_empty() {
        hidden.sort();
        notes.push(format!(
            "{}: hidden (a name starting with `.`), not a hand-in",
            hidden.join(", ")
        ));
    }
    notes.sort();
    listed.sort();
    Ok(listed)
}

/// The student id an entry stands for: a folder's name, an archive's name without its
/// extension, any other entry's whole name (it is a row of its own, not gradable).
fn entry_id(name: &str, is_dir: bool) -> &str {
    Shape::of(name, is_dir).map_or(name, |(id, _)| id)
}

/// Two entries for one student (`alice/` beside `alice.zip`) would leave one hand-in
/// ungraded: refused before any work, naming both.
fn refuse_duplicate_ids(entries: &[(String, PathBuf)], folder: &Path) -> Result<()> {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, path) in entries {
        let is_dir = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        let id = entry_id(name, is_dir);
        if let Some(first) = seen.insert(id, name) {
            bail!(
                "two entries of {} are for student `{id}`: `{first}` and `{name}`; keep the one \
                 to grade (a student's id is the entry's name without .zip, .tar.gz, .tgz or \
                 .tar) and run again",
                folder.display()
            );
        }
    }
    Ok(())
}

/// Reads one entry: the student's submission, or why it cannot be graded.
fn read_entry(
    course: &Course,
    lessons: &[Lesson],
    path: &Path,
    name: &str,
) -> Result<Submission, NotGradable> {
    let refuse = |reason: String| NotGradable {
        id: StudentId::from(entry_id(name, path.is_dir() && !path.is_symlink())),
        entry: name.to_string(),
        reason,
        notes: Vec::new(),
    };
    let metadata = fs::symlink_metadata(path)
        .map_err(|e| refuse(format!("cannot read `{name}` ({e}); check its permissions")))?;
    if metadata.is_symlink() {
        return Err(refuse(format!(
            "`{name}` is a symbolic link, and the grader never follows links; put the folder \
             or archive itself in the submissions folder"
        )));
    }
    let Some((id, shape)) =
        Shape::of(name, metadata.is_dir()).filter(|_| metadata.is_dir() || metadata.is_file())
    else {
        return Err(refuse(format!(
            "`{name}` is not a hand-in: expected {FORMS} (any case); rename an archive to its \
             extension, or move the file out of the submissions folder"
        )));
    };
    let mut intake = Intake::new(course);
    read_shape(path, name, shape, &mut intake).map_err(refuse)?;
    let (files, mut notes) = intake.finish();
    let course_file = |slug: &str, rest: &Path| {
        let exercise = course.exercises.iter().find(|e| e.slug == slug)?;
        fs::read(exercise.dir.join(rest)).ok()
    };
    let (files, layout_notes) = layout::normalise(lessons, id, files, &course_file);
    notes.extend(layout_notes);
    let slugs: BTreeSet<&str> = lessons.iter().map(|l| l.slug.as_str()).collect();
    if layout::prefixes(&slugs, &files).is_empty() {
        let mut refused = refuse(no_lesson(name, lessons));
        refused.notes = notes;
        return Err(refused);
    }
    let mut submission = sort_files(course, id.into(), files);
    submission.entry = name.to_string();
    submission.shape = shape;
    submission.notes.splice(0..0, notes);
    Ok(submission)
}

/// Why an entry in which no lesson was found cannot be graded, and what to do.
fn no_lesson(name: &str, lessons: &[Lesson]) -> String {
    format!(
        "no lesson found in `{name}`: expected `exercises/<lesson>/src/lib.rs` (for example \
         `exercises/{}/src/lib.rs`), in a folder, a .zip or a .tar.gz named after the student",
        lessons.first().map_or("01-...", |l| l.slug.as_str())
    )
}

/// Reads an entry of a known shape into `intake`; the error says what is wrong with it
/// and what to do.
fn read_shape(
    path: &Path,
    name: &str,
    shape: Shape,
    intake: &mut Intake<'_>,
) -> Result<(), String> {
    let (read, what, check) = match shape {
        Shape::Folder => (
            walk_folder(path, intake),
            "a readable folder",
            "check its permissions",
        ),
        Shape::Zip => (
            read_zip(path, intake),
            "a readable zip archive",
            "ask the student for a new copy (`unzip -t` shows the damage)",
        ),
        Shape::TarGz | Shape::Tar => (
            read_tar(path, name, shape, intake),
            "a readable tar archive",
            "ask the student for a new copy (`tar -tf` shows the damage)",
        ),
    };
    read.map_err(|error| format!("`{name}` is not {what} ({error:#}); {check}"))
}

/// What was kept of one file of a submission: only what grading could use.
#[derive(Debug)]
enum Found {
    /// A source file (`src/**/*.rs`): its contents.
    Source(Vec<u8>),
    /// A source file larger than [`MAX_FILE`]: not read.
    TooBig,
    /// A source file met once the submission's [`MAX_TOTAL`] was used up: not kept.
    OverTotal,
    /// Any other file of an exercise: whether it is the course's own copy (compared as it
    /// is read, never held).
    Other {
        /// Byte for byte the course's file at the same place.
        same: bool,
    },
    /// A symbolic or hard link, a device: never followed.
    NotAFile,
}

/// One submission being read: which files to read and how much, within its caps.
struct Intake<'a> {
    course: &'a Course,
    slugs: BTreeSet<&'a str>,
    found: Vec<(PathBuf, Found)>,
    /// Bytes of source kept so far (in lesson folders).
    kept: u64,
    /// Bytes kept so far of sources outside any lesson folder (a bare `src/`, which may
    /// turn out to be a lesson), capped apart so they never crowd out the lessons.
    bare_kept: u64,
    /// Entries (files and folders) looked at.
    looked: usize,
    /// Entries whose path was longer than [`MAX_PATH`].
    long_paths: usize,
    /// Why reading stopped before the end, if it did.
    stopped: Option<String>,
    /// How the entry was read, when that is worth saying.
    notes: Vec<String>,
}

/// What a file of an exercise is read for.
enum Want {
    /// A source file (or a lesson folder's loose `.rs` file): its contents are kept.
    Source,
    /// A `.rs` file of a bare `src/` (see `layout`): kept within its own cap.
    Bare,
    /// Another file: compared with the course's file at this path.
    Compare(PathBuf),
}

impl<'a> Intake<'a> {
    fn new(course: &'a Course) -> Self {
        Intake {
            course,
            slugs: course.exercises.iter().map(|e| e.slug.as_str()).collect(),
            found: Vec::new(),
            kept: 0,
            bare_kept: 0,
            looked: 0,
            long_paths: 0,
            stopped: None,
            notes: Vec::new(),
        }
    }

    /// Counts one more entry; `false` once [`MAX_ENTRIES`] have been looked at.
    fn look(&mut self) -> bool {
        if self.looked >= MAX_ENTRIES {
            self.stopped
                .get_or_insert_with(|| format!("it holds more than {MAX_ENTRIES} entries"));
            return false;
        }
        self.looked += 1;
        true
    }

    /// The path to keep for an entry, when it could matter to grading.
    fn wanted(&mut self, raw: &Path) -> Option<(PathBuf, Want)> {
        if raw.as_os_str().len() > MAX_PATH {
            self.long_paths += 1;
            return None;
        }
        let path = safe_path(raw)?;
        let Some((slug, _, rest)) = locate(&self.slugs, &path) else {
            return layout::is_bare_source(&path).then_some((path, Want::Bare));
        };
        let want = match source_path(&rest) {
            Some(_) => Want::Source,
            None if layout::is_loose_source(&rest) => Want::Source,
            None => {
                let exercise = self.course.exercises.iter().find(|e| e.slug == slug)?;
                Want::Compare(exercise.dir.join(&rest))
            }
        };
        Some((path, want))
    }

    /// Takes one entry at `raw`: a regular file of `size` bytes (by its header) read from
    /// `data` as far as needed, or not a file.
    fn take(&mut self, raw: &Path, file: Option<(u64, &mut dyn Read)>) -> Result<()> {
        let Some((path, want)) = self.wanted(raw) else {
            return Ok(());
        };
        let found = match (file, want) {
            (None, _) => Found::NotAFile,
            (Some((size, data)), Want::Source) => keep(size, data, &mut self.kept)?,
            (Some((size, data)), Want::Bare) => keep(size, data, &mut self.bare_kept)?,
            (Some((size, data)), Want::Compare(course_file)) => Found::Other {
                same: same_as(data, size, &course_file)?,
            },
        };
        self.found.push((path, found));
        Ok(())
    }

    /// The files found and the notes on what was not looked at.
    fn finish(self) -> (Vec<(PathBuf, Found)>, Vec<String>) {
        let mut notes = self.notes;
        if let Some(why) = self.stopped {
            notes.push(format!(
                "Reading your submission stopped early: {why}; files after that point were \
                 not looked at (hand in only your exercises' folders, without target/)"
            ));
        }
        if self.long_paths > 0 {
            notes.push(format!(
                "Ignored: {} file(s) whose path is longer than {MAX_PATH} bytes",
                self.long_paths
            ));
        }
        (self.found, notes)
    }
}

/// Reads a source file of `size` bytes (by its header) from `data`, within [`MAX_FILE`] and
/// what is left of [`MAX_TOTAL`] after `kept` bytes (which it adds to).
fn keep(size: u64, data: &mut dyn Read, kept: &mut u64) -> Result<Found> {
    if size > MAX_FILE {
        return Ok(Found::TooBig);
    }
    if *kept >= MAX_TOTAL {
        return Ok(Found::OverTotal);
    }
    Ok(match read_capped(data)? {
        None => Found::TooBig,
        Some(bytes) if *kept + bytes.len() as u64 > MAX_TOTAL => Found::OverTotal,
        Some(bytes) => {
            *kept += bytes.len() as u64;
            Found::Source(bytes)
        }
    })
}

/// `rest` (a path inside an exercise) as a path relative to `src/`, if it is a source file.
fn source_path(rest: &Path) -> Option<&Path> {
    rest.strip_prefix("src")
        .ok()
        .filter(|r| r.extension().is_some_and(|e| e == "rs"))
}

/// Whether `data` (claiming `size` bytes) is byte for byte the course's `file`; reads no
/// more than the course's file holds, plus one byte.
fn same_as(data: &mut dyn Read, size: u64, file: &Path) -> Result<bool> {
    let Ok(mut course) = fs::File::open(file) else {
        return Ok(false);
    };
    let length = course.metadata().map(|m| m.len()).unwrap_or(u64::MAX);
    if !course.metadata().is_ok_and(|m| m.is_file()) || length != size {
        return Ok(false);
    }
    let mut theirs = Vec::new();
    data.take(length + 1).read_to_end(&mut theirs)?;
    let mut ours = Vec::new();
    course
        .read_to_end(&mut ours)
        .with_context(|| format!("cannot read the course's {}", file.display()))?;
    Ok(theirs == ours)
}

fn walk_folder(root: &Path, intake: &mut Intake<'_>) -> Result<()> {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            !(e.file_type().is_dir()
                && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()))
        });
    for entry in walker {
        let entry = entry?;
        if !intake.look() {
            break;
        }
        let relative = entry.path().strip_prefix(root)?;
        if entry.file_type().is_dir() {
            continue;
        }
        if entry.file_type().is_file() {
            let size = entry.metadata()?.len();
            let mut file = fs::File::open(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            intake.take(relative, Some((size, &mut file)))?;
        } else {
            intake.take(relative, None)?;
        }
    }
    Ok(())
}

fn read_zip(path: &Path, intake: &mut Intake<'_>) -> Result<()> {
    let file = fs::File::open(path)?;
    let mut archive = zip::ZipArchive::new(file)?;
    for index in 0..archive.len() {
        if !intake.look() {
            break;
        }
        let mut entry = archive.by_index(index)?;
        if entry.is_dir() {
            continue;
        }
        let name = PathBuf::from(entry.name()?.into_owned());
        if entry.is_symlink() || !entry.is_file() {
            intake.take(&name, None)?;
        } else {
            let size = entry.size();
            intake.take(&name, Some((size, &mut entry)))?;
        }
    }
    Ok(())
}

/// Reads a tar archive, gzip-compressed or not whatever its extension says (a note says
/// when the two disagree).
fn read_tar(path: &Path, name: &str, shape: Shape, intake: &mut Intake<'_>) -> Result<()> {
    let mut file = io::BufReader::new(fs::File::open(path)?);
    let gzip = shape::is_gzip(file.fill_buf()?);
    if gzip != (shape == Shape::TarGz) {
        let (read_as, because) = if gzip {
            (".tar.gz", "it is gzip-compressed")
        } else {
            (".tar", "it is not compressed")
        };
        intake
            .notes
            .push(format!("Read `{name}` as a {read_as} ({because})"));
    }
    if gzip {
        read_tar_stream(flate2::read::GzDecoder::new(file), intake)
    } else {
        read_tar_stream(file, intake)
    }
}

fn read_tar_stream(stream: impl Read, intake: &mut Intake<'_>) -> Result<()> {
    let mut archive = Tarball::new(stream);
    while let Some(entry) = archive.next_entry()? {
        if !intake.look() {
            break;
        }
        let Some(name) = entry.path else {
            intake.long_paths += 1;
            continue;
        };
        let name = PathBuf::from(std::ffi::OsString::from_vec(name));
        match entry.kind {
            Kind::Dir => {}
            Kind::File => intake.take(&name, Some((entry.size, &mut archive)))?,
            Kind::Other => intake.take(&name, None)?,
        }
    }
    if archive.stopped {
        intake.stopped.get_or_insert_with(|| {
            format!("it unpacks to more than {} MiB", tarball::MAX_SCANNED >> 20)
        });
    }
    Ok(())
}

/// Reads at most [`MAX_FILE`] bytes; `None` if there was more.
fn read_capped(reader: &mut dyn Read) -> Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(MAX_FILE + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE).then_some(bytes))
}

/// A relative path made only of plain names (no root, no `..`), a `.` left out (`tar -C
/// work -czf alice.tar.gz .` writes `./exercises/...`).
fn safe_path(path: &Path) -> Option<PathBuf> {
    let mut safe = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => safe.push(name),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!safe.as_os_str().is_empty()).then_some(safe)
}

/// Where a found file sits relative to a known exercise: (slug, prefix, rest).
fn locate<'a>(slugs: &BTreeSet<&'a str>, path: &Path) -> Option<(&'a str, PathBuf, PathBuf)> {
    let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
    let at = parts.iter().rposition(|p| slugs.contains(p))?;
    let slug = *slugs.get(parts[at])?;
    let prefix: PathBuf = parts[..at].iter().collect();
    let rest: PathBuf = parts[at + 1..].iter().collect();
    if SKIPPED_DIRS.iter().any(|d| parts[..at].contains(d)) {
        return None;
    }
    Some((slug, prefix, rest))
}

fn sort_files(course: &Course, id: StudentId, files: Vec<(PathBuf, Found)>) -> Submission {
    let slugs: BTreeSet<&str> = course.exercises.iter().map(|e| e.slug.as_str()).collect();
    let mut submission = Submission {
        id,
        ..Submission::default()
    };
    let prefixes = layout::prefixes(&slugs, &files);
    let mut total = 0u64;
    let mut ignored = Vec::new();
    let mut given_notes = Vec::new();
    for (path, content) in files {
        let Some((slug, prefix, rest)) = locate(&slugs, &path) else {
            continue;
        };
        if prefixes.get(slug) != Some(&prefix) {
            continue;
        }
        let shown = Path::new("exercises").join(slug).join(&rest);
        let exercise = course
            .exercises
            .iter()
            .find(|e| e.slug == slug)
            .expect("known slug");
        let in_src = source_path(&rest);
        if let Some(file) = in_src.and_then(|relative| {
            exercise
                .manifest
                .given
                .iter()
                .find(|file| Path::new(file) == relative)
        }) {
            // Given by the course: the course's copy is put in below, whatever this is.
            let pristine = fs::read(exercise.given_file(file)).ok();
            let same =
                matches!((&content, &pristine), (Found::Source(bytes), Some(p)) if bytes == p);
            if !same {
                given_notes.push(format!(
                    "{} is given by the course: your changes to it are ignored",
                    shown.display()
                ));
            }
            continue;
        }
        match (in_src, content) {
            (Some(relative), Found::Source(bytes)) if total + bytes.len() as u64 <= MAX_TOTAL => {
                total += bytes.len() as u64;
                submission
                    .exercises
                    .entry(slug.to_string())
                    .or_default()
                    .files
                    .insert(relative.to_path_buf(), bytes);
            }
            (Some(_), Found::Source(_) | Found::OverTotal) => ignored.push(format!(
                "{} (over the {} KiB total for a submission)",
                shown.display(),
                MAX_TOTAL / 1024
            )),
            (Some(_), Found::TooBig) => ignored.push(format!(
                "{} (larger than {} KiB)",
                shown.display(),
                MAX_FILE / 1024
            )),
            (_, Found::NotAFile) => ignored.push(format!(
                "{} (a link or special file: only regular files are taken)",
                shown.display()
            )),
            (_, Found::Other { same: true }) => {}
            (_, Found::Other { same: false }) => ignored.push(format!(
                "{} ({} the course's copy is used: only src/**/*.rs is graded)",
                shown.display(),
                if exercise.dir.join(&rest).is_file() {
                    "changed;"
                } else {
                    "added;"
                }
            )),
            // Read as what they are not: cannot happen (the path and `layout` decide both).
            (None, Found::Source(_) | Found::TooBig | Found::OverTotal) => {}
        }
    }
    for (slug, sources) in &submission.exercises {
        if !sources.files.contains_key(Path::new("lib.rs")) {
            ignored.push(format!(
                "exercises/{slug}/src/lib.rs is missing, so {slug} was not graded"
            ));
        }
    }
    submission
        .exercises
        .retain(|_, s: &mut Sources| s.files.contains_key(Path::new("lib.rs")));
    // Every exercise handed in carries the course's copies of its given files (staging
    // writes them anyway): so the verdict cache's key, made from the sources, changes when
    // the course changes them.
    for (slug, sources) in &mut submission.exercises {
        let Some(exercise) = course.exercises.iter().find(|e| &e.slug == slug) else {
            continue;
        };
        for file in &exercise.manifest.given {
            if let Ok(bytes) = fs::read(exercise.given_file(file)) {
                sources.files.insert(PathBuf::from(file), bytes);
            }
        }
    }
    if !ignored.is_empty() {
        let more = ignored.len().saturating_sub(MAX_LISTED);
        ignored.truncate(MAX_LISTED);
        if more > 0 {
            ignored.push(format!("and {more} more"));
        }
        submission
            .notes
            .push(format!("Ignored: {}", ignored.join("; ")));
    }
    submission.notes.extend(given_notes);
    submission
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_entries_for_one_student_are_refused_naming_both() {
        let folder = tempfile::tempdir().unwrap();
        fs::create_dir(folder.path().join("alice")).unwrap();
        fs::write(folder.path().join("alice.ZIP"), b"").unwrap();
        fs::create_dir(folder.path().join("bob")).unwrap();
        fs::write(folder.path().join("notes.txt"), b"").unwrap();
        let entries = list_entries(folder.path(), &[], &mut Vec::new()).unwrap();
        let error = refuse_duplicate_ids(&entries, folder.path())
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`alice`: `alice` and `alice.ZIP`"),
            "{error}"
        );
        fs::remove_file(folder.path().join("alice.ZIP")).unwrap();
        let entries = list_entries(folder.path(), &[], &mut Vec::new()).unwrap();
        assert!(refuse_duplicate_ids(&entries, folder.path()).is_ok());
    }

    #[test]
    fn the_grader_s_own_files_and_hidden_entries_are_no_student() {
        let folder = tempfile::tempdir().unwrap();
        for name in ["alice", "grades", ".cache", "feedback"] {
            fs::create_dir(folder.path().join(name)).unwrap();
        }
        fs::write(folder.path().join("roster.csv"), b"alice,A\n").unwrap();
        fs::write(folder.path().join("gradebook.csv"), b"").unwrap();
        let own = [
            folder.path().join("grades"),
            folder.path().join("roster.csv"),
        ];
        let mut notes = Vec::new();
        let entries = list_entries(folder.path(), &own, &mut notes).unwrap();
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["alice", "feedback", "gradebook.csv"]);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].starts_with(".cache: hidden"), "{notes:?}");
        assert!(
            notes[1].starts_with("grades: the grader's own"),
            "{notes:?}"
        );
        assert!(
            notes[2].starts_with("roster.csv: the grader's own"),
            "{notes:?}"
        );
        // `--out` is the submissions folder itself: its report files are the grader's.
        let mut notes = Vec::new();
        let entries =
            list_entries(folder.path(), &[folder.path().to_path_buf()], &mut notes).unwrap();
        let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["alice", "grades", "roster.csv"]);
    }

    fn course() -> Course {
        Course::load(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()).unwrap()
    }

    #[test]
    fn entries_that_cannot_be_graded_are_rows_saying_why_and_what_to_do() {
        let course = course();
        let folder = tempfile::tempdir().unwrap();
        let class = folder.path();
        let lib = format!("exercises/{}/src/lib.rs", course.exercises[0].slug);
        fs::create_dir_all(class.join("alice").join(&lib).parent().unwrap()).unwrap();
        fs::write(class.join("alice").join(&lib), b"pub fn f() {}").unwrap();
        fs::create_dir_all(class.join("empty/docs")).unwrap();
        fs::write(class.join("empty/docs/README.md"), b"hi").unwrap();
        fs::write(class.join("notes.txt"), b"").unwrap();
        fs::write(
            class.join("broken.TGZ"),
            b"not gzip, not tar either, just some bytes",
        )
        .unwrap();
        std::os::unix::fs::symlink(class.join("alice"), class.join("linked.zip")).unwrap();
        let read = discover(&course, class).unwrap();
        let ids: Vec<&str> = read.submissions.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["alice"]);
        let refused: Vec<(&str, &str)> = read
            .not_gradable
            .iter()
            .map(|n| (n.id.as_str(), n.reason.as_str()))
            .collect();
        let expected = [
            ("broken", "`broken.TGZ` is not a readable tar archive ("),
            (
                "empty",
                "no lesson found in `empty`: expected `exercises/<lesson>/src/lib.rs`",
            ),
            (
                "linked",
                "`linked.zip` is a symbolic link, and the grader never follows links;",
            ),
            (
                "notes.txt",
                "`notes.txt` is not a hand-in: expected a folder, .zip, .tar.gz",
            ),
        ];
        assert_eq!(refused.len(), expected.len(), "{refused:?}");
        for ((id, reason), (want_id, want)) in refused.iter().zip(expected) {
            assert_eq!(*id, want_id);
            assert!(reason.starts_with(want), "{reason}");
        }
        assert!(
            refused[0].1.contains("); ask the student for a new copy"),
            "{refused:?}"
        );
    }

    #[test]
    fn a_tar_is_read_compressed_or_not_whatever_its_extension_says() {
        let course = course();
        let folder = tempfile::tempdir().unwrap();
        let slug = &course.exercises[0].slug;
        let mut builder = tar::Builder::new(Vec::new());
        let mut header = tar::Header::new_gnu();
        header.set_size(3);
        header.set_mode(0o644);
        builder
            .append_data(
                &mut header,
                format!("exercises/{slug}/src/lib.rs"),
                &b"//x"[..],
            )
            .unwrap();
        let plain = builder.into_inner().unwrap();
        fs::write(folder.path().join("bob.tar.gz"), &plain).unwrap();
        let read = discover(&course, folder.path()).unwrap();
        let bob = &read.submissions[0];
        assert_eq!((bob.id.as_str(), bob.shape), ("bob", Shape::TarGz));
        assert!(bob.exercises.contains_key(slug.as_str()), "{bob:?}");
        assert_eq!(
            bob.notes,
            ["Read `bob.tar.gz` as a .tar (it is not compressed)"]
        );
    }

    #[test]
    fn an_entry_stands_for_the_student_its_name_says() {
        assert_eq!(entry_id("alice", true), "alice");
        assert_eq!(entry_id("alice.zip", false), "alice");
        assert_eq!(entry_id("alice.tar.gz", false), "alice");
        assert_eq!(entry_id("alice.TGZ", false), "alice");
        assert_eq!(entry_id("alice.zip", true), "alice.zip");
        assert_eq!(entry_id("notes.txt", false), "notes.txt");
    }

    #[test]
    fn refuses_paths_that_climb_or_are_absolute() {
        assert_eq!(
            safe_path(Path::new("a/b.rs")),
            Some(PathBuf::from("a/b.rs"))
        );
        assert_eq!(
            safe_path(Path::new("./exercises/b.rs")),
            Some(PathBuf::from("exercises/b.rs"))
        );
        assert_eq!(safe_path(Path::new("./")), None);
        assert_eq!(safe_path(Path::new("../b.rs")), None);
        assert_eq!(safe_path(Path::new("a/../../b.rs")), None);
        assert_eq!(safe_path(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn a_given_file_is_always_the_courses_copy() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let course = Course::load(root).unwrap();
        // The first lesson with given files (lesson 3's `devices.rs`).
        let Some((exercise, given)) = course
            .exercises
            .iter()
            .find_map(|e| Some((e, e.manifest.given.first()?)))
        else {
            return;
        };
        let pristine = fs::read(exercise.given_file(given)).unwrap();
        let src = |file: &str| PathBuf::from(format!("exercises/{}/src/{file}", exercise.slug));
        let lib = fs::read(exercise.solution(root)).unwrap();
        let read = |given_copy: Option<Found>| {
            let mut files = vec![(src("lib.rs"), Found::Source(lib.clone()))];
            files.extend(given_copy.map(|copy| (src(given), copy)));
            sort_files(&course, "student".into(), files)
        };
        let note = format!(
            "exercises/{}/src/{given} is given by the course: your changes to it are ignored",
            exercise.slug
        );
        for (copy, noted) in [
            (None, false),
            (Some(Found::Source(pristine.clone())), false),
            (Some(Found::Source(b"// mine\n".to_vec())), true),
            (Some(Found::TooBig), true),
            (Some(Found::NotAFile), true),
        ] {
            let submission = read(copy);
            let sources = &submission.exercises[&exercise.slug];
            assert_eq!(sources.files[Path::new(given)], pristine);
            assert_eq!(
                submission.notes.contains(&note),
                noted,
                "{:?}",
                submission.notes
            );
            assert!(
                submission.notes.iter().all(|n| !n.starts_with("Ignored")),
                "{:?}",
                submission.notes
            );
        }
    }

    #[test]
    fn locates_an_exercise_at_any_depth() {
        let slugs = BTreeSet::from(["01-x"]);
        let (slug, prefix, rest) =
            locate(&slugs, Path::new("repo/exercises/01-x/src/lib.rs")).unwrap();
        assert_eq!(
            (slug, prefix, rest),
            (
                "01-x",
                PathBuf::from("repo/exercises"),
                PathBuf::from("src/lib.rs")
            )
        );
        assert!(locate(&slugs, Path::new("repo/target/01-x/src/lib.rs")).is_none());
    }
}
