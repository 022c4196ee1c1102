use super::*;
use crate::domain::Function;

fn samples() -> Vec<(StepKind, Phrase)> {
    catalogue()
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

#[test]
fn the_nearest_phrases_share_the_most_words() {
    let near = nearest(
        "Given the Identity has two IdentityDeletionProcesses with `\"Active\"` as `status`",
        3,
    );
    assert_eq!(near.len(), 3);
    assert!(
        near.iter()
            .any(|p| p.contains("with `\"Active\"` as `status`")),
        "{near:?}"
    );
}

#[test]
fn every_id_mutation_works_on_every_legal_alphabet() {
    use crate::domain::ProcessId;
    // All digits (a zero-padded sequence), all upper case, all lower case, mixed.
    let ids = [
        "IDP00000000000000305",
        "IDPABCDEFGHIJKLMNOPQ",
        "IDPabcdefghijklmnopq",
        "IDP0aB1cD2eF3gH4iJ5k",
    ];
    for id in ids {
        for mutation in IdMutation::ALL {
            let mutated = mutation
                .apply(id)
                .unwrap_or_else(|| panic!("{mutation:?} of {id}"));
            assert_ne!(mutated, id, "{mutation:?} of {id}");
            let well_formed = ProcessId::parse(&mutated).is_ok();
            assert_eq!(
                well_formed,
                mutation == IdMutation::CaseFlipped,
                "{mutation:?} of {id}: {mutated:?}"
            );
        }
    }
    assert_eq!(
        IdMutation::CaseFlipped
            .apply("IDP00000000000000305")
            .as_deref(),
        Some("IDP0000000000000030A")
    );
    assert_eq!(
        IdMutation::CaseFlipped
            .apply("IDPabcdefghijklmnopq")
            .as_deref(),
        Some("IDPAbcdefghijklmnopq")
    );
}
