//! Every failure of a race rule records how the concurrent calls broke it
//! (`OutcomeClass`), so that one waiver can pin a racy defect whichever way a
//! run shows it (issue 30: runtime 6.60.5 under load showed its concurrent
//! cancels once as an unexplained state, which no waiver could pin, and the
//! same implementation got two gate verdicts). The bursts here are of one
//! call each, so what the implementation does is decided, not raced.

use crate::support::mutant::{Mutant, Mutation};
use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::fuzz::concurrency::{BurstCall, bursts};
use enmeshed_conformance::oracle::{Pin, Waivers};
use enmeshed_conformance::verdict::{OutcomeClass, Verdict};
use std::sync::Arc;

/// Initiate, then cancel, on one Identity, against a cancel that answers
/// success and leaves the process Active: the answers fit a serial order,
/// the state after the second burst does not.
async fn initiate_then_cancel(waivers: &Waivers) -> Result<(), Verdict> {
    let adapter: Arc<dyn Adapter> = Arc::new(Mutant::new(Mutation::CancelKeepsStatus));
    let calls = [
        vec![BurstCall::Initiate(0, 0)],
        vec![BurstCall::Cancel(0, 0)],
    ];
    bursts(adapter, 1, 1, &calls, waivers).await
}

fn serializable(outcomes: &[OutcomeClass]) -> Waivers {
    Waivers::new([Pin {
        outcome: outcomes.to_vec(),
        ..Pin::rule("INVARIANT.serializable")
    }])
}

#[tokio::test]
async fn a_state_no_serial_order_explains_is_an_unexplained_state() {
    let verdict = initiate_then_cancel(&Waivers::default())
        .await
        .expect_err("the process stayed Active");
    let Verdict::Failed(failure) = verdict else {
        panic!("a failure, not {verdict:?}")
    };
    assert_eq!(failure.rule.as_str(), "INVARIANT.serializable");
    assert_eq!(
        failure.observed.outcome,
        Some(OutcomeClass::UnexplainedState)
    );
    assert!(
        failure.to_string().contains("burst 2, Identity 1")
            && failure.to_string().contains("1 processes, 0 Active"),
        "{failure}"
    );
}

#[tokio::test]
async fn a_waiver_passes_it_only_where_its_outcomes_name_it() {
    let several = serializable(&[OutcomeClass::SeveralSucceeded]);
    assert!(initiate_then_cancel(&several).await.is_err());
    let both = serializable(&[
        OutcomeClass::SeveralSucceeded,
        OutcomeClass::UnexplainedState,
    ]);
    assert!(initiate_then_cancel(&both).await.is_ok());
    assert_eq!(both.usage()["INVARIANT.serializable"], 1);
}
