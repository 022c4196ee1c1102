//! Comparing a run's results with the expectations, strictly both ways.

use super::MAX_PATTERN_MATCHES;
use super::file::{Expectation, Expectations, Outcome};
use crate::runner::tally::{ScenarioResult, Verdict};
use std::collections::HashMap;

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
        !matches!(self, Finding::Expected { .. })
    }

    /// The finding as a report line.
    pub fn render(&self) -> String {
        match self {
            Finding::Expected { scenario } => format!("expected failure: {scenario}"),
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
    match result.verdict {
        Verdict::Passed | Verdict::Skipped => None,
        Verdict::Failed => Some(Outcome::Failed),
        Verdict::Errored
            if result
                .cause
                .as_deref()
                .is_some_and(|c| c.contains("TIMEOUT: ")) =>
        {
            Some(Outcome::Timeout)
        }
        Verdict::Errored => Some(Outcome::Errored),
    }
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

/// Compares `results` with `expectations`, in time linear in the results
/// and the entries (plus one match of each pattern per result).
pub fn check(expectations: &Expectations, results: &[ScenarioResult]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut matched = vec![0usize; expectations.entries.len()];
    let mut by_pattern = vec![0usize; expectations.entries.len()];
    let index = Index::new(&expectations.entries);
    for result in results.iter().filter(|r| r.verdict != Verdict::Skipped) {
        let (entry, patterns) = index.lookup(&result.scenario, &result.tags);
        for pattern in patterns {
            by_pattern[pattern.index] += 1;
        }
        if let Some(entry) = entry {
            matched[entry.index] += 1;
        }
        let outcome = outcome_of(result);
        let cause = result.cause.clone().unwrap_or_default();
        findings.push(match (entry, outcome) {
            (None, None) => continue,
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
                    },
                    cause.lines().next().unwrap_or_default()
                ),
            },
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
        });
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
    findings
}
