//! `cargo xtask matrix`: a column for every runtime version of
//! `adapters/nmshd-runtime/versions.json`, in version order; every file it
//! writes goes through the safe writer (a link planted in the output
//! directory is never written through); a broken implementation is a failed
//! column and a version that cannot run a skipped one, never a lost matrix.

use crate::common::workspace;
use std::path::{Path, PathBuf};
use xtask::matrix::{Implementation, RUNTIME_VERSIONS, implementations, run_with, runtime_columns};

/// The suite's binary, built once for the tests of this file.
fn binary() -> PathBuf {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY
        .get_or_init(|| xtask::matrix::binary(&workspace()).expect("the suite builds"))
        .clone()
}

/// An implementation that never starts (its handshake exits).
fn broken() -> Implementation {
    Implementation::plain(
        "broken",
        Some("python3 tests/fixtures/adapters/handshake_exit.py"),
    )
}

#[test]
fn every_runtime_version_of_versions_json_is_a_column_in_version_order() {
    let columns = implementations(&workspace()).expect("the columns");
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    // The issue's six versions, in the order a release manager reads them
    // (written out here, so the test does not repeat the code's sort).
    assert_eq!(
        names,
        [
            "reference",
            "python",
            "node",
            "nmshd-runtime-5.3.0",
            "nmshd-runtime-6.28.0",
            "nmshd-runtime-6.30.0",
            "nmshd-runtime-6.34.2",
            "nmshd-runtime-6.60.5",
            "nmshd-runtime-7.0.0",
        ]
    );
    // Each version with its own expectations file, as versions.json names it.
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace().join(RUNTIME_VERSIONS)).unwrap())
            .unwrap();
    for entry in list["versions"].as_array().unwrap() {
        let version = entry["version"].as_str().unwrap();
        let column = columns
            .iter()
            .find(|c| c.series.as_ref().is_some_and(|(_, v)| v == version))
            .unwrap_or_else(|| panic!("no column of {version}"));
        assert_eq!(
            column.expectations.as_deref(),
            entry["expectations"].as_str()
        );
        assert!(
            column
                .adapter_cmd
                .as_deref()
                .is_some_and(|c| c.ends_with(&format!("--runtime {version}"))),
            "{column:?}"
        );
    }
}

/// A scratch workspace where `installed` versions' packages and
/// expectations files exist.
fn scratch_workspace(installed: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (package, expectations) in installed {
        std::fs::create_dir_all(
            dir.path()
                .join("adapters/nmshd-runtime/node_modules")
                .join(package),
        )
        .unwrap();
        let file = dir.path().join(expectations);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, "").unwrap();
    }
    dir
}

#[test]
fn a_version_that_cannot_run_is_a_column_with_its_reason() {
    let root = scratch_workspace(&[
        ("new", "e/10.0.0.toml"),
        ("old", "e/6.9.0.toml"),
        ("mid", "e/none.toml"),
    ]);
    let text = r#"{"versions": [
        {"version": "10.0.0", "package": "new", "expectations": "e/10.0.0.toml"},
        {"version": "6.10.0", "package": "gone", "expectations": "e/6.10.0.toml"},
        {"version": "6.9.0", "package": "old", "expectations": "e/6.9.0.toml", "skip": "the use case is missing"},
        {"version": "7.0.0", "package": "mid", "expectations": "e/7.0.0.toml"}
    ]}"#;
    let columns = runtime_columns(text, root.path()).expect("the columns");
    let rows: Vec<(&str, Option<&str>)> = columns
        .iter()
        .map(|c| (c.name.as_str(), c.cannot_run.as_deref()))
        .collect();
    assert_eq!(rows[0].0, "nmshd-runtime-6.9.0");
    assert!(
        rows[0]
            .1
            .is_some_and(|r| r.contains("the use case is missing")),
        "{rows:?}"
    );
    assert_eq!(rows[1].0, "nmshd-runtime-6.10.0");
    assert!(
        rows[1]
            .1
            .is_some_and(|r| r.contains("not installed") && r.contains("npm ci")),
        "{rows:?}"
    );
    assert_eq!(rows[2].0, "nmshd-runtime-7.0.0");
    assert!(
        rows[2]
            .1
            .is_some_and(|r| r.contains("e/7.0.0.toml is missing")),
        "{rows:?}"
    );
    assert_eq!(rows[3], ("nmshd-runtime-10.0.0", None));
    // A version that would name a file elsewhere, one listed twice, a broken file.
    for (text, says) in [
        (
            r#"{"versions": [{"version": "../x", "package": "p", "expectations": "e"}]}"#,
            "a version is letters",
        ),
        (
            r#"{"versions": [{"version": "1.0", "package": "p", "expectations": "e"}, {"version": "1.0", "package": "q", "expectations": "f"}]}"#,
            "listed twice",
        ),
        ("{\"versions\": [\n  {\"version\": 1}]}", "line 2"),
        (r#"{"versions": []}"#, "no runtime version"),
    ] {
        let error = runtime_columns(text, root.path()).unwrap_err();
        assert!(error.contains(says), "{text}: {error}");
    }
}

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
    let summary = run_with(&binary(), &workspace(), &out, &[broken()]).expect("the matrix");
    assert!(summary.contains("broken: exit 1"), "{summary}");
    let crashing = crashing_suite(scratch.path());
    let again = run_with(&crashing, &workspace(), &out, &[broken()]).expect("the matrix");
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
    let error = run_with(&binary(), &workspace(), &out, &[broken()]).unwrap_err();
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
#[ignore = "builds the suite (slow): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn versions_that_cannot_run_are_skipped_columns_of_the_rule_history() {
    let scratch = tempfile::tempdir().unwrap();
    // A comma in the path: each file is one `--series` argument.
    let out = scratch.path().join("out,dir");
    let text = r#"{"versions": [
        {"version": "6.28.0", "package": "absent-6.28.0", "expectations": "e/6.28.0.toml"},
        {"version": "5.3.0", "package": "absent-5.3.0", "expectations": "e/5.3.0.toml", "skip": "a <b>documented</b> skip"}
    ]}"#;
    let mut columns = vec![broken()];
    columns.extend(runtime_columns(text, &workspace()).expect("the columns"));
    let summary = run_with(&binary(), &workspace(), &out, &columns).expect("the matrix");
    assert!(
        summary.contains("nmshd-runtime-6.28.0: not run, not installed"),
        "{summary}"
    );
    let results = std::fs::read_to_string(out.join("nmshd-runtime-5.3.0.json")).unwrap();
    assert!(
        results.contains("\"skipped\"") && results.contains("\"version\":\"5.3.0\""),
        "{results}"
    );
    let log = std::fs::read_to_string(out.join("nmshd-runtime-6.28.0.log")).unwrap();
    assert!(log.contains("npm ci"), "{log}");
    let matrix = std::fs::read_to_string(out.join("matrix.html")).unwrap();
    let history = &matrix[matrix.find("id=\"history\"").expect("the rule history")..];
    assert!(history.contains("<h3>@nmshd/runtime</h3>"), "{history}");
    let head = &history[..history.find("</thead>").unwrap()];
    let at = |v: &str| {
        head.find(&format!(">{v}</th>"))
            .unwrap_or_else(|| panic!("{v}: {head}"))
    };
    assert!(at("5.3.0") < at("6.28.0"), "{head}");
    let summary_table = &matrix[matrix.find("id=\"summary\"").unwrap()..];
    assert!(
        summary_table.contains("skipped: documented in")
            && summary_table.contains("a &lt;b&gt;documented&lt;/b&gt; skip"),
        "{summary_table}"
    );
}
