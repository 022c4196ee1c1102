//! A checkout of the documentation repository: its use-case pages and its commit.

use enmeshed_conformance::spec::MAX_PAGE_BYTES;
use std::path::{Path, PathBuf};

/// Where the use-case pages live inside the documentation repository.
pub const PAGES_DIR: &str = "_docs_use-cases";

/// A checked, readable checkout.
#[derive(Debug, Clone)]
pub struct Checkout {
    /// The checkout's root directory.
    pub root: PathBuf,
    /// `<root>/_docs_use-cases`.
    pub pages: PathBuf,
}

/// Where a commit id came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitOrigin {
    /// `--commit` on the command line.
    CommandLine,
    /// The checkout's `.git` (`HEAD`, a loose ref or `packed-refs`), with what was read.
    Git(String),
}

impl Checkout {
    /// Checks that `root` is a directory with a `_docs_use-cases/` directory.
    pub fn open(root: &Path) -> Result<Self, String> {
        if !root.is_dir() {
            return Err(format!(
                "the docs checkout {} does not exist or is not a directory",
                root.display()
            ));
        }
        let pages = root.join(PAGES_DIR);
        if !pages.is_dir() {
            return Err(format!(
                "{} has no {PAGES_DIR}/ directory: is it a checkout of nmshd/nmshd.github.io?",
                root.display()
            ));
        }
        Ok(Self {
            root: root.to_path_buf(),
            pages,
        })
    }

    /// The file names of the `.md` pages, sorted.
    pub fn page_names(&self) -> Result<Vec<String>, String> {
        md_names(&self.pages)
    }

    /// The bytes of page `name`, or `None` when the checkout has no such page.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, String> {
        read_page_bytes(&self.pages.join(name))
    }

    /// The commit the checkout is at, read from its `.git`.
    pub fn commit(&self) -> Result<(String, CommitOrigin), String> {
        let fail = |why: String| {
            format!(
                "cannot tell the commit of {}: {why}; pass --commit SHA",
                self.root.display()
            )
        };
        let git_dir = git_dir(&self.root).map_err(fail)?;
        let (id, from) = head_commit(&git_dir).map_err(fail)?;
        Ok((id, CommitOrigin::Git(from)))
    }
}

/// The `.md` files directly inside `dir`, sorted by name.
pub fn md_names(dir: &Path) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") && path.is_file() {
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

/// The bytes of a page file (`None` when it does not exist); larger pages
/// than the parser accepts are refused without reading them.
pub fn read_page_bytes(path: &Path) -> Result<Option<Vec<u8>>, String> {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if !metadata.is_file() {
        return Ok(None);
    }
    if metadata.len() > MAX_PAGE_BYTES as u64 {
        return Err(format!(
            "{}:1: file is {} bytes, larger than the limit of {MAX_PAGE_BYTES} bytes",
            path.display(),
            metadata.len()
        ));
    }
    std::fs::read(path)
        .map(Some)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The git directory of a checkout: `.git/`, or where a `.git` file
/// (`gitdir: <path>`, as in worktrees and submodules) points.
fn git_dir(root: &Path) -> Result<PathBuf, String> {
    let dot_git = root.join(".git");
    if dot_git.is_dir() {
        return Ok(dot_git);
    }
    if dot_git.is_file() {
        let text = std::fs::read_to_string(&dot_git)
            .map_err(|e| format!("cannot read {}: {e}", dot_git.display()))?;
        let target = text
            .trim()
            .strip_prefix("gitdir:")
            .map(str::trim)
            .ok_or_else(|| format!("{} does not say `gitdir: <path>`", dot_git.display()))?;
        return Ok(root.join(target));
    }
    Err("it has no .git".to_owned())
}

/// Whether `text` is a full commit id (40 hex digits, or 64 in SHA-256 repositories).
fn is_full_id(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The commit `HEAD` names: directly, through a loose ref or through `packed-refs`.
fn head_commit(git_dir: &Path) -> Result<(String, String), String> {
    let head_path = git_dir.join("HEAD");
    let head = std::fs::read_to_string(&head_path)
        .map_err(|e| format!("cannot read {}: {e}", head_path.display()))?;
    let head = head.trim();
    if is_full_id(head) {
        return Ok((head.to_ascii_lowercase(), "detached HEAD".to_owned()));
    }
    let Some(reference) = head.strip_prefix("ref:").map(str::trim) else {
        return Err(format!(
            "{} holds neither a commit nor a ref",
            head_path.display()
        ));
    };
    if reference
        .split('/')
        .any(|part| part == ".." || part.is_empty())
    {
        return Err(format!(
            "{} names an invalid ref `{reference}`",
            head_path.display()
        ));
    }
    // Worktrees keep their shared refs in the directory `commondir` names.
    let common = match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(path) => git_dir.join(path.trim()),
        Err(_) => git_dir.to_path_buf(),
    };
    for dir in [git_dir, common.as_path()] {
        if let Ok(text) = std::fs::read_to_string(dir.join(reference)) {
            let id = text.trim();
            if is_full_id(id) {
                return Ok((id.to_ascii_lowercase(), format!("HEAD → {reference}")));
            }
            return Err(format!("the ref {reference} does not hold a commit id"));
        }
    }
    for dir in [git_dir, common.as_path()] {
        let Ok(text) = std::fs::read_to_string(dir.join("packed-refs")) else {
            continue;
        };
        for line in text.lines() {
            if line.starts_with('#') || line.starts_with('^') {
                continue;
            }
            if let Some((id, name)) = line.split_once(' ')
                && name.trim() == reference
                && is_full_id(id)
            {
                return Ok((
                    id.to_ascii_lowercase(),
                    format!("HEAD → {reference} (packed-refs)"),
                ));
            }
        }
    }
    Err(format!(
        "HEAD names {reference}, which no ref file or packed-refs holds"
    ))
}

/// Checks a commit id given on the command line: 7 to 64 hex digits.
pub fn parse_commit(text: &str) -> Result<String, String> {
    let text = text.trim();
    if (7..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(format!(
            "`{text}` is not a commit id (7 to 64 hexadecimal digits)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef01234567";
    const B: &str = "89abcdef0123456789abcdef0123456789abcdef";

    fn checkout() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git/refs/heads")).unwrap();
        std::fs::create_dir(dir.path().join(PAGES_DIR)).unwrap();
        dir
    }

    fn commit_of(dir: &Path) -> Result<(String, CommitOrigin), String> {
        Checkout::open(dir).unwrap().commit()
    }

    #[test]
    fn head_through_a_loose_ref_packed_refs_or_detached() {
        let dir = checkout();
        std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
        std::fs::write(
            dir.path().join(".git/packed-refs"),
            format!("# pack-refs with: peeled fully-peeled sorted\n{B} refs/heads/main\n^{A}\n"),
        )
        .unwrap();
        let (id, origin) = commit_of(dir.path()).unwrap();
        assert_eq!(id, B);
        assert_eq!(
            origin,
            CommitOrigin::Git("HEAD → refs/heads/main (packed-refs)".to_owned())
        );
        // A loose ref wins over packed-refs, as in git.
        std::fs::write(dir.path().join(".git/refs/heads/main"), format!("{A}\n")).unwrap();
        assert_eq!(commit_of(dir.path()).unwrap().0, A);
        std::fs::write(
            dir.path().join(".git/HEAD"),
            format!("{}\n", B.to_uppercase()),
        )
        .unwrap();
        assert_eq!(commit_of(dir.path()).unwrap().0, B);
    }

    #[test]
    fn a_git_file_points_to_the_git_directory() {
        let dir = checkout();
        let real = dir.path().join("elsewhere");
        std::fs::create_dir(&real).unwrap();
        std::fs::write(real.join("HEAD"), format!("{A}\n")).unwrap();
        std::fs::remove_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join(".git"), "gitdir: elsewhere\n").unwrap();
        assert_eq!(commit_of(dir.path()).unwrap().0, A);
    }

    #[test]
    fn unreadable_commits_say_what_to_do() {
        let dir = checkout();
        let error = commit_of(dir.path()).unwrap_err();
        assert!(error.contains("pass --commit SHA"), "{error}");
        std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/gone\n").unwrap();
        let error = commit_of(dir.path()).unwrap_err();
        assert!(error.contains("refs/heads/gone"), "{error}");
        std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/../../x\n").unwrap();
        assert!(commit_of(dir.path()).unwrap_err().contains("invalid ref"));
        std::fs::remove_dir_all(dir.path().join(".git")).unwrap();
        assert!(commit_of(dir.path()).unwrap_err().contains("no .git"));
    }

    #[test]
    fn bad_checkouts_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let error = Checkout::open(&dir.path().join("missing")).unwrap_err();
        assert!(error.contains("does not exist"), "{error}");
        let error = Checkout::open(dir.path()).unwrap_err();
        assert!(
            error.contains("has no _docs_use-cases/ directory"),
            "{error}"
        );
    }

    #[test]
    fn commit_ids_on_the_command_line() {
        assert_eq!(parse_commit("A683209D").unwrap(), "a683209d");
        assert!(parse_commit("a68320").is_err());
        assert!(parse_commit("not-hex!").is_err());
    }
}
