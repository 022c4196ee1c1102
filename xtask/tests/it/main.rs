//! xtask's integration tests, one module per subject, in one test binary:
//! one link of xtask, proptest and insta instead of one per file. Run one
//! subject with `cargo test -p xtask --test it <module>::`.

/// Helpers shared by the modules.
mod common;

mod bad_input;
mod gen_check;
mod gen_safety;
mod generated_up_to_date;
mod html_report;
mod matrix_files;
mod robustness;
mod snapshot;
mod sync;
mod workspace_root;
