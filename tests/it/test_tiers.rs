//! The two test tiers stay honest: every test left out of README's test
//! command (`#[ignore]`) says why and where it runs, and `.ci/run` runs the
//! tier README's command leaves out, so CI runs every test.

use std::path::Path;

/// How every ignore reason ends: the command that runs the test.
const FULL_SUITE: &str = "the full suite runs it, `cargo test --workspace -- --include-ignored`";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Rust files of the two integration-test binaries.
fn test_sources() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "tests/it",
        "tests/it/support",
        "xtask/tests/it",
        "xtask/tests/it/common",
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_ignored_test_names_its_reason_and_the_full_suite() {
    let mut ignored = 0;
    let mut bad = Vec::new();
    for file in test_sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if !line.starts_with("#[ignore") {
                continue;
            }
            ignored += 1;
            let reason = line
                .strip_prefix("#[ignore = \"")
                .and_then(|r| r.strip_suffix("\"]"));
            match reason {
                Some(r) if r.ends_with(FULL_SUITE) && r.len() > FULL_SUITE.len() + 2 => {}
                _ => bad.push(format!("{}:{}: {line}", file.display(), number + 1)),
            }
        }
    }
    assert!(
        bad.is_empty(),
        "an ignored test must say why and end with \"{FULL_SUITE}\":\n{}",
        bad.join("\n")
    );
    // The tier exists: if nothing were ignored this test would prove nothing.
    assert!(
        ignored > 0,
        "no ignored test found under tests/it or xtask/tests/it"
    );
}

#[test]
fn ci_runs_the_tier_readme_leaves_out_and_readme_names_both() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let commands: Vec<&str> = ci
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && l.contains("cargo test --workspace"))
        .collect();
    assert!(
        commands
            .iter()
            .any(|c| c.starts_with("cargo test --workspace --locked") && !c.contains("--ignored")),
        ".ci/run must run README's test command: {commands:?}"
    );
    assert!(
        commands.iter().any(|c| c.ends_with("-- --ignored")),
        ".ci/run must run the ignored tier: {commands:?}"
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("cargo test --workspace       #"),
        "README's test command"
    );
    assert!(
        readme.contains("cargo test --workspace -- --include-ignored"),
        "README names the full suite's command"
    );
}
