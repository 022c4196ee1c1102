//! Serializability of concurrent initiates and cancels: whether some serial
//! order of the calls explains how they ended, and the state after them.
//! One judgment for the scenario step and the fuzzer's `bursts` property.

use crate::verdict::{Failure, OutcomeClass, RuleId};

/// The rule every check of a burst's serializability is filed under.
const SERIALIZABLE: &str = "INVARIANT.serializable";

/// How one Identity's concurrent calls ended.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct BurstOutcome {
    /// Initiates that succeeded.
    pub initiated: usize,
    /// Initiates refused because a process was Active.
    pub initiate_refused: usize,
    /// Cancels that succeeded.
    pub cancelled: usize,
    /// Cancels refused because none was Active.
    pub cancel_refused: usize,
}

impl BurstOutcome {
    /// Whether a process is Active after the calls, given whether one was before
    /// (valid once [`explain`] accepted the outcome).
    pub fn active_after(&self, was_active: bool) -> bool {
        usize::from(was_active) + self.initiated == self.cancelled + 1
    }
}

impl BurstOutcome {
    /// Whether more initiates or more cancels succeeded than any serial order
    /// allows (several concurrent cancels of one Active process, say), as
    /// opposed to refusals that no order explains.
    pub fn too_many_succeeded(&self, was_active: bool) -> bool {
        let (first, second) = if was_active {
            (self.cancelled, self.initiated)
        } else {
            (self.initiated, self.cancelled)
        };
        first > second + 1 || second > first
    }
}

/// Whether some serial order explains the outcome: successful initiates and
/// cancels alternate (starting with a cancel when a process was Active), a
/// refused initiate needs an Active moment, a refused cancel a moment without.
pub fn explain(was_active: bool, o: BurstOutcome) -> Result<(), String> {
    let (first, second) = if was_active {
        (o.cancelled, o.initiated)
    } else {
        (o.initiated, o.cancelled)
    };
    if !(first == second || first == second + 1) {
        return Err("successful initiates and cancels cannot alternate".to_owned());
    }
    let ever_active = was_active || o.initiated > 0;
    let ever_inactive = !was_active || o.cancelled > 0;
    if o.initiate_refused > 0 && !ever_active {
        return Err("an initiate was refused although no process was ever Active".to_owned());
    }
    if o.cancel_refused > 0 && !ever_inactive {
        return Err("a cancel was refused although a process was Active throughout".to_owned());
    }
    Ok(())
}

/// The burst's answers judged: `INVARIANT.serializable` when no serial order
/// explains them, with the outcome class that says how (too many succeeded,
/// or a refusal no order gives).
pub fn check_answers(was_active: bool, outcome: BurstOutcome) -> Result<(), Failure> {
    explain(was_active, outcome).map_err(|e| {
        let class = if outcome.too_many_succeeded(was_active) {
            OutcomeClass::SeveralSucceeded
        } else {
            OutcomeClass::UnexplainedRefusal
        };
        Failure::new(RuleId::new(SERIALIZABLE), e)
            .outcome(class)
            .expected_actual("answers some serial order explains", format!("{outcome:?}"))
    })
}

/// The processes read after a burst whose answers [`check_answers`]
/// accepted, judged against them: `before` processes before the burst,
/// `listed` after it, `active` of them Active. A difference is
/// `INVARIANT.serializable` with outcome `unexplained-state`: the answers fit
/// a serial order, the state does not (say two cancels of one process both
/// succeeded, and an initiate between them left its process Active).
pub fn check_state_after(
    was_active: bool,
    outcome: BurstOutcome,
    before: usize,
    listed: usize,
    active: usize,
) -> Result<(), Failure> {
    let expected_count = before + outcome.initiated;
    let expected_active = usize::from(outcome.active_after(was_active));
    if listed == expected_count && active == expected_active {
        return Ok(());
    }
    Err(Failure::new(
        RuleId::new(SERIALIZABLE),
        "the processes after the burst are not what its answers say",
    )
    .outcome(OutcomeClass::UnexplainedState)
    .expected_actual(
        format!("{expected_count} processes, {expected_active} Active"),
        format!("{listed} processes, {active} Active"),
    ))
}

/// Two or more Active processes seen while a burst runs: a state no serial
/// order gives, filed under `INVARIANT.serializable` with outcome
/// `unexplained-state` (whichever the race shows first, this or the state
/// after the burst, it is the one defect).
pub fn check_seen_mid_burst(active: usize) -> Result<(), Failure> {
    if active <= 1 {
        return Ok(());
    }
    Err(Failure::new(
        RuleId::new(SERIALIZABLE),
        format!("the Identity was seen with {active} Active processes during the burst"),
    )
    .outcome(OutcomeClass::UnexplainedState)
    .expected_actual("at most 1 Active", format!("{active} Active")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternation_and_refusals_must_fit_a_serial_order() {
        let o = |initiated, initiate_refused, cancelled, cancel_refused| BurstOutcome {
            initiated,
            initiate_refused,
            cancelled,
            cancel_refused,
        };
        assert!(explain(false, o(1, 3, 1, 3)).is_ok());
        assert!(o(2, 0, 1, 0).active_after(false));
        assert!(explain(false, o(2, 0, 0, 0)).is_err());
        assert!(explain(true, o(0, 2, 0, 0)).is_ok());
        assert!(explain(true, o(0, 0, 0, 1)).is_err());
        assert!(explain(false, o(0, 1, 0, 0)).is_err());
        // Every cancel of one Active process succeeded: too many, not a refusal.
        assert!(o(0, 0, 4, 0).too_many_succeeded(true));
        assert!(o(0, 0, 2, 0).too_many_succeeded(false));
        assert!(!o(0, 0, 1, 3).too_many_succeeded(true));
        assert!(!o(0, 1, 0, 0).too_many_succeeded(false));
    }

    #[test]
    fn every_serializability_failure_says_how_the_burst_broke() {
        let o = |initiated, initiate_refused, cancelled, cancel_refused| BurstOutcome {
            initiated,
            initiate_refused,
            cancelled,
            cancel_refused,
        };
        let class = |r: Result<(), Failure>| r.unwrap_err().observed.outcome;
        assert_eq!(
            class(check_answers(true, o(0, 0, 4, 0))),
            Some(OutcomeClass::SeveralSucceeded)
        );
        assert_eq!(
            class(check_answers(false, o(0, 3, 0, 0))),
            Some(OutcomeClass::UnexplainedRefusal)
        );
        // Issue 30's run of runtime 6.60.5 under load: two initiates and two
        // cancels all succeeded (a serial order I C I C explains them), yet
        // the second process stayed Active.
        let seen = o(2, 0, 2, 0);
        assert!(check_answers(false, seen).is_ok());
        assert!(check_state_after(false, seen, 0, 2, 0).is_ok());
        let failure = check_state_after(false, seen, 0, 2, 1).unwrap_err();
        assert_eq!(failure.rule.as_str(), SERIALIZABLE);
        assert_eq!(
            failure.observed.outcome,
            Some(OutcomeClass::UnexplainedState)
        );
        assert!(
            check_state_after(false, seen, 0, 3, 0).is_err(),
            "a process too many"
        );
        assert!(check_seen_mid_burst(1).is_ok());
        assert_eq!(
            class(check_seen_mid_burst(2)),
            Some(OutcomeClass::UnexplainedState)
        );
    }
}
