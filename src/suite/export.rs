//! `features export DIR`: the embedded feature files written out, all or
//! nothing: nothing is overwritten without `force`, every file is staged
//! under a temporary name first and renamed into place only when all are
//! staged.

use super::{EmbeddedFile, FEATURES};
use crate::fsio::write::{Dir, Entry, WriteError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why the features were not exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Files that would be overwritten (nothing was written).
    #[error(
        "{} already exists{}; nothing was written (pass --force to overwrite)",
        .0.first().map(|p| p.display().to_string()).unwrap_or_default(),
        if .0.len() > 1 { format!(" (and {} more)", .0.len() - 1) } else { String::new() }
    )]
    Exists(Vec<PathBuf>),
    /// A file or directory could not be written (nothing was written).
    #[error("cannot write {path}: {message}; nothing was written", path = .0.display(), message = .1)]
    Write(PathBuf, String),
}

/// Where `file` goes under `dir`: its path without the leading `features/`,
/// so `run --features DIR` runs the same suite.
fn relative(file: &EmbeddedFile) -> &str {
    file.path.strip_prefix("features/").unwrap_or(file.path)
}

/// The directories (below the export directory) and the name of `file`.
fn parts(file: &EmbeddedFile) -> (Vec<&str>, &str) {
    let mut parts: Vec<&str> = relative(file).split('/').collect();
    let name = parts.pop().unwrap_or_default();
    (parts, name)
}

fn write_error(error: WriteError) -> ExportError {
    ExportError::Write(PathBuf::from(error.path), error.message)
}

/// Opens (or, when `create`, makes) the directory `parts` below `root`,
/// never through a link; `None` when it does not exist and is not created.
fn open_below(root: &Dir, parts: &[&str], create: bool) -> Result<Option<Dir>, ExportError> {
    let mut dir: Option<Dir> = None;
    for part in parts {
        let parent = dir.as_ref().unwrap_or(root);
        if !create && parent.entry(part).map_err(write_error)? == Entry::Missing {
            return Ok(None);
        }
        dir = Some(parent.child(part, create).map_err(write_error)?);
    }
    match dir {
        Some(dir) => Ok(Some(dir)),
        None => Dir::open(root.path()).map(Some).map_err(write_error),
    }
}

/// Writes the embedded feature files under `dir` (created if needed) as
/// `generated/*.feature` and `manual/*.feature`; returns the written paths.
/// Existing files are an error unless `force`; a directory, link or special
/// file in the way is always an error. Every write goes through the safe
/// writer ([`crate::fsio::write`]): the directories below `dir` are entered
/// without following links, so a linked `DIR/generated/` is refused.
pub fn export_features(dir: &Path, force: bool) -> Result<Vec<PathBuf>, ExportError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ExportError::Write(dir.to_path_buf(), e.to_string()))?;
    let root = Dir::open(dir).map_err(write_error)?;
    let mut existing = Vec::new();
    for file in FEATURES.iter() {
        let (parts, name) = parts(file);
        let Some(sub) = open_below(&root, &parts, false)? else {
            continue;
        };
        match sub.entry(name).map_err(write_error)? {
            Entry::Missing => {}
            Entry::File(_) => existing.push(dir.join(relative(file))),
            _ => {
                return Err(ExportError::Write(
                    dir.join(relative(file)),
                    "it exists and is not a regular file".to_owned(),
                ));
            }
        }
    }
    if !existing.is_empty() && !force {
        return Err(ExportError::Exists(existing));
    }
    let mut directories: BTreeMap<Vec<&str>, Dir> = BTreeMap::new();
    for file in FEATURES.iter() {
        let (parts, _) = parts(file);
        if let std::collections::btree_map::Entry::Vacant(slot) = directories.entry(parts) {
            let sub = open_below(&root, slot.key(), true)?
                .ok_or_else(|| ExportError::Write(dir.to_path_buf(), "vanished".to_owned()))?;
            slot.insert(sub);
        }
    }
    // Everything staged before anything is renamed: a failure leaves the
    // old files and no temporary file.
    let mut staged = Vec::new();
    for file in FEATURES.iter() {
        let (parts, name) = parts(file);
        let sub = &directories[&parts];
        staged.push(sub.stage(name, file.text.as_bytes()).map_err(write_error)?);
    }
    for staged in staged {
        staged.commit().map_err(write_error)?;
    }
    Ok(FEATURES.iter().map(|f| dir.join(relative(f))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut all = Vec::new();
        for sub in std::fs::read_dir(dir).unwrap() {
            let sub = sub.unwrap().path();
            if sub.is_dir() {
                all.extend(files_under(&sub));
            } else {
                all.push(sub);
            }
        }
        all.sort();
        all
    }

    #[test]
    fn exports_every_feature_and_refuses_to_overwrite() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("new/suite");
        let written = export_features(&dir, false).unwrap();
        assert_eq!(written.len(), FEATURES.len());
        assert_eq!(files_under(&dir), written, "no temporary file is left");
        let dto = dir.join("manual/dto.feature");
        assert_eq!(
            std::fs::read_to_string(&dto).unwrap(),
            FEATURES
                .iter()
                .find(|f| f.path == "features/manual/dto.feature")
                .unwrap()
                .text
        );
        std::fs::write(&dto, "changed").unwrap();
        let error = export_features(&dir, false).unwrap_err();
        assert!(matches!(error, ExportError::Exists(ref files) if files.len() == FEATURES.len()));
        assert!(error.to_string().contains("--force"), "{error}");
        assert_eq!(std::fs::read_to_string(&dto).unwrap(), "changed");
        export_features(&dir, true).unwrap();
        assert_ne!(std::fs::read_to_string(&dto).unwrap(), "changed");
        assert_eq!(files_under(&dir).len(), FEATURES.len());
    }

    #[test]
    fn a_linked_subdirectory_is_refused_and_nothing_is_written_outside() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("generated")).unwrap();
        for force in [false, true] {
            let error = export_features(root.path(), force).unwrap_err();
            assert!(error.to_string().contains("symbolic link"), "{error}");
        }
        assert!(files_under(outside.path()).is_empty());
        assert!(!root.path().join("manual").exists(), "nothing was written");
    }

    #[test]
    fn a_linked_file_is_refused_and_its_target_kept() {
        let root = tempfile::tempdir().unwrap();
        let victim = root.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        std::fs::create_dir(root.path().join("manual")).unwrap();
        std::os::unix::fs::symlink(&victim, root.path().join("manual/dto.feature")).unwrap();
        let error = export_features(root.path(), true).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn a_directory_in_the_way_writes_nothing() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("manual/dto.feature")).unwrap();
        let error = export_features(root.path(), true).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        assert!(!root.path().join("generated").exists());
    }
}
