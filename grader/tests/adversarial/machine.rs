//! The machine around the grader: course trees, stray files, processes and connections
//! an attack may have left, recorded before and after, and cleaned up.

use super::*;

/// The checkouts whose course trees must not change: the one the grader grades from, and
/// every other one an attack could find the way they do (see [`find_checkouts`]).
pub(crate) fn checkouts(root: &Path) -> Vec<PathBuf> {
    let mut found = vec![root.canonicalize().unwrap()];
    for path in find_checkouts(&[root.to_path_buf()]) {
        if !found.contains(&path) {
            found.push(path);
        }
    }
    found
}

/// Folders that hold a course checkout: lesson 1 in `exercises/` and in `solutions/`.
fn is_checkout(dir: &Path) -> bool {
    dir.join("exercises").join(LESSON_1).is_dir() && dir.join("solutions").join(LESSON_1).is_dir()
}

/// Course checkouts found as the attacks find them: every ancestor of `starts`, and a
/// breadth-first scan of the file system from `/`, at most [`SCAN_DEPTH`] folders deep and
/// [`SCAN_FOLDERS`] folders in all, links not followed. Nothing of this machine is
/// assumed.
pub(crate) fn find_checkouts(starts: &[PathBuf]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    let keep = |dir: &Path, found: &mut Vec<PathBuf>| {
        if is_checkout(dir)
            && let Ok(real) = dir.canonicalize()
            && !found.contains(&real)
        {
            found.push(real);
        }
    };
    for start in starts {
        for dir in start.ancestors() {
            keep(dir, &mut found);
        }
    }
    let mut queue = std::collections::VecDeque::from([(PathBuf::from("/"), 0usize)]);
    let mut seen = 0usize;
    while let Some((dir, depth)) = queue.pop_front() {
        seen += 1;
        if seen > SCAN_FOLDERS {
            break;
        }
        keep(&dir, &mut found);
        if depth >= SCAN_DEPTH {
            continue;
        }
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let skip = ["proc", "sys", "dev", "target", ".git", "node_modules"]
                .iter()
                .any(|s| name == *s);
            if !skip && entry.file_type().is_ok_and(|t| t.is_dir()) {
                queue.push_back((entry.path(), depth + 1));
            }
        }
    }
    found
}

/// Every file of `exercises/`, `solutions/` and `grader/course/`, with its contents.
pub(crate) fn course_tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut tree = BTreeMap::new();
    for top in ["exercises", "solutions", "grader/course"] {
        let walker = walkdir::WalkDir::new(root.join(top))
            .into_iter()
            .filter_entry(|e| e.file_name() != "target");
        for entry in walker.filter_map(Result::ok) {
            if entry.file_type().is_file()
                && let Ok(bytes) = fs::read(entry.path())
            {
                tree.insert(entry.path().to_path_buf(), bytes);
            }
        }
    }
    tree
}

/// One thing changed outside the staging area.
#[derive(Debug)]
pub(crate) struct Change {
    /// In words, with what was done about it.
    pub(crate) what: String,
    /// The attack whose marker it carries (or whose name it bears).
    pub(crate) attack: Option<String>,
    /// Unmarked, outside the attacked exercise's folders: probably another engineer's
    /// edit in a shared checkout, reported but not counted.
    pub(crate) concurrent: bool,
}

/// The attack named after `MARKER` in `text`, if any.
pub(crate) fn marked_by(text: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&text[..text.len().min(1 << 20)]);
    let at = text.find(MARKER)?;
    let name: String = text[at + MARKER.len()..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The attack whose name a stray file's name contains.
pub(crate) fn named_by(name: &str) -> Option<String> {
    ATTACKS
        .iter()
        .filter(|a| name.contains(a.name))
        .max_by_key(|a| a.name.len())
        .map(|a| a.name.to_string())
}

/// Restores course files and removes strays and processes, even if the test panics.
#[derive(Debug, Default)]
pub(crate) struct Guard {
    pub(crate) trees: Vec<(PathBuf, BTreeMap<PathBuf, Vec<u8>>)>,
    /// This run's names (the strays and processes it owns).
    pub(crate) run: Option<RunNames>,
}

impl Guard {
    /// Compares every course tree with its state before; puts back what an attack marked.
    pub(crate) fn restore_trees(&self) -> Vec<Change> {
        let mut changes = Vec::new();
        for (root, before) in &self.trees {
            let after = course_tree(root);
            let paths: BTreeSet<&PathBuf> = before.keys().chain(after.keys()).collect();
            for path in paths {
                let (old, new) = (before.get(path), after.get(path));
                if old == new {
                    continue;
                }
                let attack = new.and_then(|bytes| marked_by(bytes));
                let shown = path.display();
                // Other engineers may edit the course while this runs (a shared checkout).
                // Every attack marks what it writes, and all of them attack lesson 1: an
                // unmarked change elsewhere is someone else's.
                // Other checkouts found on the machine are other people's work: there,
                // only marked changes count.
                let own = self.trees.first().is_some_and(|(first, _)| first == root);
                let concurrent = attack.is_none()
                    && !(own
                        && ATTACKED_TREES
                            .iter()
                            .any(|tree| path.starts_with(root.join(tree))));
                let what = match (old, new, &attack) {
                    (Some(old), Some(_), Some(_)) => {
                        let restored = fs::write(path, old).is_ok();
                        format!("{shown} was overwritten (restored: {restored})")
                    }
                    (None, Some(_), Some(_)) => {
                        let removed = fs::remove_file(path).is_ok();
                        format!("{shown} was created (removed: {removed})")
                    }
                    (Some(_), None, _) => format!("{shown} was deleted (not restored)"),
                    _ => format!("{shown} changed (unmarked, not restored)"),
                };
                changes.push(Change {
                    what,
                    attack,
                    concurrent,
                });
            }
        }
        changes
    }

    pub(crate) fn kill_leftovers(&self) {
        let Some(run) = &self.run else {
            return;
        };
        for _ in 0..3 {
            let leftovers = marked_processes(run);
            if leftovers.is_empty() {
                return;
            }
            let own_session = session_of(std::process::id());
            let leaders: BTreeSet<u32> = leftovers.iter().map(|p| p.pid).collect();
            let mut victims: BTreeSet<u32> = leaders.clone();
            // The children of an escaped session or group leader (the `sleep` under
            // escape-setsid's shell) carry no marker of their own.
            for pid in all_pids() {
                if let Some((group, session)) = group_and_session(pid)
                    && Some(session) != own_session
                    && (leaders.contains(&session) || leaders.contains(&group))
                {
                    victims.insert(pid);
                }
            }
            for pid in victims {
                if let Some(pid) = i32::try_from(pid)
                    .ok()
                    .and_then(rustix::process::Pid::from_raw)
                {
                    let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
                }
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.kill_leftovers();
        let _ = self.restore_trees();
        if let Some(run) = &self.run {
            clean_strays(run);
        }
    }
}

/// What changed in the sentinel folder.
pub(crate) fn outside_changes(run: &RunNames, sentinel: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    let sentinel_path = run.outside.join("sentinel.txt");
    match fs::read(&sentinel_path) {
        Ok(bytes) if bytes == sentinel.as_bytes() => {}
        Ok(bytes) => changes.push(Change {
            what: format!("{} was overwritten", sentinel_path.display()),
            attack: marked_by(&bytes),
            concurrent: false,
        }),
        Err(_) => changes.push(Change {
            what: format!("{} was removed", sentinel_path.display()),
            attack: None,
            concurrent: false,
        }),
    }
    for entry in fs::read_dir(&run.outside).into_iter().flatten().flatten() {
        let path = entry.path();
        if path == sentinel_path {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = fs::read(&path).unwrap_or_default();
        changes.push(Change {
            what: format!("{} was created", path.display()),
            attack: marked_by(&bytes).or_else(|| named_by(&name)),
            concurrent: false,
        });
    }
    changes
}

/// Files the attacks of this run may have left in `/tmp`, `$TMPDIR` and `$HOME`.
pub(crate) fn stray_files(run: &RunNames) -> Vec<Change> {
    stray_paths(run)
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let size = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let mut head = Vec::new();
            if let Ok(file) = fs::File::open(&path) {
                let _ = file.take(4096).read_to_end(&mut head);
            }
            Change {
                what: format!("{} was created ({size} bytes)", path.display()),
                attack: named_by(&name).or_else(|| marked_by(&head)),
                concurrent: false,
            }
        })
        .collect()
}

/// The paths in `/tmp`, `$TMPDIR` and `$HOME` named with this run's prefix.
pub(crate) fn stray_paths(run: &RunNames) -> Vec<PathBuf> {
    let mut folders = vec![PathBuf::from("/tmp"), std::env::temp_dir()];
    folders.extend(std::env::var_os("HOME").map(PathBuf::from));
    folders.dedup();
    let prefix = run.prefix();
    let mut found = Vec::new();
    for folder in folders {
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(&prefix) && !found.contains(&entry.path()) {
                found.push(entry.path());
            }
        }
    }
    found
}

/// Removes every stray file of this run (the sentinel folder is a `TempDir` of its own).
pub(crate) fn clean_strays(run: &RunNames) {
    for path in stray_paths(run) {
        let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
    }
}

/// A process an attack started.
#[derive(Debug)]
pub(crate) struct Leftover {
    pub(crate) pid: u32,
    pub(crate) cmdline: String,
}

impl Leftover {
    pub(crate) fn attack(&self, run: &RunNames) -> Option<String> {
        let marker = run.process_marker();
        let at = self.cmdline.find(&marker)?;
        let rest = self.cmdline[at + marker.len()..].trim_start_matches('-');
        named_by(rest.split_whitespace().next().unwrap_or_default())
    }
}

pub(crate) fn all_pids() -> Vec<u32> {
    fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect()
}

/// Live processes whose command line carries this run's marker (zombies do not count).
pub(crate) fn marked_processes(run: &RunNames) -> Vec<Leftover> {
    let own = std::process::id();
    let marker = run.process_marker();
    all_pids()
        .into_iter()
        .filter(|&pid| pid != own)
        .filter_map(|pid| {
            let raw = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
            let cmdline = cmdline.trim().to_string();
            (cmdline.contains(&marker) && state_of(pid) != Some('Z'))
                .then_some(Leftover { pid, cmdline })
        })
        .collect()
}

/// `/proc/<pid>/stat` fields after the command name.
pub(crate) fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    Some(after.split_whitespace().map(str::to_string).collect())
}

pub(crate) fn state_of(pid: u32) -> Option<char> {
    stat_fields(pid)?.first()?.chars().next()
}

pub(crate) fn group_and_session(pid: u32) -> Option<(u32, u32)> {
    let fields = stat_fields(pid)?;
    Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?))
}

pub(crate) fn session_of(pid: u32) -> Option<u32> {
    group_and_session(pid).map(|(_, session)| session)
}

/// A TCP listener on 127.0.0.1 that records every connection until stopped.
#[derive(Debug)]
pub(crate) struct Listener {
    pub(crate) port: u16,
    pub(crate) stop: Arc<AtomicBool>,
    pub(crate) seen: Arc<Mutex<Vec<String>>>,
    pub(crate) thread: Option<std::thread::JoinHandle<()>>,
}

impl Listener {
    pub(crate) fn start() -> Listener {
        let socket = TcpListener::bind("127.0.0.1:0").unwrap();
        socket.set_nonblocking(true).unwrap();
        let port = socket.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, seen) = (Arc::clone(&stop), Arc::clone(&seen));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match socket.accept() {
                        Ok((mut stream, peer)) => {
                            let _ = stream.set_nonblocking(false);
                            let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                            let mut buffer = [0u8; 256];
                            let n = stream.read(&mut buffer).unwrap_or(0);
                            let _ = stream.write_all(b"nothing to see here\n");
                            seen.lock().unwrap().push(format!(
                                "from {peer}: {}",
                                String::from_utf8_lossy(&buffer[..n]).trim()
                            ));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            })
        };
        Listener {
            port,
            stop,
            seen,
            thread: Some(thread),
        }
    }

    pub(crate) fn stop(mut self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.seen.lock().unwrap().clone()
    }
}

pub(crate) fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// The names one run of the test gives what attacks write and start, so that two runs at
/// once (or a run beside another engineer's) never see each other's files or processes.
#[derive(Debug, Clone)]
pub(crate) struct RunNames {
    /// Unique to the run: `r<pid>t<nanos>`.
    pub(crate) id: String,
    /// The sentinel folder outside the staging area (a `TempDir` of the test).
    pub(crate) outside: PathBuf,
    /// The port of the test's listener.
    pub(crate) port: u16,
}

impl RunNames {
    /// What every stray file of the run starts with: `grader-adversarial-<id>-`.
    pub(crate) fn prefix(&self) -> String {
        format!("{STRAY_PREFIX}{}-", self.id)
    }

    /// What every process an attack of this run starts carries (then `-<attack>`).
    pub(crate) fn process_marker(&self) -> String {
        format!("{}marker", self.prefix())
    }

    /// An attack's source as this run hands it out: the sentinel folder's placeholder
    /// becomes this run's path, every `grader-adversarial-` name gets the run's id (so the
    /// process marker `grader-adversarial-marker-<attack>` becomes
    /// `grader-adversarial-<id>-marker-<attack>`), and the port placeholder the port.
    pub(crate) fn localise(&self, source: &str) -> String {
        source
            .replace(STRAY_PREFIX, &self.prefix())
            .replace(OUTSIDE_PLACEHOLDER, &self.outside.to_string_lossy())
            .replace(
                PORT_PLACEHOLDER,
                &format!("const PORT: u16 = {};", self.port),
            )
    }
}

/// Samples, every 100 ms until stopped, the resident memory of every process descending
/// from this test process (the grader, its cargo and rustc, the test processes, whatever
/// they start), and keeps the largest seen per process name.
#[derive(Debug)]
pub(crate) struct MemorySampler {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<BTreeMap<String, u64>>>,
}

impl MemorySampler {
    pub(crate) fn start() -> MemorySampler {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut peaks: BTreeMap<String, u64> = BTreeMap::new();
                while !stop.load(Ordering::Relaxed) {
                    for (name, bytes) in descendants_memory() {
                        let peak = peaks.entry(name).or_default();
                        *peak = (*peak).max(bytes);
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                peaks
            })
        };
        MemorySampler {
            stop,
            thread: Some(thread),
        }
    }

    /// Peak resident bytes per process name.
    pub(crate) fn stop(mut self) -> BTreeMap<String, u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default()
    }
}

/// (name, resident bytes) of every live process below this one.
fn descendants_memory() -> Vec<(String, u64)> {
    let own = std::process::id();
    let parents: BTreeMap<u32, u32> = all_pids()
        .into_iter()
        .filter_map(|pid| Some((pid, stat_fields(pid)?.get(1)?.parse().ok()?)))
        .collect();
    let below = |mut pid: u32| {
        for _ in 0..64 {
            match parents.get(&pid) {
                Some(&parent) if parent == own => return true,
                Some(&parent) if parent > 1 => pid = parent,
                _ => return false,
            }
        }
        false
    };
    parents
        .keys()
        .filter(|&&pid| below(pid))
        .filter_map(|&pid| {
            let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
            let field = |key: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(key))
                    .map(str::trim)
            };
            let kib: u64 = field("VmRSS:")?
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some((field("Name:")?.to_string(), kib * 1024))
        })
        .collect()
}
