//! A docs checkout's git state, read by `git` itself (`git rev-parse`,
//! `git status --porcelain`), never by reading `.git` by hand.
//!
//! Every call is bounded: `git` runs with a deadline and is killed after it
//! (a FIFO at `.git/HEAD` makes git wait forever), its output is capped, it
//! never searches above the checkout (`GIT_CEILING_DIRECTORIES`, and a
//! directory without `.git` is no checkout), the caller's `GIT_DIR`-style
//! variables are removed so that they cannot point it elsewhere, and the
//! checkout's config cannot start an fsmonitor program.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one `git` call may take.
pub const GIT_DEADLINE: Duration = Duration::from_secs(20);
/// How much of git's output is kept.
const MAX_OUTPUT: u64 = 1 << 20;
/// How often a running `git` is looked at.
const POLL: Duration = Duration::from_millis(10);

/// Environment variables that would make git look at another repository.
const REPOSITORY_VARIABLES: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_DISCOVERY_ACROSS_FILESYSTEM",
];

/// What `git` said, or that it could not say.
#[derive(Debug)]
pub struct GitOutput {
    /// Whether git exited with status 0.
    pub success: bool,
    /// Its standard output (at most 1 MiB).
    pub stdout: Vec<u8>,
    /// Its standard error, as text (at most 1 MiB).
    pub stderr: String,
}

/// The git state of a checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitState {
    /// The commit `HEAD` names (full id, lower case).
    pub head: String,
    /// `HEAD`'s symbolic name (`refs/heads/main`), or `None` when detached.
    pub branch: Option<String>,
}

/// Runs `git -C root args…` with the bounds of this module.
pub fn git(root: &Path, args: &[&str]) -> Result<GitOutput, String> {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(root)
        // A checkout's own config must not start programs: no fsmonitor hook.
        .args(["-c", "core.fsmonitor=false"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0");
    for variable in REPOSITORY_VARIABLES {
        command.env_remove(variable);
    }
    if let Some(parent) = root.parent() {
        command.env("GIT_CEILING_DIRECTORIES", parent);
    }
    let shown = format!("git {}", args.join(" "));
    let mut child = command.spawn().map_err(|e| {
        format!("cannot run `{shown}`: {e} (sync needs git; or pass --commit SHA without a .git)")
    })?;
    // Readers on their own threads, so that a full pipe cannot stall git.
    let stdout = child.stdout.take().map(capped_reader);
    let stderr = child.stderr.take().map(capped_reader);
    let deadline = Instant::now() + GIT_DEADLINE;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{shown}` in {} did not finish within {GIT_DEADLINE:?} and was killed \
                     (is a file of .git a FIFO or a device?)",
                    root.display()
                ));
            }
            Err(e) => return Err(format!("cannot wait for `{shown}`: {e}")),
        }
    };
    let joined = |reader: Option<std::thread::JoinHandle<Vec<u8>>>| {
        reader.and_then(|r| r.join().ok()).unwrap_or_default()
    };
    Ok(GitOutput {
        success: status.success(),
        stdout: joined(stdout),
        stderr: String::from_utf8_lossy(&joined(stderr)).trim().to_owned(),
    })
}

fn capped_reader<R: std::io::Read + Send + 'static>(pipe: R) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut limited = pipe.take(MAX_OUTPUT);
        let _ = limited.read_to_end(&mut kept);
        // Drain the rest so that git never blocks on a full pipe.
        let _ = std::io::copy(&mut limited.into_inner(), &mut std::io::sink());
        kept
    })
}

/// `.git` and `.git/HEAD` must be what git makes them: a directory (or a
/// `gitdir:` file) and a regular file. Checked before git runs, so that a
/// FIFO or a device is an error at once, not a deadline later.
fn check_git_files(root: &Path) -> Result<(), String> {
    let dot_git = root.join(".git");
    let Ok(metadata) = std::fs::symlink_metadata(&dot_git) else {
        return Ok(()); // no .git: git says so
    };
    let kind = file_kind(&metadata);
    if metadata.is_dir() {
        let head = dot_git.join("HEAD");
        if let Ok(head_metadata) = std::fs::symlink_metadata(&head)
            && !head_metadata.is_file()
        {
            return Err(format!(
                "{} is {}, not a regular file",
                head.display(),
                file_kind(&head_metadata)
            ));
        }
        return Ok(());
    }
    if metadata.is_file() {
        return Ok(()); // a `gitdir:` file (worktree, submodule); git reads it with its deadline
    }
    Err(format!(
        "{} is {kind}, not a directory or a file",
        dot_git.display()
    ))
}

/// What kind of file `metadata` describes, for messages.
pub fn file_kind(metadata: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let kind = metadata.file_type();
    if kind.is_symlink() {
        "a symbolic link"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else if kind.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_owned()
}

/// Whether `root` is the top of a git working tree: `None` when it is not a
/// git checkout at all.
pub fn top_level(root: &Path) -> Result<Option<PathBuf>, String> {
    if std::fs::symlink_metadata(root.join(".git")).is_err() {
        return Ok(None); // git is not even asked (an archive needs no git)
    }
    check_git_files(root)?;
    let output = git(root, &["rev-parse", "--show-toplevel"])?;
    if !output.success {
        if output.stderr.contains("not a git repository") {
            return Ok(None);
        }
        return Err(format!(
            "git cannot read {}: {}",
            root.display(),
            output.stderr
        ));
    }
    Ok(Some(PathBuf::from(text(&output.stdout))))
}

/// The commit and branch of the checkout at `root` (its top level).
pub fn state(root: &Path) -> Result<GitState, String> {
    let head = git(root, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"])?;
    if !head.success {
        return Err(format!(
            "git finds no commit at HEAD in {}{}",
            root.display(),
            if head.stderr.is_empty() {
                String::new()
            } else {
                format!(": {}", head.stderr)
            }
        ));
    }
    let id = text(&head.stdout).to_ascii_lowercase();
    if !matches!(id.len(), 40 | 64) || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("git gave `{id}` as the commit of HEAD"));
    }
    let name = git(root, &["rev-parse", "--symbolic-full-name", "HEAD"])?;
    let name = text(&name.stdout);
    let branch = (name != "HEAD" && !name.is_empty()).then_some(name);
    Ok(GitState { head: id, branch })
}

/// The paths below `pathspec` that differ from HEAD: modified, staged,
/// deleted, untracked or ignored (as `git status --porcelain` names them).
pub fn dirty(root: &Path, pathspec: &str) -> Result<Vec<String>, String> {
    let output = git(
        root,
        &[
            "status",
            "--porcelain=v1",
            "-z",
            "--untracked-files=all",
            "--ignored=matching",
            "--no-renames",
            "--",
            pathspec,
        ],
    )?;
    if !output.success {
        return Err(format!(
            "`git status` failed in {}: {}",
            root.display(),
            output.stderr
        ));
    }
    Ok(output
        .stdout
        .split(|&b| b == 0)
        .filter(|entry| entry.len() > 3)
        .map(|entry| String::from_utf8_lossy(entry).into_owned())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) {
        let output = git(dir, args).unwrap();
        assert!(output.success, "git {args:?}: {}", output.stderr);
    }

    fn repository() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), &["init", "-q", "-b", "main"]);
        std::fs::create_dir(dir.path().join("pages")).unwrap();
        std::fs::write(dir.path().join("pages/a.md"), "a\n").unwrap();
        run(dir.path(), &["add", "."]);
        run(
            dir.path(),
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.org",
                "commit",
                "-q",
                "-m",
                "one",
            ],
        );
        dir
    }

    #[test]
    fn reads_head_branch_and_dirt() {
        let dir = repository();
        let state = state(dir.path()).unwrap();
        assert_eq!(state.head.len(), 40);
        assert_eq!(state.branch.as_deref(), Some("refs/heads/main"));
        assert_eq!(dirty(dir.path(), "pages").unwrap(), Vec::<String>::new());
        std::fs::write(dir.path().join("pages/a.md"), "edited\n").unwrap();
        std::fs::write(dir.path().join("pages/new.md"), "new\n").unwrap();
        std::fs::write(dir.path().join("elsewhere.txt"), "not a page\n").unwrap();
        assert_eq!(
            dirty(dir.path(), "pages").unwrap(),
            vec![" M pages/a.md".to_owned(), "?? pages/new.md".to_owned()]
        );
        run(dir.path(), &["checkout", "-q", "--detach"]);
        assert_eq!(super::state(dir.path()).unwrap().branch, None);
    }

    #[test]
    fn a_directory_that_is_not_a_checkout_is_none_even_inside_one() {
        let dir = repository();
        let inner = dir.path().join("pages");
        assert_eq!(top_level(&inner).unwrap(), None, "git must not look above");
        let plain = tempfile::tempdir().unwrap();
        assert_eq!(top_level(plain.path()).unwrap(), None);
    }

    #[test]
    fn the_checkouts_config_starts_no_fsmonitor_program() {
        let dir = repository();
        let witness = dir.path().join("fsmonitor-ran");
        let hook = dir.path().join("hook.sh");
        std::fs::write(&hook, format!("#!/bin/sh\ntouch '{}'\n", witness.display())).unwrap();
        run(
            dir.path(),
            &[
                "config",
                "core.fsmonitor",
                &format!("sh {}", hook.display()),
            ],
        );
        std::fs::write(dir.path().join("pages/a.md"), "edited\n").unwrap();
        assert_eq!(
            dirty(dir.path(), "pages").unwrap(),
            vec![" M pages/a.md".to_owned()]
        );
        state(dir.path()).unwrap();
        assert!(!witness.exists(), "the checkout's fsmonitor hook ran");
    }

    #[test]
    fn a_fifo_at_head_is_an_error_at_once() {
        let dir = repository();
        let head = dir.path().join(".git/HEAD");
        std::fs::remove_file(&head).unwrap();
        let status = Command::new("mkfifo").arg(&head).status().unwrap();
        assert!(status.success());
        // Refused before git runs (git itself would wait forever to open it).
        let error = top_level(dir.path()).unwrap_err();
        assert!(
            error.contains(".git/HEAD is a FIFO, not a regular file"),
            "{error}"
        );
    }
}
