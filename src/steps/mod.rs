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

    fn when(text: &str) -> Step {
        Step {
            keyword: "When ".into(),
            ty: StepType::When,
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
            let step = when(&format!("the Identity calls {}", function.name()));
            assert!(
                matches!(steps.find(&step), Ok(Some(_))),
                "{}",
                function.name()
            );
        }
        assert!(matches!(
            steps.find(&when("the Identity calls uploadOwnFile with `content`")),
            Ok(None)
        ));
    }
}
