//! The fuzzer against the reference implementation (a CI-sized run), and the
//! replay of the committed regression seeds.

#[path = "support/limited.rs"]
mod limited;
#[path = "support/mutant.rs"]
mod mutant;

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
async fn the_reference_passes_the_fuzzer() {
    let mut options = FuzzOptions::new(512, fuzz::random_seed());
    options.regressions = Some(committed_regressions());
    let report = fuzz_with(Arc::new(ReferenceImplementation::new()), options).await;
    assert!(report.failure.is_none(), "{}", report.render());
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
