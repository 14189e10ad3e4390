//! The bundled demo class (`grader/demo-class/class.toml`), written out as real
//! submissions: folders, a `.zip` and a `.tar.gz`, exactly as an instructor would receive
//! them, so `grader grade` with no argument shows the whole product.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::course::Course;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Class {
    student: Vec<Student>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Student {
    id: String,
    #[allow(dead_code)]
    about: String,
    #[serde(default)]
    form: Form,
    exercises: BTreeMap<String, Source>,
    #[serde(default)]
    extra: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Form {
    #[default]
    Folder,
    Zip,
    #[serde(rename = "tar.gz")]
    TarGz,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Source {
    Named(String),
    Edited { base: String, append: String },
}

/// Writes the demo class into `out` (emptied first) and returns `out`.
pub fn write(course: &Course, out: &Path) -> Result<PathBuf> {
    let folder = course.root.join("grader/demo-class");
    let recipe = folder.join("class.toml");
    let text =
        fs::read_to_string(&recipe).with_context(|| format!("cannot read {}", recipe.display()))?;
    let class: Class = toml::from_str(&text)
        .with_context(|| format!("{} is not a valid demo class", recipe.display()))?;
    if out.exists() {
        fs::remove_dir_all(out).with_context(|| format!("cannot empty {}", out.display()))?;
    }
    fs::create_dir_all(out)?;
    for student in &class.student {
        let files = student_files(course, &folder, student)?;
        match student.form {
            Form::Folder => write_folder(&out.join(&student.id), &files)?,
            Form::Zip => write_zip(
                &out.join(format!("{}.zip", student.id)),
                &student.id,
                &files,
            )?,
            Form::TarGz => write_tar_gz(
                &out.join(format!("{}.tar.gz", student.id)),
                &student.id,
                &files,
            )?,
        }
    }
    Ok(out.to_path_buf())
}

/// Path inside the submission -> contents.
fn student_files(
    course: &Course,
    folder: &Path,
    student: &Student,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut files = BTreeMap::new();
    for (number, source) in &student.exercises {
        let Some(exercise) = course.find(number) else {
            bail!("demo student {}: no exercise {number}", student.id);
        };
        let (base, append) = match source {
            Source::Named(name) => (name.as_str(), ""),
            Source::Edited { base, append } => (base.as_str(), append.as_str()),
        };
        let path = match base {
            "solution" => exercise.solution(&course.root),
            "stub" => exercise.stub(),
            other => match (other.strip_prefix("wrong/"), other.strip_prefix("files/")) {
                (Some(file), _) => exercise.grading_dir.join("wrong").join(file),
                (_, Some(file)) => folder.join("files").join(file),
                _ => bail!("demo student {}: unknown source `{other}`", student.id),
            },
        };
        let mut contents = fs::read(&path).with_context(|| {
            format!(
                "demo student {}: cannot read {}",
                student.id,
                path.display()
            )
        })?;
        contents.extend_from_slice(append.as_bytes());
        files.insert(format!("exercises/{}/src/lib.rs", exercise.slug), contents);
    }
    for (target, source) in &student.extra {
        let path = folder.join(source);
        files.insert(
            target.clone(),
            fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
        );
    }
    Ok(files)
}

fn write_folder(root: &Path, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    for (path, contents) in files {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap_or(root))?;
        fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn write_zip(path: &Path, id: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let mut zip = zip::ZipWriter::new(fs::File::create(path)?);
    for (name, contents) in files {
        zip.start_file(
            format!("{id}/{name}"),
            zip::write::SimpleFileOptions::default(),
        )?;
        zip.write_all(contents)?;
    }
    zip.finish()?;
    Ok(())
}

fn write_tar_gz(path: &Path, id: &str, files: &BTreeMap<String, Vec<u8>>) -> Result<()> {
    let gz = flate2::write::GzEncoder::new(fs::File::create(path)?, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, contents) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(contents.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, format!("{id}/{name}"), contents.as_slice())?;
    }
    tar.into_inner()?.finish()?;
    Ok(())
}
