//! The integration tests, one module per subject, in one test binary: one
//! link of the library, cucumber and tokio instead of one per file (issue 22).
//! Run one subject with `cargo test --test it <module>::`.
//!
//! The modules' tests run as parallel threads of this one process: a test
//! must not change process-wide state (environment variables, the current
//! directory) and must recognise its own child processes by a marker of its
//! own, never by a command line another module's test may also run.

/// Helpers shared by the modules.
mod support {
    pub mod cli;
    pub mod limited;
    pub mod mutant;
    pub mod npm;
}

mod action_gate;
mod bounded_output;
mod calendar_coverage;
mod capabilities_and_faults;
mod command_line;
mod coverage_spec;
mod default_seed;
mod doc_location;
mod embedded_suite;
mod expectations_files;
mod feature_discovery;
mod file_safety;
mod freedoms;
mod fuzz;
mod gate;
mod gate_reproducible;
mod github_action;
mod headlines;
mod hostile_text;
mod jobs;
mod json_report;
mod junit_report;
mod mutants;
mod node_example;
mod nondeterministic;
mod nothing_checked;
mod patched_runtime;
mod process_adapter;
mod process_groups;
mod protocol_docs;
mod protocol_promises;
mod race_outcomes;
mod racy_gate;
mod reference;
mod report_bounds;
mod results_and_levels;
mod rule_history;
mod run_command;
mod run_fuzz;
mod runtime_versions;
mod scale;
mod step_rejections;
mod suite_faults;
mod test_tiers;
mod traceability;
mod use_case_tags;
mod vendor_guide;
mod vendor_print;
mod verdict_kinds;
