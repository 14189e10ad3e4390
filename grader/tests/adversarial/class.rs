//! Writing the corpus out as a class of submissions, with the honest students.

use super::*;

/// The checkout the grader under test grades from (it defaults to its own workspace).
pub(crate) fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The corpus as submissions, plus the honest students. Every text file of an attack is
/// handed out as this run localises it (its sentinel folder, names, port).
pub(crate) fn build_class(
    root: &Path,
    corpus: &Path,
    class: &Path,
    attacks: &[&Attack],
    run: &RunNames,
) {
    for attack in attacks {
        let from = corpus.join(attack.name);
        let to = class.join(attack.name);
        match attack.name {
            "symlink-lib" => symlink_lib(root, &to),
            "symlink-src-dir" => symlink_src_dir(root, &to),
            "zip-slip" => zip_slip(root, &class.join("zip-slip.zip"), run),
            "folder-sparse-files" => sparse_files(&from, &to, run),
            "tgz-long-names" => long_names(&from, &class.join("tgz-long-names.tar.gz"), run),
            _ => copy_tree(&from, &to),
        }
        localise_tree(&to, run);
    }
    let network = class.join("network-loopback/exercises/01-tick-file-watch/src/lib.rs");
    if let Ok(source) = fs::read_to_string(&network) {
        assert!(
            source.contains(&format!("const PORT: u16 = {};", run.port)),
            "network-loopback has no `{PORT_PLACEHOLDER}` to replace"
        );
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

/// Rewrites every text file of a copied attack as [`RunNames::localise`] says.
pub(crate) fn localise_tree(dir: &Path, run: &RunNames) {
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let text = ["rs", "toml", "md"]
            .iter()
            .any(|e| path.extension().is_some_and(|x| x == *e));
        if entry.file_type().is_file()
            && text
            && let Ok(source) = fs::read_to_string(path)
        {
            let localised = run.localise(&source);
            if localised != source {
                fs::write(path, localised).unwrap();
            }
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
pub(crate) fn zip_slip(root: &Path, archive: &Path, run: &RunNames) {
    let solution = fs::read(root.join("solutions/01-tick-file-watch/src/lib.rs")).unwrap();
    let mut zip = zip::ZipWriter::new(fs::File::create(archive).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.add_symlink(
        "zip-slip/exercises/01-tick-file-watch/src/lib.rs",
        "../../../../../solutions/01-tick-file-watch/src/lib.rs",
        options,
    )
    .unwrap();
    let outside = run.outside.to_string_lossy();
    let outside = outside.trim_start_matches('/');
    let escapes = [
        format!("../../../../{outside}/zip-slip-climbed.rs"),
        format!("/{outside}/zip-slip-absolute.rs"),
        format!(
            "zip-slip/exercises/01-tick-file-watch/src/{}{outside}/zip-slip-inner.rs",
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

/// The corpus folder's files, plus [`SPARSE_FILES`] sparse source files of just under the
/// grader's per-file cap in `src/pad/`: they cost no disk, but read as zeros.
pub(crate) fn sparse_files(from: &Path, to: &Path, run: &RunNames) {
    copy_tree(from, to);
    let pad = to.join("exercises/01-tick-file-watch/src/pad");
    fs::create_dir_all(&pad).unwrap();
    for index in 0..SPARSE_FILES {
        let file = fs::File::create(pad.join(format!("p{index:05}.rs"))).unwrap();
        file.set_len(SPARSE_SIZE).unwrap();
    }
    let _ = run;
}

/// Sparse files in `folder-sparse-files`, and the size of each: 6,000 x 250 KiB = 1.4 GiB
/// read as zeros, under the grader's caps of 20,000 entries and 256 KiB per file.
pub(crate) const SPARSE_FILES: usize = 6_000;
pub(crate) const SPARSE_SIZE: u64 = 250 * 1024;

/// A .tar.gz whose entries are the corpus folder's files, then [`LONG_NAMES`] empty files
/// with 64 KiB names (GNU long-name entries): 1 GiB of names in a few MiB of archive.
pub(crate) fn long_names(from: &Path, archive: &Path, run: &RunNames) {
    fs::create_dir_all(archive.parent().unwrap()).unwrap();
    let file = fs::File::create(archive).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(from).unwrap();
            let text = run.localise(&fs::read_to_string(entry.path()).unwrap());
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o644);
            let name = Path::new("tgz-long-names").join(relative);
            tar.append_data(&mut header, name, text.as_bytes()).unwrap();
        }
    }
    let component = "n".repeat(250);
    for index in 0..LONG_NAMES {
        let mut name = PathBuf::from("tgz-long-names/exercises/01-tick-file-watch/src");
        for _ in 0..(64 * 1024 / 251) {
            name.push(&component);
        }
        name.push(format!("long-{index:05}.rs"));
        let mut header = tar::Header::new_gnu();
        header.set_size(0);
        header.set_mode(0o644);
        tar.append_data(&mut header, name, std::io::empty())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
}

/// Long-name entries in `tgz-long-names`: 16,000 x 64 KiB = 1 GiB of names, under the
/// grader's cap of 20,000 entries.
pub(crate) const LONG_NAMES: usize = 16_000;
