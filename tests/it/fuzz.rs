//! The fuzzer against the reference implementation (a CI-sized run), and the
//! replay of the committed regression seeds.

use crate::support::limited;
use crate::support::mutant;

use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::fuzz::{self, FuzzOptions, FuzzReport};
use enmeshed_conformance::reference::ReferenceImplementation;
use std::path::PathBuf;
use std::sync::Arc;

fn committed_regressions() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions/model.txt")
}

async fn fuzz_with(adapter: Arc<dyn Adapter>, options: FuzzOptions) -> FuzzReport {
    let info = adapter.describe().await.expect("describe");
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || fuzz::fuzz(adapter, &info, &runtime, &options))
        .await
        .expect("the fuzzer runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
async fn the_reference_passes_the_fuzzer() {
    let mut options = FuzzOptions::new(512, fuzz::random_seed());
    options.regressions = Some(committed_regressions());
    let report = fuzz_with(Arc::new(ReferenceImplementation::new()), options).await;
    assert!(report.failure.is_none(), "{}", report.render());
}

/// Every combination of the optional capabilities builds its own operation
/// mix (e.g. the real runtime: `clock` and `events`, no `devices`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_capability_combination_fuzzes() {
    use enmeshed_conformance::adapter::Capability;
    let adapter: Arc<dyn Adapter> = Arc::new(ReferenceImplementation::new());
    let all = adapter.describe().await.expect("describe");
    for without in [Capability::Devices, Capability::Clock, Capability::Events] {
        let mut info = all.clone();
        info.capabilities.remove(&without);
        let mut options = FuzzOptions::new(32, 7);
        options.concurrency_cases = 4;
        let runtime = tokio::runtime::Handle::current();
        let adapter = adapter.clone();
        let report =
            tokio::task::spawn_blocking(move || fuzz::fuzz(adapter, &info, &runtime, &options))
                .await
                .expect("the fuzzer runs");
        assert!(
            report.failure.is_none(),
            "without {without:?}: {}",
            report.render()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reference_passes_without_the_clock_capability() {
    // Without a controllable clock, no clock operations are generated and times are real.
    let report = fuzz_with(
        Arc::new(limited::Limited::new()),
        FuzzOptions::new(256, fuzz::random_seed()),
    )
    .await;
    assert!(report.failure.is_none(), "{}", report.render());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_regression_seeds_are_replayed() {
    // With no new cases at all, only the replayed seeds can catch the mutant.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("model.txt");
    std::fs::copy(committed_regressions(), &copy).unwrap();
    let mut options = FuzzOptions::new(0, 1);
    options.concurrency_cases = 0;
    options.regressions = Some(copy);
    let mutant = mutant::Mutant::new(mutant::Mutation::SecondActiveAfterCancelInitiate);
    let report = fuzz_with(Arc::new(mutant), options.clone()).await;
    assert!(report.failure.is_some_and(|f| f.property == "model"));
    let report = fuzz_with(Arc::new(ReferenceImplementation::new()), options).await;
    assert!(report.failure.is_none(), "{}", report.render());
}

/// A failing fuzz run prints the suite's report only: no proptest internals
/// ("proptest: Saving this and future failures …", `cc …` lines) on either
/// stream, while the failing seed still lands in the regression file.
#[test]
fn a_failing_run_prints_no_proptest_internals() {
    let dir = tempfile::tempdir().unwrap();
    let regressions = dir.path().join("regressions.txt");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args([
            "fuzz",
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/wrong_message.py",
            "--cases",
            "32",
            "--seed",
            "7",
            "--regressions",
            regressions.to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{out}{err}");
    assert!(
        out.contains("as a scenario to paste into a feature file"),
        "{out}"
    );
    assert!(
        !err.contains("proptest") && !out.contains("proptest:"),
        "{err}"
    );
    assert!(
        !out.lines().chain(err.lines()).any(|l| l.starts_with("cc ")),
        "{out}{err}"
    );
    let saved = std::fs::read_to_string(&regressions).unwrap();
    assert!(
        saved.starts_with("# Seeds for failure cases proptest"),
        "{saved}"
    );
    assert_eq!(
        saved.lines().filter(|l| l.starts_with("cc ")).count(),
        1,
        "{saved}"
    );
}
