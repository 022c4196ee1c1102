//! A failure bullet cut into its consequence and its condition clause (the
//! text after the first `if`, `when`, `while` or `unless`; for a bullet that
//! opens with the condition word, `If C, X`, the clause up to the first comma,
//! and the rest is the consequence). Shared by the step rules
//! ([`steps`](super::steps)) and the precondition derivation
//! ([`precondition`](super::precondition)), which do not import each other's
//! rules for it.

/// Words that open a failure bullet's condition clause.
const CONDITION_WORDS: [&str; 4] = ["if", "when", "while", "unless"];

/// A failure bullet cut into consequence and condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureParts {
    /// What cannot happen ("No X can be initiated"), if the bullet says it.
    pub consequence: Option<String>,
    /// The condition under which the call fails.
    pub condition: String,
    /// Whether the condition was introduced by `unless` (the call fails when it does not hold).
    pub negated: bool,
}

/// Cuts a failure bullet at its first condition word.
pub fn split_failure(bullet: &str) -> FailureParts {
    let mut offset = 0;
    for word in bullet.split_inclusive(char::is_whitespace) {
        let bare = word.trim().trim_matches(|c: char| c == ',' || c == ':');
        let lower = bare.to_ascii_lowercase();
        if let Some(found) = CONDITION_WORDS.iter().find(|w| **w == lower) {
            let consequence = bullet[..offset].trim().trim_end_matches(',').trim();
            let condition = bullet[offset + word.len()..].trim();
            // `If C, X.`: the condition comes first and ends at the first comma.
            if consequence.is_empty()
                && let Some((first, rest)) = condition.split_once(", ")
                && !rest.trim().is_empty()
            {
                return FailureParts {
                    consequence: Some(rest.trim().to_owned()),
                    condition: first.trim().to_owned(),
                    negated: *found == "unless",
                };
            }
            if !condition.is_empty() {
                return FailureParts {
                    consequence: (!consequence.is_empty()).then(|| consequence.to_owned()),
                    condition: condition.to_owned(),
                    negated: *found == "unless",
                };
            }
        }
        offset += word.len();
    }
    FailureParts {
        consequence: None,
        condition: bullet.trim().to_owned(),
        negated: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_bullets_split_at_the_first_condition_word() {
        let parts = split_failure("No X can be initiated if there is already one, if ever.");
        assert_eq!(parts.consequence.as_deref(), Some("No X can be initiated"));
        assert_eq!(parts.condition, "there is already one, if ever.");
        assert!(!parts.negated);

        let parts = split_failure("The decisions do not match the RequestItems.");
        assert_eq!(parts.consequence, None);
        assert_eq!(
            parts.condition,
            "The decisions do not match the RequestItems."
        );

        let parts = split_failure("Nothing happens, unless it is set.");
        assert_eq!(parts.consequence.as_deref(), Some("Nothing happens"));
        assert!(parts.negated);

        let parts = split_failure("Notify when\n");
        assert_eq!(parts.condition, "Notify when");

        let parts = split_failure("The Widget cannot be polished while it is frobnicated.");
        assert_eq!(
            parts.consequence.as_deref(),
            Some("The Widget cannot be polished")
        );
        assert_eq!(parts.condition, "it is frobnicated.");

        let parts = split_failure("If the Widget is frobnicated, it cannot be polished.");
        assert_eq!(parts.consequence.as_deref(), Some("it cannot be polished."));
        assert_eq!(parts.condition, "the Widget is frobnicated");
    }
}
