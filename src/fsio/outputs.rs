//! The check of a run's output paths, made before anything runs (before the
//! implementation is started, so also for a run whose implementation never
//! starts): no output may be one of the inputs or another output, and each
//! must be writable by the safe writer (its directory exists, nothing but a
//! regular file is in its place).

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

/// A file named on the command line, with what it is for (`--junit`,
/// `feature file`, `--expectations`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// What the file is for, as the message says it.
    pub role: String,
    /// The path as named.
    pub path: PathBuf,
}

impl Named {
    /// `path`, named as `role`.
    pub fn new(role: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Self {
            role: role.into(),
            path: path.into(),
        }
    }

    fn label(&self) -> String {
        format!("{} {}", self.role, self.path.display())
    }
}

/// How a path is recognised: its file (device and inode) when it exists,
/// and its canonical path (its directory's, plus the name, when it does not
/// exist yet).
#[derive(Debug)]
struct Identity {
    file: Option<(u64, u64)>,
    canonical: Option<PathBuf>,
}

impl Identity {
    fn of(path: &Path) -> Self {
        let file = std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()));
        let canonical = std::fs::canonicalize(path).ok().or_else(|| {
            let name = path.file_name()?;
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            std::fs::canonicalize(parent).ok().map(|p| p.join(name))
        });
        Self { file, canonical }
    }

    fn same(&self, other: &Identity) -> bool {
        (self.file.is_some() && self.file == other.file)
            || (self.canonical.is_some() && self.canonical == other.canonical)
    }
}

/// Whether `a` and `b` name the same file (the same device and inode, or
/// the same canonical path).
pub fn same_file(a: &Path, b: &Path) -> bool {
    Identity::of(a).same(&Identity::of(b))
}

/// Refuses outputs that are inputs or each other, and outputs that cannot
/// be written; the error names both files (or the file and why).
pub fn check(outputs: &[Named], inputs: &[Named]) -> Result<(), String> {
    let input_ids: Vec<Identity> = inputs.iter().map(|i| Identity::of(&i.path)).collect();
    let output_ids: Vec<Identity> = outputs.iter().map(|o| Identity::of(&o.path)).collect();
    for (output, id) in outputs.iter().zip(&output_ids) {
        if let Some(input) = inputs
            .iter()
            .zip(&input_ids)
            .find_map(|(input, input_id)| id.same(input_id).then_some(input))
        {
            return Err(format!(
                "{} is the same file as {}: the output would overwrite the input",
                output.label(),
                input.label()
            ));
        }
    }
    for (i, (output, id)) in outputs.iter().zip(&output_ids).enumerate() {
        if let Some(other) = outputs[i + 1..]
            .iter()
            .zip(&output_ids[i + 1..])
            .find_map(|(other, other_id)| id.same(other_id).then_some(other))
        {
            return Err(format!(
                "{} and {} are the same file: one output would replace the other",
                output.label(),
                other.label()
            ));
        }
    }
    for output in outputs {
        super::check_writable(&output.path).map_err(|e| format!("{}: {e}", output.role))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_equal_to_an_input_or_another_output_is_refused_naming_both() {
        let dir = tempfile::tempdir().unwrap();
        let expectations = dir.path().join("e.toml");
        std::fs::write(&expectations, "").unwrap();
        let inputs = [Named::new("--expectations", &expectations)];
        // The same file under another name.
        let other_name = dir.path().join(".").join("e.toml");
        let error = check(&[Named::new("--junit", &other_name)], &inputs).unwrap_err();
        assert!(error.contains("--junit"), "{error}");
        assert!(error.contains("--expectations"), "{error}");
        let hard = dir.path().join("hard.toml");
        std::fs::hard_link(&expectations, &hard).unwrap();
        assert!(check(&[Named::new("--summary", &hard)], &inputs).is_err());

        let x = dir.path().join("x");
        let error = check(
            &[Named::new("--junit", &x), Named::new("--json", &x)],
            &inputs,
        )
        .unwrap_err();
        assert!(
            error.contains("--junit") && error.contains("--json"),
            "{error}"
        );
        assert!(!x.exists(), "nothing is created");
        check(
            &[
                Named::new("--junit", &x),
                Named::new("--json", dir.path().join("y")),
            ],
            &inputs,
        )
        .unwrap();
        assert!(!x.exists(), "nothing is created");
    }

    #[test]
    fn a_missing_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = check(
            &[Named::new("--summary", dir.path().join("nodir/x.md"))],
            &[],
        )
        .unwrap_err();
        assert!(error.contains("--summary"), "{error}");
        assert!(error.contains("does not exist"), "{error}");
    }
}
