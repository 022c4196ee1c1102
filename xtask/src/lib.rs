//! Maintainer tasks of enmeshed-conformance: the `gen` / `check` pipeline,
//! `sync` from a docs checkout, and the benchmarks. The page parser and the Gherkin generator live in the
//! main crate (`enmeshed_conformance::spec`, `enmeshed_conformance::generate`),
//! which the `coverage` command of the binary needs too.

pub mod bench;
pub mod bench_runtime;
pub mod bench_scale;
pub mod bench_suite;
pub mod bench_sync;
pub mod interrupt;
pub mod matrix;
pub mod pipeline;
pub mod protocol_doc;
pub mod runtime_figures;
pub mod stage;
pub mod sync;
pub mod workspace;

pub use enmeshed_conformance::{generate, spec};
