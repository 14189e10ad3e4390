//! Cgroup: one bound on memory and process count for a test's whole process tree.
//!
//! Per-process limits (`prlimit`) do not add up to a bound on a test: it may start hundreds
//! of processes, each under its own limit, and what it writes into a tmpfs (`/tmp`,
//! `/dev/shm`) is memory too. A control group counts all of it together: every process the
//! test starts, every thread, and every tmpfs page they write (the kernel charges it to the
//! writer's group). The kernel's OOM killer ends a process of the group when the group
//! reaches its bound; nothing outside the group is touched.
//!
//! Each grader run makes a parent group of its own (`grader-<pid>-<n>`) in every hierarchy it
//! uses (cgroup v1 `memory` and `pids`, or one cgroup v2 hierarchy with both controllers),
//! and one child per test process under it. The test process joins its group before it
//! execs anything (a tiny `sh` writes its own pid into `cgroup.procs`, then execs the
//! confined command; the crate forbids `unsafe`, so no `pre_exec`). When the test process
//! ends, whatever is still in its group is killed and the group removed; the parent goes
//! when the run ends, and a parent left behind by a grader that was killed is cleaned up
//! by the next run.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// The least memory a test gets, however many run at once.
pub const MEMORY_FLOOR: u64 = 256 * 1024 * 1024;
/// The most memory a test gets, however few run at once (a test on a paused clock needs
/// tens of MiB; a bound far above that only lets one test cost the machine more).
pub const MEMORY_CEILING: u64 = 1024 * 1024 * 1024;
/// Processes and threads of one test, all together: a paused-clock test needs a handful
/// (the runtime, libtest's threads, a few blocking-pool threads).
pub const TASKS: u64 = 128;

/// Joins the groups named before `--` (its own pid into each `cgroup.procs`), then execs
/// the rest of the command line.
const JOIN: &str = "while [ \"$1\" != -- ]; do echo $$ > \"$1/cgroup.procs\" || exit 125; \
    shift; done; shift; exec \"$@\"";

/// How long closing a group may take to empty it before giving up on removing it.
const EMPTY_WITHIN: Duration = Duration::from_secs(5);

/// Which kind of hierarchy the groups live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// cgroup v1: separate `memory` and `pids` hierarchies.
    V1,
    /// cgroup v2: one hierarchy with both controllers.
    V2,
}

/// The parent groups of this grader run.
#[derive(Debug)]
pub struct Cgroups {
    version: Version,
    /// One parent per hierarchy (v1: memory, then pids; v2: one).
    parents: Vec<PathBuf>,
    /// The shell that joins a group before exec.
    sh: PathBuf,
    /// Memory of the machine, from which a test's share is sized.
    ram: u64,
    next: AtomicUsize,
}

/// The group of one test process.
#[derive(Debug)]
pub struct Cgroup {
    version: Version,
    dirs: Vec<PathBuf>,
    sh: PathBuf,
    /// Its memory bound, in bytes.
    pub memory: u64,
}

/// What a test's group saw, read when it is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// Its memory bound, in bytes.
    pub memory: u64,
    /// Processes the kernel killed because the group reached its bound.
    pub oom_kills: u64,
    /// Most memory the group held at once, where the kernel says.
    pub peak: Option<u64>,
}

impl Usage {
    /// A line for the test's explanation when the bound was what ended it.
    pub fn note(&self) -> Option<String> {
        (self.oom_kills > 0).then(|| {
            format!(
                "the test's processes together reached their memory bound of {} MiB (memory \
                 and files in /tmp count together): the kernel killed {} of them",
                self.memory >> 20,
                self.oom_kills
            )
        })
    }
}

impl Cgroups {
    /// Makes this run's parent groups, in cgroup v2 when it has the `memory` and `pids`
    /// controllers, else in cgroup v1; says why not when neither works here.
    pub fn detect(sh: &Path) -> std::result::Result<Cgroups, String> {
        let mounts = fs::read_to_string("/proc/self/mounts")
            .map_err(|e| format!("cannot read /proc/self/mounts: {e}"))?;
        let ram = total_memory().ok_or("cannot read MemTotal from /proc/meminfo")?;
        // Unique per detection: a process may detect more than once (tests do, in parallel).
        static DETECTED: AtomicUsize = AtomicUsize::new(0);
        let nth = DETECTED.fetch_add(1, Ordering::Relaxed);
        let name = format!("grader-{}-{nth}", std::process::id());
        let mut why = Vec::new();
        for (version, roots) in [
            (Version::V2, v2_roots(&mounts)),
            (Version::V1, v1_roots(&mounts)),
        ] {
            let Some(roots) = roots else {
                why.push(match version {
                    Version::V2 => {
                        "no cgroup v2 hierarchy with the memory and pids controllers".to_string()
                    }
                    Version::V1 => "no cgroup v1 memory and pids hierarchies".to_string(),
                });
                continue;
            };
            for root in &roots {
                remove_stale(root);
            }
            match make_parents(version, &roots, &name) {
                Ok(parents) => {
                    return Ok(Cgroups {
                        version,
                        parents,
                        sh: sh.to_path_buf(),
                        ram,
                        next: AtomicUsize::new(0),
                    });
                }
                Err(error) => why.push(format!("{error:#}")),
            }
        }
        Err(why.join("; "))
    }

    /// The protections line: which cgroups bound a test, and how much.
    pub fn describe(&self) -> String {
        format!(
            "cgroup {} memory+pids: each test process with everything it starts and every tmpfs \
             file it writes, together, at most the machine's {} MiB / parallel tests (from {} \
             to {} MiB) and {TASKS} processes",
            match self.version {
                Version::V1 => "v1",
                Version::V2 => "v2",
            },
            self.ram >> 20,
            MEMORY_FLOOR >> 20,
            MEMORY_CEILING >> 20,
        )
    }

    /// A test's share of the machine's memory when `jobs` tests run at once.
    pub fn memory_per_test(&self, jobs: usize) -> u64 {
        (self.ram / jobs.max(1) as u64).clamp(MEMORY_FLOOR, MEMORY_CEILING)
    }

    /// A fresh group for one test process, bounded for `jobs` tests at once.
    pub fn open(&self, jobs: usize) -> Result<Cgroup> {
        let name = format!("t{}", self.next.fetch_add(1, Ordering::Relaxed));
        let memory = self.memory_per_test(jobs);
        let dirs: Vec<PathBuf> = self.parents.iter().map(|p| p.join(&name)).collect();
        for dir in &dirs {
            fs::create_dir(dir).with_context(|| {
                format!("cannot create the test's control group {}", dir.display())
            })?;
        }
        let group = Cgroup {
            version: self.version,
            dirs,
            sh: self.sh.clone(),
            memory,
        };
        group.limit()?;
        Ok(group)
    }
}

impl Drop for Cgroups {
    fn drop(&mut self) {
        for parent in &self.parents {
            remove_tree(parent);
        }
    }
}

impl Cgroup {
    fn limit(&self) -> Result<()> {
        let memory = self.memory.to_string();
        let tasks = TASKS.to_string();
        let settings: Vec<(&Path, &str, &str)> = match self.version {
            Version::V1 => vec![
                (&self.dirs[0], "memory.limit_in_bytes", &memory),
                // Where swap is accounted, memory plus swap gets the same bound.
                (&self.dirs[0], "memory.memsw.limit_in_bytes", &memory),
                (&self.dirs[1], "pids.max", &tasks),
            ],
            Version::V2 => vec![
                (&self.dirs[0], "memory.max", &memory),
                (&self.dirs[0], "memory.swap.max", "0"),
                (&self.dirs[0], "pids.max", &tasks),
            ],
        };
        for (dir, file, value) in settings {
            let path = dir.join(file);
            let optional = file.contains("swap") || file.contains("memsw");
            if optional && !path.exists() {
                continue;
            }
            fs::write(&path, value)
                .with_context(|| format!("cannot write {value} into {}", path.display()))?;
        }
        Ok(())
    }

    /// `command`, run so that its process joins this group before it execs: the same
    /// program, arguments, environment and working folder, behind a tiny `sh`.
    pub fn wrap(&self, command: Command) -> Command {
        let mut wrapped = Command::new(&self.sh);
        wrapped.args(["-c", JOIN, "sh"]).args(&self.dirs).arg("--");
        wrapped.arg(command.get_program()).args(command.get_args());
        wrapped.env_clear();
        for (key, value) in command.get_envs() {
            if let Some(value) = value {
                wrapped.env(key, value);
            }
        }
        if let Some(dir) = command.get_current_dir() {
            wrapped.current_dir(dir);
        }
        wrapped
    }

    /// Its folders, one per hierarchy (gone once it is dropped).
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// What the group has seen so far.
    pub fn usage(&self) -> Usage {
        let memory_dir = &self.dirs[0];
        let (events, peak) = match self.version {
            Version::V1 => ("memory.oom_control", "memory.max_usage_in_bytes"),
            Version::V2 => ("memory.events", "memory.peak"),
        };
        let oom_kills = fs::read_to_string(memory_dir.join(events))
            .ok()
            .and_then(|text| field(&text, "oom_kill"))
            .unwrap_or(0);
        let peak = fs::read_to_string(memory_dir.join(peak))
            .ok()
            .and_then(|text| text.trim().parse().ok());
        Usage {
            memory: self.memory,
            oom_kills,
            peak,
        }
    }
}

impl Drop for Cgroup {
    /// Kills whatever is still in the group and removes it.
    fn drop(&mut self) {
        for dir in &self.dirs {
            empty(dir);
            // A group the kernel is still tearing down is removed with the parent.
            let _ = fs::remove_dir(dir);
        }
    }
}

/// `name value` in a flat key-value file such as `memory.events`.
fn field(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(' ')?;
        (key == name).then(|| value.trim().parse().ok()).flatten()
    })
}

/// The machine's memory in bytes.
fn total_memory() -> Option<u64> {
    let text = fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The mount point of a cgroup v2 hierarchy offering `memory` and `pids`.
fn v2_roots(mounts: &str) -> Option<Vec<PathBuf>> {
    mounts.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (point, kind, options) = (fields.get(1)?, fields.get(2)?, fields.get(3)?);
        if *kind != "cgroup2" || !options.split(',').any(|o| o == "rw") {
            return None;
        }
        let root = PathBuf::from(point);
        let controllers = fs::read_to_string(root.join("cgroup.controllers")).ok()?;
        let has = |c: &str| controllers.split_whitespace().any(|x| x == c);
        (has("memory") && has("pids")).then(|| vec![root])
    })
}

/// The mount points of the cgroup v1 `memory` and `pids` hierarchies, in that order.
fn v1_roots(mounts: &str) -> Option<Vec<PathBuf>> {
    let find = |controller: &str| {
        mounts.lines().find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (point, kind, options) = (fields.get(1)?, fields.get(2)?, fields.get(3)?);
            let options: Vec<&str> = options.split(',').collect();
            (*kind == "cgroup" && options.contains(&"rw") && options.contains(&controller))
                .then(|| PathBuf::from(point))
        })
    };
    Some(vec![find("memory")?, find("pids")?])
}

fn make_parents(version: Version, roots: &[PathBuf], name: &str) -> Result<Vec<PathBuf>> {
    let mut parents = Vec::new();
    for root in roots {
        let parent = root.join(name);
        fs::create_dir(&parent)
            .with_context(|| format!("cannot create the control group {}", parent.display()))?;
        parents.push(parent);
    }
    if version == Version::V2 {
        // Children of the parent get their own memory and pids accounting.
        for dir in [&roots[0], &parents[0]] {
            let control = dir.join("cgroup.subtree_control");
            if let Err(error) = fs::write(&control, "+memory +pids") {
                for parent in &parents {
                    let _ = fs::remove_dir(parent);
                }
                return Err(error).with_context(|| {
                    format!("cannot enable memory and pids in {}", control.display())
                });
            }
        }
    }
    Ok(parents)
}

/// Removes the groups of grader runs whose process is gone (killed before cleaning up).
fn remove_stale(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("grader-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            remove_tree(&entry.path());
        }
    }
}

/// Empties and removes every group under `dir`, then `dir` itself.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&entry.path());
            }
        }
    }
    empty(dir);
    let _ = fs::remove_dir(dir);
}

/// Kills every process in the group until none is left (or [`EMPTY_WITHIN`] has passed: a
/// process stuck in the kernel may take a moment to go).
fn empty(dir: &Path) {
    let start = Instant::now();
    let kill_v2 = dir.join("cgroup.kill");
    loop {
        let pids = members(dir);
        if pids.is_empty() || start.elapsed() > EMPTY_WITHIN {
            return;
        }
        if fs::write(&kill_v2, "1").is_err() {
            for pid in pids {
                if let Some(pid) = rustix::process::Pid::from_raw(pid) {
                    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn members(dir: &Path) -> Vec<i32> {
    fs::read_to_string(dir.join("cgroup.procs"))
        .map(|text| text.lines().filter_map(|l| l.trim().parse().ok()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTS: &str = "\
tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0
cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0
cgroup /sys/fs/cgroup/pids cgroup rw,relatime,pids 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
";

    #[test]
    fn finds_the_v1_memory_and_pids_hierarchies() {
        assert_eq!(
            v1_roots(MOUNTS),
            Some(vec![
                PathBuf::from("/sys/fs/cgroup/memory"),
                PathBuf::from("/sys/fs/cgroup/pids")
            ])
        );
        let read_only = MOUNTS.replace("rw,relatime,pids", "ro,relatime,pids");
        assert_eq!(v1_roots(&read_only), None);
    }

    #[test]
    fn reads_oom_kills_from_either_version() {
        let v1 = "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n";
        let v2 = "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n";
        assert_eq!(field(v1, "oom_kill"), Some(3));
        assert_eq!(field(v2, "oom_kill"), Some(2));
        assert_eq!(field(v2, "missing"), None);
    }

    #[test]
    fn a_test_gets_its_share_of_the_machine_within_floor_and_ceiling() {
        let cgroups = |ram: u64| Cgroups {
            version: Version::V1,
            parents: Vec::new(),
            sh: PathBuf::from("sh"),
            ram,
            next: AtomicUsize::new(0),
        };
        let gib = 1024 * 1024 * 1024;
        assert_eq!(cgroups(8 * gib).memory_per_test(16), gib / 2);
        assert_eq!(cgroups(24 * gib).memory_per_test(16), MEMORY_CEILING);
        assert_eq!(cgroups(2 * gib).memory_per_test(64), MEMORY_FLOOR);
        assert_eq!(cgroups(8 * gib).memory_per_test(0), MEMORY_CEILING);
    }

    #[test]
    fn a_group_left_behind_by_a_dead_run_is_removed() {
        let root = tempfile::tempdir().unwrap();
        // No process has pid 0x7fffffff; this process is alive.
        let stale = root.path().join("grader-2147483647-0");
        let alive = root.path().join(format!("grader-{}-0", std::process::id()));
        let other = root.path().join("not-ours");
        for dir in [&stale, &alive, &other] {
            fs::create_dir(dir).unwrap();
        }
        remove_stale(root.path());
        assert!(!stale.exists());
        assert!(alive.exists() && other.exists());
    }
}
