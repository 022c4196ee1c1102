//! The real runtime's waivers hide only what they state: the runtime's
//! adapter with one extra defect each (tests/fixtures/runtime/patched.js)
//! fails the gated `run` and the gated `fuzz` with the runtime's own
//! expectations file. Needs the runtime installed:
//! `cd adapters/nmshd-runtime && npm ci`.

use crate::support::cli;

use std::path::Path;

const EXPECTATIONS: &str = "adapters/nmshd-runtime/expectations.toml";

fn require_runtime() {
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("adapters/nmshd-runtime/node_modules");
    assert!(
        modules.is_dir(),
        "the real runtime is not installed: run `cd adapters/nmshd-runtime && npm ci` first"
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
fn concurrent_losers_answering_unknown_fail_the_gate() {
    fails_both_gates(
        "loser-unknown",
        "UNEXPECTED failed: 32 concurrent initiates on one Identity",
        "error.runtime.unknown",
    );
}

#[test]
fn recordnotfound_for_every_malformed_id_fails_the_gate() {
    fails_both_gates(
        "malformed-not-found",
        "UNEXPECTED failed: Get by an id with 19 characters is a validation error",
        "[RID3.invalidPropertyValue]",
    );
}

#[test]
fn cancelledat_on_active_processes_fails_the_gate() {
    fails_both_gates(
        "cancelled-at-on-active",
        "`cancelledAt` must be absent",
        "[RID2.cancelledAt]",
    );
}
