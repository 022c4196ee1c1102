//! No step can pass vacuously: for every Then phrase, a faulty implementation
//! whose answer the phrase must reject, and the rule id of the rejection.
//! Each row runs one scenario against one mutant and expects the named step
//! to end the scenario with a *Failed* verdict under the named rule.

use crate::support::mutant;

use enmeshed_conformance::outcome::Outcome;
use enmeshed_conformance::runner::{self, RunOptions};
use mutant::{Mutant, Mutation};
use std::sync::Arc;

const ACTIVE: &str = "`\"Active\"`";

struct Row {
    /// The Given and When lines of the scenario.
    setup: &'static str,
    /// The step that must reject the answer.
    then: String,
    mutation: Mutation,
    rule: &'static str,
}

fn row(
    setup: &'static str,
    then: impl Into<String>,
    mutation: Mutation,
    rule: &'static str,
) -> Row {
    Row {
        setup,
        then: then.into(),
        mutation,
        rule,
    }
}

const INITIATE: &str = "When the Identity calls initiateIdentityDeletionProcess";
const CANCEL: &str = "Given the Identity has initiated an IdentityDeletionProcess\n    When the Identity calls cancelIdentityDeletionProcess";
const TWO_THEN_NEW: &str = "Given the Identity has initiated an IdentityDeletionProcess\n    And the Identity has cancelled its active IdentityDeletionProcess\n    When the Identity calls initiateIdentityDeletionProcess";
const CANCELLED_THEN_ACTIVE_LIST: &str = "Given the Identity has a cancelled IdentityDeletionProcess and an IdentityDeletionProcess with `\"Active\"` as `status` that was initiated after it.\n    When the Identity calls getIdentityDeletionProcesses";

fn rows() -> Vec<Row> {
    use Mutation as M;
    vec![
        row(
            INITIATE,
            format!("Then Creates an IdentityDeletionProcess with {ACTIVE} as `status`."),
            M::WrongStatusCasing,
            "RID1.status",
        ),
        row(
            INITIATE,
            "Then Returns the initiated IdentityDeletionProcess.",
            M::SevenDayDefault,
            "RID1.gracePeriodEndsAt",
        ),
        row(
            CANCEL,
            "Then Returns the cancelled IdentityDeletionProcess.",
            M::CancelKeepsGracePeriodEnd,
            "RID2.gracePeriodEndsAt",
        ),
        row(
            CANCEL,
            format!(
                "Then Changes the `status` of the IdentityDeletionProcess from {ACTIVE} to `\"Cancelled\"`."
            ),
            M::CancelKeepsStatus,
            "RID2.status",
        ),
        row(
            CANCEL,
            "Then Records the time of the cancellation in `cancelledAt` and the cancelling Device in `cancelledByDevice`.",
            M::CancelledAtIsCreatedAt,
            "RID2.cancelledAt",
        ),
        row(
            CANCEL,
            "Then Records the time of the cancellation in `cancelledAt` and the cancelling Device in `cancelledByDevice`.",
            M::CreatedByDeviceNotCaller,
            "RID2.cancelledByDevice",
        ),
        row(
            CANCEL,
            "Then Removes `gracePeriodEndsAt` from the IdentityDeletionProcess.",
            M::CancelKeepsGracePeriodEnd,
            "RID2.gracePeriodEndsAt",
        ),
        row(
            "Given the Identity has initiated an IdentityDeletionProcess\n    And the Identity has cancelled its active IdentityDeletionProcess\n    And the Identity has initiated an IdentityDeletionProcess\n    When the Identity calls getIdentityDeletionProcess with `id`",
            "Then Returns the IdentityDeletionProcess with the given `id`.",
            M::GetIgnoresId,
            "RID3.id",
        ),
        row(
            "Given the Identity has a cancelled IdentityDeletionProcess and an IdentityDeletionProcess with `\"Active\"` as `status` that was initiated after it.\n    When the Identity calls getActiveIdentityDeletionProcess",
            "Then Returns the active IdentityDeletionProcess.",
            M::GetActiveReturnsFirst,
            "RID4.",
        ),
        row(
            CANCELLED_THEN_ACTIVE_LIST,
            "Then Returns every IdentityDeletionProcess of the Identity, whatever its `status`.",
            M::GetAllDropsCancelled,
            "RID5.complete",
        ),
        row(
            CANCELLED_THEN_ACTIVE_LIST,
            "Then Returns the IdentityDeletionProcesses in the order in which they were created.",
            M::GetAllReversed,
            "RID5.order",
        ),
        row(
            "Given there is already an active IdentityDeletionProcess, i.e. an IdentityDeletionProcess with `\"Active\"` as `status`, for this Identity.\n    When the Identity calls initiateIdentityDeletionProcess",
            "Then the call fails",
            M::WrongInitiateErrorCode,
            "RID1.activeIdentityDeletionProcessAlreadyExists",
        ),
        row(
            TWO_THEN_NEW
                .replace(
                    "When",
                    "And the Identity has initiated an IdentityDeletionProcess\n    When",
                )
                .leak(),
            "Then No IdentityDeletionProcess can be initiated",
            M::SecondActiveAfterCancelInitiate,
            "RID1.must-fail",
        ),
        row(
            "Given the grace period of the IdentityDeletionProcess with `\"Active\"` as `status` is already over, i.e. the current time is later than its `gracePeriodEndsAt`.\n    When the Identity calls cancelIdentityDeletionProcess",
            "Then No IdentityDeletionProcess can be cancelled",
            M::CancelAfterExpiry,
            "RID2.must-fail",
        ),
        row(
            "Given the Identity has initiated an IdentityDeletionProcess\n    And the Identity has cancelled its active IdentityDeletionProcess\n    When the Identity calls getActiveIdentityDeletionProcess",
            "Then No IdentityDeletionProcess can be returned",
            M::GetActiveReturnsCancelled,
            "RID4.must-fail",
        ),
        row(
            "Given the Identity's clock is stopped\n    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 1\n    And the Identity's clock advances by 1 day\n    When the Identity calls cancelIdentityDeletionProcess",
            "Then the call succeeds",
            M::GraceBoundaryEarly,
            "RID2.succeeds",
        ),
        row(
            "Given the Identity has initiated an IdentityDeletionProcess\n    When the Identity calls initiateIdentityDeletionProcess",
            "Then the call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`",
            M::WrongInitiateMessage,
            "RID1.activeIdentityDeletionProcessAlreadyExists.message",
        ),
        row(
            INITIATE,
            format!("Then the returned IdentityDeletionProcess has {ACTIVE} as `status`"),
            M::WrongStatusCasing,
            "RID1.status",
        ),
        row(
            INITIATE,
            "Then its `gracePeriodEndsAt` is 14 days after its `createdAt`",
            M::SevenDayDefault,
            "RID1.gracePeriodEndsAt",
        ),
        row(
            CANCEL,
            "Then its `cancelledByDevice` is set",
            M::CreatedByDeviceNotCaller,
            "RID2.cancelledByDevice",
        ),
        row(
            CANCEL,
            "Then its `gracePeriodEndsAt` is absent",
            M::CancelKeepsGracePeriodEnd,
            "RID2.gracePeriodEndsAt",
        ),
        row(
            INITIATE,
            "Then its `id` is `IDP` followed by 17 letters or digits",
            M::BadIdFormat,
            "DTO.id-format",
        ),
        row(
            INITIATE,
            "Then its `createdAt` and `gracePeriodEndsAt` are ISO-8601 timestamps in UTC",
            M::TimestampWithOffset,
            "DTO.timestamp-utc",
        ),
        row(
            TWO_THEN_NEW,
            "Then getIdentityDeletionProcess with its `id` returns the same IdentityDeletionProcess",
            M::GetIgnoresId,
            "RID3.",
        ),
        row(
            INITIATE,
            "Then getActiveIdentityDeletionProcess returns the same IdentityDeletionProcess",
            M::WrongStatusCasing,
            "RID1.status",
        ),
        row(
            "Given another Identity has initiated an IdentityDeletionProcess\n    When the Identity calls getIdentityDeletionProcesses",
            "Then the returned list is empty",
            M::GetAllOfEveryone,
            "RID5.complete",
        ),
        row(
            CANCELLED_THEN_ACTIVE_LIST,
            "Then the returned list has the statuses \"Cancelled\", \"Active\" in this order",
            M::GetAllReversed,
            "RID5.order",
        ),
        row(
            "When the Identity calls initiateIdentityDeletionProcess 8 times concurrently",
            "Then exactly one of the calls succeeds",
            M::InitiateNeverRefuses,
            "RID1.concurrent-one-winner",
        ),
        row(
            "When the Identity calls initiateIdentityDeletionProcess 8 times concurrently",
            "Then every other call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`",
            M::WrongInitiateErrorCode,
            "RID1.concurrent-loser-code",
        ),
        row(
            "Given the Identity has initiated an IdentityDeletionProcess\n    When the Identity calls initiateIdentityDeletionProcess",
            format!(
                "Then the Identity has exactly one IdentityDeletionProcess with {ACTIVE} as `status`"
            ),
            M::InitiateNeverRefuses,
            "INVARIANT.one-active",
        ),
        row(
            INITIATE,
            "Then exactly one `transport.identityDeletionProcessStatusChanged` event was published, carrying the returned IdentityDeletionProcess",
            M::EventPublishedTwice,
            "EVENT.once",
        ),
        row(
            INITIATE,
            "Then exactly one `transport.identityDeletionProcessStatusChanged` event was published, carrying the returned IdentityDeletionProcess",
            M::EventDataPartial,
            "EVENT.data",
        ),
        row(
            "Given another Identity has initiated an IdentityDeletionProcess\n    When the Identity calls initiateIdentityDeletionProcess",
            "Then the other Identity's `transport.identityDeletionProcessStatusChanged` events are exactly those of its own calls",
            M::EventsOfEveryone,
            "EVENT.own-identity",
        ),
        row(
            "Given another Identity has initiated an IdentityDeletionProcess\n    When the Identity calls initiateIdentityDeletionProcess",
            "Then the other Identity's `transport.identityDeletionProcessStatusChanged` events are exactly those of its own calls",
            M::EventsVanishAcrossIdentities,
            "EVENT.once",
        ),
        row(
            "Given the Identity has 4 Devices\n    When the Identity calls initiateIdentityDeletionProcess 8 times concurrently, from its Devices in turn",
            "Then exactly one of the calls succeeds",
            M::LockPerDevice,
            "RID1.concurrent-one-winner",
        ),
        row(
            "When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 5000",
            "Then its `gracePeriodEndsAt` is 5000 days after its `createdAt`",
            M::GraceEndWrapsIn2038,
            "RID1.gracePeriodEndsAt",
        ),
        row(
            "Given the Identity has initiated an IdentityDeletionProcess\n    When the Identity calls initiateIdentityDeletionProcess",
            "Then no `transport.identityDeletionProcessStatusChanged` event was published",
            M::EventOnRefusedInitiate,
            "EVENT.none-without-change",
        ),
        row(
            "Given the Identity has a second Device\n    And the Identity has initiated an IdentityDeletionProcess\n    When the Identity calls cancelIdentityDeletionProcess from Device 2",
            "Then its `cancelledByDevice` is Device 2",
            M::AlwaysFirstDevice,
            "RID2.cancelledByDevice",
        ),
        row(
            "Given the Identity's clock is set to 2026-03-28T12:00:00.000Z\n    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 2",
            "Then its `gracePeriodEndsAt` is 2026-03-30T12:00:00.000Z",
            M::GraceAcrossDstShort,
            "RID1.gracePeriodEndsAt",
        ),
        row(
            "Given the Identity has initiated and cancelled 12 IdentityDeletionProcesses, one after the other\n    When the Identity calls getIdentityDeletionProcesses",
            "Then the returned list has 12 entries",
            M::GetAllCapped,
            "RID5.complete",
        ),
        row(
            "Given another Identity has initiated an IdentityDeletionProcess\n    And the Identity has initiated an IdentityDeletionProcess\n    When the Identity calls cancelIdentityDeletionProcess",
            "Then the other Identity's IdentityDeletionProcesses are unchanged",
            M::GetAllOfEveryone,
            "RID5.complete",
        ),
        row(
            "Given the Identity has initiated an IdentityDeletionProcess\n    When the Identity calls initiateIdentityDeletionProcess and cancelIdentityDeletionProcess 16 times concurrently, alternating",
            "Then some serial order of the calls explains every answer and the final state",
            // Whatever the interleaving: every cancel "succeeds" and the process stays
            // Active, so every initiate is refused; no serial order alternates them.
            M::CancelKeepsStatus,
            "INVARIANT.serializable",
        ),
    ]
}

async fn verdict(row: &Row, mutation: Mutation) -> (Outcome, Option<String>, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("probe.feature");
    let text = format!(
        "Feature: Probe\n  Scenario: Probe\n    {}\n    {}\n",
        row.setup, row.then
    );
    std::fs::write(&path, &text).expect("the feature is written");
    let mut options = RunOptions::new(vec![path]);
    options.console = false;
    let report = runner::run(Arc::new(Mutant::new(mutation)), &options)
        .await
        .expect("the run starts");
    let result = report
        .tally
        .scenarios
        .first()
        .expect("the scenario ran")
        .clone();
    let rule = result
        .verdict
        .as_ref()
        .and_then(|v| v.rule())
        .map(|r| r.to_string());
    (result.outcome, rule, result.message.unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_then_step_rejects_a_wrong_answer_and_accepts_the_right_one() {
    let mut problems = Vec::new();
    for row in rows() {
        let then_text = row.then.trim_start_matches("Then ").to_owned();
        let (outcome, rule, message) = verdict(&row, row.mutation).await;
        let rejected_here = message.starts_with(&format!("step `Then {then_text}`"));
        if outcome != Outcome::Failed
            || !rule.as_deref().is_some_and(|r| r.starts_with(row.rule))
            || !rejected_here
        {
            problems.push(format!(
                "{then_text}\n  against {:?}: {outcome:?} {rule:?}, expected Failed [{}] at this step\n  {message}",
                row.mutation, row.rule
            ));
        }
        let (outcome, _, message) = verdict(&row, Mutation::None).await;
        if outcome != Outcome::Passed {
            problems.push(format!(
                "{then_text}\n  against the unmutated copy: {outcome:?}\n  {message}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
