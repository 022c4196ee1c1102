//! The real runtime's waivers hide only what they state: the runtime's
//! adapter with one extra defect each (tests/fixtures/runtime/patched.js)
//! fails the gated `run` and the gated `fuzz` with the runtime's own
//! expectations file; an older version (6.60.5, Consumer API v1) with an
//! extra defect fails its own gated `run`. The tests install the runtimes
//! themselves (`npm ci` in adapters/nmshd-runtime) when they are missing.

use crate::support::{cli, npm};

use std::path::Path;

const EXPECTATIONS: &str = "adapters/nmshd-runtime/expectations/7.0.0.toml";

/// Installs the real runtime (`npm ci` in adapters/nmshd-runtime) when it is
/// missing; fails naming the command when that fails.
fn require_runtime() {
    require_installed("node_modules/@nmshd/runtime/package.json");
}

/// Installs the runtimes when `marker` (in adapters/nmshd-runtime) is missing.
fn require_installed(marker: &str) {
    npm::ensure_installed(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "adapters/nmshd-runtime",
        marker,
    );
}

fn adapter(defect: &str) -> String {
    format!("node tests/fixtures/runtime/patched.js {defect}")
}

fn gated_run(defect: &str) -> (Option<i32>, String) {
    let output = cli::binary(&[
        "run",
        "--quiet",
        "--adapter-cmd",
        &adapter(defect),
        "--timeout",
        "30",
        "--expectations",
        EXPECTATIONS,
    ]);
    (output.status.code(), cli::stdout(&output))
}

fn gated_fuzz(defect: &str) -> (Option<i32>, String) {
    let output = cli::binary(&[
        "fuzz",
        "--adapter-cmd",
        &adapter(defect),
        "--timeout",
        "30",
        "--expectations",
        EXPECTATIONS,
        "--cases",
        "32",
        "--concurrency-cases",
        "4",
    ]);
    (output.status.code(), cli::stdout(&output))
}

fn fails_both_gates(defect: &str, run_shows: &str, fuzz_shows: &str) {
    require_runtime();
    let (code, out) = gated_run(defect);
    assert_eq!(code, Some(1), "gated run against {defect}:\n{out}");
    assert!(
        out.contains(run_shows),
        "gated run against {defect}:\n{out}"
    );
    let (code, out) = gated_fuzz(defect);
    assert_eq!(code, Some(1), "gated fuzz against {defect}:\n{out}");
    assert!(
        out.contains(fuzz_shows),
        "gated fuzz against {defect}:\n{out}"
    );
}

#[test]
#[ignore = "installs and runs the real runtime (npm ci): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn concurrent_losers_answering_unknown_fail_the_gate() {
    fails_both_gates(
        "loser-unknown",
        "UNEXPECTED failed: 32 concurrent initiates on one Identity",
        "error.runtime.unknown",
    );
}

#[test]
#[ignore = "installs and runs the real runtime (npm ci): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn recordnotfound_for_every_malformed_id_fails_the_gate() {
    fails_both_gates(
        "malformed-not-found",
        "UNEXPECTED failed: Get by an id with 19 characters is a validation error",
        "[RID3.invalidPropertyValue]",
    );
}

#[test]
#[ignore = "installs and runs the real runtime (npm ci): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn cancelledat_on_active_processes_fails_the_gate() {
    fails_both_gates(
        "cancelled-at-on-active",
        "`cancelledAt` must be absent",
        "[RID2.cancelledAt]",
    );
}

/// An older version, gated with its own expectations file.
const OLDER: &str = "6.60.5";

#[test]
#[ignore = "installs and runs the real runtime (npm ci): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn an_older_runtime_answering_recordnotfound_for_every_malformed_id_fails_its_gate() {
    require_installed(&format!("node_modules/nmshd-runtime-{OLDER}/package.json"));
    let expectations = format!("adapters/nmshd-runtime/expectations/{OLDER}.toml");
    let output = cli::binary(&[
        "run",
        "--quiet",
        "--adapter-cmd",
        &format!("node tests/fixtures/runtime/patched.js malformed-not-found --runtime {OLDER}"),
        "--timeout",
        "30",
        "--expectations",
        &expectations,
    ]);
    let out = cli::stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "gated run against {OLDER}:\n{out}"
    );
    assert!(
        out.contains("UNEXPECTED failed: Get by an id with 19 characters is a validation error"),
        "gated run against {OLDER}:\n{out}"
    );
}
