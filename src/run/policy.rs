//! The gate's decision and the exit-code policy of a run: pure functions of
//! what the run recorded, so they are tested without running anything.

use super::exit::{EXIT_FAILED, EXIT_INCOMPLETE, EXIT_PASSED};
use crate::expectations::Finding;
use crate::outcome::{Outcome, ScenarioResult, TallyData};

/// What a whole run (features, properties, gate, reports) comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunVerdict {
    /// Green: everything selected passed, or with expectations, the failures
    /// are exactly the expected ones; or the expectations file was updated.
    Passed,
    /// Red: the implementation failed or errored something that nothing
    /// expected, a feature file did not parse, nothing was judged, the gate
    /// found a problem, or a report could not be written.
    Failed,
    /// The implementation failed nothing, but the suite could not judge some
    /// test cases: a step matches no phrase of the suite (`UNDEFINED`) or the
    /// suite itself failed (`ERRORED SUITE`). The suite's own problem: never
    /// a pass, never the implementation's fault.
    Incomplete,
}

impl RunVerdict {
    /// The process exit code this verdict implies (see [`super::exit`]).
    pub const fn exit_code(self) -> u8 {
        match self {
            RunVerdict::Passed => EXIT_PASSED,
            RunVerdict::Failed => EXIT_FAILED,
            RunVerdict::Incomplete => EXIT_INCOMPLETE,
        }
    }

    /// `PASSED`, `FAILED` or `INCOMPLETE`.
    pub const fn label(self) -> &'static str {
        match self {
            RunVerdict::Passed => "PASSED",
            RunVerdict::Failed => "FAILED",
            RunVerdict::Incomplete => "INCOMPLETE",
        }
    }
}

/// Whether a passed test case showed that the implementation conforms in
/// something. The protocol's hygiene checks do not: the unknown-kind check
/// passes an implementation that answers `errored` to every request.
fn judged_an_answer(result: &ScenarioResult) -> bool {
    result.outcome == Outcome::Passed
        && !crate::runner::properties::PROTOCOL_CHECK_CASES.contains(&result.scenario.as_str())
}

/// Whether no passed test case judged an answer of the implementation
/// (nothing passed, or only the protocol's hygiene checks did).
pub fn judged_nothing(tally: &TallyData) -> bool {
    !tally.scenarios.iter().any(judged_an_answer)
}

/// Whether the run passes its gate. Without expectations (`findings` is
/// `None`): something passed and nothing failed, errored or was undefined,
/// and every feature file parsed. With expectations: no finding fails the
/// gate, every feature file parsed, and a test case that judged an answer of
/// the implementation passed (a run whose test cases were all skipped,
/// waived or expected to fail, or that passed only the protocol's
/// unknown-kind check, showed nothing to conform: an implementation that
/// answers `errored` to everything never passes a gate).
pub fn gate_passed(tally: &TallyData, findings: Option<&[Finding]>) -> bool {
    match findings {
        Some(findings) => {
            !findings.iter().any(Finding::fails)
                && tally.parse_errors.is_empty()
                && tally.suite_problems() == 0
                && !judged_nothing(tally)
        }
        None => {
            tally.parse_errors.is_empty()
                && tally.count(Outcome::Failed) == 0
                && tally.count(Outcome::Errored) == 0
                && tally.count(Outcome::Undefined) == 0
                && tally.count(Outcome::Passed) > 0
        }
    }
}

/// The verdict of a run: `passed` is the gate's decision, `problems` whether
/// a report (or the expectations update) could not be written, `updated`
/// whether the expectations file was rewritten from this run, `findings` the
/// gate's findings (`None` without expectations). A test case the suite
/// could not judge ([`ScenarioResult::suites_own`]) is never charged to the
/// implementation: when it is the only reason the run is not green, the
/// verdict is [`RunVerdict::Incomplete`].
pub fn verdict(
    passed: bool,
    problems: bool,
    updated: bool,
    tally: &TallyData,
    findings: Option<&[Finding]>,
) -> RunVerdict {
    if problems {
        return RunVerdict::Failed;
    }
    let suite = tally.suite_problems() > 0;
    if passed || (updated && !suite) {
        return RunVerdict::Passed;
    }
    let charged = match findings {
        _ if updated => false,
        Some(findings) => findings
            .iter()
            .any(|f| f.fails() && !matches!(f, Finding::SuiteProblem { .. })),
        None => tally
            .scenarios
            .iter()
            .any(ScenarioResult::implementation_failed),
    };
    if suite && !charged && tally.parse_errors.is_empty() {
        RunVerdict::Incomplete
    } else {
        RunVerdict::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(outcomes: &[Outcome]) -> TallyData {
        TallyData {
            scenarios: outcomes
                .iter()
                .enumerate()
                .map(|(i, &outcome)| ScenarioResult {
                    feature: "f".into(),
                    scenario: format!("s{i}"),
                    tags: Vec::new(),
                    location: format!("f.feature:{i}"),
                    doc_location: None,
                    outcome,
                    verdict: None,
                    message: None,
                    cause: None,
                })
                .collect(),
            parse_errors: Vec::new(),
        }
    }

    fn stale() -> Finding {
        Finding::Unmatched { entry: "x".into() }
    }

    #[test]
    fn without_expectations_a_run_passes_only_when_something_passed_and_nothing_else_went_wrong() {
        use Outcome::*;
        assert!(gate_passed(&tally(&[Passed, Skipped]), None));
        assert!(!gate_passed(&tally(&[]), None));
        assert!(!gate_passed(&tally(&[Skipped]), None));
        for bad in [Failed, Errored, Undefined] {
            assert!(!gate_passed(&tally(&[Passed, bad]), None), "{bad:?}");
        }
        let mut unparsed = tally(&[Passed]);
        unparsed.parse_errors.push("x.feature: bad".into());
        assert!(!gate_passed(&unparsed, None));
    }

    #[test]
    fn with_expectations_failures_pass_unless_a_finding_fails_or_nothing_ran() {
        use Outcome::*;
        // The findings say whether the failures were expected; the tally alone does not.
        assert!(gate_passed(&tally(&[Passed, Failed]), Some(&[])));
        assert!(!gate_passed(&tally(&[Passed]), Some(&[stale()])));
        assert!(!gate_passed(&tally(&[Skipped]), Some(&[])));
        let mut unparsed = tally(&[Passed]);
        unparsed.parse_errors.push("x.feature: bad".into());
        assert!(!gate_passed(&unparsed, Some(&[])));
    }

    #[test]
    fn a_gate_needs_a_passed_case_that_judged_an_answer() {
        use Outcome::*;
        // An implementation that answers `errored` to everything passes only
        // the protocol's unknown-kind check: with every other case listed as
        // expected, the gate still fails.
        let mut probe = tally(&[Passed, Errored, Errored]);
        probe.scenarios[0].scenario = crate::runner::properties::UNKNOWN_KIND_CASE.to_owned();
        assert!(!gate_passed(&probe, Some(&[])));
        assert_eq!(
            verdict(false, false, false, &probe, Some(&[])),
            RunVerdict::Failed
        );
        assert!(gate_passed(&tally(&[Passed, Errored]), Some(&[])));
    }

    #[test]
    fn the_suites_own_problems_are_exit_code_3_unless_the_implementation_failed_too() {
        use Outcome::*;
        let suite = Finding::SuiteProblem {
            scenario: "s1".into(),
            cause: "UNDEFINED".into(),
        };
        let undefined = tally(&[Passed, Undefined]);
        assert!(!gate_passed(&undefined, Some(&[])));
        assert_eq!(
            verdict(
                false,
                false,
                false,
                &undefined,
                Some(std::slice::from_ref(&suite))
            ),
            RunVerdict::Incomplete
        );
        // A listed failure beside it is no failure of the implementation.
        let listed = tally(&[Passed, Undefined, Failed]);
        assert_eq!(
            verdict(
                false,
                false,
                false,
                &listed,
                Some(std::slice::from_ref(&suite))
            ),
            RunVerdict::Incomplete
        );
        // A problem of the gate beside it is.
        assert_eq!(
            verdict(false, false, false, &listed, Some(&[suite, stale()])),
            RunVerdict::Failed
        );
        // A fault of the suite itself, without expectations.
        let mut faulted = tally(&[Passed, Errored]);
        faulted.scenarios[1].verdict = Some(crate::verdict::Fault::suite("a bug").into());
        assert!(faulted.scenarios[1].suites_own());
        assert_eq!(
            verdict(false, false, false, &faulted, None),
            RunVerdict::Incomplete
        );
        assert_eq!(
            verdict(false, false, true, &faulted, None),
            RunVerdict::Incomplete,
            "an update that could not judge every case is not a pass"
        );
        faulted
            .scenarios
            .push(tally(&[Errored]).scenarios.remove(0));
        assert_eq!(
            verdict(false, false, false, &faulted, None),
            RunVerdict::Failed
        );
    }

    #[test]
    fn the_exit_code_follows_the_verdict() {
        use Outcome::*;
        let cases = [
            // passed, problems, updated, outcomes, verdict
            (true, false, false, vec![Passed], RunVerdict::Passed),
            (true, true, false, vec![Passed], RunVerdict::Failed),
            (false, false, true, vec![Failed], RunVerdict::Passed),
            (false, true, true, vec![Failed], RunVerdict::Failed),
            (
                false,
                false,
                false,
                vec![Passed, Undefined],
                RunVerdict::Incomplete,
            ),
            (false, true, false, vec![Undefined], RunVerdict::Failed),
            (
                false,
                false,
                false,
                vec![Undefined, Errored],
                RunVerdict::Failed,
            ),
            (
                false,
                false,
                false,
                vec![Undefined, Failed],
                RunVerdict::Failed,
            ),
            (false, false, false, vec![], RunVerdict::Failed),
        ];
        for (passed, problems, updated, outcomes, expected) in cases {
            let got = verdict(passed, problems, updated, &tally(&outcomes), None);
            assert_eq!(got, expected, "{passed} {problems} {updated} {outcomes:?}");
        }
        assert_eq!(RunVerdict::Passed.exit_code(), 0);
        assert_eq!(RunVerdict::Failed.exit_code(), 1);
        assert_eq!(RunVerdict::Incomplete.exit_code(), 3);
    }
}
