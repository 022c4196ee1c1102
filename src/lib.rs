//! enmeshed-conformance: a spec-driven conformance suite and reference
//! implementation for the enmeshed IdentityDeletionProcess use cases (RID1–RID5).
//!
//! - [`domain`]: the model (status, id, DTO, errors, grace period);
//! - [`adapter`]: the trait every implementation under test is reached through;
//! - [`reference`]: the reference implementation;
//! - [`vocabulary`]: every step phrase, typed and defined once;
//! - [`oracle`]: the suite's own model of what a conforming implementation answers;
//! - [`steps`]: the cucumber world and the meaning of each phrase;
//! - [`verdict`], [`outcome`]: typed verdicts (failed vs. each kind of fault) and results;
//! - [`runner`]: running the features and reporting;
//! - [`levels`]: where each rule comes from (published, derived, documented elsewhere, platform);
//! - [`results`]: the suite's own results file; [`report_html`]: the HTML report made from it; [`report_html`]: the HTML report made from it;
//! - [`fuzz`]: fuzzing the invariant against any adapter;
//! - [`suite`]: the feature files and use-case pages built into the binary;
//! - [`protocol`], [`process`], [`smoke`]: implementations in other languages over stdio;
//! - [`spec`], [`generate`]: the use-case page parser and the Gherkin generator
//!   (used by `cargo xtask gen` and by the `coverage` command).

pub mod adapter;
pub mod coverage;
pub mod domain;
pub mod expectations;
pub mod fuzz;
pub mod generate;
pub mod levels;
pub mod oracle;
pub mod outcome;
pub mod process;
pub mod protocol;
pub mod reference;
pub mod report_html;
pub mod results;
pub mod runner;
pub mod smoke;
pub mod spec;
pub mod steps;
pub mod suite;
pub mod verdict;
pub mod vocabulary;
