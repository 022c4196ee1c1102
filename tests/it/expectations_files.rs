//! Expectations files: a duplicate entry is named as such, and a large file
//! is read in time linear in its size.

use crate::support::cli;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_duplicate_entry_is_an_error_naming_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expected.toml");
    let entry = "[[expected]]\nscenario = \"RID1 On Success 1: x\"\noutcome = \"failed\"\nreason = \"r\"\n\n";
    std::fs::write(&file, format!("{entry}{entry}")).unwrap();
    let output = cli::run(&["--list", "--expectations", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("expected.toml:6: entry 2: duplicates entry 1 (line 1)"),
        "{err}"
    );
}

/// Entries of about 100 bytes each, `bytes` in all.
fn big_file(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 200);
    let mut i = 0;
    while text.len() < bytes {
        writeln!(
            text,
            "[[expected]]\nscenario = \"scenario number {i}\"\noutcome = \"failed\"\nreason = \"listed\"\n"
        )
        .unwrap();
        i += 1;
    }
    text
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_large_file_is_read_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expected.toml");
    // 4 MB: the quadratic line lookup took minutes here (debug build).
    std::fs::write(&file, big_file(4 << 20)).unwrap();
    let start = Instant::now();
    let output = cli::run(&["--list", "--expectations", file.to_str().unwrap()]);
    let elapsed = start.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}
