//! enmeshed-conformance: a spec-driven conformance suite and reference
//! implementation for the enmeshed IdentityDeletionProcess use cases (RID1–RID5).
//!
//! A vendor needs [`prelude`]: implement [`adapter::Adapter`] (or the
//! synchronous [`adapter::BlockingAdapter`]) for the implementation, and
//! [`run::Run`] does what `enmeshed-conformance run` does: the features, the
//! fuzz properties, the expectations gate and the reports.
//!
//! - [`domain`]: the model (status, id, DTO, errors, grace period);
//! - [`adapter`]: the trait every implementation under test is reached through;
//! - [`reference`](mod@reference): the reference implementation;
//! - [`vocabulary`]: every step phrase, typed and defined once;
//! - [`oracle`]: the suite's own model of what a conforming implementation answers;
//! - [`steps`]: the cucumber world and the meaning of each phrase;
//! - [`verdict`], [`outcome`]: typed verdicts (failed vs. each kind of fault) and results;
//! - [`run`]: the whole `run` command as a library call (features, fuzzing, gate, reports);
//! - [`runner`]: running the features and reporting;
//! - [`levels`]: where each rule comes from (published, derived, documented elsewhere, platform);
//! - [`results`]: the suite's own results file; `report_html`: the HTML report made from it
//!   (feature `html`); [`version_order`]: the one order of version strings (the matrix's columns
//!   and its rule history);
//! - [`fuzz`]: fuzzing the invariant against any adapter;
//! - [`digest`]: the one digest (SHA-256) of pages and feature files;
//! - [`rules`]: the rule catalogue (every rule id, what it checks, the race rules);
//! - [`suite`]: the feature files and use-case pages built into the binary;
//! - [`fsio`]: the safe writer, the bounded reader and the output-path check;
//! - [`sanitize`]: implementation-supplied text made safe for each sink;
//! - [`protocol`], [`process`], [`smoke`]: implementations in other languages over stdio;
//! - [`spec`], [`generate`]: the use-case page parser and the Gherkin generator
//!   (used by `cargo xtask gen` and by the `coverage` command).
//!
//! Features: `cli` (on by default) builds the `enmeshed-conformance` binary
//! (clap, shell completions) and turns on `html`, the HTML report
//! (`report_html`, the `report` command). A vendor running the suite as a
//! library depends on it with `default-features = false`: [`run::Run`]
//! needs neither, and the crate compiles with fewer dependencies.

pub mod adapter;
pub mod coverage;
pub mod digest;
pub mod domain;
pub mod expectations;
pub mod fsio;
pub mod fuzz;
pub mod generate;
pub mod headlines;
pub mod levels;
pub mod oracle;
pub mod outcome;
pub mod prelude;
pub mod process;
pub mod protocol;
pub mod reference;
#[cfg(feature = "html")]
pub mod report_html;
pub mod results;
pub mod rules;
pub mod run;
pub mod runner;
pub mod sanitize;
pub mod smoke;
pub mod spec;
pub mod steps;
pub mod suite;
pub mod verdict;
pub mod version_order;
pub mod vocabulary;
