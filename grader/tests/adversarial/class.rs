//! Writing the corpus out as a class of submissions, with the honest students.

use super::*;

/// The checkout the grader under test grades from (it defaults to its own workspace).
pub(crate) fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The corpus as submissions, plus the honest students.
pub(crate) fn build_class(
    root: &Path,
    corpus: &Path,
    class: &Path,
    attacks: &[&Attack],
    port: u16,
) {
    for attack in attacks {
        let from = corpus.join(attack.name);
        let to = class.join(attack.name);
        match attack.name {
            "symlink-lib" => symlink_lib(root, &to),
            "symlink-src-dir" => symlink_src_dir(root, &to),
            "zip-slip" => zip_slip(root, &class.join("zip-slip.zip")),
            _ => copy_tree(&from, &to),
        }
    }
    let network = class.join("network-loopback/exercises/01-tick-file-watch/src/lib.rs");
    if let Ok(source) = fs::read_to_string(&network) {
        assert!(
            source.contains(PORT_PLACEHOLDER),
            "network-loopback has no `{PORT_PLACEHOLDER}` to replace"
        );
        let source = source.replace(PORT_PLACEHOLDER, &format!("const PORT: u16 = {port};"));
        fs::write(&network, source).unwrap();
    }

    for id in HONEST {
        for entry in fs::read_dir(root.join("solutions")).unwrap() {
            let entry = entry.unwrap();
            let slug = entry.file_name();
            copy_tree(
                &entry.path().join("src"),
                &class.join(id).join("exercises").join(&slug).join("src"),
            );
        }
    }
}

/// Copies regular files only (the corpus holds no links; git would not keep them).
pub(crate) fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `lib.rs` -> a relative path climbing out of the submission to the real solution.
pub(crate) fn symlink_lib(root: &Path, student: &Path) {
    let src = student.join("exercises/01-tick-file-watch/src");
    fs::create_dir_all(&src).unwrap();
    let solution = root
        .canonicalize()
        .unwrap()
        .join("solutions/01-tick-file-watch/src/lib.rs");
    let src_real = src.canonicalize().unwrap();
    let mut relative: PathBuf = src_real.components().skip(1).map(|_| "..").collect();
    relative.push(solution.strip_prefix("/").unwrap());
    std::os::unix::fs::symlink(&relative, src.join("lib.rs")).unwrap();
    assert!(
        fs::read_to_string(src.join("lib.rs")).is_ok_and(|t| t.contains("Reference solution")),
        "the link {} must reach the real solution",
        relative.display()
    );
}

/// `src` -> the solution's `src` folder (absolute).
pub(crate) fn symlink_src_dir(root: &Path, student: &Path) {
    let exercise = student.join("exercises/01-tick-file-watch");
    fs::create_dir_all(&exercise).unwrap();
    let target = root
        .canonicalize()
        .unwrap()
        .join("solutions/01-tick-file-watch/src");
    std::os::unix::fs::symlink(target, exercise.join("src")).unwrap();
}

/// A .zip whose lib.rs is a link to the solution and whose other entries climb out.
pub(crate) fn zip_slip(root: &Path, archive: &Path) {
    let solution = fs::read(root.join("solutions/01-tick-file-watch/src/lib.rs")).unwrap();
    let mut zip = zip::ZipWriter::new(fs::File::create(archive).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.add_symlink(
        "zip-slip/exercises/01-tick-file-watch/src/lib.rs",
        "../../../../../solutions/01-tick-file-watch/src/lib.rs",
        options,
    )
    .unwrap();
    let escapes = [
        "../../../../tmp/grader-adversarial-outside/zip-slip-climbed.rs".to_string(),
        "/tmp/grader-adversarial-outside/zip-slip-absolute.rs".to_string(),
        format!(
            "zip-slip/exercises/01-tick-file-watch/src/{}tmp/grader-adversarial-outside/zip-slip-inner.rs",
            "../".repeat(12)
        ),
    ];
    for name in escapes {
        zip.start_file(name, options).unwrap();
        zip.write_all(format!("// {MARKER} zip-slip\n").as_bytes())
            .unwrap();
        zip.write_all(&solution).unwrap();
    }
    zip.finish().unwrap();
}

// ---------------------------------------------------------------------------------------
// The machine: course trees, files outside, processes, network.
