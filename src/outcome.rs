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
    /// Where the documentation states what it checks: the published page
    /// and line of the bullet a generated scenario tests, or the page line a
    /// hand-written scenario's `# Source:` cites (`spec/use-cases/<page>.md:LINE`).
    pub doc_location: Option<String>,
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
    /// Where it is written, and where the documentation states it when known:
    /// `path:line; documented at spec/use-cases/<page>.md:LINE`.
    pub fn locations(&self) -> String {
        match &self.doc_location {
            Some(doc) => format!("{}; {}", self.location, documented_at(doc)),
            None => self.location.clone(),
        }
    }

    /// The documentation's page and line ([`ScenarioResult::doc_location`]), split.
    pub fn doc_file_line(&self) -> Option<(&str, usize)> {
        let (file, line) = self.doc_location.as_deref()?.rsplit_once(':')?;
        Some((file, line.parse().ok()?))
    }

    /// The fault kind of an errored case.
    pub fn fault(&self) -> Option<FaultKind> {
        self.verdict.as_ref().and_then(Verdict::fault)
    }

    /// Whether the case is the suite's own problem, not the implementation's:
    /// a step the suite does not define (`UNDEFINED`) or a fault of the suite
    /// itself (`ERRORED SUITE`). Such a case judged nothing: it is never a
    /// failure of the implementation, never an expected failure, and it
    /// gives the run an exit code of its own (3, [`crate::run::exit`]).
    pub fn suites_own(&self) -> bool {
        self.outcome == Outcome::Undefined
            || (self.outcome == Outcome::Errored && self.fault() == Some(FaultKind::Suite))
    }

    /// Whether the case failed or errored by the implementation's doing.
    pub fn implementation_failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failed | Outcome::Errored) && !self.suites_own()
    }
}

#[cfg(test)]
impl ScenarioResult {
    /// A result of the test case `scenario`, for unit tests.
    pub(crate) fn sample(scenario: &str, outcome: Outcome, verdict: Option<Verdict>) -> Self {
        Self {
            feature: "f".into(),
            scenario: scenario.into(),
            tags: Vec::new(),
            location: "f.feature:1".into(),
            outcome,
            cause: verdict.as_ref().map(Verdict::cause),
            verdict,
            message: None,
            doc_location: None,
        }
    }
}

/// `documented at spec/use-cases/<page>.md:LINE`: how every sink names
/// the documentation's page line beside a feature location.
pub fn documented_at(doc_location: &str) -> String {
    format!("documented at {doc_location}")
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

    /// How many cases ended with `outcome` by the implementation's doing
    /// (the suite's own problems left out, [`ScenarioResult::suites_own`]).
    pub fn count_charged(&self, outcome: Outcome) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.outcome == outcome && !s.suites_own())
            .count()
    }

    /// How many cases are the suite's own problem ([`ScenarioResult::suites_own`]).
    pub fn suite_problems(&self) -> usize {
        self.scenarios.iter().filter(|s| s.suites_own()).count()
    }
}
