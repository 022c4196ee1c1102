//! The Action gates once: its `Conformance` step (the shell script of
//! action.yml, run here as GitHub runs it, with the binary on PATH) on the
//! setup docs/vendors.md describes: an expectations file written by
//! `--update-expectations` with its reasons filled in, and `--strict`.
//! A listed failure passes the gate; a listed failure that no longer occurs
//! fails it; a `TODO` reason fails it.

use crate::support::cli;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn gate_script() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml");
    let action: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).expect("action.yml");
    let steps = action["runs"]["steps"].as_array().expect("steps");
    let gates: Vec<&Value> = steps
        .iter()
        .filter(|s| {
            s["run"]
                .as_str()
                .is_some_and(|r| r.contains("enmeshed-conformance \"${args[@]}\""))
        })
        .collect();
    assert_eq!(gates.len(), 1, "the Action runs the suite in one step");
    assert_eq!(gates[0]["id"], "run");
    gates[0]["run"].as_str().unwrap().to_owned()
}

/// Runs the gate step with the inputs' defaults, `adapter` and `expectations`.
fn run_gate_step(dir: &Path, adapter: &str, expectations: &Path) -> (i32, String) {
    let binary = Path::new(env!("CARGO_BIN_EXE_enmeshed-conformance"));
    let path = format!(
        "{}:{}",
        binary.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(gate_script())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", path)
        .env("ADAPTER_CMD", adapter)
        .env("TIMEOUT", "10")
        .env("EXPECTATIONS", expectations)
        .env("JUNIT", dir.join("junit.xml"))
        .env("JSON", dir.join("cucumber.json"))
        .env("SUMMARY", dir.join("summary.md"))
        .env("RESULTS", dir.join("results.json"))
        .env("HTML", dir.join("report.html"))
        .env("GITHUB_OUTPUT", dir.join("github-output"))
        .env("CASES", "")
        .env("SEED", "")
        .env("GITHUB_STEP_SUMMARY", dir.join("step-summary.md"))
        .output()
        .expect("bash runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn the_action_passes_listed_failures_and_fails_when_one_no_longer_occurs() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expectations.toml");
    std::fs::write(&file, "").unwrap();
    // docs/vendors.md §4: let the suite fill the file in …
    let update = cli::binary(&[
        "run",
        "--adapter-cmd",
        cli::WRONG_MESSAGE,
        "--expectations",
        file.to_str().unwrap(),
        "--update-expectations",
    ]);
    assert_eq!(update.status.code(), Some(0), "{}", cli::stdout(&update));
    let (code, out) = run_gate_step(dir.path(), cli::WRONG_MESSAGE, &file);
    assert_eq!(code, 1, "--strict fails on the TODO reasons:\n{out}");
    assert!(out.contains("--strict"), "{out}");
    let junit = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    assert!(
        junit.contains("todo-reason"),
        "the JUnit report fails too:\n{junit}"
    );
    // … then write the reasons.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("rule = "), "{text}");
    assert!(!text.contains("message = "), "{text}");
    std::fs::write(
        &file,
        text.replace(
            "TODO: say why this failure is tolerated (added by --update-expectations)",
            "our message text differs; fixed in 2.4",
        ),
    )
    .unwrap();
    let (code, out) = run_gate_step(dir.path(), cli::WRONG_MESSAGE, &file);
    assert_eq!(code, 0, "the listed failures pass the gate:\n{out}");
    assert!(out.contains("EXPECTED "), "{out}");
    assert!(
        out.contains("our message text differs; fixed in 2.4"),
        "{out}"
    );
    // The implementation is fixed: the listed failures no longer occur.
    let conforming = "python3 examples/python/enmeshed_idp.py";
    let (code, out) = run_gate_step(dir.path(), conforming, &file);
    assert_eq!(code, 1, "stale entries fail the gate:\n{out}");
    assert!(out.contains("STALE"), "{out}");
}
