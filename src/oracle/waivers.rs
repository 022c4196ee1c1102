//! Known deviations: checks whose failure is expected and reported as waived.
//!
//! A waiver is pinned to what was observed: a rule id plus at least one of
//! `absent` (the field the rule is about was absent), `code` (the
//! implementation answered this error code) and `input` (the call was made
//! with this class of input). A failure of the same rule that observed
//! anything else is not waived.

use crate::verdict::{Failure, InputClass, OutcomeClass, RuleId};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// One waiver: the rule and what the failure must have observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The rule id.
    pub rule: String,
    /// The failure must be an absent field.
    pub absent: bool,
    /// The failure must have observed this error code.
    pub code: Option<String>,
    /// The call must have been made with this class of input.
    pub input: Option<InputClass>,
    /// The concurrent calls must have ended this way.
    pub outcome: Option<OutcomeClass>,
}

impl Pin {
    /// A pin on `rule` alone (any failure of the rule): for tests and the
    /// library API; expectations files always pin an observation.
    pub fn rule(rule: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            absent: false,
            code: None,
            input: None,
            outcome: None,
        }
    }

    /// Whether `failure` is the deviation this pin states.
    pub fn matches(&self, failure: &Failure) -> bool {
        let seen = &failure.observed;
        failure.rule.as_str() == self.rule
            && (!self.absent || seen.absent)
            && self
                .code
                .as_ref()
                .is_none_or(|code| seen.code.as_deref() == Some(code.as_str()))
            && self.input.is_none_or(|input| seen.input == Some(input))
            && self
                .outcome
                .is_none_or(|outcome| seen.outcome == Some(outcome))
    }

    /// What the pin states, in words (`absent`, `code = "…"`, `input = "…"`, `outcome = "…"`).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.absent {
            parts.push("absent".to_owned());
        }
        if let Some(code) = &self.code {
            parts.push(format!("code = {code:?}"));
        }
        if let Some(input) = self.input {
            parts.push(format!("input = {:?}", input.name()));
        }
        if let Some(outcome) = self.outcome {
            parts.push(format!("outcome = {:?}", outcome.name()));
        }
        parts.join(", ")
    }
}

impl From<&str> for Pin {
    fn from(rule: &str) -> Self {
        Pin::rule(rule)
    }
}

/// The waivers of an expectations file, and how often each was needed.
#[derive(Debug, Default)]
pub struct Waivers {
    pins: Vec<Pin>,
    used: Mutex<BTreeMap<String, usize>>,
}

impl Waivers {
    /// Waivers for `pins`.
    pub fn new<P: Into<Pin>>(pins: impl IntoIterator<Item = P>) -> Self {
        let pins: Vec<Pin> = pins.into_iter().map(Into::into).collect();
        let used = pins.iter().map(|p| (p.rule.clone(), 0)).collect();
        Self {
            pins,
            used: Mutex::new(used),
        }
    }

    fn used_map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, usize>> {
        self.used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The pin that waives `failure`, if any; counts the use.
    pub fn waiver_of(&self, failure: &Failure) -> Option<&Pin> {
        let pin = self.pins.iter().find(|p| p.matches(failure))?;
        if let Some(count) = self.used_map().get_mut(&pin.rule) {
            *count += 1;
        }
        Some(pin)
    }

    /// Whether `failure` is waived; counts the use.
    pub fn waives(&self, failure: &Failure) -> bool {
        self.waiver_of(failure).is_some()
    }

    /// Whether some waiver names `rule` (whatever it pins).
    pub fn names(&self, rule: &RuleId) -> bool {
        self.pins.iter().any(|p| p.rule == rule.as_str())
    }

    /// Passes a failure a waiver states (counting it), keeps any other.
    pub fn judge(&self, result: Result<(), Failure>) -> Result<(), Failure> {
        match result {
            Err(failure) if self.waives(&failure) => Ok(()),
            other => other,
        }
    }

    /// Every waived rule with how many checks it waived.
    pub fn usage(&self) -> BTreeMap<String, usize> {
        self.used_map().clone()
    }

    /// Whether no rule is waived.
    pub fn is_empty(&self) -> bool {
        self.pins.is_empty()
    }

    /// The same waivers with nothing counted yet: a scratch copy for work
    /// whose counts are kept only if it would have run anyway.
    pub fn uncounted(&self) -> Self {
        Self::new(self.pins.iter().cloned())
    }

    /// Adds the counts of `other` (an [`Waivers::uncounted`] copy) to these.
    pub fn absorb(&self, other: &Waivers) {
        let mut used = self.used_map();
        for (rule, count) in other.usage() {
            if let Some(total) = used.get_mut(&rule) {
                *total += count;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_rules_are_waived_and_every_use_counts() {
        let waivers = Waivers::new(["RID2.cancelledAt"]);
        let waived = Failure::new(RuleId::new("RID2.cancelledAt"), "absent");
        let other = Failure::new(RuleId::new("RID2.status"), "wrong");
        assert_eq!(waivers.judge(Err(waived.clone())), Ok(()));
        assert_eq!(waivers.judge(Err(waived)), Ok(()));
        assert_eq!(waivers.judge(Err(other.clone())), Err(other));
        assert_eq!(waivers.usage().get("RID2.cancelledAt"), Some(&2));
    }

    #[test]
    fn an_uncounted_copy_waives_the_same_and_its_counts_are_added_on_absorb() {
        let waivers = Waivers::new(["RID2.cancelledAt"]);
        let waived = Failure::new(RuleId::new("RID2.cancelledAt"), "absent");
        assert!(waivers.waives(&waived));
        let copy = waivers.uncounted();
        assert_eq!(copy.usage().get("RID2.cancelledAt"), Some(&0));
        assert!(copy.waives(&waived) && copy.waives(&waived));
        assert_eq!(
            waivers.usage().get("RID2.cancelledAt"),
            Some(&1),
            "apart until absorbed"
        );
        waivers.absorb(&copy);
        assert_eq!(waivers.usage().get("RID2.cancelledAt"), Some(&3));
    }

    #[test]
    fn a_pinned_waiver_passes_only_what_it_states() {
        let absent = Pin {
            absent: true,
            ..Pin::rule("RID2.cancelledAt")
        };
        let code = Pin {
            code: Some("error.runtime.recordNotFound".to_owned()),
            input: Some(InputClass::IdContainingValidId),
            ..Pin::rule("RID3.invalidPropertyValue")
        };
        let waivers = Waivers::new([absent, code]);
        let missing = Failure::new(RuleId::new("RID2.cancelledAt"), "not set").absent();
        let present = Failure::new(RuleId::new("RID2.cancelledAt"), "must be absent");
        assert_eq!(waivers.judge(Err(missing)), Ok(()));
        assert!(waivers.judge(Err(present)).is_err());
        let containing = Failure::new(RuleId::new("RID3.invalidPropertyValue"), "wrong code")
            .code("error.runtime.recordNotFound")
            .input(Some(InputClass::IdContainingValidId));
        let other_input = containing.clone();
        let other_input = Failure {
            observed: crate::verdict::Observed {
                input: Some(InputClass::MalformedId),
                ..other_input.observed
            },
            ..other_input
        };
        let other_code = Failure::new(RuleId::new("RID3.invalidPropertyValue"), "wrong code")
            .code("error.runtime.unknown")
            .input(Some(InputClass::IdContainingValidId));
        assert_eq!(waivers.judge(Err(containing)), Ok(()));
        assert!(waivers.judge(Err(other_input)).is_err());
        assert!(waivers.judge(Err(other_code)).is_err());
        assert_eq!(waivers.usage().get("RID2.cancelledAt"), Some(&1));
    }

    #[test]
    fn an_outcome_pin_passes_several_winners_and_nothing_else() {
        let pin = Pin {
            outcome: Some(OutcomeClass::SeveralSucceeded),
            ..Pin::rule("RID2.concurrent-one-winner")
        };
        let waivers = Waivers::new([pin]);
        let several = Failure::new(RuleId::new("RID2.concurrent-one-winner"), "4 of 8")
            .outcome(OutcomeClass::SeveralSucceeded);
        let none = Failure::new(RuleId::new("RID2.concurrent-one-winner"), "0 of 8");
        assert_eq!(waivers.judge(Err(several)), Ok(()));
        assert!(waivers.judge(Err(none)).is_err());
    }
}
