//! The workspace xtask works on: found from the current directory, never
//! from where the xtask binary was built (a binary built in one checkout and
//! run in another, through a shared target directory, must not check or write
//! the checkout it was built in).

use std::path::{Path, PathBuf};

/// The root of the enmeshed-conformance workspace that holds `start` (or
/// one of its ancestors): the nearest directory with a `Cargo.toml` that
/// declares a `[workspace]` whose `members` include `xtask`, and has
/// `xtask/Cargo.toml`.
pub fn root_above(start: &Path) -> Result<PathBuf, String> {
    for dir in start.ancestors() {
        if is_root(dir) {
            return Ok(dir.to_path_buf());
        }
    }
    Err(format!(
        "no enmeshed-conformance workspace (a Cargo.toml with [workspace] whose members include \
         xtask) at or above {}; run cargo xtask inside a checkout",
        start.display()
    ))
}

/// The workspace of the current directory (see [`root_above`]).
pub fn root() -> Result<PathBuf, String> {
    let here =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    root_above(&here)
}

fn is_root(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
        return false;
    };
    let Ok(manifest) = text.parse::<toml_edit::DocumentMut>() else {
        return false;
    };
    let has_member = manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml_edit::Item::as_array)
        .is_some_and(|members| members.iter().any(|m| m.as_str() == Some("xtask")));
    has_member && dir.join("xtask/Cargo.toml").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(members: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            format!("[workspace]\nmembers = [{members}]\n"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("xtask/src")).unwrap();
        std::fs::write(dir.path().join("xtask/Cargo.toml"), "[package]\n").unwrap();
        std::fs::create_dir_all(dir.path().join("spec/use-cases")).unwrap();
        dir
    }

    #[test]
    fn found_from_any_directory_below() {
        let dir = workspace("\"xtask\"");
        let root = dir.path().to_path_buf();
        assert_eq!(root_above(&root).unwrap(), root);
        assert_eq!(root_above(&root.join("spec/use-cases")).unwrap(), root);
        // xtask's own Cargo.toml (a package, not the workspace) is passed over.
        assert_eq!(root_above(&root.join("xtask/src")).unwrap(), root);
    }

    #[test]
    fn a_workspace_without_xtask_is_not_ours() {
        let dir = workspace("\"other\"");
        let error = root_above(dir.path()).unwrap_err();
        assert!(
            error.contains("run cargo xtask inside a checkout"),
            "{error}"
        );
    }
}
