//! A cucumber writer that records how each scenario ended, for the final
//! summary line and the reports.

use super::features::is_capability_skip;
pub use crate::outcome::{Outcome, ScenarioResult, TallyData};
use crate::steps::ConformanceWorld;
use crate::verdict::{Fault, Verdict};
use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::gherkin;
use cucumber::{Event, parser};
use std::sync::{Arc, Mutex};

/// The writer; clone the handle before handing it to cucumber.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    data: Arc<Mutex<TallyData>>,
    current: Arc<Mutex<Vec<ScenarioResult>>>,
}

impl Tally {
    /// A snapshot of what was recorded.
    pub fn data(&self) -> TallyData {
        self.data
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn key_matches(
        result: &ScenarioResult,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
    ) -> bool {
        result.location == location(feature, scenario)
    }

    fn on_scenario(
        &self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
        ev: &Scenario<ConformanceWorld>,
    ) {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match ev {
            Scenario::Started => {
                let tags = feature
                    .tags
                    .iter()
                    .chain(rule.iter().flat_map(|r| &r.tags))
                    .chain(&scenario.tags)
                    .cloned()
                    .collect();
                current.push(ScenarioResult {
                    feature: feature.name.clone(),
                    scenario: scenario.name.clone(),
                    tags,
                    location: location(feature, scenario),
                    outcome: if is_capability_skip(scenario) {
                        Outcome::Skipped
                    } else {
                        Outcome::Passed
                    },
                    verdict: None,
                    message: is_capability_skip(scenario).then(|| {
                        scenario
                            .steps
                            .first()
                            .map(|s| s.value.clone())
                            .unwrap_or_default()
                    }),
                    cause: None,
                });
            }
            Scenario::Step(step, Step::Failed(_, _, world, error))
            | Scenario::Background(step, Step::Failed(_, _, world, error)) => {
                if let Some(result) = current
                    .iter_mut()
                    .rev()
                    .find(|r| Self::key_matches(r, feature, scenario))
                    && matches!(result.outcome, Outcome::Passed | Outcome::Skipped)
                {
                    let typed = world.as_ref().and_then(|w| w.verdict.clone());
                    let (outcome, verdict, cause) = classify(error, typed);
                    result.outcome = outcome;
                    result.message = Some(format!(
                        "step `{} {}`: {}",
                        step.keyword.trim(),
                        step.value,
                        verdict
                            .as_ref()
                            .map_or_else(|| cause.clone(), ToString::to_string)
                    ));
                    result.cause = Some(cause);
                    result.verdict = verdict;
                }
            }
            Scenario::Hook(_, event::Hook::Failed(world, info)) => {
                if let Some(result) = current
                    .iter_mut()
                    .rev()
                    .find(|r| Self::key_matches(r, feature, scenario))
                {
                    let typed = world.as_ref().and_then(|w| w.verdict.clone());
                    let (outcome, verdict, cause) =
                        classify(&StepError::Panic(info.clone()), typed);
                    result.outcome = outcome;
                    result.message = Some(format!(
                        "before the scenario: {}",
                        verdict
                            .as_ref()
                            .map_or_else(|| cause.clone(), ToString::to_string)
                    ));
                    result.cause = Some(cause);
                    result.verdict = verdict;
                }
            }
            Scenario::Finished => {
                if let Some(index) = current
                    .iter()
                    .rposition(|r| Self::key_matches(r, feature, scenario))
                {
                    let result = current.remove(index);
                    self.data
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .scenarios
                        .push(result);
                }
            }
            _ => {}
        }
    }
}

fn location(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> String {
    let path = feature
        .path
        .as_ref()
        .map_or_else(|| feature.name.clone(), |p| p.display().to_string());
    format!("{path}:{}", scenario.position.line)
}

/// The outcome, typed verdict and cause of a failed step. A failure is
/// read from the typed verdict the step recorded in its world; a panic
/// without one is a fault of the suite, an unmatched step is undefined.
fn classify(error: &StepError, typed: Option<Verdict>) -> (Outcome, Option<Verdict>, String) {
    match (error, typed) {
        (StepError::NotFound, _) => (
            Outcome::Undefined,
            None,
            "UNDEFINED: the suite has no step for this phrase".to_owned(),
        ),
        (_, Some(verdict)) => {
            let outcome = match verdict {
                Verdict::Failed(_) => Outcome::Failed,
                Verdict::Errored(_) => Outcome::Errored,
            };
            let cause = verdict.cause();
            (outcome, Some(verdict), cause)
        }
        (other, None) => {
            let verdict = Verdict::Errored(Fault::suite(step_error_message(other)));
            let cause = verdict.cause();
            (Outcome::Errored, Some(verdict), cause)
        }
    }
}

/// The text of a panic payload.
pub fn panic_message(info: &event::Info) -> String {
    if let Some(s) = info.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = info.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        "(a panic without a message)".to_owned()
    }
}

fn step_error_message(error: &StepError) -> String {
    match error {
        StepError::Panic(info) => panic_message(info),
        StepError::NotFound => "no step definition matches this step".to_owned(),
        other => other.to_string(),
    }
}

impl cucumber::Writer<ConformanceWorld> for Tally {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(
        &mut self,
        event: parser::Result<Event<Cucumber<ConformanceWorld>>>,
        _cli: &Self::Cli,
    ) {
        match event {
            Err(e) => {
                self.data
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .parse_errors
                    .push(e.to_string());
            }
            Ok(event) => match event.value {
                Cucumber::Feature(feature, Feature::Scenario(scenario, ev)) => {
                    self.on_scenario(&feature, None, &scenario, &ev.event);
                }
                Cucumber::Feature(feature, Feature::Rule(rule, Rule::Scenario(scenario, ev))) => {
                    self.on_scenario(&feature, Some(&rule), &scenario, &ev.event);
                }
                _ => {}
            },
        }
    }
}
