//! A cucumber writer that records how each scenario ended, for the final
//! summary line and the reports.

use super::features::is_capability_skip;
use crate::steps::ERRORED_PREFIX;
use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::gherkin;
use cucumber::{Event, World, parser};
use std::sync::{Arc, Mutex};

/// How a scenario ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every step passed.
    Passed,
    /// A check failed: the implementation does not conform.
    Failed,
    /// The adapter failed (transport, timeout, crash, missing setup).
    Errored,
    /// Skipped because the implementation lacks a capability.
    Skipped,
}

/// One scenario's result.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The feature's name.
    pub feature: String,
    /// The scenario's name.
    pub scenario: String,
    /// The scenario's tags (own, rule's and feature's).
    pub tags: Vec<String>,
    /// The feature file and line.
    pub location: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why it did not pass: where and why.
    pub message: Option<String>,
    /// Why it did not pass: only the cause (the failed check's or the adapter's message).
    pub cause: Option<String>,
}

/// Everything the tally saw.
#[derive(Debug, Default, Clone)]
pub struct TallyData {
    /// Scenario results in the order they finished.
    pub scenarios: Vec<ScenarioResult>,
    /// Feature files that could not be parsed, with the cause.
    pub parse_errors: Vec<String>,
}

impl TallyData {
    /// How many scenarios have `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.verdict == verdict)
            .count()
    }
}

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

    fn on_scenario<W>(
        &self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
        ev: &Scenario<W>,
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
                    verdict: if is_capability_skip(scenario) {
                        Verdict::Skipped
                    } else {
                        Verdict::Passed
                    },
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
            Scenario::Step(step, Step::Failed(_, _, _, error))
            | Scenario::Background(step, Step::Failed(_, _, _, error)) => {
                if let Some(result) = current
                    .iter_mut()
                    .rev()
                    .find(|r| Self::key_matches(r, feature, scenario))
                    && matches!(result.verdict, Verdict::Passed | Verdict::Skipped)
                {
                    let message = step_error_message(error);
                    result.verdict = if message.starts_with(ERRORED_PREFIX) {
                        Verdict::Errored
                    } else {
                        Verdict::Failed
                    };
                    result.message = Some(format!(
                        "step `{} {}` failed: {message}",
                        step.keyword.trim(),
                        step.value
                    ));
                    result.cause = Some(cause_of(&message));
                }
            }
            Scenario::Hook(_, event::Hook::Failed(_, info)) => {
                if let Some(result) = current
                    .iter_mut()
                    .rev()
                    .find(|r| Self::key_matches(r, feature, scenario))
                {
                    let message = panic_message(info);
                    result.verdict = if message.starts_with(ERRORED_PREFIX) {
                        Verdict::Errored
                    } else {
                        Verdict::Failed
                    };
                    result.message = Some(format!("hook failed: {message}"));
                    result.cause = Some(cause_of(&message));
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

/// The cause without the `assert_eq!` boilerplate, so that it starts with the check's own words.
fn cause_of(message: &str) -> String {
    [
        "assertion `left == right` failed: ",
        "assertion `left != right` failed: ",
    ]
    .iter()
    .find_map(|prefix| message.strip_prefix(prefix))
    .unwrap_or(message)
    .to_owned()
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

impl<W: World> cucumber::Writer<W> for Tally {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(&mut self, event: parser::Result<Event<Cucumber<W>>>, _cli: &Self::Cli) {
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
