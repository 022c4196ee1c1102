//! enmeshed-conformance: a spec-driven conformance suite and reference
//! implementation for the enmeshed IdentityDeletionProcess use cases (RID1–RID5).
//!
//! - [`domain`]: the model (status, id, DTO, errors, grace period);
//! - [`adapter`]: the trait every implementation under test is reached through;
//! - [`reference`]: the reference implementation;
//! - [`steps`]: the cucumber world and step definitions;
//! - [`runner`]: running the features and reporting.

pub mod adapter;
pub mod cli;
pub mod domain;
pub mod fuzz;
pub mod process;
pub mod protocol;
pub mod reference;
pub mod runner;
pub mod smoke;
pub mod steps;
