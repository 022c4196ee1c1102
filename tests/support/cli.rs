//! Running the `enmeshed-conformance` binary from the tests, in the workspace root.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs the binary with `args`.
pub fn binary(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

/// Runs `enmeshed-conformance run` with `args`, features only: these tests
/// judge the scenarios; `run`'s fuzz properties have tests of their own
/// (tests/run_fuzz.rs), so `--no-fuzz` is added unless `args` ask for fuzzing.
pub fn run(args: &[&str]) -> Output {
    let mut all = vec!["run"];
    if !args.iter().any(|a| *a == "--fuzz-cases" || *a == "--seed") {
        all.push("--no-fuzz");
    }
    all.extend_from_slice(args);
    binary(&all)
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}
