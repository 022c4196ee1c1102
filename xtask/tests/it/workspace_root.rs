//! xtask works on the workspace of the current directory, not on the one it
//! was built in: a binary built here and run in a copy of the workspace (a
//! shared target directory) checks the copy's files.

use crate::common;
use common::*;
use std::path::Path;
use std::process::Command;

/// A copy of what `cargo xtask check` reads: the manifests, the pages, the
/// features, PROTOCOL.md and the real runtime's figures with their inputs.
fn copy_of_the_workspace() -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let from = workspace();
    for file in [
        "Cargo.toml",
        "xtask/Cargo.toml",
        "PROTOCOL.md",
        // The real runtime's figures: the record, the documents quoting it, and the
        // adapter files its digest covers.
        "adapters/nmshd-runtime/figures.toml",
        "adapters/nmshd-runtime/README.md",
        "adapters/nmshd-runtime/adapter.js",
        "adapters/nmshd-runtime/fake-backbone.js",
        "adapters/nmshd-runtime/runtime-host.js",
        "adapters/nmshd-runtime/package.json",
        "adapters/nmshd-runtime/package-lock.json",
        "docs/findings.md",
    ] {
        let target = copy.path().join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(file), target).unwrap();
    }
    for dir in ["spec/use-cases", "features/generated", "features/manual"] {
        std::fs::create_dir_all(copy.path().join(dir)).unwrap();
        for entry in std::fs::read_dir(from.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, copy.path().join(dir).join(path.file_name().unwrap())).unwrap();
        }
    }
    copy
}

fn check_in(dir: &Path) -> (Option<i32>, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("check")
        .current_dir(dir)
        .output()
        .expect("xtask runs");
    let (stdout, stderr) = text(&output);
    (output.status.code(), stdout, stderr)
}

#[test]
fn check_in_a_copy_reads_the_copy() {
    let copy = copy_of_the_workspace();
    let (code, stdout, stderr) = check_in(copy.path());
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let protocol = copy.path().join("PROTOCOL.md");
    assert!(
        stdout.contains(&format!(
            "{}: generated tables are up to date",
            protocol.display()
        )),
        "{stdout}"
    );

    // A stale PROTOCOL.md in the copy fails the check there, also from a
    // directory below the root.
    let text = std::fs::read_to_string(&protocol).unwrap();
    let begin = text
        .find("<!-- BEGIN GENERATED")
        .expect("the generated region");
    let stale = format!(
        "{}{}",
        &text[..begin],
        text[begin..].replacen("| ", "| stale ", 1)
    );
    assert_ne!(stale, text);
    std::fs::write(&protocol, stale).unwrap();
    let (code, _, stderr) = check_in(&copy.path().join("spec/use-cases"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: the generated tables are out of date",
            protocol.display()
        )),
        "{stderr}"
    );
}

#[test]
fn outside_any_workspace_it_says_so() {
    let elsewhere = tempfile::tempdir().unwrap();
    let (code, _, stderr) = check_in(elsewhere.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("no enmeshed-conformance workspace"),
        "{stderr}"
    );
}
