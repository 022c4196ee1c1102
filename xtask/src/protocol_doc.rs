//! The generated tables of PROTOCOL.md (`enmeshed_conformance::protocol::docs`):
//! `gen` writes them between their markers, `check` fails with a diff when
//! the document differs.

use crate::stage::{self, Change};
use enmeshed_conformance::protocol::docs;
use std::path::Path;

/// The document's current text and the text with up-to-date tables.
fn texts(path: &Path) -> Result<(String, String), String> {
    let current = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let expected = docs::splice(&current).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((current, expected))
}

/// `None` when the tables of `path` are up to date, else a unified diff
/// from the document to what `gen` would write.
pub fn check(path: &Path) -> Result<Option<String>, String> {
    let (current, expected) = texts(path)?;
    if current == expected {
        return Ok(None);
    }
    let name = path.display().to_string();
    Ok(Some(
        similar::TextDiff::from_lines(&current, &expected)
            .unified_diff()
            .context_radius(2)
            .header(&format!("{name} (on disk)"), &format!("{name} (expected)"))
            .to_string(),
    ))
}

/// Writes the up-to-date tables into `path` (atomically); returns whether
/// the file changed.
pub fn write(path: &Path) -> Result<bool, String> {
    let (current, expected) = texts(path)?;
    if current == expected {
        return Ok(false);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} is not a file name", path.display()))?;
    stage::apply(
        dir,
        &[Change::Write {
            name: name.to_owned(),
            bytes: expected.into_bytes(),
        }],
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_reports_a_diff_and_write_fixes_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("PROTOCOL.md");
        let stale = format!(
            "# P\n\n{}\n| old |\n{}\nend\n",
            docs::BEGIN_MARKER,
            docs::END_MARKER
        );
        std::fs::write(&path, &stale).unwrap();
        let diff = check(&path).unwrap().expect("stale");
        assert!(diff.contains("-| old |"), "{diff}");
        assert!(diff.contains("+### Errors"), "{diff}");
        assert!(write(&path).unwrap());
        assert_eq!(check(&path).unwrap(), None);
        assert!(!write(&path).unwrap());
        let fixed = std::fs::read_to_string(&path).unwrap();
        assert!(fixed.starts_with("# P\n") && fixed.ends_with("end\n"));
        std::fs::write(&path, "no markers").unwrap();
        assert!(check(&path).unwrap_err().contains("missing"));
    }

    #[test]
    fn the_repository_protocol_document_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../PROTOCOL.md");
        if let Some(diff) = check(&path).unwrap() {
            panic!("PROTOCOL.md is stale; run `cargo xtask gen`:\n{diff}");
        }
    }
}
