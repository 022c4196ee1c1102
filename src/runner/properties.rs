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

    /// Whether this budget is at least the default under the default seed:
    /// what a run must fuzz with for `--update-expectations` to remove an
    /// entry of a property that passed.
    pub fn is_full(&self) -> bool {
        self.cases >= Self::DEFAULT_CASES
            && self.concurrency_cases >= Self::DEFAULT_CONCURRENCY_CASES
            && self.seed == crate::fuzz::SeedChoice::resolve(None)
    }
}

/// Whether `test_case` is a fuzz property (its strength depends on the
/// budget), named by [`case_name`].
pub fn is_budgeted(test_case: &str) -> bool {
    test_case.starts_with(CASE_PREFIX)
}

/// The fuzz properties' test cases, by name and tags, as a run with
/// fuzzing has them.
pub fn property_cases() -> Vec<(String, Vec<String>)> {
    crate::fuzz::PROPERTIES
        .iter()
        .map(|property| {
            let name = case_name(property);
            let tags = case_tags(&name);
            (name, tags)
        })
        .collect()
}

/// The tags of the property case `name`: `fuzz` and its level.
fn case_tags(name: &str) -> Vec<String> {
    vec![TAG.to_owned(), crate::levels::property_level(name).tag()]
}

/// The prefix of every property's test case name.
const CASE_PREFIX: &str = "fuzz: ";

/// The feature every property case belongs to in the reports.
const FEATURE: &str = "Fuzzing and protocol checks";
/// The tag of every property case (select them with `--tags @fuzz`).
pub const TAG: &str = "fuzz";

/// The test case of the protocol's unknown-kind check (process adapters).
pub const UNKNOWN_KIND_CASE: &str = UNKNOWN_KIND.name;

/// The test cases of the protocol's hygiene checks (unknown kind, `seq`
/// order, `stop`): passing them shows nothing of the use cases.
pub const PROTOCOL_CHECK_CASES: [&str; 3] = [UNKNOWN_KIND.name, SEQ_ORDER.name, STOP.name];

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
    format!("{CASE_PREFIX}{property}")
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
    let tags = case_tags(&name);
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
            doc_location: None,
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

/// One protocol check of the stdio protocol as a test case.
struct ProtocolCheck {
    /// The test case's name.
    name: &'static str,
    /// What it sends, in words.
    what: &'static str,
    /// The rule a broken promise fails.
    rule: &'static str,
    /// The promise, in words.
    promise: &'static str,
    /// The conforming answer.
    expected: &'static str,
    /// The faults that break the promise (others are the implementation's errors).
    breaks: &'static [AdapterFault],
}

const UNKNOWN_KIND: ProtocolCheck = ProtocolCheck {
    name: "protocol: an unknown request kind gets `errored`",
    what: "a request of a kind the protocol does not define",
    rule: "PROTOCOL.unknown-kind",
    promise: "a request of an unknown kind must get an `errored` reply",
    expected: "{\"seq\":N,\"errored\":{\"message\":…}}",
    breaks: &[AdapterFault::Protocol],
};

const SEQ_ORDER: ProtocolCheck = ProtocolCheck {
    name: "protocol: requests written out of `seq` order are answered",
    what: "two `newIdentity` requests, the higher `seq` written first",
    rule: "PROTOCOL.seq-order",
    promise: "two `newIdentity` requests written out of `seq` order (the higher first) must each get its own Identity",
    expected: "{\"seq\":N,\"result\":{\"identity\":…}} for each",
    breaks: &[AdapterFault::Protocol, AdapterFault::Declined],
};

const STOP: ProtocolCheck = ProtocolCheck {
    name: "protocol: `stop` is answered with `{}` and the process exits",
    what: "`stop`, then a wait of up to `--timeout` for the exit",
    rule: "PROTOCOL.stop",
    promise: "`stop` must be answered with `{}`, and the implementation must then exit",
    expected: "{\"seq\":N,\"result\":{}}, then the exit",
    breaks: &[AdapterFault::Protocol, AdapterFault::Declined],
};

/// Runs `probe` (if the adapter has it) and adds its test case to `tally`.
async fn protocol_check(
    check: &ProtocolCheck,
    probe: Option<futures::future::BoxFuture<'_, Result<(), crate::adapter::AdapterError>>>,
    tally: &Tally,
) {
    let Some(probe) = probe else { return };
    let started = SystemTime::now();
    let clock = Instant::now();
    let verdict = match probe.await {
        Ok(()) => None,
        Err(e) if check.breaks.contains(&e.fault) => Some(Verdict::Failed(
            Failure::new(RuleId::new(check.rule), check.promise)
                .expected_actual(check.expected, e.message),
        )),
        Err(e) => Some(Verdict::Errored(Fault::adapter(
            format!("checking that {}", check.promise),
            &e,
        ))),
    };
    tally.push(record(
        check.name.to_owned(),
        check.what.to_owned(),
        verdict,
        None,
        started,
        clock.elapsed(),
    ));
}

/// Runs the fuzz properties and the calendar check with `budget` against
/// `members[0]` (the model property's cases over every member, see
/// [`fuzz::fuzz_each`]), and, for an adapter that speaks the stdio protocol,
/// the protocol checks on `members[0]` (unknown kind and `seq` order first,
/// `stop` last); adds a test case for each to `tally`.
pub async fn run(
    members: Vec<Arc<dyn Adapter>>,
    info: &ImplementationInfo,
    budget: FuzzBudget,
    waivers: Arc<Waivers>,
    tally: &Tally,
) {
    let Some(adapter) = members.first().cloned() else {
        return;
    };
    protocol_check(&UNKNOWN_KIND, adapter.probe_unknown_request(), tally).await;
    protocol_check(&SEQ_ORDER, adapter.probe_seq_order(), tally).await;
    fuzz_properties(members, info, budget, waivers, tally).await;
    protocol_check(&STOP, adapter.probe_stop(), tally).await;
}

async fn fuzz_properties(
    members: Vec<Arc<dyn Adapter>>,
    info: &ImplementationInfo,
    budget: FuzzBudget,
    waivers: Arc<Waivers>,
    tally: &Tally,
) {
    let mut options = FuzzOptions::new(budget.cases, budget.seed);
    options.concurrency_cases = budget.concurrency_cases;
    options.waivers = waivers;
    let runtime = tokio::runtime::Handle::current();
    let info = info.clone();
    let started = SystemTime::now();
    let outcomes =
        tokio::task::spawn_blocking(move || fuzz::fuzz_each(&members, &info, &runtime, &options))
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
