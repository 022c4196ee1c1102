//! A fault of the suite is never the implementation's (issue 26, item 2): a
//! test case the suite cannot judge, because a step matches no phrase
//! (UNDEFINED) or the suite contradicts itself (ERRORED SUITE), is reported
//! as the suite's own problem: not counted as failed, not in "failed by
//! level", never written into an expectations file, and the run exits with
//! code 3 unless the implementation failed something too (then 1).

use crate::support::cli::{run, scratch_feature as feature, stdout};

/// A scenario that passes, one with a step the suite does not define, and
/// one whose Then step asks about concurrent calls no step made: the
/// suite's own fault (`ERRORED SUITE`).
const SUITE_FAULTS: &str = "Feature: Scratch
  Scenario: Passes
    When the Identity calls initiateIdentityDeletionProcess
    Then the call succeeds

  Scenario: Undefined
    When the Identity calls initiateIdentityDeletionProcess
    Then the moon is made of cheese

  Scenario: Contradicts itself
    When the Identity calls initiateIdentityDeletionProcess
    Then exactly one of the calls succeeds
";

/// The same, with a scenario the reference implementation fails: an
/// expectation that is wrong, so a failure charged to the implementation.
const AND_A_FAILURE: &str = "
  Scenario: Wrong
    When the Identity calls initiateIdentityDeletionProcess
    Then the returned IdentityDeletionProcess has `\"Cancelled\"` as `status`
";

/// Runs the scratch features `body` with `args`, in a fresh directory.
fn run_in(dir: &std::path::Path, body: &str, args: &[&str]) -> std::process::Output {
    let features = feature(dir, body);
    run(&[&["--features", features.as_str()], args].concat())
}

#[test]
fn a_suite_fault_and_an_undefined_step_are_the_suites_own_with_exit_code_3() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("s.md");
    let output = run_in(
        dir.path(),
        SUITE_FAULTS,
        &["--annotations", "--summary", summary.to_str().unwrap()],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(3), "{out}");
    assert!(out.contains("SUITE FAULT Contradicts itself"), "{out}");
    assert!(out.contains("no concurrent calls were made"), "{out}");
    assert!(out.contains("UNDEFINED Undefined"), "{out}");
    assert!(
        out.contains("not judged: 2 test cases, the suite's own problem"),
        "{out}"
    );
    // Not a failure of the implementation: not counted, not in any level.
    let by_level = out
        .lines()
        .find(|l| l.starts_with("failed by level: "))
        .unwrap_or_default();
    assert!(
        by_level
            .trim_start_matches("failed by level: ")
            .split(", ")
            .all(|l| l.ends_with(" 0")),
        "{by_level}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with("1 passed, 0 failed, 0 skipped"),
        "{out}"
    );
    // Annotations: a warning about the suite, never an error of the implementation.
    assert!(!out.contains("::error "), "{out}");
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("::warning title=suite fault"))
            .count(),
        2,
        "{out}"
    );
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.contains("## enmeshed-conformance: incomplete: the suite's own fault"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| not judged (the suite's own fault, not the implementation's) | 2 |"),
        "{markdown}"
    );
}

#[test]
fn the_html_report_counts_the_suites_own_apart() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("r.json");
    let output = run_in(
        dir.path(),
        SUITE_FAULTS,
        &["--results", results.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(3), "{}", stdout(&output));
    let html = dir.path().join("r.html");
    let report = crate::support::cli::binary(&[
        "report",
        results.to_str().unwrap(),
        "--output",
        html.to_str().unwrap(),
    ]);
    assert_eq!(report.status.code(), Some(0), "{}", stdout(&report));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("Not judged: 2 test cases, the suite's own problem"),
        "{page}"
    );
    // The matrix of several runs does not count them as judged either: 1 of 1 passed.
    let again = dir.path().join("r2.json");
    std::fs::copy(&results, &again).unwrap();
    let matrix = dir.path().join("m.html");
    let report = crate::support::cli::binary(&[
        "report",
        results.to_str().unwrap(),
        again.to_str().unwrap(),
        "--output",
        matrix.to_str().unwrap(),
    ]);
    assert_eq!(report.status.code(), Some(0), "{}", stdout(&report));
    let page = std::fs::read_to_string(&matrix).unwrap();
    assert!(
        page.contains("data-passed=\"1\" data-judged=\"1\""),
        "{page}"
    );
    assert!(!page.contains("data-judged=\"3\""), "{page}");
}

#[test]
fn a_failure_of_the_implementation_beside_them_is_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    let output = run_in(dir.path(), &format!("{SUITE_FAULTS}{AND_A_FAILURE}"), &[]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    // Only the implementation's failure is counted.
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with("1 passed, 1 failed, 0 skipped"),
        "{out}"
    );
}

#[test]
fn an_expectations_file_never_lists_a_suite_fault_and_its_gate_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("{SUITE_FAULTS}{AND_A_FAILURE}");
    let file = dir.path().join("e.toml");
    let path = file.to_str().unwrap();
    let update = run_in(
        dir.path(),
        &body,
        &["--expectations", path, "--update-expectations"],
    );
    let out = stdout(&update);
    // The file lists what the implementation failed, and the run says the
    // suite could not judge the rest.
    assert_eq!(update.status.code(), Some(3), "{out}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("scenario = \"Wrong\""), "{text}");
    assert!(!text.contains("Undefined"), "{text}");
    assert!(!text.contains("Contradicts"), "{text}");
    let gate = run_in(dir.path(), &body, &["--expectations", path]);
    let out = stdout(&gate);
    assert_eq!(gate.status.code(), Some(3), "{out}");
    assert!(
        out.contains("SUITE FAULT Contradicts itself: SUITE: no concurrent calls were made"),
        "{out}"
    );
    assert!(out.contains("SUITE FAULT Undefined"), "{out}");
    assert!(
        out.contains(
            "1 passed, 1 failed (1 expected: 1 listed, 0 waived), 0 skipped — gate: FAILED"
        ),
        "{out}"
    );
}

#[test]
fn an_errored_entry_cannot_name_the_suites_fault() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.toml");
    std::fs::write(
        &file,
        "[[expected]]\nscenario = \"Contradicts itself\"\noutcome = \"errored\"\nfault = \"SUITE\"\nreason = \"r\"\n",
    )
    .unwrap();
    let refused = run_in(
        dir.path(),
        SUITE_FAULTS,
        &["--list", "--expectations", file.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "`fault` must be one of DECLINED, PROTOCOL, CRASH, UNSUPPORTED, ADAPTER, not \"SUITE\""
        ),
        "{stderr}"
    );
}
