//! `run` also runs the fuzz properties (and, over the stdio protocol, the
//! unknown-kind check), each a test case of its own.

use crate::support::cli;
use crate::support::mutant;

use enmeshed_conformance::expectations;
use enmeshed_conformance::outcome::Outcome;
use enmeshed_conformance::runner::properties::FuzzBudget;
use enmeshed_conformance::runner::{self, RunOptions};
use enmeshed_conformance::verdict::Verdict;
use mutant::{Mutant, Mutation};
use std::sync::Arc;

fn seed_of(out: &str) -> Option<String> {
    out.lines()
        .find(|l| l.starts_with("fuzzing "))
        .and_then(|l| l.split("seed ").nth(1))
        .map(|s| s.split_whitespace().next().unwrap_or_default().to_owned())
}

#[test]
fn run_fuzzes_by_default_prints_the_seed_and_counts_the_properties() {
    let with = cli::binary(&["run"]);
    let out = cli::stdout(&with);
    assert_eq!(with.status.code(), Some(0), "{out}");
    let seed = seed_of(&out).expect("the seed is printed");
    assert!(out.contains(&format!("rerun with --seed {seed}")), "{out}");
    let without = cli::binary(&["run", "--no-fuzz"]);
    let plain = cli::stdout(&without);
    assert!(seed_of(&plain).is_none(), "{plain}");
    let passed = |text: &str| -> usize {
        text.lines()
            .last()
            .and_then(|l| l.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(passed(&out), passed(&plain) + 4, "{out}\n{plain}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn the_seed_reproduces_and_the_junit_report_has_a_case_per_property() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("report.xml");
    let output = cli::binary(&[
        "run",
        "--seed",
        "4242",
        "--fuzz-cases",
        "16",
        "--adapter-cmd",
        "python3 examples/python/enmeshed_idp.py",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let out = cli::stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert_eq!(seed_of(&out).as_deref(), Some("4242"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    for case in [
        "fuzz: model",
        "fuzz: concurrent initiates",
        "fuzz: bursts",
        "fuzz: calendar",
        "protocol: an unknown request kind gets `errored`",
    ] {
        assert!(xml.contains(&format!("name=\"{case}\"")), "{case}\n{xml}");
    }
}

async fn fuzzed_run(mutation: Mutation) -> runner::RunReport {
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
        cases: 32,
        concurrency_cases: 4,
        seed: 20_261_129,
    });
    runner::run(Arc::new(Mutant::new(mutation)), &options)
        .await
        .expect("the run starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_defect_only_the_fuzzer_reaches_fails_its_property_with_the_shrunk_sequence() {
    let report = fuzzed_run(Mutation::InitiateNeverRefuses).await;
    let model = report
        .tally
        .scenarios
        .iter()
        .find(|s| s.scenario == "fuzz: model")
        .expect("the model property is a test case");
    assert_eq!(model.outcome, Outcome::Failed, "{:?}", model.message);
    assert!(matches!(model.verdict, Some(Verdict::Failed(_))));
    let message = model.message.clone().unwrap_or_default();
    assert!(message.contains("minimal operation sequence:"), "{message}");
    assert!(
        message.contains("Scenario: Fuzzer reproduction"),
        "{message}"
    );
    assert!(!report.passed());
    let summary = report.summary();
    assert!(summary.contains("FAILED fuzz: model"), "{summary}");

    // An expectations file lists the property like a scenario.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("expectations.toml");
    let failed: Vec<&str> = report
        .tally
        .scenarios
        .iter()
        .filter(|s| s.outcome == Outcome::Failed)
        .map(|s| s.scenario.as_str())
        .collect();
    let text: String = failed
        .iter()
        .map(|name| {
            format!(
                "[[expected]]\nscenario = \"{name}\"\noutcome = \"failed\"\nreason = \"known\"\n\n"
            )
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    let file = expectations::load(&path).unwrap();
    let findings = expectations::check(&file, &report.tally.scenarios, &report.waived);
    assert!(
        findings.iter().all(|f| !f.fails()),
        "{:?}",
        findings.iter().map(|f| f.render()).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unmutated_copy_passes_every_property() {
    let report = fuzzed_run(Mutation::None).await;
    assert!(report.passed(), "{}", report.summary());
    assert_eq!(
        report
            .tally
            .scenarios
            .iter()
            .filter(|s| s.scenario.starts_with("fuzz: "))
            .count(),
        4
    );
}
