//! Nothing checked, nothing passed: a fuzz property with zero cases is a
//! skipped test case with its reason, and a gated run whose test cases are
//! all skipped fails the gate.

use crate::support::cli;

use enmeshed_conformance::outcome::Outcome;
use enmeshed_conformance::reference::ReferenceImplementation;
use enmeshed_conformance::runner::properties::FuzzBudget;
use enmeshed_conformance::runner::{self, RunOptions};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_property_with_zero_cases_is_skipped_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let feature = dir.path().join("tiny.feature");
    std::fs::write(
        &feature,
        "Feature: Tiny\n  Scenario: A fresh Identity has no process\n    Given the Identity has no IdentityDeletionProcess\n    When the Identity calls getIdentityDeletionProcesses\n    Then the returned list is empty\n",
    )
    .unwrap();
    let mut options = RunOptions::new(vec![feature]);
    options.console = false;
    options.fuzz = Some(FuzzBudget {
        cases: 0,
        concurrency_cases: 0,
        seed: 1,
    });
    let report = runner::run(Arc::new(ReferenceImplementation::new()), &options)
        .await
        .expect("the run starts");
    let properties: Vec<_> = report
        .tally
        .scenarios
        .iter()
        .filter(|s| s.scenario.starts_with("fuzz: "))
        .collect();
    assert_eq!(properties.len(), 4);
    for property in properties {
        assert_eq!(property.outcome, Outcome::Skipped, "{}", property.scenario);
        assert!(
            property
                .cause
                .as_deref()
                .is_some_and(|c| c.contains("0 cases")),
            "{:?}",
            property.cause
        );
    }
    assert_eq!(report.tally.count(Outcome::Passed), 1);
}

#[test]
fn a_gated_run_with_every_case_skipped_fails() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("empty.toml");
    std::fs::write(&file, "").unwrap();
    let output = cli::run(&[
        "--adapter-cmd",
        "python3 tests/fixtures/adapters/no_capabilities.py",
        "--tags",
        "@requires.clock",
        "--expectations",
        file.to_str().unwrap(),
    ]);
    let out = cli::stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("gate: FAILED"), "{out}");
    assert!(out.contains("0 passed"), "{out}");
}
