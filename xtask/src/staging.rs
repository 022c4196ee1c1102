//! Writing several files as one step: everything is staged in temporary files
//! next to its target first, and only renamed into place (and obsolete files
//! removed) by [`Staging::commit`]. Dropping a staging that was not committed
//! removes its temporary files, so a failure leaves the directories as they
//! were.
//!
//! Temporary files are created with `OpenOptions::create_new` (never an
//! existing file, never through a planted symlink) under unpredictable names
//! (`.<target>.<random>.tmp`).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Files staged for writing and files to remove, applied together.
#[derive(Debug, Default)]
pub struct Staging {
    /// (temporary file, target) pairs, in staging order.
    writes: Vec<(PathBuf, PathBuf)>,
    /// Files to remove on commit.
    removals: Vec<PathBuf>,
}

/// A name part no other process can guess: random SipHash keys of this
/// process, mixed with the time, the process id and a counter.
fn random_suffix(attempt: u32) -> String {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u32(attempt);
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    format!("{:016x}", hasher.finish())
}

impl Staging {
    /// An empty staging.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stages `bytes` to become `dir/name`. The directory must exist.
    pub fn write(&mut self, dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
        let target = dir.join(name);
        let mut attempt = 0;
        let (temp, mut file) = loop {
            let temp = dir.join(format!(".{name}.{}.tmp", random_suffix(attempt)));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp)
            {
                Ok(file) => break (temp, file),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => {
                    attempt += 1;
                }
                Err(e) => {
                    return Err(format!(
                        "cannot create a temporary file for {}: {e}",
                        target.display()
                    ));
                }
            }
        };
        // Registered before writing, so that a failed write is cleaned up too.
        self.writes.push((temp.clone(), target.clone()));
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", temp.display()))
    }

    /// Stages the removal of `path`.
    pub fn remove(&mut self, path: PathBuf) {
        self.removals.push(path);
    }

    /// How many files the commit will write or remove.
    pub fn len(&self) -> usize {
        self.writes.len() + self.removals.len()
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Renames every staged file into place, then removes the staged removals.
    pub fn commit(mut self) -> Result<(), String> {
        let writes = std::mem::take(&mut self.writes);
        let mut pending = writes.iter();
        for (temp, target) in pending.by_ref() {
            if let Err(e) = std::fs::rename(temp, target) {
                // Leave no temporary file behind, whatever was renamed already.
                let _ = std::fs::remove_file(temp);
                for (temp, _) in pending {
                    let _ = std::fs::remove_file(temp);
                }
                return Err(format!("cannot write {}: {e}", target.display()));
            }
        }
        for path in std::mem::take(&mut self.removals) {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot remove {}: {e}", path.display())),
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        for (temp, _) in &self.writes {
            let _ = std::fs::remove_file(temp);
        }
    }
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
    fn nothing_changes_before_commit_and_nothing_remains_after_drop() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "old").unwrap();
        {
            let mut staging = Staging::new();
            staging.write(dir.path(), "a.md", b"new").unwrap();
            staging.write(dir.path(), "b.md", b"b").unwrap();
            staging.remove(dir.path().join("a.md"));
            assert_eq!(staging.len(), 3);
            assert_eq!(
                std::fs::read_to_string(dir.path().join("a.md")).unwrap(),
                "old"
            );
        }
        assert_eq!(names(dir.path()), ["a.md"]);
    }

    #[test]
    fn commit_renames_and_removes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gone.md"), "x").unwrap();
        let mut staging = Staging::new();
        staging.write(dir.path(), "a.md", b"new").unwrap();
        staging.remove(dir.path().join("gone.md"));
        staging.commit().unwrap();
        assert_eq!(names(dir.path()), ["a.md"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.md")).unwrap(),
            "new"
        );
    }

    #[test]
    fn temporary_names_differ() {
        assert_ne!(random_suffix(0), random_suffix(0));
    }
}
