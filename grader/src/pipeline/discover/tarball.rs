//! Tarball: the entries of a tar stream, one at a time, with bounded memory.
//!
//! The `tar` crate reads a GNU long name or a PAX header into memory whatever its size,
//! so a few compressed megabytes of one "long name" cost gigabytes. This reader keeps at
//! most [`MAX_META`] bytes of such metadata (a longer name makes the entry's path unusable),
//! never holds an entry's data (the caller reads what it wants of it), and stops after
//! [`MAX_SCANNED`] bytes of the (decompressed) stream.

use std::io::{self, Read};

/// Most bytes of one GNU long name or PAX header kept.
pub const MAX_META: u64 = 64 * 1024;
/// Most bytes of a tar stream looked at (what a gzip bomb can cost in time).
pub const MAX_SCANNED: u64 = 1024 * 1024 * 1024;

const BLOCK: u64 = 512;

/// What kind of entry it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// A link, a device, anything else.
    Other,
}

/// One entry's header; its data is read from the [`Tarball`] until the next entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its path as written; `None` when it was longer than [`MAX_META`].
    pub path: Option<Vec<u8>>,
    /// Its kind.
    pub kind: Kind,
    /// Bytes of data it claims.
    pub size: u64,
}

/// A tar stream being read.
#[derive(Debug)]
pub struct Tarball<R> {
    inner: R,
    /// Data of the current entry not yet read.
    left: u64,
    /// Padding after the current entry's data.
    padding: u64,
    /// Bytes of the stream consumed.
    scanned: u64,
    /// Set when the stream was longer than [`MAX_SCANNED`] and reading stopped.
    pub stopped: bool,
}

/// Extensions that apply to the next entry.
#[derive(Default)]
struct Pending {
    /// `Some(None)`: a name too long to keep.
    path: Option<Option<Vec<u8>>>,
    size: Option<u64>,
}

impl<R: Read> Tarball<R> {
    /// Reads the tar stream `inner`.
    pub fn new(inner: R) -> Self {
        Tarball {
            inner,
            left: 0,
            padding: 0,
            scanned: 0,
            stopped: false,
        }
    }

    /// The next entry, skipping what is left of the current one; `None` at the end (or
    /// when [`MAX_SCANNED`] is reached: then [`Tarball::stopped`] is set).
    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        let mut pending = Pending::default();
        loop {
            if self.scanned + self.left + self.padding + BLOCK > MAX_SCANNED {
                self.stopped = true;
                return Ok(None);
            }
            self.skip_rest()?;
            let mut header = [0u8; BLOCK as usize];
            if !self.read_block(&mut header)? || header.iter().all(|&b| b == 0) {
                return Ok(None);
            }
            check_sum(&header)?;
            let size = parse_size(&header[124..136])?;
            self.begin(size);
            match header[156] {
                b'L' => pending.path = Some(self.read_meta()?.map(trim_nul)),
                b'x' => {
                    if let Some(records) = self.read_meta()? {
                        apply_pax(&records, &mut pending);
                    } else {
                        pending.path = Some(None);
                    }
                }
                // Global PAX headers and GNU long link names say nothing we use.
                b'g' | b'K' => {}
                flag => {
                    let size = pending.size.unwrap_or(size);
                    self.begin(size);
                    let path = pending.path.unwrap_or_else(|| Some(header_path(&header)));
                    let kind = match flag {
                        b'0' | 0 | b'7' => Kind::File,
                        b'5' => Kind::Dir,
                        _ => Kind::Other,
                    };
                    return Ok(Some(Entry { path, kind, size }));
                }
            }
        }
    }

    fn begin(&mut self, size: u64) {
        self.left = size;
        self.padding = (BLOCK - size % BLOCK) % BLOCK;
    }

    /// The current metadata entry's data, or `None` (skipped) when longer than [`MAX_META`].
    fn read_meta(&mut self) -> io::Result<Option<Vec<u8>>> {
        if self.left > MAX_META {
            return Ok(None);
        }
        let mut data = Vec::new();
        self.read_to_end(&mut data)?;
        Ok(Some(data))
    }

    fn skip_rest(&mut self) -> io::Result<()> {
        let rest = self.left + self.padding;
        let skipped = io::copy(&mut (&mut self.inner).take(rest), &mut io::sink())?;
        self.scanned += skipped;
        if skipped < rest {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        (self.left, self.padding) = (0, 0);
        Ok(())
    }

    /// Reads a whole block; `false` at a clean end of the stream.
    fn read_block(&mut self, block: &mut [u8]) -> io::Result<bool> {
        let mut filled = 0;
        while filled < block.len() {
            match self.inner.read(&mut block[filled..])? {
                0 if filled == 0 => return Ok(false),
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => filled += n,
            }
        }
        self.scanned += BLOCK;
        Ok(true)
    }
}

/// The current entry's data.
impl<R: Read> Read for Tarball<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let most = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        if most == 0 {
            return Ok(0);
        }
        let n = self.inner.read(&mut buf[..most])?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.left -= n as u64;
        self.scanned += n as u64;
        Ok(n)
    }
}

fn check_sum(header: &[u8]) -> io::Result<()> {
    let sum: u64 = header
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u64::from(b)
            }
        })
        .sum();
    if parse_octal(&header[148..156]) == Some(sum) {
        Ok(())
    } else {
        Err(io::Error::other(
            "not a tar archive (a header's checksum is wrong)",
        ))
    }
}

/// A size field: octal text, or base-256 when its first byte has the high bit set.
fn parse_size(field: &[u8]) -> io::Result<u64> {
    if field[0] & 0x80 != 0 {
        let mut value: u64 = u64::from(field[0] & 0x7f);
        for &b in &field[1..] {
            value = value
                .checked_mul(256)
                .and_then(|v| v.checked_add(u64::from(b)))
                .ok_or_else(|| io::Error::other("an entry size does not fit in 64 bits"))?;
        }
        return Ok(value);
    }
    parse_octal(field).ok_or_else(|| io::Error::other("an entry size is not a number"))
}

fn parse_octal(field: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(field).ok()?;
    let text = text.trim_matches(|c: char| c == '\0' || c == ' ');
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(text, 8).ok()
}

/// The path in a ustar header: the prefix, then the name.
fn header_path(header: &[u8]) -> Vec<u8> {
    let name = trim_nul(header[..100].to_vec());
    if &header[257..262] != b"ustar" {
        return name;
    }
    let prefix = trim_nul(header[345..500].to_vec());
    if prefix.is_empty() {
        return name;
    }
    [prefix, b"/".to_vec(), name].concat()
}

fn trim_nul(mut bytes: Vec<u8>) -> Vec<u8> {
    if let Some(end) = bytes.iter().position(|&b| b == 0) {
        bytes.truncate(end);
    }
    bytes
}

/// PAX records (`<length> <key>=<value>\n`): the path and the size are used.
fn apply_pax(records: &[u8], pending: &mut Pending) {
    let mut rest = records;
    while let Some(space) = rest.iter().position(|&b| b == b' ') {
        let Some(length) = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|&l| l > space && l <= rest.len())
        else {
            return;
        };
        let record = &rest[space + 1..length];
        let record = record.strip_suffix(b"\n").unwrap_or(record);
        if let Some(eq) = record.iter().position(|&b| b == b'=') {
            let (key, value) = (&record[..eq], &record[eq + 1..]);
            match key {
                b"path" => pending.path = Some(Some(value.to_vec())),
                b"size" => {
                    pending.size = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok())
                }
                _ => {}
            }
        }
        rest = &rest[length..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(build: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        build(&mut builder);
        builder.into_inner().unwrap()
    }

    fn file(builder: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8]) {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, path, data).unwrap();
    }

    fn read_all(bytes: &[u8]) -> Vec<(Option<String>, Kind, Vec<u8>)> {
        let mut tarball = Tarball::new(bytes);
        let mut seen = Vec::new();
        while let Some(entry) = tarball.next_entry().unwrap() {
            let mut data = Vec::new();
            if entry.kind == Kind::File {
                tarball.read_to_end(&mut data).unwrap();
            }
            let path = entry.path.map(|p| String::from_utf8(p).unwrap());
            seen.push((path, entry.kind, data));
        }
        seen
    }

    #[test]
    fn reads_files_folders_and_long_names() {
        let long = format!("a/{}/lib.rs", "b".repeat(300));
        let bytes = archive(|b| {
            file(b, "x/src/lib.rs", b"fn f() {}");
            file(b, &long, b"long");
            let mut dir = tar::Header::new_gnu();
            dir.set_entry_type(tar::EntryType::Directory);
            dir.set_size(0);
            b.append_data(&mut dir, "x/src/", io::empty()).unwrap();
        });
        let seen = read_all(&bytes);
        assert_eq!(
            seen,
            vec![
                (
                    Some("x/src/lib.rs".into()),
                    Kind::File,
                    b"fn f() {}".to_vec()
                ),
                (Some(long), Kind::File, b"long".to_vec()),
                (Some("x/src/".into()), Kind::Dir, vec![]),
            ]
        );
    }

    #[test]
    fn a_long_name_larger_than_the_cap_is_not_kept() {
        let huge = "c".repeat(MAX_META as usize + 10);
        let bytes = archive(|b| {
            file(b, &huge, b"data");
            file(b, "after.rs", b"after");
        });
        let seen = read_all(&bytes);
        assert_eq!(seen[0], (None, Kind::File, b"data".to_vec()));
        assert_eq!(seen[1].0.as_deref(), Some("after.rs"));
    }

    #[test]
    fn refuses_what_is_not_a_tar_archive() {
        let garbage = vec![7u8; 1024];
        assert!(Tarball::new(&garbage[..]).next_entry().is_err());
    }
}
