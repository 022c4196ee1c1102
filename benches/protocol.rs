//! Round trip of one request through the process adapter (the Python example
//! over the stdio protocol) against the same call in process (the reference
//! implementation). `cargo bench --bench protocol`; figures in BENCHMARKS.md.

use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::process::{ProcessAdapter, Timeouts};
use enmeshed_conformance::reference::ReferenceImplementation;
use std::time::{Duration, Instant};

const CALLS: usize = 5_000;

/// Times `CALLS` sequential getAll calls, one by one; returns the median.
async fn median_round_trip(adapter: &dyn Adapter) -> Duration {
    let identity = adapter.new_identity().await.expect("identity");
    adapter.initiate(&identity, None).await.expect("initiate");
    for _ in 0..200 {
        let _ = adapter.get_all(&identity).await; // warm-up
    }
    let mut samples = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let start = Instant::now();
        let result = adapter.get_all(&identity).await;
        samples.push(start.elapsed());
        assert!(result.is_ok());
    }
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main]
async fn main() {
    let in_process = median_round_trip(&ReferenceImplementation::new()).await;
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/python/enmeshed_idp.py"
    );
    let process = ProcessAdapter::start(&format!("python3 {example}"), Timeouts::default())
        .await
        .expect("the Python example starts");
    let through_process = median_round_trip(&process).await;
    process.close().await;
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("getAll round trip, median of {CALLS} sequential calls:");
    println!(
        "  in process (reference implementation): {:.2} µs",
        us(in_process)
    );
    println!(
        "  through the process adapter (Python example): {:.1} µs",
        us(through_process)
    );
    println!(
        "  ratio: {:.0}x",
        us(through_process) / us(in_process).max(f64::MIN_POSITIVE)
    );
}
