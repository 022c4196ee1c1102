//! The gate's decision and the exit-code policy of a run: pure functions of
//! what the run recorded, so they are tested without running anything.

use super::exit::{EXIT_FAILED, EXIT_INCOMPLETE, EXIT_PASSED};
use crate::expectations::Finding;
use crate::outcome::{Outcome, TallyData};

/// What a whole run (features, properties, gate, reports) comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunVerdict {
    /// Green: everything selected passed, or with expectations, the failures
    /// are exactly the expected ones; or the expectations file was updated.
    Passed,
    /// Red: something failed or errored that nothing expected, a feature file
    /// did not parse, nothing ran, the gate found a problem, or a report could
    /// not be written.
    Failed,
    /// Nothing failed, but a step matches no phrase of the suite: the suite
    /// is incomplete (never a pass, never the implementation's fault).
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

/// Whether the run passes its gate. Without expectations (`findings` is
/// `None`): something passed and nothing failed, errored or was undefined,
/// and every feature file parsed. With expectations: no finding fails the
/// gate, every feature file parsed, and something passed (a run whose test
/// cases were all skipped or waived showed nothing to conform).
pub fn gate_passed(tally: &TallyData, findings: Option<&[Finding]>) -> bool {
    match findings {
        Some(findings) => {
            !findings.iter().any(Finding::fails)
                && tally.parse_errors.is_empty()
                // Everything skipped or waived: nothing was shown to conform.
                && tally.count(Outcome::Passed) > 0
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
/// whether the expectations file was rewritten from this run.
pub fn verdict(passed: bool, problems: bool, updated: bool, tally: &TallyData) -> RunVerdict {
    if problems {
        return RunVerdict::Failed;
    }
    if updated || passed {
        return RunVerdict::Passed;
    }
    let only_undefined = tally.count(Outcome::Undefined) > 0
        && tally.count(Outcome::Failed) + tally.count(Outcome::Errored) == 0;
    if only_undefined {
        RunVerdict::Incomplete
    } else {
        RunVerdict::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::ScenarioResult;

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
            let got = verdict(passed, problems, updated, &tally(&outcomes));
            assert_eq!(got, expected, "{passed} {problems} {updated} {outcomes:?}");
        }
        assert_eq!(RunVerdict::Passed.exit_code(), 0);
        assert_eq!(RunVerdict::Failed.exit_code(), 1);
        assert_eq!(RunVerdict::Incomplete.exit_code(), 3);
    }
}
