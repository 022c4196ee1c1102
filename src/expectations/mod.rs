//! Expectations files: the known failures a CI gate tolerates, checked strictly
//! in both directions (the Protocol Buffers conformance runner is the model).
//!
//! ```toml
//! [[expected]]
//! id = "RID2"                 # optional: the scenario carries the tag @RID2
//! scenario = "RID2 On Failure 2: ..."   # the exact scenario name, or
//! pattern = "^RID2 On Failure"          # a regular expression over names (at most 20 matches)
//! outcome = "failed"          # failed | errored | timeout
//! message = "wrong error code"          # optional: how the cause must start
//! reason = "not implemented yet"        # mandatory
//! issue = "https://tracker/123"         # optional
//!
//! [[waived]]
//! rule = "RID2.cancelledAt"   # a rule id: the check passes, counted and reported as waived
//! reason = "the Backbone v2 DTO has no cancelledAt"   # mandatory
//! issue = "https://tracker/124"         # optional
//! ```
//!
//! A waiver applies to `run` and `fuzz` alike; one that no check needed is stale.

mod check;
mod file;
mod update;

pub use check::{Finding, Judged, check, check_each};
pub use file::{Expectation, Expectations, Outcome, Waiver, load};
pub use update::{UpdateSummary, update};

/// The most scenarios one pattern may match.
pub const MAX_PATTERN_MATCHES: usize = 20;
