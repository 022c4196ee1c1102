//! The default seed does not lower what `run` finds: with `run`'s fuzz
//! budget and the suite's default seed, the fuzzer catches every mutant of
//! `support/mutant.rs` that a long fuzz (256 sequences, another seed) catches.

use crate::support::mutant;

use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::fuzz::{self, DEFAULT_SEED, FuzzOptions};
use enmeshed_conformance::runner::properties::FuzzBudget;
use enmeshed_conformance::verdict::Verdict;
use mutant::{Mutant, Mutation};
use std::sync::Arc;

async fn caught(mutation: Mutation, cases: u32, concurrency_cases: u32, seed: u64) -> bool {
    let adapter: Arc<dyn Adapter> = Arc::new(Mutant::new(mutation));
    let info = adapter.describe().await.expect("describe");
    let mut options = FuzzOptions::new(cases, seed);
    options.concurrency_cases = concurrency_cases;
    let runtime = tokio::runtime::Handle::current();
    let report =
        tokio::task::spawn_blocking(move || fuzz::fuzz(adapter, &info, &runtime, &options))
            .await
            .expect("the fuzzer runs");
    report
        .failure
        .is_some_and(|f| matches!(f.verdict, Verdict::Failed(_)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
async fn run_catches_under_the_default_seed_what_a_long_fuzz_catches() {
    let mut lowered = Vec::new();
    let mut table = String::new();
    for mutation in Mutation::ALL {
        let long = caught(mutation, 256, 16, 20_261_128).await;
        let default = caught(
            mutation,
            FuzzBudget::DEFAULT_CASES,
            FuzzBudget::DEFAULT_CONCURRENCY_CASES,
            DEFAULT_SEED,
        )
        .await;
        table.push_str(&format!(
            "{mutation:?}: long fuzz {long}, run's default {default}\n"
        ));
        if long && !default {
            lowered.push(mutation);
        }
    }
    println!("{table}");
    assert!(
        lowered.is_empty(),
        "run's fuzzing under the default seed misses: {lowered:?}\n{table}"
    );
}
