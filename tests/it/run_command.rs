//! `enmeshed-conformance run` as a user runs it: exit codes, reports, filters,
//! and red runs for undefined steps and wrong expectations.

use crate::support::cli;

use cli::{binary, run, scratch_feature, stdout};
use std::path::Path;

#[test]
fn the_whole_suite_passes_with_a_junit_and_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let json = dir.path().join("report.json");
    let output = run(&[
        "--junit",
        junit.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.contains("implementation: enmeshed-conformance reference implementation"),
        "{out}"
    );
    assert!(out.contains("suite: enmeshed-conformance "), "{out}");
    let last = out.lines().last().unwrap_or_default();
    assert!(last.ends_with(" passed, 0 failed, 0 skipped"), "{last}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuites") && xml.contains("RID1 On Success 1"),
        "{xml}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(
        json.as_array().is_some_and(|features| features.len() >= 5),
        "{json}"
    );
}

#[test]
fn an_undefined_step_fails_the_run_and_the_junit_file() {
    let dir = tempfile::tempdir().unwrap();
    let feature = scratch_feature(
        dir.path(),
        "Feature: Scratch\n  Scenario: Undefined\n    When the Identity calls initiateIdentityDeletionProcess\n    Then the moon is made of cheese\n",
    );
    let junit = dir.path().join("report.xml");
    let output = run(&["--features", &feature, "--junit", junit.to_str().unwrap()]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(3), "{out}");
    assert!(out.contains("UNDEFINED Undefined"), "{out}");
    assert!(
        out.contains("the suite has no step for this phrase"),
        "{out}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with("0 passed, 0 failed, 0 skipped"),
        "the suite's own problem is not a failure: {out}"
    );
    assert!(out.contains("not judged: 1 test cases"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("Undefined") && xml.contains("<error type=\"UNDEFINED\""),
        "{xml}"
    );
}

#[test]
fn a_wrong_expectation_fails_the_run_and_the_junit_file() {
    let dir = tempfile::tempdir().unwrap();
    let feature = scratch_feature(
        dir.path(),
        "Feature: Scratch\n  Scenario: Wrong\n    When the Identity calls initiateIdentityDeletionProcess\n    Then the returned IdentityDeletionProcess has `\"Cancelled\"` as `status`\n",
    );
    let junit = dir.path().join("report.xml");
    let output = run(&["--features", &feature, "--junit", junit.to_str().unwrap()]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("FAILED Wrong"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<failure"), "{xml}");
    assert!(xml.contains("Cancelled"), "{xml}");
}

#[test]
fn tags_and_name_select_scenarios() {
    let output = run(&["--tags", "@RID1"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with("39 passed, 0 failed, 0 skipped"),
        "{out}"
    );

    let output = run(&["--name", "^RID3 On Failure", "--concurrency", "1"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with("1 passed, 0 failed, 0 skipped"),
        "{out}"
    );
}

#[test]
fn nothing_selected_is_a_failure() {
    let output = run(&["--tags", "@no-such-tag"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("no scenario ran"), "{out}");
}

#[test]
fn bad_usage_exits_2() {
    for args in [
        vec!["--tags", "@a and and"],
        vec!["--name", "("],
        vec!["--features", "no/such/dir"],
        vec!["--concurrency", "0"],
        vec!["--junit", "no/such/dir/report.xml"],
    ] {
        let output = run(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn coverage_of_our_spec_is_complete() {
    let output = binary(&["coverage"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.trim_end().ends_with(
            "outcome bullets executable: 11/11 (RID1, RID2, RID3, RID4, RID5); passing against enmeshed-conformance reference implementation 0.1.0: 11/11; pending: 0"
        ),
        "{out}"
    );
    // `--strict` too: our own pages have no pending bullet.
    let output = binary(&["coverage", "--json", "--strict"]);
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let bullets = json["bullets"].as_array().expect("bullets");
    assert_eq!(bullets.len(), 11);
    assert!(
        bullets
            .iter()
            .all(|b| b["executable"] == true && b["passes"] == true)
    );
    assert_eq!(
        bullets[0]["page"],
        "use-case-transport-cancel-identitydeletionprocess.md"
    );
}

#[test]
fn coverage_lists_the_undefined_steps_of_other_use_cases() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("xtask/tests/fixtures/good-page.md");
    std::fs::copy(fixture, dir.path().join("widget.md")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("spec/use-cases/use-case-transport-get-active-identitydeletionprocess.md"),
        dir.path().join("rid4.md"),
    )
    .unwrap();
    let output = binary(&["coverage", "--spec", dir.path().to_str().unwrap()]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("| TST1 | widget.md:"), "{out}");
    assert!(
        out.contains("undefined steps (")
            && out.contains("× When the Identity calls frobnicateWidget"),
        "{out}"
    );
    assert!(out.trim_end().ends_with("outcome bullets executable: 2/6 (RID4); passing against enmeshed-conformance reference implementation 0.1.0: 2/2; pending: 4 (not executable yet; not failures; `coverage --strict` fails on them)"), "{out}");
    // `--strict` makes the pending bullets a failure.
    let output = binary(&[
        "coverage",
        "--strict",
        "--spec",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));

    let output = binary(&["coverage", "--spec", "no/such/dir"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn quiet_prints_only_the_failures_and_the_verdict() {
    let output = run(&[
        "--quiet",
        "--adapter-cmd",
        "python3 tests/fixtures/adapters/wrong_message.py",
    ]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        !out.contains("Feature:") && !out.contains("Scenario:"),
        "{out}"
    );
    assert!(!out.contains("implementation: "), "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("FAILED ")).count(),
        6,
        "{out}"
    );
    // The failures by rule come first, then the per-scenario list.
    assert!(
        out.starts_with("\nfailures by rule: 2 rules fail 6 test cases"),
        "{out}"
    );
    assert_eq!(out.lines().last(), Some("86 passed, 6 failed, 0 skipped"));
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn annotations_name_each_failing_rule_once_with_its_count() {
    use std::process::Command;
    let annotations = |output: &std::process::Output| -> Vec<String> {
        stdout(output)
            .lines()
            .filter(|l| l.starts_with("::"))
            .map(str::to_owned)
            .collect()
    };
    let flagged = run(&[
        "--quiet",
        "--annotations",
        "--adapter-cmd",
        cli::WRONG_MESSAGE,
    ]);
    assert_eq!(flagged.status.code(), Some(1));
    let lines = annotations(&flagged);
    let titles: Vec<&str> = lines
        .iter()
        .map(|l| {
            l.strip_prefix("::error title=")
                .and_then(|r| r.split_once("::"))
                .unwrap_or_else(|| panic!("{l:?}"))
                .0
        })
        .collect();
    // One per failing rule, with its count; the rule failing a published
    // scenario first.
    assert_eq!(
        titles,
        [
            "RID1.activeIdentityDeletionProcessAlreadyExists.message (4 test cases)",
            "RID1.concurrent-loser-code (2 test cases)"
        ]
    );
    assert!(
        lines[0].contains("::fails 4 test cases (published 1, ")
            && lines[0].contains(". Clearest example: "),
        "{lines:#?}"
    );
    assert!(
        cli::FAILING
            .iter()
            .any(|scenario| lines[0].contains(&format!(": {scenario}: right code, wrong message"))),
        "{lines:#?}"
    );
    // The verdict stays the last line.
    assert_eq!(
        stdout(&flagged).lines().last(),
        Some("86 passed, 6 failed, 0 skipped")
    );

    // GITHUB_ACTIONS=true turns them on; outside GitHub, no flag: none.
    let on_github = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args([
            "run",
            "--no-fuzz",
            "--quiet",
            "--adapter-cmd",
            cli::WRONG_MESSAGE,
        ])
        .env("GITHUB_ACTIONS", "true")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(annotations(&on_github), lines);
    let plain = run(&["--quiet", "--adapter-cmd", cli::WRONG_MESSAGE]);
    assert!(annotations(&plain).is_empty(), "{}", stdout(&plain));

    // Expected failures are not annotated.
    let dir = tempfile::tempdir().unwrap();
    let expectations = dir.path().join("expectations.toml");
    let expectations = expectations.to_str().unwrap();
    let update = run(&[
        "--quiet",
        "--expectations",
        expectations,
        "--update-expectations",
        "--adapter-cmd",
        cli::WRONG_MESSAGE,
    ]);
    assert!(
        std::path::Path::new(expectations).exists(),
        "{}",
        stdout(&update)
    );
    let gated = run(&[
        "--quiet",
        "--annotations",
        "--expectations",
        expectations,
        "--adapter-cmd",
        cli::WRONG_MESSAGE,
    ]);
    assert_eq!(gated.status.code(), Some(0), "{}", stdout(&gated));
    assert!(annotations(&gated).is_empty(), "{}", stdout(&gated));
}
