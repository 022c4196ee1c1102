//! The phrase vocabulary: every step the suite understands, defined once.
//!
//! A [`Phrase`] is a typed step (its parameters are [`crate::domain`] types);
//! [`grammar::DEFINITIONS`] holds one pattern per phrase and how its captures
//! become parameters; `Display` writes the canonical text. The generator
//! (call and failure steps), the step registration ([`crate::steps`]), the
//! fuzzer's reproductions and `coverage` all use it. Adding a phrase is one
//! change here plus its meaning in `steps::perform`.

mod grammar;
mod phrase;

pub use grammar::{DEFINITIONS, Definition};
pub use phrase::{ACTOR, CALL_FAILS, IdMutation, Param, Phrase, Refusal, StepKind, call_text};

use crate::adapter::Capability;
use crate::domain::{ErrorKind, Field, Function, Status};
use std::collections::BTreeSet;

/// The indices of the definitions of `kind` whose pattern matches `text`.
pub fn matching(kind: StepKind, text: &str) -> Vec<usize> {
    DEFINITIONS
        .iter()
        .enumerate()
        .filter(|(_, d)| d.kinds.contains(&kind) && d.pattern.is_match(text))
        .map(|(i, _)| i)
        .collect()
}

/// The phrase `text` says as a step of `kind`: `Ok(None)` when no definition
/// matches, `Err` when one matches but its parameters are not understood.
pub fn parse(kind: StepKind, text: &str) -> Result<Option<Phrase>, String> {
    for definition in DEFINITIONS.iter().filter(|d| d.kinds.contains(&kind)) {
        if let Some(captures) = definition.pattern.captures(text) {
            return (definition.build)(&captures).map(Some);
        }
    }
    Ok(None)
}

/// The phrase of a step of any kind (for capability detection and coverage).
pub fn parse_any(text: &str) -> Option<Phrase> {
    [StepKind::Given, StepKind::When, StepKind::Then]
        .into_iter()
        .find_map(|kind| parse(kind, text).ok().flatten())
}

/// The capabilities a scenario needs, from its tags (`@requires.<name>`) and step texts.
pub fn required_capabilities<'a>(
    tags: impl IntoIterator<Item = &'a String>,
    steps: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<Capability> {
    let mut needed: BTreeSet<Capability> = tags
        .into_iter()
        .filter_map(|t| t.trim_start_matches('@').strip_prefix("requires."))
        .filter_map(Capability::parse)
        .collect();
    needed.extend(steps.into_iter().filter_map(|s| parse_any(s)?.capability()));
    needed
}

/// One phrase of every definition, in its canonical wording (a test checks
/// that each definition is covered): the known phrases `coverage` suggests.
pub fn catalogue() -> Vec<(StepKind, Phrase)> {
    use Phrase as P;
    use StepKind::{Given, Then, When};
    let mut all = vec![
        (
            Given,
            P::HasActive {
                defined: false,
                grace_not_over: false,
            },
        ),
        (
            Given,
            P::HasActive {
                defined: true,
                grace_not_over: false,
            },
        ),
        (
            Given,
            P::HasActive {
                defined: false,
                grace_not_over: true,
            },
        ),
        (Given, P::HasProcess),
        (Given, P::HasCancelledThenActive),
        (Given, P::HasNoActive),
        (Given, P::HasNone),
        (Given, P::UnknownId),
        (Given, P::MalformedId),
        (Given, P::HasInitiated(None)),
        (Given, P::HasInitiated(Some(0))),
        (Given, P::HasCancelled),
        (Given, P::OtherIdentityHasInitiated),
        (Given, P::GracePeriodOver { defined: true }),
        (When, P::GracePeriodOver { defined: false }),
        (Given, P::ClockAdvances { days: 1, millis: 1 }),
        (
            When,
            P::ClockAdvances {
                days: 14,
                millis: 0,
            },
        ),
        (Given, P::ClockStopped),
        (When, P::Calls(Function::GetAll, vec![])),
        (
            When,
            P::Calls(Function::Initiate, vec![Param::GracePeriodDays(Some(3))]),
        ),
        (When, P::Calls(Function::Get, vec![Param::Id(None)])),
        (
            When,
            P::Calls(Function::Get, vec![Param::Id(Some("IDPabc".into()))]),
        ),
        (When, P::CallsConcurrently(Function::Initiate, 32)),
        (When, P::CallsConcurrently(Function::Cancel, 8)),
        (Then, P::Creates(Status::Active)),
        (Then, P::ReturnsChanged(Status::Active)),
        (Then, P::ReturnsChanged(Status::Cancelled)),
        (Then, P::ChangesStatus(Status::Active, Status::Cancelled)),
        (
            Then,
            P::RecordsCancellation(Field::CancelledAt, Field::CancelledByDevice),
        ),
        (Then, P::Removes(Field::GracePeriodEndsAt)),
        (Then, P::ReturnsById),
        (Then, P::ReturnsWithStatus(None)),
        (Then, P::ReturnsWithStatus(Some(Status::Active))),
        (Then, P::ReturnsEvery),
        (Then, P::ReturnsInCreationOrder),
        (Then, P::CallFails),
        (Then, P::NoProcessCanBe(Refusal::Initiated)),
        (Then, P::NoProcessCanBe(Refusal::Cancelled)),
        (Then, P::NoProcessCanBe(Refusal::Returned)),
        (Then, P::CallSucceeds),
        (Then, P::ReturnedHasStatus(Status::Cancelled)),
        (Then, P::GracePeriodLasts(1)),
        (Then, P::GracePeriodLasts(14)),
        (Then, P::FieldPresence(Field::CancelledAt, true)),
        (Then, P::FieldPresence(Field::CancelledAt, false)),
        (Then, P::IdFormat),
        (Then, P::TimestampsUtc(Field::GracePeriodEndsAt)),
        (Then, P::GetReturnsSame),
        (Then, P::GetActiveReturnsSame),
        (Then, P::ListEmpty),
        (
            Then,
            P::ListStatuses(vec![Status::Cancelled, Status::Active]),
        ),
        (Then, P::ExactlyOneSucceeds),
        (Then, P::ExactlyOneActive),
        (Then, P::EventCarriesReturned),
        (Then, P::NoEvent),
        (Given, P::ClockSetTo("2026-03-28T12:00:00.000Z".into())),
        (When, P::ClockSetTo("2026-03-29T00:59:59.999Z".into())),
        (Given, P::ClockSetPastGraceEnd),
        (Given, P::HasSecondDevice),
        (When, P::ClockNearDst(-3_600_000)),
        (Given, P::ClockNearDst(42)),
        (Given, P::HasCycles(12)),
        (When, P::CallsFrom(Function::Initiate, 1)),
        (When, P::CallsFrom(Function::Cancel, 2)),
        (When, P::CallsBurst(16)),
        (Then, P::FieldIsDevice(Field::CreatedByDevice, 1)),
        (Then, P::FieldIsDevice(Field::CancelledByDevice, 2)),
        (
            Then,
            P::FieldIsInstant(Field::CreatedAt, "2026-03-28T12:00:00.000Z".into()),
        ),
        (Then, P::ListHasEntries(13)),
        (Then, P::OtherIdentityUnchanged),
        (Then, P::BurstSerializable),
        (Then, P::OtherIdentityEvents),
        (Given, P::HasDevices(4)),
        (When, P::CallsConcurrentlyFromDevices(Function::Initiate, 8)),
    ];
    for mutation in IdMutation::ALL {
        all.push((When, P::CallsGetMutated(mutation)));
    }
    for kind in ErrorKind::ALL {
        all.push((Then, P::CallFailsWith(kind)));
        all.push((Then, P::OthersFailWith(kind)));
    }
    all
}

fn words(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The `n` known phrases nearest to `text` (by the words they share), for
/// the maintainer who adds the phrase `text`.
pub fn nearest(text: &str, n: usize) -> Vec<String> {
    let wanted = words(text);
    let mut scored: Vec<(usize, String)> = catalogue()
        .into_iter()
        .map(|(_, phrase)| {
            let canonical = phrase.to_string();
            let have = words(&canonical);
            let shared = wanted.intersection(&have).count();
            let all = wanted.union(&have).count().max(1);
            (shared * 1000 / all, canonical)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, text)| text).collect()
}

/// Where a phrase is added, for messages.
pub const WHERE_TO_ADD: &str = "src/vocabulary: a `Phrase` variant (phrase.rs), its pattern (grammar.rs), its meaning (steps::perform)";

#[cfg(test)]
mod tests;
