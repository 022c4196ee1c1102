//! `run --results`, `--level` and `report` through the binary: the results
//! file a real run writes, the levels a run is restricted to, and the errors
//! `report` gives for bad input.

use crate::support::cli::{WRONG_MESSAGE, binary, run, stdout};
use enmeshed_conformance::levels::Level;
use enmeshed_conformance::results::{self, CaseVerdict};

#[test]
fn a_failing_run_writes_a_results_file_with_levels_rules_and_bullets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("results.json");
    let output = run(&[
        "--quiet",
        "--adapter-cmd",
        WRONG_MESSAGE,
        "--results",
        path.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let by_level = text
        .lines()
        .find(|l| l.starts_with("failed by level: "))
        .expect("the closing summary counts failures per level");
    let file = results::load(&path).unwrap();
    assert_eq!(
        file.implementation.name,
        "enmeshed-conformance Python example"
    );
    assert!(!file.passed);
    assert_eq!(file.suite.seed, None, "--no-fuzz");
    for level in Level::ALL {
        let failed = file.count(CaseVerdict::Failed, Some(level))
            + file.count(CaseVerdict::Errored, Some(level));
        assert!(
            by_level.contains(&format!("{level} {failed}")),
            "{by_level}"
        );
    }
    let generated = file
        .cases
        .iter()
        .find(|c| c.name.starts_with("RID1 On Failure 1"))
        .unwrap();
    assert_eq!(generated.verdict, CaseVerdict::Failed);
    assert_eq!(generated.level, Level::Published);
    assert_eq!(generated.use_cases, ["RID1"]);
    let bullet = generated.bullet.as_ref().expect("traced to its bullet");
    assert_eq!(bullet.section, "On Failure");
    let page = file.pages.iter().find(|p| p.file == bullet.page).unwrap();
    assert!(page.sections.iter().flat_map(|s| &s.bullets).any(|b| {
        b.line == bullet.line
            && b.text
                .starts_with("No IdentityDeletionProcess can be initiated")
    }));
    let failure = generated.failure.as_ref().unwrap();
    assert_eq!(
        failure.rule,
        "RID1.activeIdentityDeletionProcessAlreadyExists.message"
    );
    assert!(
        failure
            .actual
            .as_deref()
            .unwrap()
            .contains("Already active.")
    );
    let manual = file
        .cases
        .iter()
        .find(|c| c.location.contains("features/manual/"))
        .unwrap();
    assert!(
        manual
            .source_note
            .as_deref()
            .unwrap()
            .starts_with("docs/domain.md#")
    );
    assert!(manual.bullet.is_none());
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn level_restricts_the_run_to_rules_at_or_above_it() {
    let list = |level: &str| {
        let output = binary(&["run", "--list", "--level", level]);
        assert!(output.status.success());
        stdout(&output)
    };
    let published = list("published");
    let derived = list("derived");
    let all = list("platform");
    let count = |text: &str| text.lines().filter(|l| l.contains("  @")).count();
    assert!(count(&published) > 0 && count(&published) < count(&derived));
    assert!(count(&derived) < count(&all));
    assert!(
        published
            .lines()
            .filter(|l| l.contains("  @"))
            .all(|l| l.contains("@level.published")),
        "{published}"
    );
    assert!(!derived.contains("features/manual/"), "{derived}");
    // A run restricted to the published and derived rules holds only those
    // cases, and still fails on the one published rule the fixture breaks.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    let output = run(&[
        "--quiet",
        "--level",
        "derived",
        "--adapter-cmd",
        WRONG_MESSAGE,
        "--results",
        path.to_str().unwrap(),
    ]);
    let file = results::load(&path).unwrap();
    assert_eq!(file.suite.level, Some(Level::Derived));
    assert!(file.suite.partial);
    assert!(
        file.cases
            .iter()
            .all(|c| c.level.at_or_above(Level::Derived))
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "RID1 On Failure 1 is published and fails"
    );
    // The gate judges only the selected levels: an entry for a hand-written
    // (lower-level) scenario is not judged, neither stale nor unmatched.
    let expectations = dir.path().join("e.toml");
    std::fs::write(
        &expectations,
        "[[expected]]\nscenario = \"A refused initiate publishes no event\"\noutcome = \"failed\"\nreason = \"platform\"\n",
    )
    .unwrap();
    let gated = run(&[
        "--quiet",
        "--level",
        "derived",
        "--expectations",
        expectations.to_str().unwrap(),
    ]);
    assert_eq!(gated.status.code(), Some(0), "{}", stdout(&gated));
    let full = run(&["--quiet", "--expectations", expectations.to_str().unwrap()]);
    assert_eq!(
        full.status.code(),
        Some(1),
        "the full run judges the entry: stale"
    );
    let bad = binary(&["run", "--level", "required"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn report_refuses_bad_results_files_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\n  \"format\": \"enmeshed-conformance-results\",\n  \"version\": 1,\n  oops",
    )
    .unwrap();
    let output = binary(&[
        "report",
        broken.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("broken.json: line 4"), "{err}");
    assert!(!html.exists(), "no half-written report");
    let newer = dir.path().join("newer.json");
    std::fs::write(
        &newer,
        r#"{"format":"enmeshed-conformance-results","version":2}"#,
    )
    .unwrap();
    let output = binary(&[
        "report",
        newer.to_str().unwrap(),
        "-o",
        html.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("newer"));
    let missing = binary(&[
        "report",
        "/nonexistent/r.json",
        "-o",
        html.to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    let same = binary(&[
        "report",
        newer.to_str().unwrap(),
        "-o",
        newer.to_str().unwrap(),
    ]);
    assert_eq!(same.status.code(), Some(2));
    assert!(
        std::fs::read_to_string(&newer)
            .unwrap()
            .contains("\"version\":2")
    );
}
