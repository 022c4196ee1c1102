//! `cargo xtask matrix`: every file it writes goes through the safe writer
//! (a link planted in the output directory is never written through), and a
//! broken implementation is a failed column, not a lost matrix.

use crate::common::workspace;
use std::path::{Path, PathBuf};
use xtask::matrix::{Implementation, run_with};

/// The suite's binary, built once for the tests of this file.
fn binary() -> PathBuf {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY
        .get_or_init(|| xtask::matrix::binary(&workspace()).expect("the suite builds"))
        .clone()
}

/// An implementation that never starts (its handshake exits).
const BROKEN: Implementation = Implementation {
    name: "broken",
    adapter_cmd: Some("python3 tests/fixtures/adapters/handshake_exit.py"),
    expectations: None,
    timeout: None,
    needs: None,
};

/// A suite binary whose `run` dies before it writes anything (a crashed
/// suite), and that makes reports as the real one does.
fn crashing_suite(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let script = dir.join("crashing-suite");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nif [ \"$1\" = run ]; then echo 'thread main panicked'; exit 101; fi\nexec '{}' \"$@\"\n",
            binary().display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
#[ignore = "builds the suite and runs it three times (slow): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_broken_implementation_is_a_failed_column_not_a_lost_matrix() {
    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("out");
    // Two columns: an implementation that does not start, then a suite
    // that writes no results file at all.
    let summary = run_with(&binary(), &workspace(), &out, &[BROKEN]).expect("the matrix");
    assert!(summary.contains("broken: exit 1"), "{summary}");
    let crashing = crashing_suite(scratch.path());
    let again = run_with(&crashing, &workspace(), &out, &[BROKEN]).expect("the matrix");
    assert!(
        again.contains("broken: exit 101") && again.contains("a failed column"),
        "{again}"
    );
    let results = std::fs::read_to_string(out.join("broken.json")).unwrap();
    assert!(
        results.contains("\"errored\"") && results.contains("wrote no results file"),
        "{results}"
    );
    let log = std::fs::read_to_string(out.join("broken.log")).unwrap();
    assert!(log.contains("thread main panicked"), "{log}");
    let matrix = std::fs::read_to_string(out.join("matrix.html")).unwrap();
    assert!(matrix.contains("handshake_exit.py"), "the column is there");
}

#[test]
#[ignore = "builds the suite (slow): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_link_planted_at_a_log_is_never_written_through() {
    let scratch = tempfile::tempdir().unwrap();
    let victim = scratch.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let out = scratch.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("broken.log")).unwrap();
    let error = run_with(&binary(), &workspace(), &out, &[BROKEN]).unwrap_err();
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}
