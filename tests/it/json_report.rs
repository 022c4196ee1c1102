//! The Cucumber JSON report: features with ids and the run's metadata,
//! failed steps whose error is the typed verdict (no source locations of the
//! suite), capability skips that keep their own steps, all skipped, with the
//! reason in the description. (.ci/run also feeds the report to Cucumber's
//! JSON validator and an HTML reporter: tools/cucumber-json.)

use crate::support::cli;

use cli::run;
use serde_json::Value;

fn report(adapter: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    run(&[
        "--quiet",
        "--adapter-cmd",
        adapter,
        "--json",
        json.to_str().unwrap(),
    ]);
    serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap()
}

fn elements(report: &Value) -> impl Iterator<Item = &Value> {
    report
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["elements"].as_array().unwrap())
}

#[test]
fn features_have_ids_and_errors_are_verdicts() {
    let report = report("python3 tests/fixtures/adapters/wrong_message.py");
    for feature in report.as_array().unwrap() {
        let id = feature["id"].as_str().unwrap();
        assert!(!id.is_empty() && !id.contains(' '), "{id}");
        assert_eq!(feature["enmeshedConformance"]["suiteVersion"], "0.1.0");
        for element in feature["elements"].as_array().unwrap() {
            assert!(
                element["id"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("{id};")),
                "{element}"
            );
        }
    }
    let errors: Vec<&str> = elements(&report)
        .flat_map(|e| e["steps"].as_array().unwrap())
        .filter_map(|s| s["result"]["error_message"].as_str())
        .collect();
    assert_eq!(errors.len(), 6, "{errors:?}");
    for error in errors {
        assert!(error.starts_with("FAILED [RID1."), "{error}");
        assert!(
            !error.contains("src/steps/") && !error.contains("Matched:"),
            "{error}"
        );
    }
}

#[test]
fn a_capability_skip_keeps_its_steps() {
    let report = report("python3 tests/fixtures/adapters/no_capabilities.py");
    let skips: Vec<&Value> = elements(&report)
        .filter(|e| e["description"].as_str().unwrap().starts_with("SKIPPED: "))
        .collect();
    assert_eq!(skips.len(), 35);
    for skip in skips {
        let steps = skip["steps"].as_array().unwrap();
        assert!(steps.len() >= 2, "{skip}");
        for step in steps {
            assert_eq!(step["result"]["status"], "skipped", "{skip}");
            assert!(
                !step["name"].as_str().unwrap().starts_with("SKIPPED"),
                "{skip}"
            );
        }
        assert!(
            skip["description"]
                .as_str()
                .unwrap()
                .contains("lacks the `"),
            "{skip}"
        );
    }
}
