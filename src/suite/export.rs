//! `features export DIR`: the embedded feature files written out, all or
//! nothing: nothing is overwritten without `force`, every file is staged
//! under a temporary name first and renamed into place only when all are
//! staged.

use super::{EmbeddedFile, FEATURES};
use std::io::Write as _;
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
fn target(dir: &Path, file: &EmbeddedFile) -> PathBuf {
    dir.join(file.path.strip_prefix("features/").unwrap_or(file.path))
}

/// Writes the embedded feature files under `dir` (created if needed) as
/// `generated/*.feature` and `manual/*.feature`; returns the written paths.
/// Existing files are an error unless `force`; a directory in the way is
/// always an error.
pub fn export_features(dir: &Path, force: bool) -> Result<Vec<PathBuf>, ExportError> {
    let targets: Vec<(PathBuf, &EmbeddedFile)> =
        FEATURES.iter().map(|f| (target(dir, f), f)).collect();
    let mut existing = Vec::new();
    for (path, _) in &targets {
        if let Ok(metadata) = std::fs::symlink_metadata(path) {
            if !metadata.is_file() {
                return Err(ExportError::Write(
                    path.clone(),
                    "it exists and is not a regular file".to_owned(),
                ));
            }
            existing.push(path.clone());
        }
    }
    if !existing.is_empty() && !force {
        return Err(ExportError::Exists(existing));
    }
    let mut staged = Vec::new();
    let result = stage_all(&targets, &mut staged).and_then(|()| {
        for (temporary, path) in &staged {
            std::fs::rename(temporary, path)
                .map_err(|e| ExportError::Write(path.clone(), e.to_string()))?;
        }
        Ok(())
    });
    for (temporary, _) in &staged {
        let _ = std::fs::remove_file(temporary);
    }
    result.map(|()| targets.into_iter().map(|(path, _)| path).collect())
}

/// Writes every file to a fresh temporary file beside its target.
fn stage_all(
    targets: &[(PathBuf, &EmbeddedFile)],
    staged: &mut Vec<(PathBuf, PathBuf)>,
) -> Result<(), ExportError> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for (i, (path, file)) in targets.iter().enumerate() {
        let parent = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .map_err(|e| ExportError::Write(parent.to_path_buf(), e.to_string()))?;
        let temporary = parent.join(format!(
            ".{}.export-{}-{nanos}-{i}",
            file.file_name(),
            std::process::id()
        ));
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(|e| ExportError::Write(temporary.clone(), e.to_string()))?;
        staged.push((temporary.clone(), path.clone()));
        out.write_all(file.text.as_bytes())
            .and_then(|()| out.sync_all())
            .map_err(|e| ExportError::Write(temporary.clone(), e.to_string()))?;
    }
    Ok(())
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
    fn a_directory_in_the_way_writes_nothing() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("manual/dto.feature")).unwrap();
        let error = export_features(root.path(), true).unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        assert!(!root.path().join("generated").exists());
    }
}
