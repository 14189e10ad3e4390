//! The machine around the grader: course trees, stray files, processes and connections
//! an attack may have left, recorded before and after, and cleaned up.

use super::*;

/// The checkouts whose course trees must not change.
pub(crate) fn checkouts(root: &Path) -> Vec<PathBuf> {
    let mut found = vec![root.canonicalize().unwrap()];
    for guess in ROOT_GUESSES {
        if let Ok(path) = Path::new(guess).canonicalize()
            && path.join("exercises").is_dir()
            && !found.contains(&path)
        {
            found.push(path);
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
                let concurrent = attack.is_none()
                    && !ATTACKED_TREES
                        .iter()
                        .any(|tree| path.starts_with(root.join(tree)));
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
        for _ in 0..3 {
            let leftovers = marked_processes();
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
        clean_strays();
    }
}

/// What changed in the sentinel folder.
pub(crate) fn outside_changes(sentinel: &str) -> Vec<Change> {
    let mut changes = Vec::new();
    let sentinel_path = Path::new(OUTSIDE).join("sentinel.txt");
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
    for entry in fs::read_dir(OUTSIDE).into_iter().flatten().flatten() {
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

/// Files the attacks may leave in `/tmp` and `$HOME`.
pub(crate) fn stray_files() -> Vec<Change> {
    stray_paths()
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

pub(crate) fn stray_paths() -> Vec<PathBuf> {
    let mut folders = vec![PathBuf::from("/tmp")];
    folders.extend(std::env::var_os("HOME").map(PathBuf::from));
    let mut found = Vec::new();
    for folder in folders {
        for entry in fs::read_dir(&folder).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(STRAY_PREFIX) && entry.path() != Path::new(OUTSIDE) {
                found.push(entry.path());
            }
        }
    }
    found
}

/// Removes the sentinel folder and every stray file: all of them are this test's.
pub(crate) fn clean_strays() {
    let _ = fs::remove_dir_all(OUTSIDE);
    for path in stray_paths() {
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
    pub(crate) fn attack(&self) -> Option<String> {
        let at = self.cmdline.find(PROCESS_MARKER)?;
        let rest = self.cmdline[at + PROCESS_MARKER.len()..].trim_start_matches('-');
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

/// Live processes whose command line carries the marker (zombies do not count).
pub(crate) fn marked_processes() -> Vec<Leftover> {
    let own = std::process::id();
    all_pids()
        .into_iter()
        .filter(|&pid| pid != own)
        .filter_map(|pid| {
            let raw = fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&raw).replace('\0', " ");
            let cmdline = cmdline.trim().to_string();
            (cmdline.contains(PROCESS_MARKER) && state_of(pid) != Some('Z'))
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
