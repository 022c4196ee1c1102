//! Expectations files: the known failures a CI gate tolerates, checked strictly
//! in both directions (the Protocol Buffers conformance runner is the model).
//!
//! ```toml
//! [[expected]]
//! id = "RID2"                 # optional: the scenario carries the tag @RID2
//! scenario = "RID2 On Failure 2: ..."   # the exact scenario name, or
//! pattern = "^RID2 On Failure"          # a regular expression over names (at most 20 matches)
//! outcome = "failed"          # failed | errored | timeout
//! rule = "RID2.noActiveIdentityDeletionProcess"   # optional: the rule id it fails under
//! race = true                 # optional, race rules only: a passing case is not stale
//! reason = "not implemented yet"        # mandatory
//! issue = "https://tracker/123"         # optional
//!
//! [[waived]]
//! rule = "RID2.cancelledAt"   # a rule id of the catalogue (`crate::rules`)
//! absent = true               # what was observed: absent, present, code, input, outcome, value (one at least)
//! reason = "the Backbone v2 DTO has no cancelledAt"   # mandatory
//! issue = "https://tracker/124"         # optional
//! ```
//!
//! Entries match on the test case and the rule id, never on message text
//! (`message = "…"`, a prefix of the cause, is the older form and still
//! works). A waiver passes only the failures of its rule that observed what
//! it states, in `run` and `fuzz` alike; one that no check needed is stale
//! unless it says `race = true` (race rules only).

mod check;
mod file;
mod update;

pub use check::{Finding, Judged, check, check_each};
pub use file::{Expectation, Expectations, Outcome, Waiver, load, load_waived_only};
pub use update::{Scope as UpdateScope, UpdateSummary, update};

/// The most scenarios one pattern may match.
pub const MAX_PATTERN_MATCHES: usize = 20;
