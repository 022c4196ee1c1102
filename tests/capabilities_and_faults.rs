//! Capability skips are explained and counted; adapter faults are reported as
//! errored, never as plain failures.

use enmeshed_conformance::adapter::{
    Adapter, AdapterError, AdapterFault, BoxFuture, CallError, CallResult, IdentityHandle,
    ImplementationInfo,
};
use enmeshed_conformance::domain::IdentityDeletionProcess;
use enmeshed_conformance::reference::ReferenceImplementation;
use enmeshed_conformance::runner::tally::Verdict;
use enmeshed_conformance::runner::{self, RunOptions};
use std::path::PathBuf;
use std::sync::Arc;

/// The reference implementation with no optional capability, and optionally
/// a transport that breaks on get-all.
struct Limited {
    inner: ReferenceImplementation,
    break_get_all: bool,
}

impl Adapter for Limited {
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>> {
        Box::pin(async {
            let mut info = self.inner.describe().await?;
            info.name = "limited".into();
            info.capabilities.clear();
            Ok(info)
        })
    }
    fn new_identity(&self) -> BoxFuture<'_, Result<IdentityHandle, AdapterError>> {
        self.inner.new_identity()
    }
    fn initiate<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.inner.initiate(identity, days)
    }
    fn cancel<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.inner.cancel(identity)
    }
    fn get<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        id: &'a str,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.inner.get(identity, id)
    }
    fn get_active<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.inner.get_active(identity)
    }
    fn get_all<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<Vec<IdentityDeletionProcess>>> {
        if self.break_get_all {
            return Box::pin(async {
                Err(CallError::Adapter(AdapterError::new(
                    AdapterFault::Timeout,
                    "no reply to get-all within 10 s",
                )))
            });
        }
        self.inner.get_all(identity)
    }
}

fn features() -> Vec<PathBuf> {
    vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features")]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenarios_needing_a_missing_capability_are_skipped_with_the_reason() {
    let adapter = Arc::new(Limited {
        inner: ReferenceImplementation::new(),
        break_get_all: false,
    });
    let report = runner::run(adapter, &RunOptions::new(features()))
        .await
        .unwrap();
    let skipped: Vec<_> = report
        .tally
        .scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::Skipped)
        .collect();
    // RID2's expired-grace-period bullet, four clock scenarios and two event scenarios.
    assert_eq!(skipped.len(), 7, "{}", report.summary());
    for s in &skipped {
        let message = s.message.as_deref().unwrap_or_default();
        assert!(message.contains("limited lacks the `"), "{message}");
        assert!(
            message.contains("clock") || message.contains("events"),
            "{message}"
        );
    }
    assert!(
        skipped
            .iter()
            .any(|s| s.scenario.starts_with("RID2 On Failure 2"))
    );
    assert_eq!(
        report.tally.count(Verdict::Failed),
        0,
        "{}",
        report.summary()
    );
    assert_eq!(
        report.tally.count(Verdict::Errored),
        0,
        "{}",
        report.summary()
    );
    assert!(report.passed());
    assert!(
        report.summary().ends_with("34 passed, 0 failed, 7 skipped"),
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
    let report = runner::run(adapter, &RunOptions::new(features()))
        .await
        .unwrap();
    assert!(!report.passed());
    let errored: Vec<_> = report
        .tally
        .scenarios
        .iter()
        .filter(|s| s.verdict == Verdict::Errored)
        .collect();
    assert!(!errored.is_empty());
    for s in &errored {
        let message = s.message.as_deref().unwrap_or_default();
        assert!(
            message.contains("ERRORED") && message.contains("TIMEOUT: no reply to get-all"),
            "{message}"
        );
    }
    assert!(
        report.summary().contains("errored in the adapter"),
        "{}",
        report.summary()
    );
}
