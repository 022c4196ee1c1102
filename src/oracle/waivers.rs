//! Known deviations: checks whose failure is expected and reported as waived.
//!
//! A waiver is pinned to what was observed: a rule id plus at least one of
//! `absent` (the field the rule is about was absent), `present` (it was
//! set where it must be absent), `code` (the
//! implementation answered this error code), `input` (the call was made
//! with this class of input), `outcome` (how concurrent calls ended),
//! `refusal` (the call succeeded where it must be refused so) and
//! `value` (the wrong value sent for a field of a closed set: a `status`). A failure of the same rule that observed
//! anything else is not waived.

use crate::domain::{ErrorKind, Field, Status};
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
    /// The failure must be a field set where it must be absent.
    pub present: bool,
    /// The failure must have observed one of these error codes (none: any
    /// or no code). More than one where one deviation shows several codes,
    /// e.g. concurrent losers refused by the runtime or by its Backbone.
    pub code: Vec<String>,
    /// The call must have been made with this class of input.
    pub input: Option<InputClass>,
    /// The concurrent calls must have ended one of these ways (none: any or
    /// no outcome). More than one where one deviation shows as several, as
    /// the race goes (e.g. two cancels of one process that both succeed, or
    /// whose double success an initiate between them hides from the answers).
    pub outcome: Vec<OutcomeClass>,
    /// The call must have succeeded where it must be refused with this
    /// refusal. The oracle adopts a waived success of cancel: its model
    /// cancels too, so later checks judge the implementation from the state
    /// it is in.
    pub refusal: Option<ErrorKind>,
    /// The field must have had this (wrong) value: a `status` the
    /// implementation sent, or on `RID1.gracePeriodEndsAt` the grace period it
    /// gave, `"N days"` (the model then ends the grace period where the
    /// implementation does).
    pub value: Option<String>,
}

impl Pin {
    /// A pin on `rule` alone (any failure of the rule): for tests and the
    /// library API; expectations files always pin an observation.
    pub fn rule(rule: impl Into<String>) -> Self {
        Self {
            rule: rule.into(),
            absent: false,
            present: false,
            code: Vec::new(),
            input: None,
            outcome: Vec::new(),
            refusal: None,
            value: None,
        }
    }

    /// Whether `failure` is the deviation this pin states.
    pub fn matches(&self, failure: &Failure) -> bool {
        let seen = &failure.observed;
        failure.rule.as_str() == self.rule
            && (!self.absent || seen.absent)
            && (!self.present || seen.present)
            && (self.code.is_empty()
                || seen
                    .code
                    .as_deref()
                    .is_some_and(|seen| self.code.iter().any(|code| code == seen)))
            && self.input.is_none_or(|input| seen.input == Some(input))
            && (self.outcome.is_empty()
                || seen
                    .outcome
                    .is_some_and(|seen| self.outcome.contains(&seen)))
            && self.refusal.is_none_or(|kind| seen.refusal == Some(kind))
            && self
                .value
                .as_ref()
                .is_none_or(|value| seen.value.as_deref() == Some(value))
    }

    /// What the pin states, in words (`absent`, `code = "…"`, `input = "…"`, `outcome = "…"`, `value = "…"`).
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.absent {
            parts.push("absent".to_owned());
        }
        if self.present {
            parts.push("present".to_owned());
        }
        if let Some(codes) = one_or_list("code", &self.code) {
            parts.push(codes);
        }
        if let Some(input) = self.input {
            parts.push(format!("input = {:?}", input.name()));
        }
        let outcomes: Vec<&str> = self.outcome.iter().map(|o| o.name()).collect();
        if let Some(outcomes) = one_or_list("outcome", &outcomes) {
            parts.push(outcomes);
        }
        if let Some(kind) = self.refusal {
            parts.push(format!("refusal = {:?}", kind.short_name()));
        }
        if let Some(value) = &self.value {
            parts.push(format!("value = {value:?}"));
        }
        parts.join(", ")
    }
}

/// `key = "…"` for one value, `key = ["…", …]` for several, as the file
/// writes them; nothing for none.
fn one_or_list(key: &str, values: &[impl AsRef<str>]) -> Option<String> {
    match values {
        [] => None,
        [one] => Some(format!("{key} = {:?}", one.as_ref())),
        many => Some(format!(
            "{key} = [{}]",
            many.iter()
                .map(|v| format!("{:?}", v.as_ref()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

impl From<&str> for Pin {
    fn from(rule: &str) -> Self {
        Pin::rule(rule)
    }
}

/// The rule a process's `status` is checked under when it must be `status`
/// (`RID1.status` for `Active`, `RID2.status` for `Cancelled`).
pub fn status_rule(status: Status) -> RuleId {
    RuleId::of(
        super::field_area(Field::Status, status == Status::Cancelled),
        Field::Status.name(),
    )
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

    /// Whether a waiver passes `failure`, without counting a use: for the
    /// oracle, which adopts a waived deviation into its model before the
    /// failure is judged (and counted) where it is reported.
    pub fn covers(&self, failure: &Failure) -> bool {
        self.pins.iter().any(|p| p.matches(failure))
    }

    /// Whether `failure` is waived; counts the use.
    pub fn waives(&self, failure: &Failure) -> bool {
        self.waiver_of(failure).is_some()
    }

    /// Whether the `status` value an implementation sent reads as `status`:
    /// it is that status, or a waiver of the status's own rule (`RID1.status`
    /// for `Active`, `RID2.status` for `Cancelled`) pins exactly this value.
    /// Such a waiver states a renamed status (the Consumer API v1 runtimes
    /// say `Approved` for `Active`): the status check itself is waived (and
    /// counted) where it runs, and the checks that count processes of a status
    /// (one Active per Identity) count the renamed value as that status, so
    /// they judge the implementation instead of repeating the rename.
    pub fn reads_as(&self, value: &str, status: Status) -> bool {
        self.names_of(status).iter().any(|name| name == value)
    }

    /// The values that read as `status` (see [`Waivers::reads_as`]): the
    /// status's own name first, then the renames the waivers pin.
    pub fn names_of(&self, status: Status) -> Vec<String> {
        let rule = status_rule(status);
        std::iter::once(status.as_str().to_owned())
            .chain(
                self.pins
                    .iter()
                    .filter(|p| p.rule == rule.as_str())
                    .filter_map(|p| p.value.clone()),
            )
            .collect()
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
            code: vec!["error.runtime.recordNotFound".to_owned()],
            input: Some(InputClass::IdContainingValidId),
            ..Pin::rule("RID3.invalidPropertyValue")
        };
        let waivers = Waivers::new([absent, code]);
        let missing = Failure::new(RuleId::new("RID2.cancelledAt"), "not set").absent();
        let present = Failure::new(RuleId::new("RID2.cancelledAt"), "must be absent");
        assert_eq!(waivers.judge(Err(missing)), Ok(()));
        assert!(waivers.judge(Err(present.clone())).is_err());
        let kept = Waivers::new([Pin {
            present: true,
            ..Pin::rule("RID2.cancelledAt")
        }]);
        assert_eq!(kept.judge(Err(present.present())), Ok(()));
        let missing = Failure::new(RuleId::new("RID2.cancelledAt"), "not set").absent();
        assert!(kept.judge(Err(missing)).is_err());
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
    fn a_value_pin_passes_that_value_and_nothing_else() {
        let pin = Pin {
            value: Some("Approved".to_owned()),
            ..Pin::rule("RID1.status")
        };
        let waivers = Waivers::new([pin]);
        let wrong = |value: &str| Failure::new(RuleId::new("RID1.status"), "wrong").value(value);
        assert_eq!(waivers.judge(Err(wrong("Approved"))), Ok(()));
        assert!(waivers.judge(Err(wrong("approved"))).is_err());
        assert!(waivers.judge(Err(wrong("Cancelled"))).is_err());
        let unobserved = Failure::new(RuleId::new("RID1.status"), "wrong");
        assert!(waivers.judge(Err(unobserved)).is_err());
    }

    #[test]
    fn a_pin_of_several_codes_passes_each_of_them_and_no_other() {
        let pin = Pin {
            code: vec!["a.one".to_owned(), "a.two".to_owned()],
            ..Pin::rule("RID2.concurrent-loser-code")
        };
        assert_eq!(pin.describe(), r#"code = ["a.one", "a.two"]"#);
        let waivers = Waivers::new([pin]);
        let refused = |code: &str| {
            Failure::new(RuleId::new("RID2.concurrent-loser-code"), "wrong code").code(code)
        };
        assert_eq!(waivers.judge(Err(refused("a.one"))), Ok(()));
        assert_eq!(waivers.judge(Err(refused("a.two"))), Ok(()));
        assert!(waivers.judge(Err(refused("a.three"))).is_err());
        let no_code = Failure::new(RuleId::new("RID2.concurrent-loser-code"), "succeeded");
        assert!(waivers.judge(Err(no_code)).is_err());
    }

    #[test]
    fn a_status_value_pin_renames_that_status_only() {
        let pin = Pin {
            value: Some("Approved".to_owned()),
            ..Pin::rule("RID1.status")
        };
        let waivers = Waivers::new([pin]);
        assert!(waivers.reads_as("Active", Status::Active));
        assert!(waivers.reads_as("Approved", Status::Active));
        assert!(!waivers.reads_as("Approved", Status::Cancelled));
        assert!(!waivers.reads_as("approved", Status::Active));
        assert!(!Waivers::default().reads_as("Approved", Status::Active));
        assert!(Waivers::default().reads_as("Cancelled", Status::Cancelled));
    }

    #[test]
    fn an_outcome_pin_passes_the_outcomes_it_lists_and_nothing_else() {
        let rule = "INVARIANT.serializable";
        let failure = |outcome: Option<OutcomeClass>| {
            let failure = Failure::new(RuleId::new(rule), "burst 1");
            match outcome {
                Some(outcome) => failure.outcome(outcome),
                None => failure,
            }
        };
        let one = Waivers::new([Pin {
            outcome: vec![OutcomeClass::SeveralSucceeded],
            ..Pin::rule(rule)
        }]);
        assert_eq!(
            one.judge(Err(failure(Some(OutcomeClass::SeveralSucceeded)))),
            Ok(())
        );
        assert!(
            one.judge(Err(failure(Some(OutcomeClass::UnexplainedState))))
                .is_err()
        );
        assert!(one.judge(Err(failure(None))).is_err());
        let both = Pin {
            outcome: vec![
                OutcomeClass::SeveralSucceeded,
                OutcomeClass::UnexplainedState,
            ],
            ..Pin::rule(rule)
        };
        assert_eq!(
            both.describe(),
            r#"outcome = ["several-succeeded", "unexplained-state"]"#
        );
        let both = Waivers::new([both]);
        for seen in [
            OutcomeClass::SeveralSucceeded,
            OutcomeClass::UnexplainedState,
        ] {
            assert_eq!(both.judge(Err(failure(Some(seen)))), Ok(()), "{seen:?}");
        }
        assert!(
            both.judge(Err(failure(Some(OutcomeClass::UnexplainedRefusal))))
                .is_err()
        );
        assert!(both.judge(Err(failure(None))).is_err());
    }
}
