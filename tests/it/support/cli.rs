//! Running the `enmeshed-conformance` binary from the tests, in the workspace root.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs the binary with `args` (outside GitHub Actions: `GITHUB_ACTIONS`
/// removed, so its annotations appear only when a test asks for them).
pub fn binary(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

/// Runs `enmeshed-conformance run` with `args`, features only: these tests
/// judge the scenarios; `run`'s fuzz properties have tests of their own
/// (tests/it/run_fuzz.rs), so `--no-fuzz` is added unless `args` ask for fuzzing.
pub fn run(args: &[&str]) -> Output {
    let mut all = vec!["run"];
    if !args.iter().any(|a| *a == "--fuzz-cases" || *a == "--seed") {
        all.push("--no-fuzz");
    }
    all.extend_from_slice(args);
    binary(&all)
}

/// Writes `body` as `scratch.feature` in `dir` and returns its path.
pub fn scratch_feature(dir: &std::path::Path, body: &str) -> String {
    let path = dir.join("scratch.feature");
    std::fs::write(&path, body).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The fixture adapter that answers "already active" with the wrong message.
pub const WRONG_MESSAGE: &str = "python3 tests/fixtures/adapters/wrong_message.py";

/// The scenarios that fail against [`WRONG_MESSAGE`] (with `--no-fuzz`).
pub const FAILING: [&str; 6] = [
    "RID1 On Failure 1: No IdentityDeletionProcess can be initiated if there is already an active IdentityDeletionProcess, i.e. an IdentityDeletionProcess with `\"Active\"` as `status`, for this Identity.",
    "After cancelling and initiating again, a further initiate still fails",
    "Initiating while a process is active fails with the exact code and message",
    "32 concurrent initiates on one Identity: exactly one succeeds",
    "A refused initiate publishes no event",
    "A burst of 16 concurrent initiates and cancels is explained by a serial order",
];
