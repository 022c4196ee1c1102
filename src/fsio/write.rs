//! The safe writer: every file the suite or xtask writes goes through it.
//!
//! - The new content is written to a temporary file in the target's own
//!   directory, created exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`) under
//!   an unpredictable name (`.NAME.<random>.tmp`), so a planted file or link
//!   of that name is never written through, and synced.
//! - It is then renamed over the target (`renameat`, atomic): a reader sees
//!   the old file or the complete new one, never a part.
//! - The target itself is never followed: a symbolic link, a directory, a
//!   FIFO or a device in its place is an error, and nothing is written.
//! - Directories are opened once, as descriptors, and every file operation
//!   is made relative to them (`openat`, `renameat`, `unlinkat`), so a
//!   directory swapped for a link while the file is written cannot redirect
//!   it. The directory a caller names is taken as named; every directory the
//!   writer enters or creates below it ([`Dir::child`]) is opened without
//!   following a link.
//! - On failure the temporary file is removed. Temporary files still staged
//!   when the suite is interrupted are removed by [`remove_staged`], which
//!   the interrupt handler calls before it exits.

use std::collections::hash_map::RandomState;
use std::ffi::{CString, OsStr};
use std::fs::File;
use std::hash::{BuildHasher, Hasher};
use std::io::Write as _;
use std::os::fd::{AsRawFd as _, FromRawFd as _, OwnedFd};
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why a file was not written. The message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write {path}: {message}")]
pub struct WriteError {
    /// The file or directory, as named.
    pub path: String,
    /// Why.
    pub message: String,
}

impl WriteError {
    fn new(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.display().to_string(),
            message: message.into(),
        }
    }

    fn io(path: &Path, error: std::io::Error) -> Self {
        Self::new(path, error.to_string())
    }
}

/// The temporary files staged and not yet renamed or removed, by full path.
static STAGED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn staged_list() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    STAGED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes every temporary file still staged (for the interrupt handler:
/// an interrupted write leaves nothing behind). Returns how many it removed.
pub fn remove_staged() -> usize {
    remove_staged_where(|_| true)
}

/// Removes the staged temporary files whose path satisfies `which`.
fn remove_staged_where(which: impl Fn(&Path) -> bool) -> usize {
    let mut list = staged_list();
    let mut removed = 0;
    list.retain(|path| {
        if !which(path) {
            return true;
        }
        removed += usize::from(std::fs::remove_file(path).is_ok());
        false
    });
    removed
}

fn c_name(dir: &Path, name: &OsStr) -> Result<CString, WriteError> {
    if name.is_empty() || name == "." || name == ".." || name.as_bytes().contains(&b'/') {
        return Err(WriteError::new(&dir.join(name), "not a plain file name"));
    }
    CString::new(name.as_bytes()).map_err(|_| WriteError::new(&dir.join(name), "a NUL in the name"))
}

/// What is at a name of a directory, without following a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Nothing.
    Missing,
    /// A regular file, with its permission bits.
    File(u32),
    /// A directory.
    Directory,
    /// A symbolic link.
    Link,
    /// A FIFO, device or socket.
    Other,
}

/// An open directory: every operation is relative to its descriptor.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    path: PathBuf,
}

const DIR_FLAGS: libc::c_int = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;

impl Dir {
    /// Opens the directory `path` as named (links in it are the caller's).
    pub fn open(path: &Path) -> Result<Dir, WriteError> {
        let path = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        let c = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| WriteError::new(path, "a NUL in the path"))?;
        // SAFETY: a valid NUL-terminated path; the result is checked.
        let fd = unsafe { libc::open(c.as_ptr(), DIR_FLAGS) };
        if fd < 0 {
            let error = std::io::Error::last_os_error();
            let message = match error.raw_os_error() {
                Some(libc::ENOENT) => "the directory does not exist".to_owned(),
                Some(libc::ENOTDIR) => "not a directory".to_owned(),
                _ => error.to_string(),
            };
            return Err(WriteError::new(path, message));
        }
        Ok(Dir {
            // SAFETY: `fd` is a fresh descriptor owned by nobody else.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            path: path.to_path_buf(),
        })
    }

    /// The directory's path, as named.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The subdirectory `name`, created when missing (and `create`); a link
    /// in its place is an error, never followed.
    pub fn child(&self, name: &str, create: bool) -> Result<Dir, WriteError> {
        let path = self.path.join(name);
        let c = c_name(&self.path, OsStr::new(name))?;
        if create {
            // SAFETY: valid descriptor and NUL-terminated name.
            let made = unsafe { libc::mkdirat(self.fd.as_raw_fd(), c.as_ptr(), 0o777) };
            if made != 0 {
                let error = std::io::Error::last_os_error();
                if error.raw_os_error() != Some(libc::EEXIST) {
                    return Err(WriteError::io(&path, error));
                }
            }
        }
        // SAFETY: valid descriptor and NUL-terminated name; the result is checked.
        let fd = unsafe {
            libc::openat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                DIR_FLAGS | libc::O_NOFOLLOW,
            )
        };
        if fd < 0 {
            let error = std::io::Error::last_os_error();
            let message = match (error.raw_os_error(), self.entry(name)) {
                (_, Ok(Entry::Link)) => {
                    "it is a symbolic link; the writer does not follow links".to_owned()
                }
                (Some(libc::ENOENT), _) => "the directory does not exist".to_owned(),
                (Some(libc::ENOTDIR), _) => "it exists and is not a directory".to_owned(),
                _ => error.to_string(),
            };
            return Err(WriteError::new(&path, message));
        }
        Ok(Dir {
            // SAFETY: `fd` is a fresh descriptor owned by nobody else.
            fd: unsafe { OwnedFd::from_raw_fd(fd) },
            path,
        })
    }

    /// What is at `name`, without following a link.
    pub fn entry(&self, name: &str) -> Result<Entry, WriteError> {
        let c = c_name(&self.path, OsStr::new(name))?;
        // SAFETY: an all-zero `stat` is a valid value to be overwritten.
        let mut stat: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: valid descriptor, NUL-terminated name, writable `stat`.
        let result = unsafe {
            libc::fstatat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                &mut stat,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        };
        if result != 0 {
            let error = std::io::Error::last_os_error();
            return match error.raw_os_error() {
                Some(libc::ENOENT) => Ok(Entry::Missing),
                _ => Err(WriteError::io(&self.path.join(name), error)),
            };
        }
        // `st_mode` is a u16 on some systems.
        #[allow(clippy::useless_conversion)]
        Ok(match stat.st_mode & libc::S_IFMT {
            libc::S_IFREG => Entry::File(u32::from(stat.st_mode) & 0o7777),
            libc::S_IFDIR => Entry::Directory,
            libc::S_IFLNK => Entry::Link,
            _ => Entry::Other,
        })
    }

    /// Checks that `name` may be replaced: missing or a regular file.
    fn replaceable(&self, name: &str) -> Result<Entry, WriteError> {
        let path = self.path.join(name);
        match self.entry(name)? {
            Entry::Link => Err(WriteError::new(
                &path,
                "it is a symbolic link; the writer does not follow links",
            )),
            Entry::Directory => Err(WriteError::new(&path, "it is a directory")),
            Entry::Other => Err(WriteError::new(
                &path,
                "it is not a regular file (a FIFO, device or socket)",
            )),
            entry => Ok(entry),
        }
    }

    /// Writes `bytes` to a fresh temporary file beside `name`; nothing
    /// replaces `name` until [`Staged::commit`].
    pub fn stage(&self, name: &str, bytes: &[u8]) -> Result<Staged<'_>, WriteError> {
        let target = self.path.join(name);
        c_name(&self.path, OsStr::new(name))?;
        let existing = self.replaceable(name)?;
        for _ in 0..16 {
            let temporary = format!(".{name}.{:016x}.tmp", random());
            let c = c_name(&self.path, OsStr::new(&temporary))?;
            // SAFETY: valid descriptor and NUL-terminated name; the result is checked.
            let fd = unsafe {
                libc::openat(
                    self.fd.as_raw_fd(),
                    c.as_ptr(),
                    libc::O_WRONLY
                        | libc::O_CREAT
                        | libc::O_EXCL
                        | libc::O_NOFOLLOW
                        | libc::O_CLOEXEC,
                    0o666 as libc::c_uint,
                )
            };
            if fd < 0 {
                let error = std::io::Error::last_os_error();
                if error.raw_os_error() == Some(libc::EEXIST) {
                    continue;
                }
                return Err(WriteError::io(&target, error));
            }
            let full = self.path.join(&temporary);
            staged_list().push(full.clone());
            let staged = Staged {
                dir: self,
                temporary: c,
                full,
                name: name.to_owned(),
                done: false,
            };
            // SAFETY: `fd` is a fresh descriptor owned by nobody else.
            let mut file = unsafe { File::from_raw_fd(fd) };
            // Plain permission bits only: a set-user-id, set-group-id or
            // sticky bit of the replaced file is never carried over.
            let mode = match existing {
                Entry::File(mode) => Some(mode & 0o777),
                _ => None,
            };
            file.write_all(bytes)
                .and_then(|()| match mode {
                    Some(mode) => file.set_permissions(std::fs::Permissions::from_mode(mode)),
                    None => Ok(()),
                })
                .and_then(|()| file.sync_all())
                .map_err(|e| WriteError::io(&target, e))?;
            return Ok(staged);
        }
        Err(WriteError::new(&target, "no free temporary name"))
    }

    /// Writes `name` atomically (see the module documentation).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        self.stage(name, bytes)?.commit()
    }
}

/// A temporary file holding the new content of a target. Dropped without
/// [`Staged::commit`], it is removed.
#[derive(Debug)]
pub struct Staged<'a> {
    dir: &'a Dir,
    temporary: CString,
    full: PathBuf,
    name: String,
    done: bool,
}

impl Staged<'_> {
    /// Renames the temporary file over the target (atomically).
    pub fn commit(mut self) -> Result<(), WriteError> {
        let target = self.dir.path.join(&self.name);
        self.dir.replaceable(&self.name)?;
        let c = c_name(&self.dir.path, OsStr::new(&self.name))?;
        let fd = self.dir.fd.as_raw_fd();
        // SAFETY: valid descriptors and NUL-terminated names.
        if unsafe { libc::renameat(fd, self.temporary.as_ptr(), fd, c.as_ptr()) } != 0 {
            return Err(WriteError::io(&target, std::io::Error::last_os_error()));
        }
        self.done = true;
        forget(&self.full);
        Ok(())
    }
}

impl Drop for Staged<'_> {
    fn drop(&mut self) {
        if !self.done {
            // SAFETY: valid descriptor and NUL-terminated name.
            unsafe { libc::unlinkat(self.dir.fd.as_raw_fd(), self.temporary.as_ptr(), 0) };
            forget(&self.full);
        }
    }
}

fn forget(full: &Path) {
    staged_list().retain(|p| p != full);
}

/// A number no one can guess in advance.
fn random() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish()
}

/// The directory and file name of `path`.
pub fn split(path: &Path) -> Result<(&Path, &str), WriteError> {
    let name = path
        .file_name()
        .and_then(OsStr::to_str)
        .ok_or_else(|| WriteError::new(path, "not a file name (or not UTF-8)"))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    Ok((dir, name))
}

/// Appends `bytes` to `path` the safe way: the file's content so far (a
/// regular file, read without following a link or blocking, at most
/// [`APPEND_LIMIT`] bytes) and `bytes` are written to a new file that is
/// renamed over it atomically, as [`write_file`] does. A missing file is
/// created.
pub fn append_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let (dir, name) = split(path)?;
    let dir = open_dir(dir)?;
    let mut content = match dir.replaceable(name)? {
        Entry::File(_) => dir.read(name, APPEND_LIMIT)?,
        _ => Vec::new(),
    };
    content.extend_from_slice(bytes);
    dir.write(name, &content)
}

/// The largest file [`append_file`] appends to (64 MiB; GitHub's step
/// summary takes 1 MiB).
pub const APPEND_LIMIT: u64 = 64 * 1024 * 1024;

impl Dir {
    /// The content of the regular file `name`, opened without following a
    /// link or blocking, at most `limit` bytes.
    fn read(&self, name: &str, limit: u64) -> Result<Vec<u8>, WriteError> {
        use std::io::Read as _;
        let path = self.path.join(name);
        let c = c_name(&self.path, OsStr::new(name))?;
        // SAFETY: valid descriptor and NUL-terminated name; the result is checked.
        let fd = unsafe {
            libc::openat(
                self.fd.as_raw_fd(),
                c.as_ptr(),
                libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC,
            )
        };
        if fd < 0 {
            return Err(WriteError::io(&path, std::io::Error::last_os_error()));
        }
        // SAFETY: `fd` is a fresh descriptor owned by nobody else.
        let file = unsafe { File::from_raw_fd(fd) };
        let metadata = file.metadata().map_err(|e| WriteError::io(&path, e))?;
        if !metadata.is_file() {
            return Err(WriteError::new(&path, "it is not a regular file"));
        }
        if metadata.len() > limit {
            return Err(WriteError::new(
                &path,
                format!("it is larger than {limit} bytes"),
            ));
        }
        let mut content = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut content)
            .map_err(|e| WriteError::io(&path, e))?;
        if content.len() as u64 > limit {
            return Err(WriteError::new(
                &path,
                format!("it is larger than {limit} bytes"),
            ));
        }
        Ok(content)
    }
}

/// Writes `bytes` to `path` atomically, never through a link (see the
/// module documentation). A directory [`pin`]ned under the path named is
/// written through its pinned descriptor.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let (dir, name) = split(path)?;
    open_dir(dir)?.write(name, bytes)
}

/// The directories pinned by [`pin`], by the path as named.
static PINNED: Mutex<Vec<(PathBuf, std::sync::Arc<Dir>)>> = Mutex::new(Vec::new());

fn pinned_list() -> std::sync::MutexGuard<'static, Vec<(PathBuf, std::sync::Arc<Dir>)>> {
    PINNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The directory `path` as pinned, or opened now.
fn open_dir(path: &Path) -> Result<std::sync::Arc<Dir>, WriteError> {
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    if let Some((_, dir)) = pinned_list().iter().rev().find(|(p, _)| p == path) {
        return Ok(dir.clone());
    }
    Dir::open(path).map(std::sync::Arc::new)
}

/// Opens the directory of each of `files` once, now, and writes every later
/// file of it ([`write_file`], [`append_file`]) through that descriptor
/// until the returned guard is dropped: a directory replaced by a link
/// after the check cannot redirect the writes.
pub fn pin<'a>(files: impl IntoIterator<Item = &'a Path>) -> Result<Pinned, WriteError> {
    let mut pinned = Pinned(Vec::new());
    for file in files {
        let (dir, _) = split(file)?;
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let open = std::sync::Arc::new(Dir::open(dir)?);
        pinned_list().push((dir.to_path_buf(), open.clone()));
        pinned.0.push(open);
    }
    Ok(pinned)
}

/// Directories pinned by [`pin`]; dropped, they are unpinned.
#[derive(Debug, Default)]
#[must_use = "the directories are pinned while this lives"]
pub struct Pinned(Vec<std::sync::Arc<Dir>>);

impl Drop for Pinned {
    fn drop(&mut self) {
        pinned_list().retain(|(_, dir)| !self.0.iter().any(|own| std::sync::Arc::ptr_eq(own, dir)));
    }
}

/// Checks, before a run, that `path` can be written by [`write_file`]: its
/// directory exists and takes a new file (a temporary file is created and
/// removed), and nothing but a regular file is in its place. Nothing is
/// left behind.
pub fn check_writable(path: &Path) -> Result<(), WriteError> {
    let (dir, name) = split(path)?;
    let dir = Dir::open(dir)?;
    drop(dir.stage(name, b"")?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_atomically_leaving_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("report.xml");
        write_file(&file, b"one").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&file, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "two");
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o640, "a replaced file keeps its permissions");
        // Never the set-id or sticky bits of the file it replaces.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o7777)).unwrap();
        write_file(&file, b"three").unwrap();
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o777, "no set-id or sticky bit survives");
        append_file(&file, b" four").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "three four");
        append_file(&dir.path().join("new.md"), b"one").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("new.md")).unwrap(),
            "one"
        );
        std::fs::remove_file(dir.path().join("new.md")).unwrap();
        assert_eq!(names(dir.path()), ["report.xml"]);
        check_writable(&dir.path().join("new.xml")).unwrap();
        assert_eq!(
            names(dir.path()),
            ["report.xml"],
            "the check leaves nothing"
        );
    }

    #[test]
    fn never_writes_through_a_link_and_leaves_the_victim_alone() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let link = dir.path().join("out.xml");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let error = write_file(&link, b"x").unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");
        assert!(check_writable(&link).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(names(dir.path()), ["out.xml", "victim"]);
    }

    #[test]
    fn never_enters_a_linked_subdirectory() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("generated")).unwrap();
        let dir = Dir::open(root.path()).unwrap();
        let error = dir.child("generated", true).unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");
        assert!(names(outside.path()).is_empty());
        let made = dir.child("manual", true).unwrap();
        made.write("a.feature", b"Feature: a\n").unwrap();
        assert_eq!(names(&root.path().join("manual")), ["a.feature"]);
    }

    #[test]
    fn refuses_directories_fifos_and_missing_directories() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let error = write_file(&dir.path().join("sub"), b"x").unwrap_err();
        assert!(error.to_string().contains("is a directory"), "{error}");
        let error = write_file(&dir.path().join("nodir/x.md"), b"x").unwrap_err();
        assert!(
            error.to_string().contains("the directory does not exist"),
            "{error}"
        );
        let error = check_writable(Path::new("/dev/null")).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn a_pinned_directory_replaced_by_a_link_is_still_the_one_written() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let reports = root.path().join("reports");
        std::fs::create_dir(&reports).unwrap();
        let file = reports.join("junit.xml");
        let pinned = pin([file.as_path()]).unwrap();
        std::fs::rename(&reports, root.path().join("moved")).unwrap();
        std::os::unix::fs::symlink(outside.path(), &reports).unwrap();
        write_file(&file, b"report").unwrap();
        append_file(&file, b" more").unwrap();
        assert!(names(outside.path()).is_empty(), "nothing through the link");
        let moved = root.path().join("moved/junit.xml");
        assert_eq!(std::fs::read_to_string(&moved).unwrap(), "report more");
        drop(pinned);
        // Unpinned, the path is taken as named again.
        write_file(&file, b"x").unwrap();
        assert_eq!(names(outside.path()), ["junit.xml"]);
    }

    #[test]
    fn an_abandoned_or_interrupted_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let open = Dir::open(dir.path()).unwrap();
        let staged = open.stage("a", b"x").unwrap();
        assert_eq!(names(dir.path()).len(), 1);
        drop(staged);
        assert!(names(dir.path()).is_empty());
        let staged = open.stage("b", b"x").unwrap();
        // What the interrupt handler does (only for this test's directory:
        // other tests write at the same time).
        assert_eq!(remove_staged_where(|p| p.starts_with(dir.path())), 1);
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
        assert!(staged.commit().is_err(), "the interrupted write is gone");
        assert!(names(dir.path()).is_empty());
    }
}
