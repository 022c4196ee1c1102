//! Maintainer tasks of enmeshed-conformance: the use-case page parser, the
//! Gherkin generator and the `gen` / `check` / `bench-gen` commands.

pub mod bench;
pub mod bench_suite;
pub mod generate;
pub mod pipeline;
pub mod spec;
