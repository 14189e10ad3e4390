//! Intake amplification: archives that unpack to far more than they weigh must not make
//! the grader hold more. The archives are built at run time in a temporary folder, each a
//! student of one class graded by the real `grader` binary:
//!
//! - `zip-bomb.zip`: 20,000 entries of 256 KiB of zeros each (5 GB unpacked, about 7 MB
//!   on disk), half under lesson 1's `src/`, half under its `tests/`, and a `lib.rs` that
//!   is refused before it is built (`include_str!`), so nothing compiles;
//! - `tar-bomb.tar.gz`: a GNU long name of 512 MiB of zeros, then 2,000 entries nested
//!   16,000 folders deep, then one 2 GiB file under `src/` (2.6 GB unpacked, about 3 MB);
//! - `huge-entry.zip`: one 64 MiB source file under `src/`;
//! - 97 more students handing in the zip bomb without its `lib.rs` (hard links to one
//!   archive), so the class is 100: a lesson without `lib.rs` is not kept, so these cost
//!   the reading only (keeping 1 MiB of sources each and scanning them takes a debug build
//!   seconds per student).
//!
//! The grader's own peak memory (`VmHWM` of its process, not of its cargo or rustc
//! children) stays under a fixed bound, grading completes, and each student's feedback
//! says what was left out and why.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flate2::{Compress, Compression, FlushCompress};

/// The most the grader may hold: it reads the archives one after the other, and keeps at
/// most `MAX_TOTAL` (1 MiB) of sources per student.
const RSS_BOUND_KIB: u64 = 300 * 1024;
/// Students in the class.
const STUDENTS: usize = 100;
/// The whole grading must end within this.
const LIMIT: Duration = Duration::from_secs(300);
const LESSON: &str = "exercises/01-tick-file-watch";
const MIB: usize = 1 << 20;

#[test]
fn archive_bombs_cost_the_grader_nothing_and_the_student_gets_a_note() {
    let work = tempfile::tempdir().unwrap();
    let class = work.path().join("class");
    fs::create_dir(&class).unwrap();
    zip_bomb(&class.join("zip-bomb.zip"), true);
    let lib_less = work.path().join("lib-less.zip");
    zip_bomb(&lib_less, false);
    tar_bomb(&class.join("tar-bomb.tar.gz"));
    huge_entry(&class.join("huge-entry.zip"));
    for index in 3..STUDENTS {
        let copy = class.join(format!("zip-bomb-{index}.zip"));
        fs::hard_link(&lib_less, copy).unwrap();
    }

    let out = work.path().join("out");
    let (status, peak_kib, log) = grade_measured(&class, &out, work.path());
    assert!(status.success(), "grading failed:\n{log}");
    assert!(
        peak_kib < RSS_BOUND_KIB,
        "the grader held {} MiB at its peak (bound {} MiB)",
        peak_kib / 1024,
        RSS_BOUND_KIB / 1024
    );
    eprintln!("the grader's peak memory: {} MiB", peak_kib / 1024);

    let feedback = |id: &str| fs::read_to_string(out.join(format!("feedback/{id}.md"))).unwrap();
    assert_eq!(
        fs::read_dir(out.join("feedback")).unwrap().count(),
        STUDENTS
    );
    let zip = feedback("zip-bomb");
    for words in [
        "over the 1024 KiB total for a submission",
        "and 19976 more",
        "tests/f0.rs (added",
    ] {
        assert!(
            zip.contains(words),
            "zip-bomb's feedback lacks `{words}`:\n{zip}"
        );
    }
    let tar = feedback("tar-bomb");
    for words in [
        "Reading your submission stopped early: it unpacks to more than 1024 MiB",
        "2001 file(s) whose path is longer than 1024 bytes",
    ] {
        assert!(
            tar.contains(words),
            "tar-bomb's feedback lacks `{words}`:\n{tar}"
        );
    }
    let huge = feedback("huge-entry");
    let words = "exercises/01-tick-file-watch/src/huge.rs (larger than 256 KiB)";
    assert!(
        huge.contains(words),
        "huge-entry's feedback lacks `{words}`:\n{huge}"
    );
}

/// Runs `grader grade class --out out`, sampling its `VmHWM`; returns its status, its peak
/// in KiB and its output.
fn grade_measured(
    class: &Path,
    out: &Path,
    work: &Path,
) -> (std::process::ExitStatus, u64, String) {
    let log_path = work.join("grader.log");
    let log = fs::File::create(&log_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_grader"))
        .arg("grade")
        .arg(class)
        .arg("--out")
        .arg(out)
        .env_remove("TIMELINE_EVIDENCE")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let start = Instant::now();
    let mut peak = 0;
    let status = loop {
        // High-water mark: the last value read before the process ends is its peak so far.
        if let Some(hwm) = fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| vm_hwm(&s))
        {
            peak = peak.max(hwm);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("grading took longer than {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (
        status,
        peak,
        fs::read_to_string(&log_path).unwrap_or_default(),
    )
}

fn vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// 20,000 entries of 256 KiB of zeros, compressed once and copied raw; `lib` adds a
/// `lib.rs`.
fn zip_bomb(path: &Path, lib: bool) {
    let template_path = path.with_extension("template");
    let mut template = zip::ZipWriter::new(fs::File::create(&template_path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    template.start_file("zeros", options).unwrap();
    template.write_all(&vec![0u8; 256 * 1024]).unwrap();
    template.finish().unwrap();
    let mut source = zip::ZipArchive::new(fs::File::open(&template_path).unwrap()).unwrap();
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    // A lib.rs, so the sources are kept; one the grader refuses to build (nothing compiles).
    if lib {
        zip.start_file(format!("{LESSON}/src/lib.rs"), options)
            .unwrap();
        zip.write_all(b"pub const X: &str = include_str!(\"lib.rs\");\n")
            .unwrap();
    }
    for index in 0..20_000 {
        let name = if index % 2 == 0 {
            format!("{LESSON}/src/bomb/f{index}.rs")
        } else {
            format!("{LESSON}/tests/f{}.rs", index - 1)
        };
        zip.raw_copy_file_rename(source.by_index_raw(0).unwrap(), name)
            .unwrap();
    }
    zip.finish().unwrap();
    // Not left in the class: any other file there is a row of its own, not gradable.
    fs::remove_file(&template_path).unwrap();
}

fn huge_entry(path: &Path) {
    let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    zip.start_file(format!("{LESSON}/src/huge.rs"), options)
        .unwrap();
    let block = vec![b' '; MIB];
    for _ in 0..64 {
        zip.write_all(&block).unwrap();
    }
    zip.finish().unwrap();
}

/// A long name of zeros, deep nesting, a huge file: see the module docs.
fn tar_bomb(path: &Path) {
    let mut gz = ZeroGz::new();
    let long_link = |size: usize| header(tar::EntryType::GNULongName, "././@LongLink", size);
    gz.plain(&long_link(512 * MIB));
    gz.zeros(512 * MIB);
    gz.plain(&header(tar::EntryType::Regular, "after-the-long-name", 0));
    let deep = format!("{LESSON}/tests/{}", "a/".repeat(16_000));
    for index in 0..2_000 {
        let name = format!("{deep}f{index}.rs\0");
        let mut entry = long_link(name.len());
        entry.extend(padded(name.as_bytes()));
        entry.extend(header(tar::EntryType::Regular, "deep", 0));
        gz.plain(&entry);
    }
    gz.plain(&header(
        tar::EntryType::Regular,
        &format!("{LESSON}/src/huge.rs"),
        2048 * MIB,
    ));
    gz.zeros(2048 * MIB);
    gz.plain(&[0u8; 1024]);
    fs::write(path, gz.finish()).unwrap();
}

fn header(kind: tar::EntryType, path: &str, size: usize) -> Vec<u8> {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_path(path).unwrap();
    header.set_size(size as u64);
    header.set_mode(0o644);
    header.set_cksum();
    header.as_bytes().to_vec()
}

fn padded(bytes: &[u8]) -> Vec<u8> {
    let mut padded = bytes.to_vec();
    padded.resize(bytes.len().div_ceil(512) * 512, 0);
    padded
}

/// A gzip stream written as independent deflate blocks, so that a run of zeros is one
/// compressed mebibyte repeated (compressing gigabytes in a debug build would take
/// minutes). Its checksum is left zero: the grader stops reading long before it.
struct ZeroGz {
    bytes: Vec<u8>,
    zero_block: Vec<u8>,
}

impl ZeroGz {
    fn new() -> Self {
        ZeroGz {
            bytes: vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff],
            zero_block: deflate_block(&vec![0u8; MIB]),
        }
    }

    fn plain(&mut self, data: &[u8]) {
        self.bytes.extend(deflate_block(data));
    }

    fn zeros(&mut self, size: usize) {
        assert_eq!(size % MIB, 0);
        for _ in 0..size / MIB {
            self.bytes.extend_from_slice(&self.zero_block);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        // A final empty block, then the (unchecked) CRC and size.
        self.bytes.extend([0x03, 0x00]);
        self.bytes.extend([0u8; 8]);
        self.bytes
    }
}

/// `data` as deflate blocks that end on a byte boundary and refer to nothing before them.
fn deflate_block(data: &[u8]) -> Vec<u8> {
    let mut compress = Compress::new(Compression::fast(), false);
    let mut out = Vec::with_capacity(data.len() / 2 + 1024);
    compress
        .compress_vec(data, &mut out, FlushCompress::Full)
        .unwrap();
    assert_eq!(
        compress.total_in(),
        data.len() as u64,
        "the buffer was too small"
    );
    out
}
