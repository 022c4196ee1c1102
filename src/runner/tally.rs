//! A cucumber writer that records how each scenario ended, for the final
//! summary line and the reports: the typed [`ScenarioResult`] the gate reads,
//! and (in a [`ScenarioRecord`]) where the scenario is written and how each
//! of its steps went, which the JUnit and Cucumber JSON reports are written
//! from.

use super::features::{FileOrigins, capability_skip_reason, is_capability_skip};
use crate::levels::Level;
pub use crate::outcome::{Outcome, ScenarioResult, TallyData};
use crate::steps::ConformanceWorld;
use crate::verdict::{Fault, Verdict};
use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step, StepError};
use cucumber::gherkin;
use cucumber::{Event, parser};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// A feature as the reports show it (without its scenarios).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureInfo {
    /// `Feature` (or the keyword of the file's language).
    pub keyword: String,
    /// The feature's name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Its own tags (without `@`).
    pub tags: Vec<String>,
    /// The line of its keyword.
    pub line: usize,
    /// The feature file.
    pub path: Option<PathBuf>,
}

/// A rule as the reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// The rule's name.
    pub name: String,
    /// Its own tags.
    pub tags: Vec<String>,
    /// The line of its keyword.
    pub line: usize,
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// It ran and passed.
    Passed,
    /// It ran and failed (or errored).
    Failed,
    /// No phrase of the vocabulary matches it.
    Undefined,
    /// It did not run (an earlier step failed, or the scenario is a capability skip).
    Skipped,
}

/// One step of a scenario, as it ran.
#[derive(Debug, Clone)]
pub struct StepRecord {
    /// `Given `, `When `, `Then `, `And `, `But ` or `* `.
    pub keyword: String,
    /// The step's text.
    pub text: String,
    /// Its line in the feature file.
    pub line: usize,
    /// Whether it belongs to a background.
    pub background: bool,
    /// How it ended.
    pub status: StepStatus,
    /// How long it ran (steps that ran).
    pub duration: Option<Duration>,
    /// Why it failed: the typed verdict as text (never a source location of the suite).
    pub error: Option<String>,
    started: Option<SystemTime>,
}

impl StepRecord {
    /// A step that is not a Gherkin step (the one step of a fuzz property).
    pub fn synthetic(
        text: String,
        status: StepStatus,
        duration: Duration,
        error: Option<String>,
    ) -> Self {
        Self {
            keyword: "* ".to_owned(),
            text,
            line: 0,
            background: false,
            status,
            duration: Some(duration),
            error,
            started: None,
        }
    }

    fn planned(step: &gherkin::Step, background: bool) -> Self {
        Self {
            keyword: step.keyword.clone(),
            text: step.value.clone(),
            line: step.position.line,
            background,
            status: StepStatus::Skipped,
            duration: None,
            error: None,
            started: None,
        }
    }
}

/// Everything the reports say about one scenario.
#[derive(Debug, Clone)]
pub struct ScenarioRecord {
    /// The typed result (also in [`TallyData`]).
    pub result: ScenarioResult,
    /// The feature it belongs to.
    pub feature: Arc<FeatureInfo>,
    /// The rule it belongs to, if any.
    pub rule: Option<Arc<RuleInfo>>,
    /// `Scenario`, `Example`, `Scenario Outline` …
    pub keyword: String,
    /// Its description (for a capability skip: the reason first).
    pub description: Option<String>,
    /// Its own tags.
    pub tags: Vec<String>,
    /// The line of its keyword.
    pub line: usize,
    /// Its steps (background steps first), each with how it ended.
    pub steps: Vec<StepRecord>,
    /// A failed before-hook (the Identity could not be set up).
    pub hook_error: Option<String>,
    /// When it started.
    pub started: Option<SystemTime>,
    /// How long it ran.
    pub duration: Option<Duration>,
    /// A failed fuzz property's shrunk case (`None` for scenarios).
    pub shrunk: Option<Shrunk>,
}

/// The minimal failing case of a fuzz property, as the fuzzer shrank it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shrunk {
    /// The operation sequence as numbered steps (the failing one marked).
    pub steps: Option<String>,
    /// The same as a scenario to paste into a feature file.
    pub gherkin: Option<String>,
}

impl ScenarioRecord {
    /// The feature file, as the reports name it.
    pub fn file(&self) -> String {
        self.feature
            .path
            .as_ref()
            .map_or_else(|| self.feature.name.clone(), |p| p.display().to_string())
    }
}

/// The writer; clone the handle before handing it to cucumber.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    finished: Vec<ScenarioRecord>,
    parse_errors: Vec<String>,
    current: Vec<ScenarioRecord>,
    features: HashMap<(Option<PathBuf>, String), Arc<FeatureInfo>>,
    rules: HashMap<(Option<PathBuf>, usize), Arc<RuleInfo>>,
    origins: FileOrigins,
}

impl Inner {
    fn feature(&mut self, feature: &gherkin::Feature) -> Arc<FeatureInfo> {
        self.features
            .entry((feature.path.clone(), feature.name.clone()))
            .or_insert_with(|| {
                Arc::new(FeatureInfo {
                    keyword: feature.keyword.clone(),
                    name: feature.name.clone(),
                    description: feature.description.clone(),
                    tags: feature.tags.clone(),
                    line: feature.position.line,
                    path: feature.path.clone(),
                })
            })
            .clone()
    }

    fn rule(&mut self, feature: &gherkin::Feature, rule: &gherkin::Rule) -> Arc<RuleInfo> {
        self.rules
            .entry((feature.path.clone(), rule.position.line))
            .or_insert_with(|| {
                Arc::new(RuleInfo {
                    name: rule.name.clone(),
                    tags: rule.tags.clone(),
                    line: rule.position.line,
                })
            })
            .clone()
    }

    /// Where the documentation states what `scenario` checks: the page line
    /// of the bullet a generated scenario tests ([`crate::generate::Trace`],
    /// by the feature file's name and the scenario's name, when the file is
    /// the one generated from the built-in page), or the page line
    /// a hand-written scenario's `# Source:` comment cites.
    fn doc_location(
        &mut self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
    ) -> Option<String> {
        let path = feature.path.as_ref()?;
        let file_name = path.file_name()?.to_str()?;
        let trace = crate::generate::Trace::built_in();
        if let Some(bullet) = trace.bullet(file_name, &scenario.name) {
            // Only the file generated from the built-in page: one generated
            // from another version of the page would point at a wrong line.
            let generated_here = trace
                .feature_text(file_name)
                .zip(self.origins.of(path))
                .is_some_and(|(text, origins)| origins.text_is(text));
            return generated_here.then(|| bullet.location());
        }
        self.origins
            .of(path)
            .and_then(|o| o.of(scenario.position.line).cites)
    }

    fn record(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
    ) -> ScenarioRecord {
        let tags = feature
            .tags
            .iter()
            .chain(rule.iter().flat_map(|r| &r.tags))
            .chain(&scenario.tags)
            .cloned()
            .collect();
        let skip = capability_skip_reason(scenario).map(str::to_owned);
        let result = ScenarioResult {
            feature: feature.name.clone(),
            scenario: scenario.name.clone(),
            tags,
            location: location(feature, scenario),
            doc_location: self.doc_location(feature, scenario),
            outcome: if is_capability_skip(scenario) {
                Outcome::Skipped
            } else {
                Outcome::Passed
            },
            verdict: None,
            message: skip,
            cause: None,
        };
        let backgrounds = feature
            .background
            .iter()
            .chain(rule.and_then(|r| r.background.as_ref()))
            .flat_map(|b| &b.steps)
            .map(|s| StepRecord::planned(s, true));
        let steps = backgrounds
            .chain(scenario.steps.iter().map(|s| StepRecord::planned(s, false)))
            .collect();
        ScenarioRecord {
            result,
            feature: self.feature(feature),
            rule: rule.map(|r| self.rule(feature, r)),
            keyword: scenario.keyword.clone(),
            description: scenario.description.clone(),
            tags: scenario.tags.clone(),
            line: scenario.position.line,
            steps,
            hook_error: None,
            started: None,
            duration: None,
            shrunk: None,
        }
    }
}

impl Tally {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A snapshot of what was recorded.
    pub fn data(&self) -> TallyData {
        let inner = self.lock();
        TallyData {
            scenarios: inner.finished.iter().map(|r| r.result.clone()).collect(),
            parse_errors: inner.parse_errors.clone(),
        }
    }

    /// Every finished scenario with its steps, in the order they finished.
    pub fn records(&self) -> Vec<ScenarioRecord> {
        self.lock().finished.clone()
    }

    /// Records a capability skip that the run leaves out (its steps do not run).
    /// Adds a finished test case that is not a scenario (a fuzz property).
    pub fn push(&self, record: ScenarioRecord) {
        self.lock().finished.push(record);
    }

    /// Records a capability skip (a scenario that is not run).
    pub fn skipped(
        &self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
    ) {
        let mut inner = self.lock();
        let record = inner.record(feature, rule, scenario);
        inner.finished.push(record);
    }

    fn on_scenario(
        &self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
        ev: &Scenario<ConformanceWorld>,
        at: SystemTime,
    ) {
        let mut inner = self.lock();
        let key = location(feature, scenario);
        if let Scenario::Started = ev {
            let mut record = inner.record(feature, rule, scenario);
            record.started = Some(at);
            inner.current.push(record);
            return;
        }
        let Some(index) = inner.current.iter().rposition(|r| r.result.location == key) else {
            return;
        };
        let record = &mut inner.current[index];
        match ev {
            Scenario::Started | Scenario::Log(_) => {}
            Scenario::Step(step, ev) => on_step(record, step, false, ev, at),
            Scenario::Background(step, ev) => on_step(record, step, true, ev, at),
            Scenario::Hook(_, event::Hook::Failed(world, info)) => {
                let typed = world.as_ref().and_then(|w| w.verdict.clone());
                let (outcome, verdict, cause) = classify(&StepError::Panic(info.clone()), typed);
                let text = verdict
                    .as_ref()
                    .map_or_else(|| cause.clone(), ToString::to_string);
                let result = &mut record.result;
                result.outcome = outcome;
                result.message = Some(format!("before the scenario: {text}"));
                result.cause = Some(cause);
                result.verdict = verdict;
                record.hook_error = Some(text);
            }
            Scenario::Hook(..) => {}
            Scenario::Finished => {
                let mut record = inner.current.remove(index);
                record.duration = record.started.and_then(|s| at.duration_since(s).ok());
                inner.finished.push(record);
            }
        }
    }
}
/// Records a step event in `record` (and a failure in its result).
fn on_step(
    record: &mut ScenarioRecord,
    step: &gherkin::Step,
    background: bool,
    ev: &Step<ConformanceWorld>,
    at: SystemTime,
) {
    let Some(planned) = record.steps.iter_mut().find(|s| {
        s.background == background
            && s.line == step.position.line
            && s.status == StepStatus::Skipped
            && s.duration.is_none()
            && (s.started.is_none() || !matches!(ev, Step::Started))
    }) else {
        return;
    };
    let took = || planned.started.and_then(|s| at.duration_since(s).ok());
    match ev {
        Step::Started => planned.started = Some(at),
        Step::Skipped => {
            planned.duration = Some(took().unwrap_or_default());
            // No definition matches the step. cucumber fails it in a
            // hand-written scenario (a `Failed(NotFound)` event instead); in a
            // generated one the bullet is pending.
            if generated(&record.result.tags) {
                planned.status = StepStatus::Undefined;
                let cause = pending_cause(&step.value);
                planned.error = Some(cause.clone());
                let result = &mut record.result;
                if matches!(result.outcome, Outcome::Passed | Outcome::Skipped) {
                    result.outcome = Outcome::Pending;
                    result.message = Some(format!(
                        "step `{} {}`: {cause}",
                        step.keyword.trim(),
                        step.value
                    ));
                    result.cause = Some(cause);
                    result.verdict = None;
                }
            }
        }
        Step::Passed(..) => {
            planned.duration = Some(took().unwrap_or_default());
            planned.status = StepStatus::Passed;
        }
        Step::Failed(_, _, world, error) => {
            planned.duration = Some(took().unwrap_or_default());
            let typed = world.as_ref().and_then(|w| w.verdict.clone());
            let (mut outcome, verdict, mut cause) = classify(error, typed);
            if outcome == Outcome::Undefined && generated(&record.result.tags) {
                outcome = Outcome::Pending;
                cause = pending_cause(&step.value);
            }
            let text = verdict
                .as_ref()
                .map_or_else(|| cause.clone(), ToString::to_string);
            planned.status = if matches!(outcome, Outcome::Undefined | Outcome::Pending) {
                StepStatus::Undefined
            } else {
                StepStatus::Failed
            };
            planned.error = Some(text.clone());
            let result = &mut record.result;
            if matches!(result.outcome, Outcome::Passed | Outcome::Skipped) {
                result.outcome = outcome;
                result.message = Some(format!(
                    "step `{} {}`: {text}",
                    step.keyword.trim(),
                    step.value
                ));
                result.cause = Some(cause);
                result.verdict = verdict;
            }
        }
    }
}

/// Whether a scenario with `tags` was generated from a published page (its
/// level is `published` or `derived`).
pub(super) fn generated(tags: &[String]) -> bool {
    matches!(
        Level::of_tags(tags),
        Some(Level::Published | Level::Derived)
    )
}

/// Why a generated scenario is pending: its step `text` matches no phrase;
/// names the nearest known phrases.
fn pending_cause(text: &str) -> String {
    format!(
        "PENDING: the suite cannot execute this bullet yet (no phrase for this step; nearest known phrases: {})",
        crate::vocabulary::nearest(text, 3).join(" | ")
    )
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
            let verdict = crate::protocol::excerpt_verdict(Verdict::Errored(Fault::suite(
                step_error_message(other),
            )));
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
            Err(e) => self.lock().parse_errors.push(e.to_string()),
            Ok(Event { at, value, .. }) => match value {
                Cucumber::Feature(feature, Feature::Scenario(scenario, ev)) => {
                    self.on_scenario(&feature, None, &scenario, &ev.event, at);
                }
                Cucumber::Feature(feature, Feature::Rule(rule, Rule::Scenario(scenario, ev))) => {
                    self.on_scenario(&feature, Some(&rule), &scenario, &ev.event, at);
                }
                _ => {}
            },
        }
    }
}
