//! A timing-dependent defect is the implementation's: a fuzz failure that
//! does not fail again on replay is FAILED under its rule ("nondeterministic:
//! failed once, passed on N replays", with the sequence as it failed), never
//! ERRORED SUITE. The implementation here answers one initiate wrongly, once;
//! or one list, once, which the fuzzer reads only to check the invariant
//! between two operations: every answer the fuzzer gets is judged.

use enmeshed_conformance::adapter::{
    Adapter, AdapterError, BoxFuture, CallResult, IdentityHandle, ImplementationInfo,
};
use enmeshed_conformance::domain::IdentityDeletionProcess;
use enmeshed_conformance::fuzz::{self, FuzzOptions, REPLAYS};
use enmeshed_conformance::reference::ReferenceImplementation;
use enmeshed_conformance::verdict::Verdict;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The reference implementation, without capabilities, whose first
/// initiate ever (or, with `list`, whose first list that is not empty)
/// answers with the status in lower case.
struct WrongOnce {
    inner: ReferenceImplementation,
    done: AtomicBool,
    list: bool,
}

impl Adapter for WrongOnce {
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>> {
        Box::pin(async {
            let mut info = self.inner.describe().await?;
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
        Box::pin(async move {
            let mut process = self.inner.initiate(identity, days).await?;
            if !self.list && !self.done.swap(true, Ordering::SeqCst) {
                process.status = process.status.to_lowercase();
            }
            Ok(process)
        })
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
        Box::pin(async move {
            let mut list = self.inner.get_all(identity).await?;
            if self.list && !list.is_empty() && !self.done.swap(true, Ordering::SeqCst) {
                list[0].status = list[0].status.to_lowercase();
            }
            Ok(list)
        })
    }
}

/// Fuzzes `adapter` (16 sequences, seed 7, no concurrency) and returns the
/// report.
async fn fuzz_it(adapter: WrongOnce) -> fuzz::FuzzReport {
    let adapter: Arc<dyn Adapter> = Arc::new(adapter);
    let info = adapter.describe().await.unwrap();
    let mut options = FuzzOptions::new(16, 7);
    options.concurrency_cases = 0;
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || fuzz::fuzz(adapter, &info, &runtime, &options))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_that_does_not_return_is_failed_under_its_rule() {
    let report = fuzz_it(WrongOnce {
        inner: ReferenceImplementation::new(),
        done: AtomicBool::new(false),
        list: false,
    })
    .await;
    let rendered = report.render();
    let failure = report.failure.expect("the one wrong answer is a failure");
    let Verdict::Failed(f) = &failure.verdict else {
        panic!("not FAILED: {}", failure.verdict)
    };
    assert_eq!(f.rule.as_str(), "RID1.status", "{}", failure.verdict);
    assert!(
        f.summary.starts_with(&format!(
            "nondeterministic: failed once, passed on {REPLAYS} replays"
        )),
        "{}",
        f.summary
    );
    assert!(failure.steps.is_some_and(|s| s.contains("initiate")));
    assert!(!rendered.contains("ERRORED"), "{rendered}");
}

/// The first list that is not empty is read by the invariant check after
/// the first initiate, between two operations: it is judged like the
/// answer to an operation, and its wrong status fails the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_list_between_two_operations_is_a_failure() {
    let report = fuzz_it(WrongOnce {
        inner: ReferenceImplementation::new(),
        done: AtomicBool::new(false),
        list: true,
    })
    .await;
    let rendered = report.render();
    let failure = report.failure.expect("the one wrong list is a failure");
    let Verdict::Failed(f) = &failure.verdict else {
        panic!("not FAILED: {}", failure.verdict)
    };
    assert_eq!(f.rule.as_str(), "RID1.status", "{}", failure.verdict);
    assert!(
        f.summary.contains("checking the invariant"),
        "{}",
        f.summary
    );
    // The reproduction ends with the list the check read, asserted.
    let gherkin = failure.gherkin.clone().unwrap_or_default();
    assert!(
        gherkin.contains("# the fuzzer's check after step")
            && gherkin.contains("calls getIdentityDeletionProcesses"),
        "{gherkin}"
    );
    assert!(!rendered.contains("ERRORED"), "{rendered}");
}
