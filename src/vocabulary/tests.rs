use super::*;
use crate::domain::{ErrorKind, Field, Function, Status};

/// One phrase of every definition (a test checks that each definition is covered).
fn samples() -> Vec<(StepKind, Phrase)> {
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
    ];
    for kind in ErrorKind::ALL {
        all.push((Then, P::CallFailsWith(kind)));
        all.push((Then, P::OthersFailWith(kind)));
    }
    all
}

#[test]
fn every_emitted_phrase_parses_back_to_itself_through_exactly_one_definition() {
    for (kind, phrase) in samples() {
        let text = phrase.to_string();
        assert_eq!(matching(kind, &text).len(), 1, "{kind:?} {text}");
        assert_eq!(parse(kind, &text), Ok(Some(phrase.clone())), "{text}");
    }
}

#[test]
fn every_definition_has_a_sample() {
    let mut covered = vec![false; DEFINITIONS.len()];
    for (kind, phrase) in samples() {
        for index in matching(kind, &phrase.to_string()) {
            covered[index] = true;
        }
    }
    let missing: Vec<String> = covered
        .iter()
        .enumerate()
        .filter(|(_, c)| !**c)
        .map(|(i, _)| DEFINITIONS[i].pattern.to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "definitions without a sample: {missing:#?}"
    );
}

#[test]
fn the_wordings_of_the_published_pages_are_understood() {
    use Phrase as P;
    for (kind, text, phrase) in [
        (
            StepKind::Given,
            "there is already an active IdentityDeletionProcess, i.e. an IdentityDeletionProcess with `\"Active\"` as `status`, for this Identity.",
            P::HasActive {
                defined: true,
                grace_not_over: false,
            },
        ),
        (
            StepKind::Given,
            "The Identity has an IdentityDeletionProcess with `\"Active\"` as `status` whose grace period is not over.",
            P::HasActive {
                defined: false,
                grace_not_over: true,
            },
        ),
        (
            StepKind::Given,
            "none has `\"Active\"` as `status` for this Identity.",
            P::HasNoActive,
        ),
        (
            StepKind::Given,
            "none is active for this Identity.",
            P::HasNoActive,
        ),
        (
            StepKind::Given,
            "none exists with the given `id` for this Identity.",
            P::UnknownId,
        ),
        (
            StepKind::Given,
            "the grace period of the IdentityDeletionProcess with `\"Active\"` as `status` is already over, i.e. the current time is later than its `gracePeriodEndsAt`.",
            P::GracePeriodOver { defined: true },
        ),
        (
            StepKind::Then,
            "Returns the active IdentityDeletionProcess.",
            P::ReturnsWithStatus(None),
        ),
        (
            StepKind::Then,
            "Returns the IdentityDeletionProcess corresponding to the provided `id`.",
            P::ReturnsById,
        ),
        (
            StepKind::Then,
            "Returns a list with all IdentityDeletionProcesses of your Identity.",
            P::ReturnsEvery,
        ),
        (
            StepKind::When,
            "the Identity calls getIdentityDeletionProcess with `id`",
            P::Calls(Function::Get, vec![Param::Id(None)]),
        ),
    ] {
        assert_eq!(parse(kind, text), Ok(Some(phrase)), "{text}");
        assert_eq!(matching(kind, text).len(), 1, "{text}");
    }
}

#[test]
fn an_i_e_clause_must_be_the_known_definition() {
    for text in [
        "there is already an active IdentityDeletionProcess, i.e. anything at all, for this Identity.",
        "the grace period of the IdentityDeletionProcess with `\"Active\"` as `status` is already over, i.e. whenever.",
    ] {
        assert_eq!(parse(StepKind::Given, text), Ok(None), "{text}");
    }
}

#[test]
fn other_functions_and_actors_are_undefined() {
    for text in [
        "the Identity calls uploadOwnFile with `content`",
        "the Connector calls getIdentityDeletionProcesses",
    ] {
        assert_eq!(parse(StepKind::When, text), Ok(None), "{text}");
    }
}

#[test]
fn bad_parameters_are_errors_not_silent_defaults() {
    assert!(
        parse(
            StepKind::When,
            "the Identity calls cancelIdentityDeletionProcess with `id`"
        )
        .is_err()
    );
    assert!(
        parse(
            StepKind::Given,
            "the Identity's clock advances by 99999999999999999999999 days"
        )
        .is_err()
    );
    assert!(parse(StepKind::Then, "the call fails with `error.unknown.code`").is_err());
    assert!(
        parse(
            StepKind::Then,
            "the returned IdentityDeletionProcess has `\"active\"` as `status`"
        )
        .is_err()
    );
}

#[test]
fn capabilities_come_from_tags_and_phrases() {
    let tags = vec!["@requires.events".to_owned()];
    let needed = required_capabilities(&tags, ["the Identity's clock is stopped"]);
    assert_eq!(
        needed,
        [Capability::Clock, Capability::Events]
            .into_iter()
            .collect()
    );
    assert!(required_capabilities(&[], ["the call fails"]).is_empty());
}

#[test]
fn the_call_text_is_the_one_emitter_of_call_steps() {
    assert_eq!(
        call_text(
            "Identity",
            "getIdentityDeletionProcess",
            &["`id`".to_owned()]
        ),
        Phrase::Calls(Function::Get, vec![Param::Id(None)]).to_string()
    );
    assert_eq!(
        call_text(
            "Connector",
            "f",
            &["`a`".into(), "`b`".into(), "`c`".into()]
        ),
        "the Connector calls f with `a`, `b` and `c`"
    );
}
