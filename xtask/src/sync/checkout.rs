//! A checkout of the documentation repository: its use-case pages and its commit.
//!
//! The checkout is untrusted input. Pages must be regular files directly in
//! `_docs_use-cases/`, itself a real directory of the checkout: a symbolic
//! link (to anywhere), a FIFO, a device or a directory named like a page is an
//! error, never a page that was "deleted". Pages are opened without following
//! links and without blocking, and read up to the parser's size limit. The
//! commit and whether the pages differ from it come from `git` itself
//! ([`super::git`]).

use super::git::{self, file_kind};
use enmeshed_conformance::spec::MAX_PAGE_BYTES;
use std::io::Read as _;
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
    /// `git rev-parse HEAD` in the checkout, with HEAD's branch or "detached HEAD".
    Git(String),
}

impl Checkout {
    /// Checks that `root` is a directory with a `_docs_use-cases/` directory
    /// (a real one, not a link).
    pub fn open(root: &Path) -> Result<Self, String> {
        if !root.is_dir() {
            return Err(format!(
                "the docs checkout {} does not exist or is not a directory",
                root.display()
            ));
        }
        let pages = root.join(PAGES_DIR);
        match std::fs::symlink_metadata(&pages) {
            Ok(metadata) if metadata.is_dir() => {}
            Ok(metadata) => {
                return Err(format!(
                    "{} is {}, not a directory of the checkout",
                    pages.display(),
                    file_kind(&metadata)
                ));
            }
            Err(_) => {
                return Err(format!(
                    "{} has no {PAGES_DIR}/ directory: is it a checkout of nmshd/nmshd.github.io?",
                    root.display()
                ));
            }
        }
        Ok(Self {
            root: root.to_path_buf(),
            pages,
        })
    }

    /// The file names of the `.md` pages, sorted; an entry named like a page
    /// that is not a regular file is an error.
    pub fn page_names(&self) -> Result<Vec<String>, String> {
        md_names(&self.pages)
    }

    /// The bytes of page `name`, or `None` when the checkout has no such page.
    pub fn read(&self, name: &str) -> Result<Option<Vec<u8>>, String> {
        read_page_bytes(&self.pages.join(name))
    }

    /// The commit the checkout is at, from `git rev-parse HEAD`.
    pub fn commit(&self) -> Result<(String, CommitOrigin), String> {
        let fail = |why: String| {
            format!(
                "cannot tell the commit of {}: {why}; pass --commit SHA",
                self.root.display()
            )
        };
        if !self.is_git_checkout().map_err(fail)? {
            return Err(fail("it is not a git checkout".to_owned()));
        }
        let state = git::state(&self.root).map_err(fail)?;
        let from = match state.branch {
            Some(branch) => format!("HEAD → {branch}"),
            None => "detached HEAD".to_owned(),
        };
        Ok((state.head, CommitOrigin::Git(from)))
    }

    /// Whether the checkout's root is the top of a git working tree; an
    /// error when git finds a different top or cannot read it.
    pub fn is_git_checkout(&self) -> Result<bool, String> {
        let Some(top) = git::top_level(&self.root)? else {
            return Ok(false);
        };
        let same = match (top.canonicalize(), self.root.canonicalize()) {
            (Ok(top), Ok(root)) => top == root,
            _ => false,
        };
        if !same {
            return Err(format!(
                "{} is not the top of its git checkout (git names {})",
                self.root.display(),
                top.display()
            ));
        }
        Ok(true)
    }

    /// The pages that differ from the checkout's commit (modified, staged,
    /// deleted, untracked or ignored), as `git status --porcelain` lists them.
    pub fn uncommitted_pages(&self) -> Result<Vec<String>, String> {
        git::dirty(&self.root, PAGES_DIR)
    }
}

/// The `.md` entries directly inside `dir`, sorted by name. Each must be a
/// regular file: a link, FIFO, device or directory named `*.md` is an error
/// that names it, never skipped.
pub fn md_names(dir: &Path) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut names = Vec::new();
    let mut refused = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let metadata = std::fs::symlink_metadata(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !metadata.is_file() {
            refused.push(format!(
                "{} is {}, not a regular file",
                path.display(),
                file_kind(&metadata)
            ));
            continue;
        }
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            refused.push(format!("{}: the file name is not UTF-8", path.display()));
            continue;
        };
        names.push(name);
    }
    if !refused.is_empty() {
        refused.sort();
        return Err(format!(
            "pages must be regular files inside the checkout:\n  {}",
            refused.join("\n  ")
        ));
    }
    names.sort();
    Ok(names)
}

/// The bytes of a page file (`None` when it does not exist). It is opened
/// without following a link and without blocking (a FIFO cannot stall it),
/// must be a regular file, and is read up to the parser's size limit.
pub fn read_page_bytes(path: &Path) -> Result<Option<Vec<u8>>, String> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            let kind = std::fs::symlink_metadata(path).map_or("unreadable", |m| file_kind(&m));
            return Err(format!(
                "{} is {kind}, not a regular file inside the checkout ({e})",
                path.display()
            ));
        }
    };
    let metadata = file
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !metadata.is_file() {
        return Err(format!(
            "{} is {}, not a regular file",
            path.display(),
            file_kind(&metadata)
        ));
    }
    let limit = MAX_PAGE_BYTES as u64;
    let too_big = |size: u64| {
        format!(
            "{}:1: file is {size} bytes, larger than the limit of {MAX_PAGE_BYTES} bytes",
            path.display()
        )
    };
    if metadata.len() > limit {
        return Err(too_big(metadata.len()));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(Some(bytes))
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

    fn checkout() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(PAGES_DIR)).unwrap();
        dir
    }

    #[test]
    fn a_plain_directory_needs_a_commit() {
        let dir = checkout();
        let error = Checkout::open(dir.path()).unwrap().commit().unwrap_err();
        assert!(error.contains("not a git checkout"), "{error}");
        assert!(error.contains("pass --commit SHA"), "{error}");
    }

    #[test]
    fn a_gitdir_file_pointing_nowhere_needs_a_commit() {
        let dir = checkout();
        std::fs::write(dir.path().join(".git"), "gitdir: /nonexistent/x\n").unwrap();
        let error = Checkout::open(dir.path()).unwrap().commit().unwrap_err();
        assert!(error.contains("pass --commit SHA"), "{error}");
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
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join(PAGES_DIR)).unwrap();
        let error = Checkout::open(dir.path()).unwrap_err();
        assert!(
            error.contains("is a symbolic link, not a directory of the checkout"),
            "{error}"
        );
    }

    #[test]
    fn only_regular_files_are_pages() {
        let dir = checkout();
        let pages = dir.path().join(PAGES_DIR);
        std::fs::write(pages.join("a.md"), "a").unwrap();
        std::fs::write(pages.join("notes.txt"), "not a page").unwrap();
        let checkout = Checkout::open(dir.path()).unwrap();
        assert_eq!(checkout.page_names().unwrap(), ["a.md"]);
        assert_eq!(checkout.read("a.md").unwrap(), Some(b"a".to_vec()));
        assert_eq!(checkout.read("gone.md").unwrap(), None);

        std::fs::create_dir(pages.join("dir.md")).unwrap();
        let error = checkout.page_names().unwrap_err();
        assert!(
            error.contains("dir.md is a directory, not a regular file"),
            "{error}"
        );
        assert!(checkout.read("dir.md").is_err());
        std::fs::remove_dir(pages.join("dir.md")).unwrap();

        let outside = tempfile::NamedTempFile::new().unwrap();
        std::os::unix::fs::symlink(outside.path(), pages.join("link.md")).unwrap();
        let error = checkout.page_names().unwrap_err();
        assert!(error.contains("link.md is a symbolic link"), "{error}");
        let error = checkout.read("link.md").unwrap_err();
        assert!(
            error.contains("is a symbolic link, not a regular file"),
            "{error}"
        );
        std::fs::remove_file(pages.join("link.md")).unwrap();

        let fifo = pages.join("fifo.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let error = checkout.page_names().unwrap_err();
        assert!(
            error.contains("fifo.md is a FIFO, not a regular file"),
            "{error}"
        );
        // Opening does not block on a FIFO without a writer.
        let error = checkout.read("fifo.md").unwrap_err();
        assert!(error.contains("is a FIFO, not a regular file"), "{error}");
    }

    #[test]
    fn a_page_over_the_limit_is_refused_unread() {
        let dir = checkout();
        let path = dir.path().join(PAGES_DIR).join("big.md");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_PAGE_BYTES as u64 + 1).unwrap();
        let error = read_page_bytes(&path).unwrap_err();
        assert!(error.contains(":1: file is 1048577 bytes"), "{error}");
    }

    #[test]
    fn commit_ids_on_the_command_line() {
        assert_eq!(parse_commit("A683209D").unwrap(), "a683209d");
        assert!(parse_commit("a68320").is_err());
        assert!(parse_commit("not-hex!").is_err());
    }
}
