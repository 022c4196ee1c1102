//! The cucumber world and the meaning of every phrase.
//!
//! The steps are registered from the phrase vocabulary
//! ([`crate::vocabulary::DEFINITIONS`]): each definition's pattern becomes a
//! step of its kinds, and every step runs [`perform`] on the typed phrase.
//! A step that no definition matches fails the run as undefined.

mod given;
mod then;
mod when;
mod world;

pub use world::{Burst, ConformanceWorld, LastCall, RunContext, SCENARIO_IDENTITY};

use crate::vocabulary::{self, Phrase, StepKind};
use cucumber::step::Context;
use futures::future::LocalBoxFuture;

/// Carries out `phrase` in `world`.
pub async fn perform(world: &mut ConformanceWorld, phrase: Phrase) {
    use Phrase as P;
    match phrase {
        P::HasActive {
            defined,
            grace_not_over,
        } => given::has_active(world, defined, grace_not_over).await,
        P::HasProcess => given::initiate(world, None).await,
        P::HasCancelledThenActive => given::has_cancelled_then_active(world).await,
        P::HasNoActive => given::has_no_active(world).await,
        P::HasNone => given::has_none(world).await,
        P::UnknownId => given::unknown_id(world),
        P::MalformedId => given::malformed_id(world),
        P::HasInitiated(days) => given::initiate(world, days).await,
        P::HasCancelled => given::cancel(world).await,
        P::OtherIdentityHasInitiated => given::other_identity_has_initiated(world).await,
        P::GracePeriodOver { .. } => given::grace_period_over(world).await,
        P::ClockAdvances { days, millis } => given::clock_advances(world, days, millis).await,
        P::ClockStopped => given::clock_advances(world, 0, 0).await,
        P::ClockSetTo(instant) => given::clock_set_to(world, &instant).await,
        P::ClockSetPastGraceEnd => given::clock_set_past_grace_end(world).await,
        P::ClockNearDst(offset) => given::clock_near_dst(world, offset).await,
        P::HasSecondDevice => given::has_second_device(world).await,
        P::HasCycles(n) => given::has_cycles(world, n).await,
        P::CallsFrom(function, device) => when::calls_from(world, function, device).await,
        P::CallsGetMutated(mutation) => when::calls_get_mutated(world, mutation).await,
        P::CallsBurst(n) => when::calls_burst(world, n).await,
        P::FieldIsDevice(field, device) => then::field_is_device(world, field, device),
        P::FieldIsInstant(field, instant) => then::field_is_instant(world, field, &instant),
        P::ListHasEntries(n) => then::list_has_entries(world, n),
        P::OtherIdentityUnchanged => then::other_identity_unchanged(world).await,
        P::BurstSerializable => then::burst_serializable(world).await,
        P::Calls(function, params) => when::calls(world, function, &params).await,
        P::CallsConcurrently(function, times) => {
            when::calls_concurrently(world, function, times).await;
        }
        P::Creates(status) => then::creates(world, status).await,
        P::ReturnsChanged(status) => then::returns_changed(world, status).await,
        P::ChangesStatus(from, to) => then::changes_status(world, from, to).await,
        P::RecordsCancellation(time, device) => {
            then::records_cancellation(world, time, device).await;
        }
        P::Removes(field) => then::removes(world, field).await,
        P::ReturnsById => then::returns_by_id(world),
        P::ReturnsWithStatus(status) => then::returns_with_status(world, status),
        P::ReturnsEvery => then::returns_every(world),
        P::ReturnsInCreationOrder => then::returns_in_creation_order(world),
        P::CallFails => then::call_fails(world),
        P::NoProcessCanBe(refusal) => then::no_process_can_be(world, refusal).await,
        P::CallSucceeds => then::call_succeeds(world),
        P::CallFailsWith(kind) => then::call_fails_with(world, kind),
        P::ReturnedHasStatus(status) => then::returned_has_status(world, status),
        P::GracePeriodLasts(days) => then::grace_period_lasts(world, days),
        P::FieldPresence(field, set) => then::field_presence(world, field, set),
        P::IdFormat => then::id_format(world),
        P::TimestampsUtc(field) => then::timestamps_utc(world, field),
        P::GetReturnsSame => then::get_returns_same(world).await,
        P::GetActiveReturnsSame => then::get_active_returns_same(world).await,
        P::ListEmpty => then::list_empty(world),
        P::ListStatuses(statuses) => then::list_statuses(world, &statuses),
        P::ExactlyOneSucceeds => then::exactly_one_succeeds(world),
        P::OthersFailWith(kind) => then::others_fail_with(world, kind),
        P::ExactlyOneActive => then::exactly_one_active(world).await,
        P::EventCarriesReturned => then::event_carries_returned(world).await,
        P::NoEvent => then::no_event(world).await,
        P::OtherIdentityEvents => then::other_identity_events(world).await,
        P::HasDevices(n) => given::has_devices(world, n).await,
        P::CallsConcurrentlyFromDevices(function, times) => {
            when::calls_concurrently_from_devices(world, function, times).await;
        }
    }
}

async fn run_step(world: &mut ConformanceWorld, kind: StepKind, text: &str) {
    match vocabulary::parse(kind, text) {
        Ok(Some(phrase)) => perform(world, phrase).await,
        Ok(None) => world.suite_error(format!("no phrase of the vocabulary matches `{text}`")),
        Err(e) => world.suite_error(format!("the phrase `{text}` is not understood: {e}")),
    }
}

fn given_step(world: &mut ConformanceWorld, context: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move { run_step(world, StepKind::Given, &context.step.value).await })
}

fn when_step(world: &mut ConformanceWorld, context: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move { run_step(world, StepKind::When, &context.step.value).await })
}

fn then_step(world: &mut ConformanceWorld, context: Context) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move { run_step(world, StepKind::Then, &context.step.value).await })
}

/// Every step definition of the suite, one per vocabulary definition and kind.
pub fn collection() -> cucumber::step::Collection<ConformanceWorld> {
    let mut steps = cucumber::step::Collection::new();
    for definition in vocabulary::DEFINITIONS.iter() {
        for kind in definition.kinds {
            let pattern = definition.pattern.clone();
            steps = match kind {
                StepKind::Given => steps.given(None, pattern, given_step),
                StepKind::When => steps.when(None, pattern, when_step),
                StepKind::Then => steps.then(None, pattern, then_step),
            };
        }
    }
    steps
}
