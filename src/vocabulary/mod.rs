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
pub use phrase::{ACTOR, CALL_FAILS, Param, Phrase, Refusal, StepKind, call_text};

use crate::adapter::Capability;
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

#[cfg(test)]
mod tests;
