//! The composite action (`action.yml`) and the example workflows fit
//! together and fit the binary: the inputs the workflows pass exist, every
//! option the action passes is one the binary takes, the cache is keyed on
//! the suite version, the fuzz is seeded, the JUnit report is published, and
//! the workflows carry a `permissions:` block. (actionlint lints the
//! workflows in `.ci/run`; it does not read action metadata.)

#[path = "support/cli.rs"]
mod cli;

use serde_json::Value;
use std::path::Path;

fn yaml(relative: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

fn steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"].as_array().expect("runs.steps")
}

#[test]
fn the_action_installs_a_pinned_cached_suite_and_runs_it() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    for input in [
        "adapter-cmd",
        "version",
        "expectations",
        "fuzz-cases",
        "seed",
        "junit",
        "timeout",
    ] {
        assert!(action["inputs"][input].is_object(), "input {input}");
    }
    assert_eq!(action["inputs"]["adapter-cmd"]["required"], true);
    let steps = steps(&action);
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .expect("a cache step");
    let key = cache["with"]["key"].as_str().unwrap();
    assert!(key.contains("steps.suite.outputs.version"), "{key}");
    assert!(
        !key.contains("hashFiles"),
        "keyed on the version, not on a lock file: {key}"
    );
    let scripts: String = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        scripts.contains("cargo +stable install --locked --git \"$REPOSITORY\" --tag \"$VERSION\""),
        "{scripts}"
    );
    for step in steps.iter().filter(|s| s["run"].is_string()) {
        assert_eq!(step["shell"], "bash", "{step}");
    }
    assert!(scripts.contains("--seed \"$SEED\""), "a seeded fuzz");
    assert!(
        !scripts.contains("enmeshed-conformance fuzz") && !scripts.contains("args=(fuzz"),
        "one gate: `run` fuzzes, no second fuzz step that ignores the expectations"
    );
    assert!(
        steps.iter().any(|s| s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
            && s["with"]["path"] == "${{ inputs.junit }}"),
        "the JUnit report is published"
    );
}

#[test]
fn every_option_the_action_passes_is_one_the_binary_takes() {
    let action = yaml("action.yml");
    for step in steps(&action) {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        for (command, help) in ["smoke", "run", "fuzz"]
            .iter()
            .map(|c| (*c, cli::stdout(&cli::binary(&[c, "--help"]))))
        {
            let uses_command = script.contains(&format!("enmeshed-conformance {command} "))
                || script.contains(&format!("({command} "));
            if !uses_command {
                continue;
            }
            let line = script
                .lines()
                .find(|l| l.contains(&format!("{command} --")))
                .unwrap_or(script);
            for option in line.split_whitespace().filter(|w| w.starts_with("--")) {
                assert!(help.contains(option), "`{command}` has no {option}");
            }
        }
        if script.contains("args+=(--expectations") {
            assert!(cli::stdout(&cli::binary(&["fuzz", "--help"])).contains("--expectations"));
        }
    }
}

#[test]
fn the_example_workflows_use_the_action_with_its_inputs() {
    let action = yaml("action.yml");
    for workflow in [
        "examples/github-actions/conformance.yml",
        "examples/github-actions/conformance-node.yml",
    ] {
        let flow = yaml(workflow);
        assert!(flow["permissions"].is_object(), "{workflow}: permissions");
        let jobs = flow["jobs"].as_object().unwrap();
        let uses: Vec<&Value> = jobs
            .values()
            .flat_map(|job| job["steps"].as_array().unwrap())
            .filter(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.contains("/enmeshed-conformance@"))
            })
            .collect();
        assert_eq!(uses.len(), 1, "{workflow}: uses the action once");
        let with = uses[0]["with"].as_object().unwrap();
        assert!(with.contains_key("adapter-cmd"), "{workflow}");
        for input in with.keys() {
            assert!(
                action["inputs"][input].is_object(),
                "{workflow}: unknown input {input}"
            );
        }
    }
}
