//! The fuzz properties and the protocol check as test cases of `run`: each
//! one a result in the tally, the reports and the gate, like a scenario.

use super::tally::{FeatureInfo, ScenarioRecord, Shrunk, StepRecord, StepStatus, Tally};
use crate::adapter::{Adapter, AdapterFault, ImplementationInfo};
use crate::fuzz::{self, FuzzOptions, PropertyOutcome};
use crate::oracle::Waivers;
use crate::outcome::{Outcome, ScenarioResult};
use crate::verdict::{Failure, Fault, RuleId, Verdict};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// How much fuzzing `run` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuzzBudget {
    /// Random operation sequences of the model property.
    pub cases: u32,
    /// Cases of each concurrency property.
    pub concurrency_cases: u32,
    /// The seed of all three properties.
    pub seed: u64,
}

impl FuzzBudget {
    /// Model cases by default: enough to reach the defects the features
    /// alone might miss, within the time `run` is meant to take.
    pub const DEFAULT_CASES: u32 = 64;
    /// Concurrency cases by default.
    pub const DEFAULT_CONCURRENCY_CASES: u32 = 8;
}

/// The feature every property case belongs to in the reports.
const FEATURE: &str = "Fuzzing and protocol checks";
/// The tag of every property case (select them with `--tags @fuzz`).
pub const TAG: &str = "fuzz";

/// The test case of the protocol's unknown-kind check (process adapters).
pub const UNKNOWN_KIND_CASE: &str = "protocol: an unknown request kind gets `errored`";

fn feature() -> Arc<FeatureInfo> {
    Arc::new(FeatureInfo {
        keyword: "Feature".to_owned(),
        name: FEATURE.to_owned(),
        description: Some(
            "Properties the suite fuzzes, and the protocol's hygiene, run by `run` after the features."
                .to_owned(),
        ),
        tags: vec![TAG.to_owned()],
        line: 0,
        path: None,
    })
}

/// The name of a property's test case (what expectations entries name).
pub fn case_name(property: &str) -> String {
    format!("fuzz: {property}")
}

fn record(
    name: String,
    what: String,
    verdict: Option<Verdict>,
    details: Option<String>,
    started: SystemTime,
    duration: Duration,
) -> ScenarioRecord {
    let verdict = verdict.map(crate::protocol::excerpt_verdict);
    let outcome = match &verdict {
        None => Outcome::Passed,
        Some(Verdict::Failed(_)) => Outcome::Failed,
        Some(Verdict::Errored(_)) => Outcome::Errored,
    };
    let tags = vec![TAG.to_owned(), crate::levels::property_level(&name).tag()];
    let cause = verdict.as_ref().map(|v| {
        let mut text = v.cause();
        if let Some(details) = &details {
            text.push('\n');
            text.push_str(details);
        }
        text
    });
    let message = verdict.as_ref().map(|v| {
        let mut text = v.to_string();
        if let Some(details) = &details {
            text.push('\n');
            text.push_str(details);
        }
        text
    });
    ScenarioRecord {
        result: ScenarioResult {
            feature: FEATURE.to_owned(),
            scenario: name.clone(),
            tags: tags.clone(),
            location: format!("{TAG}:{}", name.trim_start_matches("fuzz: ")),
            outcome,
            verdict,
            message: message.clone(),
            cause,
        },
        feature: feature(),
        rule: None,
        keyword: "Property".to_owned(),
        description: None,
        tags,
        line: 0,
        steps: vec![StepRecord::synthetic(
            what,
            if outcome == Outcome::Passed {
                StepStatus::Passed
            } else {
                StepStatus::Failed
            },
            duration,
            message,
        )],
        hook_error: None,
        started: Some(started),
        duration: Some(duration),
        shrunk: None,
    }
}

/// A property that checked nothing: skipped, with the reason (never passed).
fn skipped_record(
    name: String,
    what: String,
    reason: String,
    started: SystemTime,
) -> ScenarioRecord {
    let mut record = record(name, what, None, None, started, Duration::ZERO);
    record.result.outcome = Outcome::Skipped;
    record.result.message = Some(format!("SKIPPED: {reason}"));
    record.result.cause = Some(reason.clone());
    record.description = Some(reason);
    for step in &mut record.steps {
        step.status = StepStatus::Skipped;
    }
    record
}

fn property_record(outcome: PropertyOutcome, started: SystemTime) -> ScenarioRecord {
    if let Some(reason) = outcome.skipped {
        return skipped_record(case_name(outcome.property), outcome.what, reason, started);
    }
    let details = outcome.failure.as_ref().map(|f| {
        let mut text = String::new();
        if let Some(steps) = &f.steps {
            text.push_str("minimal operation sequence:\n");
            text.push_str(steps);
        }
        if let Some(gherkin) = &f.gherkin {
            text.push_str("\nas a scenario to paste into a feature file:\n");
            text.push_str(gherkin);
        }
        text
    });
    let shrunk = outcome
        .failure
        .as_ref()
        .filter(|f| f.steps.is_some() || f.gherkin.is_some())
        .map(|f| Shrunk {
            steps: f.steps.clone(),
            gherkin: f.gherkin.clone(),
        });
    let mut record = record(
        case_name(outcome.property),
        outcome.what,
        outcome.failure.map(|f| f.verdict),
        details.filter(|d| !d.is_empty()),
        started,
        outcome.duration,
    );
    record.shrunk = shrunk;
    record
}

/// Runs the three fuzz properties with `budget` against `adapter`, and, for
/// an adapter that speaks the stdio protocol, the unknown-kind check; adds a
/// test case for each to `tally`.
pub async fn run(
    adapter: Arc<dyn Adapter>,
    info: &ImplementationInfo,
    budget: FuzzBudget,
    waivers: Arc<Waivers>,
    tally: &Tally,
) {
    if let Some(probe) = adapter.probe_unknown_request() {
        let started = SystemTime::now();
        let clock = Instant::now();
        let verdict = match probe.await {
            Ok(()) => None,
            Err(e) if e.fault == AdapterFault::Protocol => Some(Verdict::Failed(
                Failure::new(
                    RuleId::new("PROTOCOL.unknown-kind"),
                    "a request of an unknown kind must get an `errored` reply",
                )
                .expected_actual("{\"seq\":N,\"errored\":{\"message\":…}}", e.message),
            )),
            Err(e) => Some(Verdict::Errored(Fault::adapter(
                "sending a request of an unknown kind",
                &e,
            ))),
        };
        tally.push(record(
            UNKNOWN_KIND_CASE.to_owned(),
            "a request of a kind the protocol does not define".to_owned(),
            verdict,
            None,
            started,
            clock.elapsed(),
        ));
    }
    let mut options = FuzzOptions::new(budget.cases, budget.seed);
    options.concurrency_cases = budget.concurrency_cases;
    options.waivers = waivers;
    let runtime = tokio::runtime::Handle::current();
    let info = info.clone();
    let started = SystemTime::now();
    let outcomes =
        tokio::task::spawn_blocking(move || fuzz::fuzz_each(adapter, &info, &runtime, &options))
            .await;
    match outcomes {
        Ok(outcomes) => {
            for outcome in outcomes {
                tally.push(property_record(outcome, started));
            }
        }
        Err(e) => tally.push(record(
            case_name("properties"),
            "the fuzz properties".to_owned(),
            Some(Verdict::Errored(Fault::suite(format!(
                "the fuzzer stopped: {e}"
            )))),
            None,
            started,
            Duration::ZERO,
        )),
    }
}
