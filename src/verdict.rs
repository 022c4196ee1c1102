//! Typed verdicts: why a check did not pass.
//!
//! A step, a fuzz property or a concurrency property that does not pass
//! ends with a [`Verdict`]: [`Verdict::Failed`] is a conformance failure of
//! the implementation (with the stable [`RuleId`] of the check, what was
//! expected and what was observed); [`Verdict::Errored`] means the
//! implementation could not be judged, with the [`FaultKind`]. Reports, the
//! tally, the expectations gate and the fuzzer read this type, never the text.

use crate::adapter::{AdapterError, AdapterFault};
use std::borrow::Cow;
use std::fmt;

/// The stable id of one check, e.g. `RID2.cancelledAt` or `DTO.timestamp-utc`.
///
/// Ids are `<area>.<aspect>`: the area is a use-case id (`RID1`–`RID5`), `DTO`
/// for the shape of a process, `EVENT` for events or `INVARIANT`; the aspect
/// names what is checked. They never change once published: expectations
/// files waive deviations by them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(Cow<'static, str>);

impl RuleId {
    /// A rule id from a fixed text.
    pub const fn new(id: &'static str) -> Self {
        Self(Cow::Borrowed(id))
    }

    /// The rule `<area>.<aspect>`.
    pub fn of(area: &str, aspect: &str) -> Self {
        Self(Cow::Owned(format!("{area}.{aspect}")))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A class of input a call was made with, as a waiver can pin it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputClass {
    /// A malformed process id that contains a well-formed one (a prefix, a
    /// suffix, a 21st character): what an unanchored pattern lets through.
    IdContainingValidId,
    /// Any other malformed process id.
    MalformedId,
}

impl InputClass {
    /// Every class.
    pub const ALL: [InputClass; 2] = [InputClass::IdContainingValidId, InputClass::MalformedId];

    /// The name used in expectations files.
    pub const fn name(self) -> &'static str {
        match self {
            InputClass::IdContainingValidId => "id-containing-valid-id",
            InputClass::MalformedId => "malformed-id",
        }
    }

    /// The class with this name.
    pub fn parse(name: &str) -> Option<InputClass> {
        InputClass::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The class of a process id as sent: `None` for a well-formed id.
    pub fn of_id(id: &str) -> Option<InputClass> {
        if crate::domain::ProcessId::parse(id).is_ok() {
            return None;
        }
        use crate::domain::{PROCESS_ID_PREFIX, PROCESS_ID_SUFFIX_LEN};
        let prefix = PROCESS_ID_PREFIX.as_bytes();
        let contains_valid = id
            .as_bytes()
            .windows(prefix.len() + PROCESS_ID_SUFFIX_LEN)
            .any(|w| {
                w.starts_with(prefix) && w[prefix.len()..].iter().all(u8::is_ascii_alphanumeric)
            });
        Some(if contains_valid {
            InputClass::IdContainingValidId
        } else {
            InputClass::MalformedId
        })
    }
}

/// How a set of concurrent calls broke the promise of a race rule, as an
/// expectations waiver pins it (`outcome = "…"`). Every failure of a race rule
/// records one: which of them a race shows varies from run to run, and a
/// waiver must be able to name each (issue 30: a failure of a race rule with
/// no outcome could not be pinned, and the gate's verdict varied with load).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeClass {
    /// Several of the concurrent calls succeeded where at most one could (for
    /// example every concurrent cancel of one Active process).
    SeveralSucceeded,
    /// A call was refused where no serial order of the calls refuses it (for
    /// example every one of concurrent initiates on an Identity without an
    /// Active process).
    UnexplainedRefusal,
    /// The answers fit a serial order of the calls, but a state read during or
    /// after them does not (two Active processes seen mid-burst, a process
    /// left Active that the answers say was cancelled).
    UnexplainedState,
}

impl OutcomeClass {
    /// Every class.
    pub const ALL: [OutcomeClass; 3] = [
        OutcomeClass::SeveralSucceeded,
        OutcomeClass::UnexplainedRefusal,
        OutcomeClass::UnexplainedState,
    ];

    /// The name used in expectations files.
    pub const fn name(self) -> &'static str {
        match self {
            OutcomeClass::SeveralSucceeded => "several-succeeded",
            OutcomeClass::UnexplainedRefusal => "unexplained-refusal",
            OutcomeClass::UnexplainedState => "unexplained-state",
        }
    }

    /// The class with this name.
    pub fn parse(name: &str) -> Option<OutcomeClass> {
        OutcomeClass::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The class of a count of concurrent calls that succeeded where exactly
    /// one must: more than one, or none (every call refused).
    pub fn of_winners(winners: usize) -> OutcomeClass {
        if winners > 1 {
            OutcomeClass::SeveralSucceeded
        } else {
            OutcomeClass::UnexplainedRefusal
        }
    }
}

/// What a failed check observed, in the terms an expectations waiver pins
/// (`absent`, `present`, `code`, `input`, `outcome`, `refusal`, `value`); a waiver passes only failures that observed
/// what it states.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// The field the rule is about was absent.
    pub absent: bool,
    /// The field the rule is about was set where it must be absent.
    pub present: bool,
    /// The implementation answered with an error of this code.
    pub code: Option<std::sync::Arc<String>>,
    /// The call was made with an input of this class.
    pub input: Option<InputClass>,
    /// How the concurrent calls ended.
    pub outcome: Option<OutcomeClass>,
    /// The call succeeded where the model says it must be refused with this
    /// refusal (a `<area>.must-fail` failure).
    pub refusal: Option<crate::domain::ErrorKind>,
    /// The value the implementation sent for the field the rule is about,
    /// where it was a wrong value of a closed set (a `status`). Behind one
    /// pointer: it is rare, and a [`Failure`] travels in every `Result`.
    pub value: Option<std::sync::Arc<String>>,
    /// Found by a check made for something else (set by [`Failure::context`]:
    /// while setting up, by a broader read, inside a fuzz sequence). Not a
    /// pin (no waiver reads it): a failure found by the step's own check is
    /// the clearer example of its rule (`crate::headlines`).
    pub indirect: bool,
}

/// A conformance failure: the implementation answered, and the answer is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The check that failed.
    pub rule: RuleId,
    /// What was observed, for waivers.
    pub observed: Observed,
    /// What is wrong, in one sentence.
    pub summary: String,
    /// What the suite expected (protocol JSON or words), if it says more than the summary.
    pub expected: Option<String>,
    /// What the implementation answered (protocol JSON), if it says more than the summary.
    pub actual: Option<String>,
}

impl Failure {
    /// A failure of `rule` with a summary only.
    pub fn new(rule: RuleId, summary: impl Into<String>) -> Self {
        Self {
            rule,
            observed: Observed::default(),
            summary: summary.into(),
            expected: None,
            actual: None,
        }
    }

    /// Marks the failure as a field that was absent.
    pub fn absent(mut self) -> Self {
        self.observed.absent = true;
        self
    }

    /// Records that the field the rule is about was set where it must be absent.
    pub fn present(mut self) -> Self {
        self.observed.present = true;
        self
    }

    /// Records the error code the implementation answered.
    pub fn code(mut self, code: &str) -> Self {
        self.observed.code = Some(std::sync::Arc::new(code.to_owned()));
        self
    }

    /// Records the class of the call's input, unless one is recorded already.
    pub fn input(mut self, input: Option<InputClass>) -> Self {
        if self.observed.input.is_none() {
            self.observed.input = input;
        }
        self
    }

    /// Records the wrong value the implementation sent (a `status`).
    pub fn value(mut self, value: &str) -> Self {
        self.observed.value = Some(std::sync::Arc::new(value.to_owned()));
        self
    }

    /// Records the refusal the call did not give (it succeeded).
    pub fn refusal(mut self, kind: crate::domain::ErrorKind) -> Self {
        self.observed.refusal = Some(kind);
        self
    }

    /// Records how the concurrent calls ended.
    pub fn outcome(mut self, outcome: OutcomeClass) -> Self {
        self.observed.outcome = Some(outcome);
        self
    }

    /// Adds what was expected and what was observed.
    pub fn expected_actual(
        mut self,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        self.expected = Some(expected.into());
        self.actual = Some(actual.into());
        self
    }

    /// Prefixes the summary with where the failure was found, and marks it
    /// [`Observed::indirect`].
    pub fn context(mut self, context: &str) -> Self {
        self.summary = format!("{context}: {}", self.summary);
        self.observed.indirect = true;
        self
    }
}

impl Failure {
    /// The failure without its rule id: summary, expected and actual.
    pub fn describe(&self) -> String {
        let mut out = self.summary.clone();
        if let Some(expected) = &self.expected {
            out.push_str(&format!("\n  expected: {expected}"));
        }
        if let Some(actual) = &self.actual {
            out.push_str(&format!("\n  actual:   {actual}"));
        }
        out
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.rule, self.describe())
    }
}

/// What kind of fault kept the suite from judging the implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// An adapter fault (TIMEOUT, CRASH, PROTOCOL, DECLINED, UNSUPPORTED, ADAPTER).
    Adapter(AdapterFault),
    /// The suite itself failed (a panic without a verdict: a bug of the suite).
    Suite,
}

impl FaultKind {
    /// The label used in reports.
    pub const fn label(self) -> &'static str {
        match self {
            FaultKind::Adapter(fault) => fault.label(),
            FaultKind::Suite => "SUITE",
        }
    }
}

/// The implementation could not be judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The kind of fault.
    pub kind: FaultKind,
    /// What the suite was doing, e.g. `calling cancelIdentityDeletionProcess`.
    pub context: String,
    /// The cause.
    pub message: String,
}

impl Fault {
    /// An adapter fault met while doing `context`.
    pub fn adapter(context: impl Into<String>, error: &AdapterError) -> Self {
        Self {
            kind: FaultKind::Adapter(error.fault),
            context: context.into(),
            message: error.message.clone(),
        }
    }

    /// A fault of the suite itself.
    pub fn suite(message: impl Into<String>) -> Self {
        Self {
            kind: FaultKind::Suite,
            context: "the suite".to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (while {})",
            self.kind.label(),
            self.message,
            self.context
        )
    }
}

/// Why a check did not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A conformance failure.
    Failed(Failure),
    /// A fault: the implementation could not be judged.
    Errored(Fault),
}

impl Verdict {
    /// The rule id of a failure.
    pub fn rule(&self) -> Option<&RuleId> {
        match self {
            Verdict::Failed(failure) => Some(&failure.rule),
            Verdict::Errored(_) => None,
        }
    }

    /// The cause in words, without the outcome word: a failure's summary
    /// (with expected and actual) or a fault's kind and message.
    pub fn cause(&self) -> String {
        match self {
            Verdict::Failed(failure) => failure.describe(),
            Verdict::Errored(fault) => fault.to_string(),
        }
    }

    /// The fault kind of an errored verdict.
    pub fn fault(&self) -> Option<FaultKind> {
        match self {
            Verdict::Failed(_) => None,
            Verdict::Errored(fault) => Some(fault.kind),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Failed(failure) => write!(f, "FAILED {failure}"),
            Verdict::Errored(fault) => write!(f, "ERRORED {fault}"),
        }
    }
}

impl From<Failure> for Verdict {
    fn from(failure: Failure) -> Self {
        Verdict::Failed(failure)
    }
}

impl From<Fault> for Verdict {
    fn from(fault: Fault) -> Self {
        Verdict::Errored(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_label_expected_and_actual() {
        let failure = Failure::new(
            RuleId::new("RID2.cancelledAt"),
            "`cancelledAt` is outside the call",
        )
        .expected_actual("a timestamp in [a, b]", "\"c\"");
        assert_eq!(
            Verdict::from(failure).to_string(),
            "FAILED [RID2.cancelledAt] `cancelledAt` is outside the call\n  expected: a timestamp in [a, b]\n  actual:   \"c\""
        );
    }

    #[test]
    fn ids_fall_into_input_classes() {
        assert_eq!(InputClass::of_id("IDPabcdefghij1234567"), None);
        assert_eq!(
            InputClass::of_id("IDPabcdefghij1234567x"),
            Some(InputClass::IdContainingValidId)
        );
        assert_eq!(
            InputClass::of_id(" IDPabcdefghij1234567"),
            Some(InputClass::IdContainingValidId)
        );
        assert_eq!(InputClass::of_id("IDP123"), Some(InputClass::MalformedId));
        assert_eq!(InputClass::of_id(""), Some(InputClass::MalformedId));
        for class in InputClass::ALL {
            assert_eq!(InputClass::parse(class.name()), Some(class));
        }
    }

    #[test]
    fn faults_name_their_kind() {
        let error = AdapterError::new(AdapterFault::Timeout, "no reply");
        let verdict = Verdict::from(Fault::adapter("calling getAll", &error));
        assert_eq!(
            verdict.fault(),
            Some(FaultKind::Adapter(AdapterFault::Timeout))
        );
        assert_eq!(
            verdict.to_string(),
            "ERRORED TIMEOUT: no reply (while calling getAll)"
        );
        assert_eq!(verdict.rule(), None);
    }
}
