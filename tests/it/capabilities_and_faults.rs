//! Capability skips are explained and counted; adapter faults are reported as
//! errored, never as plain failures.

use crate::support::limited;

use enmeshed_conformance::adapter::AdapterFault;
use enmeshed_conformance::reference::ReferenceImplementation;
use enmeshed_conformance::runner::tally::Outcome;
use enmeshed_conformance::runner::{self, RunOptions};
use enmeshed_conformance::verdict::FaultKind;
use limited::Limited;
use std::path::PathBuf;
use std::sync::Arc;

fn options() -> RunOptions {
    let mut options = RunOptions::new(vec![
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features"),
    ]);
    options.console = false;
    options
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_needing_a_missing_capability_are_skipped_with_the_reason() {
    let adapter = Arc::new(Limited {
        inner: ReferenceImplementation::new(),
        break_get_all: false,
    });
    let report = runner::run(adapter, &options()).await.unwrap();
    let skipped: Vec<_> = report
        .tally
        .scenarios
        .iter()
        .filter(|s| s.outcome == Outcome::Skipped)
        .collect();
    // 24 clock scenarios (16 of them need `setClock` too: 7 of calendar.feature), 7 event
    // scenarios and 4 Device scenarios.
    assert_eq!(skipped.len(), 35, "{}", report.summary());
    for s in &skipped {
        let message = s.message.as_deref().unwrap_or_default();
        assert!(message.contains("limited lacks the `"), "{message}");
        assert!(
            ["clock", "setClock", "events", "devices"]
                .iter()
                .any(|c| message.contains(&format!("`{c}`"))),
            "{message}"
        );
    }
    assert!(skipped.iter().any(|s| {
        s.scenario
            .starts_with("Cancelling fails once the grace period is over")
    }));
    assert_eq!(
        report.tally.count(Outcome::Failed),
        0,
        "{}",
        report.summary()
    );
    assert_eq!(
        report.tally.count(Outcome::Errored),
        0,
        "{}",
        report.summary()
    );
    assert!(report.passed());
    assert!(
        report
            .summary()
            .ends_with("57 passed, 0 failed, 35 skipped"),
        "{}",
        report.summary()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adapter_faults_are_errored_with_their_cause() {
    let adapter = Arc::new(Limited {
        inner: ReferenceImplementation::new(),
        break_get_all: true,
    });
    let report = runner::run(adapter, &options()).await.unwrap();
    assert!(!report.passed());
    let errored: Vec<_> = report
        .tally
        .scenarios
        .iter()
        .filter(|s| s.outcome == Outcome::Errored)
        .collect();
    assert!(!errored.is_empty());
    for s in &errored {
        let message = s.message.as_deref().unwrap_or_default();
        assert_eq!(
            s.fault(),
            Some(FaultKind::Adapter(AdapterFault::Timeout)),
            "{message}"
        );
        assert!(message.contains("no reply to get-all"), "{message}");
    }
    assert!(
        report
            .summary()
            .contains("errored: the implementation could not be judged"),
        "{}",
        report.summary()
    );
}
