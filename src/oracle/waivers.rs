//! Known deviations: checks whose failure is expected and reported as waived.

use crate::verdict::{Failure, RuleId};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The rule ids an expectations file waives, and how often each was needed.
#[derive(Debug, Default)]
pub struct Waivers {
    used: Mutex<BTreeMap<String, usize>>,
}

impl Waivers {
    /// Waivers for `rules`.
    pub fn new<S: Into<String>>(rules: impl IntoIterator<Item = S>) -> Self {
        Self {
            used: Mutex::new(rules.into_iter().map(|r| (r.into(), 0)).collect()),
        }
    }

    fn used_map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, usize>> {
        self.used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether `rule` is waived; counts the use.
    pub fn waives(&self, rule: &RuleId) -> bool {
        match self.used_map().get_mut(rule.as_str()) {
            Some(count) => {
                *count += 1;
                true
            }
            None => false,
        }
    }

    /// Passes a failure of a waived rule (counting it), keeps any other.
    pub fn judge(&self, result: Result<(), Failure>) -> Result<(), Failure> {
        match result {
            Err(failure) if self.waives(&failure.rule) => Ok(()),
            other => other,
        }
    }

    /// Every waived rule with how many checks it waived.
    pub fn usage(&self) -> BTreeMap<String, usize> {
        self.used_map().clone()
    }

    /// Whether no rule is waived.
    pub fn is_empty(&self) -> bool {
        self.used_map().is_empty()
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
}
