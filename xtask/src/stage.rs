//! Changing several files, in one directory or several, all or nothing
//! (`gen`, `sync` and PROTOCOL.md's tables all write through it).
//!
//! Every new content is first staged by the suite's safe writer
//! ([`enmeshed_conformance::fsio::write`]) in a temporary file of the same
//! directory, created exclusively (`O_CREAT | O_EXCL | O_NOFOLLOW`, so a
//! planted link is never followed) under an unpredictable name; a link,
//! directory or special file in a target's place is refused. Only when every file is
//! staged are they renamed into place; each replaced or removed file is
//! kept under a backup name until the end. If any step fails, the renames
//! already made are rolled back, and no temporary or backup file remains.

use enmeshed_conformance::fsio::Dir;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};

/// One change to a file of the directory, named without a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Create or replace the file with this content.
    Write {
        /// File name inside the directory.
        name: String,
        /// The whole new content.
        bytes: Vec<u8>,
    },
    /// Remove the file.
    Remove {
        /// File name inside the directory.
        name: String,
    },
}

impl Change {
    fn name(&self) -> &str {
        match self {
            Change::Write { name, .. } | Change::Remove { name } => name,
        }
    }
}

/// A name no one can guess in advance: `.NAME.<random>.KIND`.
fn hidden_name(dir: &Path, name: &str, kind: &str) -> PathBuf {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    dir.join(format!(".{name}.{:016x}.{kind}", hasher.finish()))
}

/// What has been done so far, to undo it.
#[derive(Default)]
struct Undo {
    /// Files renamed into place where none was: removed on rollback.
    created: Vec<PathBuf>,
    /// (backup, original): the original's old content, restored on rollback.
    backups: Vec<(PathBuf, PathBuf)>,
}

impl Undo {
    /// Undoes everything; returns what could not be undone.
    fn rollback(self) -> Vec<String> {
        let mut left = Vec::new();
        for path in &self.created {
            if let Err(e) = std::fs::remove_file(path)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                left.push(format!("{}: {e}", path.display()));
            }
        }
        for (backup, original) in self.backups.iter().rev() {
            if let Err(e) = std::fs::rename(backup, original) {
                left.push(format!(
                    "{} (its old content is in {}): {e}",
                    original.display(),
                    backup.display()
                ));
            }
        }
        left
    }

    /// Keeps the new state: drops the backups.
    fn commit(self) {
        for (backup, _) in &self.backups {
            let _ = std::fs::remove_file(backup);
        }
    }
}

/// Keeps `target`'s current content under a backup name (a hard link, so
/// nothing is copied and a link at `target` is not followed).
fn back_up(dir: &Path, name: &str, target: &Path) -> Result<Option<PathBuf>, String> {
    if std::fs::symlink_metadata(target).is_err() {
        return Ok(None);
    }
    for _ in 0..8 {
        let backup = hidden_name(dir, name, "bak");
        match std::fs::hard_link(target, &backup) {
            Ok(()) => return Ok(Some(backup)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot back up {}: {e}", target.display())),
        }
    }
    Err(format!(
        "cannot find a free backup name for {}",
        target.display()
    ))
}

fn apply_all(
    changes: &[(PathBuf, Change)],
    undo: &mut Undo,
    interrupted: &dyn Fn() -> bool,
) -> Result<(), String> {
    let check = || {
        if interrupted() {
            Err("interrupted".to_owned())
        } else {
            Ok(())
        }
    };
    let mut dirs: HashMap<&Path, Dir> = HashMap::new();
    for (dir, _) in changes {
        if !dirs.contains_key(dir.as_path()) {
            dirs.insert(dir, Dir::open(dir).map_err(|e| e.to_string())?);
        }
    }
    // Every new content staged by the safe writer before anything is
    // renamed; a staged file dropped unrenamed is removed.
    let mut staged = Vec::new();
    for (dir, change) in changes {
        check()?;
        staged.push(match change {
            Change::Write { name, bytes } => Some(
                dirs[dir.as_path()]
                    .stage(name, bytes)
                    .map_err(|e| e.to_string())?,
            ),
            Change::Remove { .. } => None,
        });
    }
    check()?;
    for ((dir, change), staged) in changes.iter().zip(staged) {
        let name = change.name();
        let target = dir.join(name);
        let backup = back_up(dir, name, &target)?;
        let existed = backup.is_some();
        if let Some(backup) = backup {
            undo.backups.push((backup, target.clone()));
        }
        match staged {
            Some(staged) => {
                staged.commit().map_err(|e| e.to_string())?;
                if !existed {
                    undo.created.push(target);
                }
            }
            None if existed => std::fs::remove_file(&target)
                .map_err(|e| format!("cannot remove {}: {e}", target.display()))?,
            None => {}
        }
    }
    Ok(())
}

/// Applies `changes` to `dir` (created if missing) all or nothing; on
/// failure the directory is as before and the error says why.
pub fn apply(dir: &Path, changes: &[Change]) -> Result<(), String> {
    let changes: Vec<(PathBuf, Change)> = changes
        .iter()
        .map(|c| (dir.to_path_buf(), c.clone()))
        .collect();
    apply_across(&changes)
}

/// Applies changes to files of several directories (each created if
/// missing) all or nothing, like [`apply`].
pub fn apply_across(changes: &[(PathBuf, Change)]) -> Result<(), String> {
    // Ctrl-C while staging: recorded, checked between the steps, rolled back.
    let _section = crate::interrupt::Section::open();
    apply_across_unless(changes, &crate::interrupt::interrupted)
}

/// [`apply_across`], stopping (all or nothing) once `interrupted` says so.
fn apply_across_unless(
    changes: &[(PathBuf, Change)],
    interrupted: &dyn Fn() -> bool,
) -> Result<(), String> {
    for (dir, _) in changes {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut undo = Undo::default();
    match apply_all(changes, &mut undo, interrupted) {
        Ok(()) => {
            undo.commit();
            Ok(())
        }
        Err(error) => {
            let left = undo.rollback();
            if left.is_empty() {
                Err(format!("{error}; nothing was changed"))
            } else {
                Err(format!(
                    "{error}; the rollback failed for:\n  {}",
                    left.join("\n  ")
                ))
            }
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

    fn write(name: &str, text: &str) -> Change {
        Change::Write {
            name: name.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn applies_writes_and_removals() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("old"), "old").unwrap();
        std::fs::write(dir.path().join("gone"), "gone").unwrap();
        apply(
            dir.path(),
            &[
                write("old", "new"),
                write("fresh", "fresh"),
                Change::Remove {
                    name: "gone".to_owned(),
                },
            ],
        )
        .unwrap();
        assert_eq!(names(dir.path()), ["fresh", "old"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("old")).unwrap(),
            "new"
        );
    }

    #[test]
    fn a_failure_changes_nothing_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), "a0").unwrap();
        std::fs::write(dir.path().join("c"), "c0").unwrap();
        // A non-empty directory where a file must go: its rename fails.
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::write(dir.path().join("b/inside"), "x").unwrap();
        let error = apply(
            dir.path(),
            &[
                write("a", "a1"),
                write("new", "n1"),
                write("b", "b1"),
                Change::Remove {
                    name: "c".to_owned(),
                },
            ],
        )
        .unwrap_err();
        assert!(error.ends_with("nothing was changed"), "{error}");
        assert_eq!(names(dir.path()), ["a", "b", "c"]);
        assert_eq!(std::fs::read_to_string(dir.path().join("a")).unwrap(), "a0");
        assert_eq!(std::fs::read_to_string(dir.path().join("c")).unwrap(), "c0");
    }

    #[test]
    fn a_planted_link_is_refused_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("a")).unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(".a.tmp")).unwrap();
        let error = apply(dir.path(), &[write("b", "b"), write("a", "generated")]).unwrap_err();
        assert!(error.contains("symbolic link"), "{error}");
        assert!(error.ends_with("nothing was changed"), "{error}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        assert!(dir.path().join("a").is_symlink());
        assert_eq!(names(dir.path()), [".a.tmp", "a"]);
    }

    #[test]
    fn an_interrupt_while_staging_changes_nothing_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kept.txt"), "old").unwrap();
        let changes: Vec<(PathBuf, Change)> = [write("kept.txt", "new"), write("added.txt", "x")]
            .into_iter()
            .map(|c| (dir.path().to_path_buf(), c))
            .collect();
        // Interrupted after the first check: one file staged, then the stop.
        let calls = std::cell::Cell::new(0);
        let error = apply_across_unless(&changes, &|| {
            calls.set(calls.get() + 1);
            calls.get() > 1
        })
        .unwrap_err();
        assert!(
            error.starts_with("interrupted; nothing was changed"),
            "{error}"
        );
        assert_eq!(names(dir.path()), ["kept.txt"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("kept.txt")).unwrap(),
            "old"
        );
    }
}
