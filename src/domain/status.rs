//! The status of an IdentityDeletionProcess.
//!
//! Sources: `docs/domain.md#life-cycle`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The status of an IdentityDeletionProcess as the runtime reports it.
///
/// The Backbone also knows `Deleting` (after the grace period); the runtime
/// facade under test does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// Initiated and not cancelled; the grace period runs.
    Active,
    /// Cancelled by the Identity; terminal.
    Cancelled,
}

impl Status {
    /// Every status, for parsing and listing.
    pub const ALL: [Status; 2] = [Status::Active, Status::Cancelled];

    /// The exact JSON spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Cancelled => "Cancelled",
        }
    }

    /// The status spelled exactly `name`, if any (case-sensitive).
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_exactly() {
        assert_eq!(
            serde_json::to_string(&Status::Active).unwrap(),
            "\"Active\""
        );
        assert_eq!(
            serde_json::to_string(&Status::Cancelled).unwrap(),
            "\"Cancelled\""
        );
        assert_eq!(Status::parse("Cancelled"), Some(Status::Cancelled));
        assert_eq!(Status::parse("active"), None);
    }
}
