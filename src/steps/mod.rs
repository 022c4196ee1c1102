//! The cucumber world and step definitions.
//!
//! Steps match the texts the generator writes from the spec pages by
//! pattern (a phrase grammar per kind of statement), not one definition per
//! file or bullet; the hand-written features use the same vocabulary plus a
//! few precise checks. A step that no definition matches fails the run.

mod capabilities;
mod expect;
mod function;
mod given;
mod then;
mod when;
mod world;

pub use capabilities::{CAPABILITY_STEPS, StepKind, required_capabilities};
pub use function::Function;
pub use world::{ConformanceWorld, ERRORED_PREFIX, RunContext};

/// Every step definition of the suite: the attribute-defined steps plus the
/// capability steps, registered from [`CAPABILITY_STEPS`].
pub fn collection() -> cucumber::step::Collection<ConformanceWorld> {
    let mut steps = <ConformanceWorld as cucumber::World>::collection();
    for (_, kind, pattern, step) in CAPABILITY_STEPS {
        let Ok(regex) = regex::Regex::new(pattern) else {
            continue; // every pattern compiles: tested in `capabilities`
        };
        steps = match kind {
            StepKind::GivenOrWhen => steps
                .given(None, regex.clone(), *step)
                .when(None, regex, *step),
            StepKind::Then => steps.then(None, regex, *step),
        };
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use cucumber::gherkin::{LineCol, Span, Step, StepType};

    fn step(ty: StepType, text: &str) -> Step {
        Step {
            keyword: "* ".into(),
            ty,
            value: text.into(),
            docstring: None,
            table: None,
            span: Span { start: 0, end: 0 },
            position: LineCol { line: 1, col: 1 },
        }
    }

    #[test]
    fn the_call_step_knows_exactly_the_five_functions() {
        let steps = collection();
        for function in Function::ALL {
            let step = step(
                StepType::When,
                &format!("the Identity calls {}", function.name()),
            );
            assert!(
                matches!(steps.find(&step), Ok(Some(_))),
                "{}",
                function.name()
            );
        }
        let other = step(
            StepType::When,
            "the Identity calls uploadOwnFile with `content`",
        );
        assert!(matches!(steps.find(&other), Ok(None)));
    }

    /// Each wording the phrase grammar accepts finds exactly one definition.
    #[test]
    fn alternative_wordings_are_defined_once() {
        let steps = collection();
        for (ty, text) in [
            (StepType::Given, "none is active for this Identity."),
            (
                StepType::Given,
                "none has `\"Active\"` as `status` for this Identity.",
            ),
            (
                StepType::Given,
                "the Identity has no IdentityDeletionProcess with `\"Active\"` as `status`.",
            ),
            (
                StepType::Given,
                "none exists with the given `id` for this Identity.",
            ),
            (
                StepType::Given,
                "The Identity has no IdentityDeletionProcess with the given `id`.",
            ),
            (
                StepType::Then,
                "Returns the active IdentityDeletionProcess.",
            ),
            (
                StepType::Then,
                "Returns the IdentityDeletionProcess of the Identity that has `\"Active\"` as `status`.",
            ),
            (
                StepType::Then,
                "Returns the IdentityDeletionProcess corresponding to the provided `id`.",
            ),
            (
                StepType::Then,
                "Returns the IdentityDeletionProcess with the given `id`.",
            ),
            (
                StepType::Then,
                "Returns a list with all IdentityDeletionProcesses of your Identity.",
            ),
            (
                StepType::Then,
                "Returns the initiated IdentityDeletionProcess.",
            ),
        ] {
            assert!(matches!(steps.find(&step(ty, text)), Ok(Some(_))), "{text}");
        }
    }
}
