//! The `@requires.<capability>` tags of a generated scenario.
//!
//! A scenario whose steps need an optional capability of the implementation
//! (a clock that can be moved, observable events) carries the tag in the
//! generated file, so the file says what it needs without the runner. The
//! detection is the runner's own ([`crate::steps::required_capabilities`]),
//! so the two cannot disagree.

use super::steps::StepKeyword;
use crate::vocabulary::required_capabilities;

/// The tag line (`@requires.clock @requires.events`) for a scenario with
/// `steps`, or `None` when it needs no capability.
pub fn tag_line(steps: &[(StepKeyword, String)]) -> Option<String> {
    let needed = required_capabilities(&[], steps.iter().map(|(_, text)| text.as_str()));
    if needed.is_empty() {
        return None;
    }
    let tags: Vec<String> = needed.iter().map(|c| format!("@{}", c.tag())).collect();
    Some(tags.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_steps_give_tags() {
        let steps = vec![
            (
                StepKeyword::Given,
                "the Identity's clock is stopped".to_owned(),
            ),
            (
                StepKeyword::Then,
                crate::vocabulary::Phrase::NoEvent.to_string(),
            ),
        ];
        assert_eq!(
            tag_line(&steps).as_deref(),
            Some("@requires.clock @requires.events")
        );
        assert_eq!(
            tag_line(&[(StepKeyword::Then, "the call fails".to_owned())]),
            None
        );
    }

    #[test]
    fn generated_scenarios_carry_their_tags() {
        let page = "---\ntitle: T\nproperties:\n  - id: TST1\n  - function: cancelIt\n  - actor: Identity\n---\n\n## On Failure\n\n- Nothing can be cancelled if the grace period of the active IdentityDeletionProcess is already over.\n- Nothing can be cancelled if the Identity has no IdentityDeletionProcess.\n";
        let use_case = crate::spec::parse_page(std::path::Path::new("t.md"), page.as_bytes())
            .expect("test page parses");
        let feature = crate::generate::render(&use_case).expect("it has outcomes");
        let parsed = cucumber::gherkin::Feature::parse(
            &feature.text,
            cucumber::gherkin::GherkinEnv::default(),
        )
        .expect("the feature parses back");
        let tags: Vec<&Vec<String>> = parsed.rules[0].scenarios.iter().map(|s| &s.tags).collect();
        assert_eq!(tags, [&vec!["requires.clock".to_owned()], &Vec::new()]);
    }
}
