//! Helpers shared by the xtask integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

/// npm packages a test installs itself (one rule for every test crate).
#[path = "../../../../tests/it/support/npm.rs"]
pub mod npm;

/// The fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the xtask binary with `args`.
pub fn xtask(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask binary runs")
}

/// A temporary spec directory holding `pages` (file name, bytes).
pub fn spec_dir(pages: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, bytes) in pages {
        std::fs::write(dir.path().join(name), bytes).expect("write page");
    }
    dir
}

/// The good fixture page.
pub fn good_page() -> Vec<u8> {
    std::fs::read(fixtures().join("good-page.md")).expect("good page")
}

/// Stdout and stderr as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
