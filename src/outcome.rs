//! How each test case of a run ended: the data the tally records and the
//! reports, the summary and the expectations gate read.

use crate::verdict::{FaultKind, Verdict};

/// How a test case (a scenario or a fuzz property) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every check passed.
    Passed,
    /// A check failed: the implementation does not conform.
    Failed,
    /// The implementation could not be judged (an adapter or suite fault).
    Errored,
    /// Skipped because the implementation lacks a capability.
    Skipped,
    /// A step that no phrase of the vocabulary matches: the suite is incomplete.
    Undefined,
    /// A scenario generated from a published bullet that the suite cannot
    /// execute yet (a step of it matches no phrase): the documentation ran
    /// ahead of the suite. Counted apart: neither passed nor failed, and it
    /// does not fail the gate (`coverage --strict` does).
    Pending,
}

impl Outcome {
    /// The label in the console and the summary.
    pub const fn label(self) -> &'static str {
        match self {
            Outcome::Passed => "PASSED",
            Outcome::Failed => "FAILED",
            Outcome::Errored => "ERRORED",
            Outcome::Skipped => "SKIPPED",
            Outcome::Undefined => "UNDEFINED",
            Outcome::Pending => "PENDING",
        }
    }
}

/// One test case's result.
#[derive(Debug, Clone)]
pub struct ScenarioResult {
    /// The feature's name (or `fuzz` for a property).
    pub feature: String,
    /// The scenario's (or property's) name.
    pub scenario: String,
    /// The scenario's tags (own, rule's and feature's).
    pub tags: Vec<String>,
    /// The feature file and line (or `fuzz:<property>`).
    pub location: String,
    /// How it ended.
    pub outcome: Outcome,
    /// The typed verdict of a failed or errored case.
    pub verdict: Option<Verdict>,
    /// Why it did not pass: where and why.
    pub message: Option<String>,
    /// Why it did not pass: only the cause (the failed check's or the fault's message).
    pub cause: Option<String>,
}

impl ScenarioResult {
    /// The fault kind of an errored case.
    pub fn fault(&self) -> Option<FaultKind> {
        self.verdict.as_ref().and_then(Verdict::fault)
    }
}

/// Everything a run recorded.
#[derive(Debug, Default, Clone)]
pub struct TallyData {
    /// Results in the order they finished.
    pub scenarios: Vec<ScenarioResult>,
    /// Feature files that could not be parsed, with the cause.
    pub parse_errors: Vec<String>,
}

impl TallyData {
    /// How many cases ended with `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.outcome == outcome)
            .count()
    }
}
