//! Comparing a run's results with the expectations, strictly both ways.

use super::MAX_PATTERN_MATCHES;
use super::file::{Expectation, Expectations, Outcome};
use crate::adapter::AdapterFault;
use crate::outcome::{Outcome as RunOutcome, ScenarioResult};
use crate::verdict::{FaultKind, Verdict};
use std::collections::{BTreeMap, HashMap};

/// What the comparison found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A listed failure failed as listed.
    Expected {
        /// The scenario.
        scenario: String,
    },
    /// A failure no entry lists.
    Unexpected {
        /// The scenario.
        scenario: String,
        /// How it failed.
        outcome: &'static str,
        /// Why.
        cause: String,
    },
    /// A listed scenario passed: the entry has gone stale.
    Stale {
        /// The entry.
        entry: String,
        /// The scenario.
        scenario: String,
    },
    /// A listed scenario failed otherwise than listed.
    Mismatch {
        /// The entry.
        entry: String,
        /// The scenario.
        scenario: String,
        /// What differs.
        detail: String,
    },
    /// An entry matched no scenario of the run.
    Unmatched {
        /// The entry.
        entry: String,
    },
    /// A scenario failed by a waived rule: a known deviation.
    Waived {
        /// The scenario.
        scenario: String,
        /// The waived rule.
        rule: String,
    },
    /// A waived rule's checks all ran and passed: the waiver has gone stale.
    StaleWaiver {
        /// The waiver.
        waiver: String,
    },
    /// Under `--strict`: an entry or waiver whose reason is still a `TODO`.
    TodoReason {
        /// The entry or waiver.
        entry: String,
    },
    /// A test case the suite could not judge: a step it does not define or a
    /// fault of the suite itself. The suite's own problem, never the
    /// implementation's: no entry can list it, and it keeps the gate from
    /// passing (exit code 3 when nothing else fails).
    SuiteProblem {
        /// The test case.
        scenario: String,
        /// Why the suite could not judge it.
        cause: String,
    },
    /// A pattern matched more scenarios than allowed.
    TooBroad {
        /// The entry.
        entry: String,
        /// How many it matched.
        matched: usize,
    },
}

impl Finding {
    /// Whether the finding fails the gate.
    pub fn fails(&self) -> bool {
        !matches!(self, Finding::Expected { .. } | Finding::Waived { .. })
    }

    /// The finding as a report line.
    pub fn render(&self) -> String {
        match self {
            Finding::Expected { scenario } => format!("expected failure: {scenario}"),
            Finding::Waived { scenario, rule } => {
                format!("waived, expected: {scenario} [{rule}]")
            }
            Finding::StaleWaiver { waiver } => {
                format!("STALE {waiver}: no check needed it; remove the waiver")
            }
            Finding::Unexpected {
                scenario,
                outcome,
                cause,
            } => {
                format!(
                    "UNEXPECTED {outcome}: {scenario}: {}",
                    cause.lines().next().unwrap_or_default()
                )
            }
            Finding::SuiteProblem { scenario, cause } => format!(
                "SUITE FAULT {scenario}: {} (the suite's own problem, not the implementation's: report it to the suite)",
                cause.lines().next().unwrap_or_default()
            ),
            Finding::Stale { entry, .. } => {
                format!("STALE {entry}: the scenario passed; remove the entry")
            }
            Finding::Mismatch {
                entry,
                scenario,
                detail,
            } => format!("MISMATCH {entry}: {scenario}: {detail}"),
            Finding::Unmatched { entry } => {
                format!("UNMATCHED {entry}: no scenario of this run has that name")
            }
            Finding::TodoReason { entry } => {
                format!("TODO {entry}: write the reason (--strict fails the gate on a TODO)")
            }
            Finding::TooBroad { entry, matched } => {
                format!(
                    "TOO BROAD {entry}: matches {matched} scenarios, at most {MAX_PATTERN_MATCHES} allowed"
                )
            }
        }
    }
}

/// The outcome of a scenario that did not pass, in the file's terms.
pub fn outcome_of(result: &ScenarioResult) -> Option<Outcome> {
    match result.outcome {
        // A pending bullet judges nothing: the suite cannot execute it yet.
        RunOutcome::Passed | RunOutcome::Skipped | RunOutcome::Pending => None,
        RunOutcome::Failed => Some(Outcome::Failed),
        RunOutcome::Errored
            if result.fault() == Some(FaultKind::Adapter(AdapterFault::Timeout)) =>
        {
            Some(Outcome::Timeout)
        }
        RunOutcome::Errored => Some(Outcome::Errored),
        // The suite's own gap is never an expected failure of the implementation.
        RunOutcome::Undefined => Some(Outcome::Undefined),
    }
}

/// Whether `result` failed under a race rule of the catalogue.
fn fails_by_race(result: &ScenarioResult) -> bool {
    result
        .verdict
        .as_ref()
        .and_then(Verdict::rule)
        .and_then(|r| crate::rules::find(r.as_str()))
        .is_some_and(|r| r.race)
}

/// The entries by exact scenario name, and the pattern entries, so that
/// finding a scenario's entry does not scan the whole file.
pub(super) struct Index<'a> {
    by_name: HashMap<&'a str, Vec<&'a Expectation>>,
    patterns: Vec<&'a Expectation>,
}

impl<'a> Index<'a> {
    /// Indexes `entries` (in file order).
    pub(super) fn new(entries: &'a [Expectation]) -> Self {
        let mut by_name: HashMap<&str, Vec<&Expectation>> = HashMap::new();
        let mut patterns = Vec::new();
        for entry in entries {
            match &entry.scenario {
                Some(name) => by_name.entry(name.as_str()).or_default().push(entry),
                None => patterns.push(entry),
            }
        }
        Index { by_name, patterns }
    }

    /// The first entry in file order that names `name` with `tags`, and
    /// every pattern entry that matches it.
    pub(super) fn lookup(
        &self,
        name: &str,
        tags: &[String],
    ) -> (Option<&'a Expectation>, Vec<&'a Expectation>) {
        let exact = self
            .by_name
            .get(name)
            .and_then(|list| list.iter().copied().find(|e| e.matches(name, tags)));
        let patterns: Vec<&Expectation> = self
            .patterns
            .iter()
            .copied()
            .filter(|e| e.matches(name, tags))
            .collect();
        let first = exact
            .into_iter()
            .chain(patterns.first().copied())
            .min_by_key(|e| e.index);
        (first, patterns)
    }
}

/// How the gate judged one result that did not simply pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judged {
    /// A failure an entry lists (outcome and message as listed): expected.
    Listed {
        /// The entry (`id` or scenario).
        entry: String,
        /// The entry's reason.
        reason: String,
        /// The entry's issue, if any.
        issue: Option<String>,
    },
    /// A failure of a waived rule: a known deviation.
    Waived {
        /// The rule.
        rule: String,
        /// The waiver's reason.
        reason: String,
        /// The waiver's issue, if any.
        issue: Option<String>,
    },
    /// A finding that fails the gate for this result (unexpected, stale, mismatch).
    Problem(Finding),
}

/// Compares `results` with `expectations`, in time linear in the results
/// and the entries (plus one match of each pattern per result); `usage` says
/// how many checks each waived rule waived during the run (from the oracle).
pub fn check(
    expectations: &Expectations,
    results: &[ScenarioResult],
    usage: &BTreeMap<String, usize>,
) -> Vec<Finding> {
    check_each(expectations, results, usage).0
}

/// [`check`], and also how each result was judged (aligned with `results`;
/// `None` for a result the gate has nothing to say about: a pass nobody
/// listed, or a skip).
pub fn check_each(
    expectations: &Expectations,
    results: &[ScenarioResult],
    usage: &BTreeMap<String, usize>,
) -> (Vec<Finding>, Vec<Option<Judged>>) {
    let mut judged = vec![None; results.len()];
    let mut findings = Vec::new();
    let mut matched = vec![0usize; expectations.entries.len()];
    let mut by_pattern = vec![0usize; expectations.entries.len()];
    let index = Index::new(&expectations.entries);
    for (at, result) in results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.outcome != RunOutcome::Skipped)
    {
        let (entry, patterns) = index.lookup(&result.scenario, &result.tags);
        for pattern in patterns {
            by_pattern[pattern.index] += 1;
        }
        if let Some(entry) = entry {
            matched[entry.index] += 1;
        }
        if result.suites_own() {
            let finding = Finding::SuiteProblem {
                scenario: result.scenario.clone(),
                cause: result.cause.clone().unwrap_or_default(),
            };
            judged[at] = Some(Judged::Problem(finding.clone()));
            findings.push(finding);
            continue;
        }
        if let Some(waiver) = expectations.waiver_of(result) {
            judged[at] = Some(Judged::Waived {
                rule: waiver.rule.clone(),
                reason: waiver.reason.clone(),
                issue: waiver.issue.clone(),
            });
            findings.push(Finding::Waived {
                scenario: result.scenario.clone(),
                rule: waiver.rule.clone(),
            });
            continue;
        }
        let outcome = outcome_of(result);
        let cause = result.cause.clone().unwrap_or_default();
        let finding = match (entry, outcome) {
            (None, None) => continue,
            // A race that did not happen this time: not stale.
            (Some(entry), None) if entry.race => continue,
            (None, Some(outcome)) => Finding::Unexpected {
                scenario: result.scenario.clone(),
                outcome: outcome.name(),
                cause,
            },
            (Some(entry), None) => Finding::Stale {
                entry: entry.label(),
                scenario: result.scenario.clone(),
            },
            (Some(entry), Some(outcome)) if outcome != entry.outcome => Finding::Mismatch {
                entry: entry.label(),
                scenario: result.scenario.clone(),
                detail: format!(
                    "expected to be {}, it {}: {}",
                    entry.outcome,
                    match outcome {
                        Outcome::Failed => "failed",
                        Outcome::Errored => "errored",
                        Outcome::Timeout => "timed out",
                        Outcome::Undefined => "has an undefined step",
                    },
                    cause.lines().next().unwrap_or_default()
                ),
            },
            (Some(entry), Some(Outcome::Errored))
                if entry.fault.is_some()
                    && result.fault() != entry.fault.map(FaultKind::Adapter) =>
            {
                Finding::Mismatch {
                    entry: entry.label(),
                    scenario: result.scenario.clone(),
                    detail: format!(
                        "expected to be errored with {}, it errored with {}: {}",
                        entry.fault.map_or("?", |f| f.label()),
                        result.fault().map_or("?", FaultKind::label),
                        cause.lines().next().unwrap_or_default()
                    ),
                }
            }
            // A race entry: which race rule a race trips first is up to the race.
            (Some(entry), Some(Outcome::Failed)) if entry.race && fails_by_race(result) => {
                Finding::Expected {
                    scenario: result.scenario.clone(),
                }
            }
            (Some(entry), Some(_))
                if entry.rule.as_ref().is_some_and(|rule| {
                    result
                        .verdict
                        .as_ref()
                        .and_then(Verdict::rule)
                        .map(|r| r.as_str())
                        != Some(rule.as_str())
                }) =>
            {
                Finding::Mismatch {
                    entry: entry.label(),
                    scenario: result.scenario.clone(),
                    detail: format!(
                        "fails under another rule: {}, not {}",
                        result
                            .verdict
                            .as_ref()
                            .and_then(Verdict::rule)
                            .map_or("no rule".to_owned(), |r| r.to_string()),
                        entry.rule.as_deref().unwrap_or_default()
                    ),
                }
            }
            (Some(entry), Some(_))
                if entry
                    .message
                    .as_ref()
                    .is_some_and(|m| !cause.starts_with(m.as_str())) =>
            {
                Finding::Mismatch {
                    entry: entry.label(),
                    scenario: result.scenario.clone(),
                    detail: format!(
                        "fails with another message: {:?} does not start with {:?}",
                        cause.lines().next().unwrap_or_default(),
                        entry.message.as_deref().unwrap_or_default()
                    ),
                }
            }
            (Some(_), Some(_)) => Finding::Expected {
                scenario: result.scenario.clone(),
            },
        };
        judged[at] = Some(match (&finding, entry) {
            (Finding::Expected { .. }, Some(entry)) => Judged::Listed {
                entry: entry.label(),
                reason: entry.reason.clone(),
                issue: entry.issue.clone(),
            },
            _ => Judged::Problem(finding.clone()),
        });
        findings.push(finding);
    }
    for waiver in expectations.waivers.iter().filter(|w| !w.race) {
        if usage.get(&waiver.rule).copied().unwrap_or(0) == 0 {
            findings.push(Finding::StaleWaiver {
                waiver: waiver.label(),
            });
        }
    }
    for entry in &expectations.entries {
        let by_pattern = by_pattern[entry.index];
        if by_pattern > MAX_PATTERN_MATCHES {
            findings.push(Finding::TooBroad {
                entry: entry.label(),
                matched: by_pattern,
            });
        } else if matched[entry.index] == 0 {
            findings.push(Finding::Unmatched {
                entry: entry.label(),
            });
        }
    }
    (findings, judged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::AdapterError;
    use crate::verdict::{Failure, Fault, RuleId};

    fn expectations(text: &str) -> Expectations {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.toml");
        std::fs::write(&path, text).unwrap();
        super::super::load(&path).unwrap()
    }

    fn result(outcome: RunOutcome, verdict: Option<Verdict>) -> ScenarioResult {
        ScenarioResult::sample("s", outcome, verdict)
    }

    fn failed(rule: &'static str) -> ScenarioResult {
        result(
            RunOutcome::Failed,
            Some(Failure::new(RuleId::new(rule), "x").into()),
        )
    }

    fn errored(fault: AdapterFault) -> ScenarioResult {
        let error = AdapterError::new(fault, "m");
        result(
            RunOutcome::Errored,
            Some(Fault::adapter("calling getAll", &error).into()),
        )
    }

    fn judge(text: &str, result: ScenarioResult) -> Vec<Finding> {
        check(&expectations(text), &[result], &BTreeMap::new())
    }

    #[test]
    fn a_race_entry_accepts_a_pass_and_any_race_rule_but_no_other_rule() {
        let race = "[[expected]]\nscenario = \"s\"\noutcome = \"failed\"\nrule = \"INVARIANT.serializable\"\nrace = true\nreason = \"r\"\n";
        let expected = |f: &[Finding]| matches!(f, [Finding::Expected { .. }]);
        assert!(expected(&judge(race, failed("INVARIANT.serializable"))));
        assert!(expected(&judge(race, failed("RID1.concurrent-one-winner"))));
        assert!(judge(race, result(RunOutcome::Passed, None)).is_empty());
        assert!(matches!(
            judge(race, failed("RID1.status")).as_slice(),
            [Finding::Mismatch { detail, .. }] if detail.contains("another rule")
        ));
        // Without `race`, the rule must be the listed one.
        let plain = "[[expected]]\nscenario = \"s\"\noutcome = \"failed\"\nrule = \"RID1.concurrent-one-winner\"\nreason = \"r\"\n";
        assert!(matches!(
            judge(plain, failed("INVARIANT.serializable")).as_slice(),
            [Finding::Mismatch { .. }]
        ));
    }

    #[test]
    fn an_errored_entry_accepts_only_its_fault_kind() {
        let declined = "[[expected]]\nscenario = \"s\"\noutcome = \"errored\"\nfault = \"DECLINED\"\nreason = \"r\"\n";
        assert!(matches!(
            judge(declined, errored(AdapterFault::Declined)).as_slice(),
            [Finding::Expected { .. }]
        ));
        for other in [
            AdapterFault::Crash,
            AdapterFault::Protocol,
            AdapterFault::Timeout,
        ] {
            assert!(
                matches!(
                    judge(declined, errored(other)).as_slice(),
                    [Finding::Mismatch { .. }]
                ),
                "{other:?}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.toml");
        for (text, error) in [
            (
                "[[expected]]\nscenario = \"s\"\noutcome = \"errored\"\nreason = \"r\"\n",
                "`fault` is missing",
            ),
            (
                "[[expected]]\nscenario = \"s\"\noutcome = \"failed\"\nfault = \"CRASH\"\nreason = \"r\"\n",
                "an `failed` outcome has none",
            ),
            (
                "[[expected]]\nscenario = \"s\"\noutcome = \"errored\"\nfault = \"TIMEOUT\"\nreason = \"r\"\n",
                "not \"TIMEOUT\"",
            ),
        ] {
            std::fs::write(&path, text).unwrap();
            let refused = super::super::load(&path).unwrap_err();
            assert!(refused.contains(error), "{text}: {refused}");
        }
    }

    #[test]
    fn the_suites_own_fault_is_never_an_expected_failure() {
        let entry = "[[expected]]\nscenario = \"s\"\noutcome = \"errored\"\nfault = \"DECLINED\"\nreason = \"r\"\n";
        let suite = result(
            RunOutcome::Errored,
            Some(Fault::suite("the scenario contradicts itself").into()),
        );
        let findings = judge(entry, suite);
        assert!(
            matches!(findings.as_slice(), [Finding::SuiteProblem { cause, .. }] if cause.contains("contradicts")),
            "{findings:?}"
        );
        assert!(findings[0].fails());
        assert!(matches!(
            judge("", result(RunOutcome::Undefined, None)).as_slice(),
            [Finding::SuiteProblem { .. }]
        ));
    }
}
