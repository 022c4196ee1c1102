//! Deriving a precondition for the success scenarios of a page whose
//! `precondition` property is empty, from the page's failure conditions.
//!
//! A call succeeds only when none of its failure conditions holds, so each
//! failure condition that can be negated grammatically gives one Given step of
//! the success scenarios. The rules are general phrase rules; none names a
//! page, an id or a bullet. They are tried in this order, on the condition
//! clause of each `On Failure` bullet (the text after its first `if` / `when`,
//! see [`split_failure`](super::split_failure)):
//!
//! 1. Clean-up: a trailing full stop is dropped, and so is an apposition
//!    introduced by `, i.e.` or `, e.g.` (up to the next comma or the end): it
//!    restates what precedes it, so negating what precedes it is enough.
//! 2. `unless C`: the call fails when `C` does not hold, so `C` itself is the
//!    precondition (no negation needed).
//! 3. Conditions that join clauses (`and`, `or`, `nor`, `but`, a comma, or more
//!    than one negation) are not negated: negating a compound needs more than
//!    a word swap.
//! 4. `none has P [for this O]` → `the O has a(n) N with P` (or `there is a(n)
//!    N with P` without an owner), where `N` is the noun of the consequence
//!    `No N can be …` that `none` stands for; `none is A …` → `… a(n) A N` (one
//!    adjective) or `… a(n) N that is A`; `none exists X …` → `… a(n) N X`.
//! 5. `there is [already] a(n) X` → `there is no X`; `there are already X` →
//!    `there are no X`.
//! 6. `there is no X` → `there is a(n) X` (`no such X` → `such a(n) X`);
//!    `there are no X` → `there are X`.
//! 7. `S has no X` → `S has a(n) X`; `S have no X` → `S have X`.
//! 8. `S is not X` → `S is X` (likewise `are not`, `was not`, `were not`,
//!    `has not`, `have not`, `cannot` → `can`, `do not V` → `V`, `does not V`
//!    → `Vs`).
//! 9. Afterwards, a qualifier that names a call parameter (`with the given
//!    `p`` or `with the provided `p``, where `p` is named in `## Parameters`)
//!    is dropped: the When step passes `p`, and takes its value from the object
//!    the Given step set up, so the Given only has to set that object up.
//!
//! A condition no rule applies to gives no step; the generated feature says so
//! in a comment, so that the maintainer sees which condition was left out.
//!
//! A page with neither a precondition nor a failure bullet (nothing to derive
//! from) whose call the vocabulary knows starts its success scenarios from the
//! vocabulary's witness state ([`crate::vocabulary::witness_state`]: more than
//! one process, of every status, in a known order), so that a bullet about
//! "all" of them is not satisfied by an empty Identity (a list returned in
//! any order would pass there).

use super::escape::one_line;
use super::failure::split_failure;
use crate::spec::{SectionKind, UseCase};

/// What became of one failure condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Derivation {
    /// The condition gave a precondition step.
    Derived {
        /// The page line of the failure bullet.
        line: usize,
        /// The condition clause as the page writes it.
        condition: String,
        /// The step text.
        step: String,
        /// Whether the bullet said `unless` (the step is the condition itself).
        unless: bool,
    },
    /// No rule applies to the condition; it gives no step.
    NotNegatable {
        /// The page line of the failure bullet.
        line: usize,
        /// The condition clause as the page writes it.
        condition: String,
    },
}

/// The derivations for the success scenarios of `use_case`; empty when the
/// page has a `precondition` or no failure bullet.
pub fn derive(use_case: &UseCase) -> Vec<Derivation> {
    if use_case.property("precondition").is_some() {
        return Vec::new();
    }
    let Some(failures) = use_case.body.section(&SectionKind::OnFailure) else {
        return Vec::new();
    };
    let parameters = parameter_names(use_case);
    failures
        .bullets
        .iter()
        .map(|bullet| {
            let parts = split_failure(&one_line(&bullet.full_text()));
            let noun = parts.consequence.as_deref().and_then(consequence_noun);
            let step = if parts.negated {
                Some(clean(&parts.condition))
            } else {
                negate(&parts.condition, noun)
            };
            match step.map(|s| drop_parameter_qualifier(&s, &parameters)) {
                Some(step) if !step.is_empty() => Derivation::Derived {
                    line: bullet.line,
                    condition: parts.condition,
                    step,
                    unless: parts.negated,
                },
                _ => Derivation::NotNegatable {
                    line: bullet.line,
                    condition: parts.condition,
                },
            }
        })
        .collect()
}

/// Whether the success scenarios of `use_case` start from the witness state:
/// no precondition, no failure bullet, and a call the vocabulary knows.
fn needs_witness(use_case: &UseCase) -> bool {
    use_case.property("precondition").is_none()
        && use_case
            .body
            .section(&SectionKind::OnFailure)
            .is_none_or(|s| s.bullets.is_empty())
        && use_case.callable().is_some_and(|function| {
            let call = crate::vocabulary::call_text(
                use_case.property("actor").unwrap_or("caller"),
                function,
                &[],
            );
            crate::vocabulary::parse(crate::vocabulary::StepKind::When, &call)
                .is_ok_and(|p| p.is_some())
        })
}

/// The derived precondition steps of `use_case`, without repetitions.
pub fn derived_steps(use_case: &UseCase) -> Vec<String> {
    if needs_witness(use_case) {
        return vec![crate::vocabulary::witness_state()];
    }
    let mut steps: Vec<String> = Vec::new();
    for derivation in derive(use_case) {
        if let Derivation::Derived { step, .. } = derivation
            && !steps.contains(&step)
        {
            steps.push(step);
        }
    }
    steps
}

/// The comment lines (without indentation, starting with `#`) that explain the
/// derived steps; written above the steps of every success scenario.
pub fn comment_lines(use_case: &UseCase) -> Vec<String> {
    if needs_witness(use_case) {
        return vec![format!(
            "{} (the page has none, and no failure condition to derive one from): a state with more than one process, of every status, so that the outcome is observable",
            crate::levels::DERIVED_MARKER
        )];
    }
    derive(use_case)
        .into_iter()
        .map(|d| match d {
            Derivation::Derived {
                line,
                condition,
                unless: false,
                ..
            } => format!(
                "# Derived precondition (the page has none): the negation of the failure condition of line {line}: {}",
                one_line(&condition)
            ),
            Derivation::Derived {
                line,
                condition,
                unless: true,
                ..
            } => format!(
                "# Derived precondition (the page has none): the condition the failure bullet of line {line} names with `unless`: {}",
                one_line(&condition)
            ),
            Derivation::NotNegatable { line, condition } => format!(
                "# No precondition derived from the failure condition of line {line} (no negation rule applies): {}",
                one_line(&condition)
            ),
        })
        .collect()
}

/// The names (backticks included) the `## Parameters` section gives.
fn parameter_names(use_case: &UseCase) -> Vec<String> {
    use_case
        .body
        .section(&SectionKind::Parameters)
        .map(|s| {
            s.bullets
                .iter()
                .filter_map(|b| first_code_span(&b.text))
                .collect()
        })
        .unwrap_or_default()
}

fn first_code_span(text: &str) -> Option<String> {
    let start = text.find('`')?;
    let len = text[start + 1..].find('`')?;
    Some(text[start..start + len + 2].to_owned())
}

/// The noun a consequence `No N can be …` (or `may`, `will`, `is`, `are`) is about.
pub(super) fn consequence_noun(consequence: &str) -> Option<&str> {
    let rest = strip_prefix_ci(consequence.trim(), "no ")?;
    let end = [" can ", " may ", " will ", " is ", " are "]
        .iter()
        .filter_map(|verb| rest.find(verb))
        .min()?;
    let noun = rest[..end].trim();
    (!noun.is_empty()).then_some(noun)
}

/// `text` without a leading `prefix`, compared ignoring ASCII case.
fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Rule 1: trailing full stop and `, i.e. …` / `, e.g. …` appositions dropped.
fn clean(condition: &str) -> String {
    let mut text = one_line(condition);
    while text.ends_with('.') {
        text.pop();
    }
    for marker in [", i.e. ", ", e.g. "] {
        while let Some(start) = text.find(marker) {
            let after = start + marker.len();
            text = match text[after..].find(',') {
                Some(comma) => format!("{}{}", &text[..start], &text[after + comma + 1..]),
                None => text[..start].to_owned(),
            };
        }
    }
    one_line(&text)
}

/// `a` or `an`, by the first letter of `word`.
fn article(word: &str) -> &'static str {
    match word
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
    {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// `X` with `a`/`an` in front.
fn with_article(phrase: &str) -> String {
    format!("{} {phrase}", article(phrase))
}

/// Rules 3–8: the negation of one (non-`unless`) condition clause, if a rule applies.
pub fn negate(condition: &str, noun: Option<&str>) -> Option<String> {
    let text = clean(condition);
    if text.is_empty() || is_compound(&text) {
        return None;
    }
    negate_pronoun(&text, noun)
        .or_else(|| negate_existence(&text))
        .or_else(|| negate_possession(&text))
        .or_else(|| negate_verb(&text))
}

/// Rule 3: clauses joined, or more than one negation.
fn is_compound(text: &str) -> bool {
    let lower = format!(" {} ", text.to_ascii_lowercase());
    let joined = [" and ", " or ", " nor ", " but "]
        .iter()
        .any(|w| lower.contains(w))
        || text.contains(',')
        || text.contains(';');
    let negations = lower
        .split_whitespace()
        .filter(|w| matches!(*w, "no" | "not" | "none" | "cannot" | "never"))
        .count();
    joined || negations > 1
}

/// Rule 4: `none …`, standing for the consequence's noun.
fn negate_pronoun(text: &str, noun: Option<&str>) -> Option<String> {
    let rest = strip_prefix_ci(text, "none ")?;
    let noun = noun?;
    let (rest, owner) = match [" for this ", " for the "]
        .iter()
        .filter_map(|marker| rest.rfind(marker).map(|i| (i, marker.len())))
        .max()
    {
        Some((i, len)) if !rest[i + len..].contains(' ') => {
            (&rest[..i], Some(format!("the {}", &rest[i + len..])))
        }
        _ => (rest, None),
    };
    let object = if let Some(property) = rest.strip_prefix("has ") {
        format!("{} with {property}", with_article(noun))
    } else if let Some(state) = rest.strip_prefix("is ") {
        let state = state.trim();
        if !state.is_empty() && state.chars().all(char::is_alphabetic) {
            format!("{} {noun}", with_article(state))
        } else {
            format!("{} that is {state}", with_article(noun))
        }
    } else if rest == "exists" {
        with_article(noun)
    } else if let Some(qualifier) = rest.strip_prefix("exists ") {
        format!("{} {qualifier}", with_article(noun))
    } else {
        return None;
    };
    Some(match owner {
        Some(owner) => format!("{owner} has {object}"),
        None => format!("there is {object}"),
    })
}

/// Rules 5 and 6: `there is (already) a X` ↔ `there is no X`.
fn negate_existence(text: &str) -> Option<String> {
    for (is, lead) in [("there is ", "there is"), ("there are ", "there are")] {
        let Some(rest) = strip_prefix_ci(text, is) else {
            continue;
        };
        let lead = format!("{}{}", &text[..1], &lead[1..]);
        if let Some(object) = rest.strip_prefix("no ") {
            return Some(if let Some(such) = object.strip_prefix("such ") {
                format!("{lead} such {}", with_article(such))
            } else if is == "there is " {
                format!("{lead} {}", with_article(object))
            } else {
                format!("{lead} {object}")
            });
        }
        let plain = rest.strip_prefix("already ");
        let object = if is == "there is " {
            let rest = plain.unwrap_or(rest);
            rest.strip_prefix("an ").or_else(|| rest.strip_prefix("a "))
        } else {
            plain
        };
        return object.map(|object| format!("{lead} no {object}"));
    }
    None
}

/// Rule 7: `S has no X` → `S has a X`.
fn negate_possession(text: &str) -> Option<String> {
    if let Some(i) = text.find(" has no ") {
        let object = &text[i + " has no ".len()..];
        return Some(format!("{} has {}", &text[..i], with_article(object)));
    }
    let i = text.find(" have no ")?;
    Some(format!(
        "{} have {}",
        &text[..i],
        &text[i + " have no ".len()..]
    ))
}

/// Rule 8: a negated verb made positive.
fn negate_verb(text: &str) -> Option<String> {
    for (negative, positive) in [
        (" is not ", " is "),
        (" are not ", " are "),
        (" was not ", " was "),
        (" were not ", " were "),
        (" has not ", " has "),
        (" have not ", " have "),
        (" cannot ", " can "),
        (" can not ", " can "),
        (" do not ", " "),
    ] {
        if let Some(i) = text.find(negative) {
            return Some(format!(
                "{}{positive}{}",
                &text[..i],
                &text[i + negative.len()..]
            ));
        }
    }
    let i = text.find(" does not ")?;
    let rest = &text[i + " does not ".len()..];
    let (verb, tail) = rest.split_once(' ').unwrap_or((rest, ""));
    let verb = third_person(verb);
    Some(format!(
        "{}{}",
        &text[..i],
        [" ", &verb, " ", tail].concat().trim_end()
    ))
}

/// The third person singular of a verb in its base form.
fn third_person(verb: &str) -> String {
    match verb {
        "have" => "has".to_owned(),
        "be" => "is".to_owned(),
        _ if ["s", "sh", "ch", "x", "z", "o"]
            .iter()
            .any(|e| verb.ends_with(e)) =>
        {
            format!("{verb}es")
        }
        _ if verb.ends_with('y')
            && !verb.ends_with("ay")
            && !verb.ends_with("ey")
            && !verb.ends_with("oy") =>
        {
            format!("{}ies", &verb[..verb.len() - 1])
        }
        _ => format!("{verb}s"),
    }
}

/// Rule 9: `with the given `p`` dropped when `p` is a parameter of the page.
fn drop_parameter_qualifier(step: &str, parameters: &[String]) -> String {
    let mut step = step.to_owned();
    for parameter in parameters {
        for word in ["given", "provided"] {
            let qualifier = format!(" with the {word} {parameter}");
            if let Some(i) = step.find(&qualifier) {
                step = format!("{}{}", &step[..i], &step[i + qualifier.len()..]);
            }
        }
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse_page;
    use std::path::Path;

    const ACTIVE: &str = "`\"Active\"` as `status`";

    #[test]
    fn has_no_becomes_has_a() {
        assert_eq!(
            negate(
                &format!("the Identity has no IdentityDeletionProcess with {ACTIVE}."),
                Some("IdentityDeletionProcess")
            ),
            Some(format!(
                "the Identity has an IdentityDeletionProcess with {ACTIVE}"
            ))
        );
        assert_eq!(
            negate("the Identity has no Relationship", None).as_deref(),
            Some("the Identity has a Relationship")
        );
        assert_eq!(
            negate("the peers have no Relationships", None).as_deref(),
            Some("the peers have Relationships")
        );
    }

    #[test]
    fn there_is_already_becomes_there_is_no_and_back() {
        assert_eq!(
            negate(
                &format!(
                    "there is already an active IdentityDeletionProcess, i.e. an IdentityDeletionProcess with {ACTIVE}, for this Identity."
                ),
                None
            )
            .as_deref(),
            Some("there is no active IdentityDeletionProcess for this Identity")
        );
        assert_eq!(
            negate("there is no Token", None).as_deref(),
            Some("there is a Token")
        );
        assert_eq!(
            negate("There is no such incoming Request.", None).as_deref(),
            Some("There is such an incoming Request")
        );
        assert_eq!(
            negate("There are already Messages, e.g. sent ones", None).as_deref(),
            Some("There are no Messages")
        );
        assert_eq!(
            negate("there are no Messages", None).as_deref(),
            Some("there are Messages")
        );
    }

    #[test]
    fn none_stands_for_the_consequence_noun() {
        let noun = consequence_noun("No IdentityDeletionProcess can be returned");
        assert_eq!(noun, Some("IdentityDeletionProcess"));
        assert_eq!(
            negate(&format!("none has {ACTIVE} for this Identity."), noun).as_deref(),
            Some(format!("the Identity has an IdentityDeletionProcess with {ACTIVE}").as_str())
        );
        assert_eq!(
            negate("none is active for this Identity.", noun).as_deref(),
            Some("the Identity has an active IdentityDeletionProcess")
        );
        assert_eq!(
            negate("none exists with the given `id` for this Identity.", noun).as_deref(),
            Some("the Identity has an IdentityDeletionProcess with the given `id`")
        );
        assert_eq!(
            negate("none exists", Some("Token")).as_deref(),
            Some("there is a Token")
        );
        assert_eq!(
            negate("none is in the list", Some("Token")).as_deref(),
            Some("there is a Token that is in the list")
        );
        assert_eq!(negate("none is active", None), None, "no noun, no rule");
        assert_eq!(consequence_noun("Nothing happens"), None);
    }

    #[test]
    fn negated_verbs_become_positive() {
        assert_eq!(
            negate(
                "the given `id` is not a valid IdentityDeletionProcess id.",
                None
            )
            .as_deref(),
            Some("the given `id` is a valid IdentityDeletionProcess id")
        );
        assert_eq!(
            negate("The decisions do not match the RequestItems.", None).as_deref(),
            Some("The decisions match the RequestItems")
        );
        assert_eq!(
            negate("the Request does not match the template", None).as_deref(),
            Some("the Request matches the template")
        );
        assert_eq!(
            negate("the Attribute cannot be shared", None).as_deref(),
            Some("the Attribute can be shared")
        );
        assert_eq!(third_person("apply"), "applies");
        assert_eq!(third_person("play"), "plays");
        assert_eq!(third_person("have"), "has");
    }

    #[test]
    fn compound_and_unknown_conditions_are_not_negated() {
        for condition in [
            "the Identity has no Device and no Relationship",
            "the Token is expired or deleted",
            "the grace period of the IdentityDeletionProcess is already over, i.e. the current time is later than its `gracePeriodEndsAt`.",
            "the file is too large",
            "it is not the case that nothing is not there",
            "",
        ] {
            assert_eq!(negate(condition, Some("X")), None, "{condition}");
        }
    }

    fn page(precondition: &str, parameters: &str, failures: &str) -> UseCase {
        let text = format!(
            "---\ntitle: T\nproperties:\n  - id: TST1\n  - function: doIt\n  - actor: Identity\n  - precondition: {precondition}\n---\n\n{parameters}## On Success\n\n- Does it.\n\n## On Failure\n\n{failures}"
        );
        parse_page(Path::new("t.md"), text.as_bytes()).expect("test page parses")
    }

    #[test]
    fn success_scenarios_get_one_step_per_negatable_condition() {
        let use_case = page(
            "",
            "## Parameters\n\n- `id` of the Widget.\n\n",
            "- No Widget can be returned if none exists with the given `id` for this Identity.\n- No Widget can be returned if the Widget is too | cold.\n- No Widget can be returned unless the Identity has a Device.\n- No Widget can be returned if none exists with the given `id` for this Identity.\n",
        );
        assert_eq!(
            derived_steps(&use_case),
            ["the Identity has a Widget", "the Identity has a Device"],
            "the parameter qualifier is dropped, `unless` is taken as it is, repeats are left out"
        );
        let comments = comment_lines(&use_case);
        assert_eq!(comments.len(), 4);
        assert!(
            comments[0].starts_with("# Derived precondition"),
            "{comments:?}"
        );
        assert!(comments[0].contains("line 20"), "{comments:?}");
        assert!(comments[2].contains("with `unless`"), "{comments:?}");
        assert!(
            comments[1].starts_with("# No precondition derived")
                && comments[1].ends_with("the Widget is too | cold."),
            "{comments:?}"
        );
    }

    #[test]
    fn a_page_with_a_precondition_derives_nothing() {
        let use_case = page(
            "The Identity has a Widget.",
            "",
            "- No Widget can be returned if there is no Widget.\n",
        );
        assert!(derive(&use_case).is_empty());
        assert!(derived_steps(&use_case).is_empty());
    }

    #[test]
    fn a_qualifier_of_something_that_is_not_a_parameter_stays() {
        let use_case = page(
            "",
            "",
            "- No Widget can be returned if none exists with the given `name` for this Identity.\n",
        );
        assert_eq!(
            derived_steps(&use_case),
            ["the Identity has a Widget with the given `name`"]
        );
    }
}
