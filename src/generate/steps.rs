//! The general rules that turn a bullet into Given / When / Then steps.
//!
//! - Given: the `precondition` property for a success bullet (when it is
//!   empty, the steps [`precondition`](super::precondition) derives from the
//!   failure conditions); for a failure
//!   bullet, its condition clause (the text after the first `if`, `when` or
//!   `unless`; the whole bullet when it has none).
//! - When: the `actor` calls the `function` (or the `api_route_regex` of a
//!   page that documents a REST route instead), with the parameters named by the
//!   `Parameters` section (each bullet's first inline code, else its text).
//! - Then: a success bullet as written; for a failure bullet, that the call
//!   fails, and its consequence clause.
//!
//! Every step reads as a sentence after its keyword: the bullet's first word,
//! when it is an ordinary capitalized word (`Returns`, `No`; not a name such
//! as `IdentityDeletionProcess`), is lower-cased, and a closing full stop is
//! dropped. A failure condition `none …` names what `none` stands for, the
//! noun of the consequence `No N can be …`: `no N …`.

use super::failure::split_failure;
use crate::spec::{SectionKind, UseCase};

/// The keyword a step is written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKeyword {
    /// `Given`
    Given,
    /// `When`
    When,
    /// `Then`
    Then,
    /// `And`
    And,
}

impl StepKeyword {
    /// The keyword as written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Given => "Given",
            Self::When => "When",
            Self::Then => "Then",
            Self::And => "And",
        }
    }
}

/// The step that every failure scenario starts its Then part with (from the vocabulary).
pub const CALL_FAILS_STEP: &str = crate::vocabulary::CALL_FAILS;

/// The When step shared by every scenario of a use case.
fn when_step(use_case: &UseCase) -> String {
    let actor = use_case.property("actor").unwrap_or("caller");
    let function = use_case.callable().unwrap_or("the use case");
    let params: Vec<String> = use_case
        .body
        .section(&SectionKind::Parameters)
        .map(|section| {
            section
                .bullets
                .iter()
                .map(|b| {
                    first_code_span(&b.text)
                        .unwrap_or_else(|| b.full_text().trim_end_matches('.').to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    crate::vocabulary::call_text(actor, function, &params)
}

/// The first inline code span of `text`, backticks included.
fn first_code_span(text: &str) -> Option<String> {
    let start = text.find('`')?;
    let len = text[start + 1..].find('`')?;
    Some(text[start..start + len + 2].to_owned())
}

/// The steps of the scenario for one bullet of section `kind`.
pub fn scenario_steps(
    use_case: &UseCase,
    kind: &SectionKind,
    bullet: &str,
) -> Vec<(StepKeyword, String)> {
    let mut steps = Vec::new();
    if *kind == SectionKind::OnFailure {
        let parts = split_failure(bullet);
        let noun = parts
            .consequence
            .as_deref()
            .and_then(super::precondition::consequence_noun);
        let condition = name_none(&parts.condition, noun);
        let condition = if parts.negated {
            format!("it is not the case that {condition}")
        } else {
            condition
        };
        steps.push((StepKeyword::Given, sentence(&condition)));
        steps.push((StepKeyword::When, when_step(use_case)));
        steps.push((StepKeyword::Then, CALL_FAILS_STEP.to_owned()));
        if let Some(consequence) = parts.consequence {
            steps.push((StepKeyword::And, sentence(&consequence)));
        }
    } else {
        if let Some(precondition) = use_case.property("precondition") {
            steps.push((StepKeyword::Given, sentence(precondition)));
        } else {
            for (i, step) in super::precondition::derived_steps(use_case)
                .into_iter()
                .enumerate()
            {
                let keyword = if i == 0 {
                    StepKeyword::Given
                } else {
                    StepKeyword::And
                };
                steps.push((keyword, step));
            }
        }
        steps.push((StepKeyword::When, when_step(use_case)));
        steps.push((StepKeyword::Then, sentence(bullet)));
    }
    steps
}

/// `text` as it reads after a step keyword: an ordinary capitalized first
/// word lower-cased, a closing full stop dropped.
fn sentence(text: &str) -> String {
    let text = text.trim();
    let text = text.strip_suffix('.').unwrap_or(text).trim_end();
    let first = text.split_whitespace().next().unwrap_or_default();
    let mut chars = first.chars();
    let ordinary = chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.clone().next().is_some()
        && chars.all(|c| c.is_ascii_lowercase());
    if ordinary {
        let mut out = first.to_ascii_lowercase();
        out.push_str(&text[first.len()..]);
        out
    } else {
        text.to_owned()
    }
}

/// A condition `none …` with `none` named: `no <noun> …`.
fn name_none(condition: &str, noun: Option<&str>) -> String {
    let trimmed = condition.trim();
    match (trimmed.get(..5), noun) {
        (Some(head), Some(noun)) if head.eq_ignore_ascii_case("none ") => {
            format!("no {noun} {}", &trimmed[5..])
        }
        _ => condition.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_read_as_sentences() {
        assert_eq!(sentence("Returns the Widget."), "returns the Widget");
        assert_eq!(
            sentence("No Widget can be polished"),
            "no Widget can be polished"
        );
        assert_eq!(
            sentence("IdentityDeletionProcess is kept."),
            "IdentityDeletionProcess is kept"
        );
        assert_eq!(sentence("A"), "A");
        assert_eq!(sentence("`id` is given"), "`id` is given");
        assert_eq!(
            name_none("none is active for this Identity.", Some("Widget")),
            "no Widget is active for this Identity."
        );
        assert_eq!(name_none("none is active", None), "none is active");
        assert_eq!(name_none("nonetheless", Some("Widget")), "nonetheless");
    }

    #[test]
    fn code_spans_name_parameters() {
        assert_eq!(first_code_span("The `id` of it"), Some("`id`".to_owned()));
        assert_eq!(first_code_span("no code"), None);
        assert_eq!(first_code_span("unclosed `x"), None);
    }
}
