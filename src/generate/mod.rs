//! Turning a parsed use case into a Gherkin feature.
//!
//! The rules are general: they apply to every page of the enmeshed docs, and
//! no file, id or bullet text is treated specially (see `steps`).

mod capability_tags;
mod escape;
mod failure;
mod feature;
mod header;
mod precondition;
mod steps;
mod trace;

pub use failure::{FailureParts, split_failure};
pub use feature::{GeneratedFeature, feature_file_name, render};
pub use header::{HEADER_PREFIX, header_line, source_of};
pub use precondition::{Derivation, derive as derive_preconditions};
pub use steps::{StepKeyword, scenario_steps};
pub use trace::{BulletSource, Trace, page_location};
