//! Serializability of concurrent initiates and cancels: whether some serial
//! order of the calls explains how they ended.

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
}
