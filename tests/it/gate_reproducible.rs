//! One binary gives one implementation the same verdict every time: against
//! a defect only the fuzzer reaches (tests/fixtures/adapters/first_page.py),
//! runs under the default seed fail the same cases with the same messages,
//! and an expectations file written once passes every later gate. Unknown
//! rule ids and `race = true` on a non-race rule are refused (exit 2).

use crate::support::cli;

const FIRST_PAGE: &str = "python3 tests/fixtures/adapters/first_page.py";

/// The failing cases with their verdict lines and the minimal sequences.
fn failures(out: &str) -> Vec<String> {
    let mut kept = Vec::new();
    let mut in_sequence = false;
    for line in out.lines() {
        if line.starts_with("FAILED ") || line.starts_with("ERRORED ") {
            kept.push(line.to_owned());
        } else if line.starts_with("minimal operation sequence:") {
            in_sequence = true;
        } else if in_sequence && line.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
            kept.push(line.to_owned());
        } else if in_sequence && line.trim().is_empty() {
            in_sequence = false;
        }
    }
    kept
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn five_runs_fail_the_same_cases_with_the_same_messages() {
    let runs: Vec<Vec<String>> = (0..5)
        .map(|_| {
            let output = cli::binary(&["run", "--quiet", "--adapter-cmd", FIRST_PAGE]);
            assert_eq!(output.status.code(), Some(1), "{}", cli::stdout(&output));
            failures(&cli::stdout(&output))
        })
        .collect();
    assert!(
        runs[0].iter().any(|l| l.starts_with("FAILED fuzz: model")),
        "{:#?}",
        runs[0]
    );
    for run in &runs[1..] {
        assert_eq!(run, &runs[0]);
    }
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn an_updated_file_passes_ten_gates_in_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.toml");
    let path = file.to_str().unwrap();
    let update = cli::binary(&[
        "run",
        "--quiet",
        "--adapter-cmd",
        FIRST_PAGE,
        "--expectations",
        path,
        "--update-expectations",
    ]);
    assert_eq!(update.status.code(), Some(0), "{}", cli::stdout(&update));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("scenario = \"fuzz: model\""), "{text}");
    assert!(text.contains("rule = \"RID2.succeeds\""), "{text}");
    assert!(!text.contains("message"), "no message text: {text}");
    for round in 1..=10 {
        let gate = cli::binary(&[
            "run",
            "--quiet",
            "--adapter-cmd",
            FIRST_PAGE,
            "--expectations",
            path,
        ]);
        assert_eq!(
            gate.status.code(),
            Some(0),
            "gate {round}:\n{}",
            cli::stdout(&gate)
        );
    }
}

#[test]
fn unknown_rules_and_false_races_are_refused_naming_the_nearest_ids() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[[waived]]\nrule = \"RID9.nope\"\nabsent = true\nreason = \"x\"\n",
            "unknown rule id \"RID9.nope\"; nearest known:",
        ),
        (
            "[[waived]]\nrule = \"RID2.cancelledat\"\nabsent = true\nreason = \"x\"\n",
            "nearest known: RID2.cancelledAt",
        ),
        (
            "[[waived]]\nrule = \"RID2.cancelledAt\"\nabsent = true\nrace = true\nreason = \"x\"\n",
            "is not a race rule",
        ),
        (
            "[[waived]]\nrule = \"RID2.cancelledAt\"\nreason = \"x\"\n",
            "must say what was observed",
        ),
        (
            "[[waived]]\nrule = \"RID2.concurrent-loser-code\"\ncode = []\nreason = \"x\"\n",
            "`code` must be a string or a non-empty array of strings",
        ),
        (
            "[[waived]]\nrule = \"RID2.concurrent-loser-code\"\ncode = [\"a\", 1]\nreason = \"x\"\n",
            "`code` must be a string or a non-empty array of strings",
        ),
        (
            "[[waived]]\nrule = \"INVARIANT.serializable\"\noutcome = []\nreason = \"x\"\n",
            "`outcome` must be a string or a non-empty array of strings",
        ),
        (
            "[[waived]]\nrule = \"INVARIANT.serializable\"\noutcome = [\"several-succeeded\", \"lost\"]\nreason = \"x\"\n",
            "`outcome` must be one of \"several-succeeded\", \"unexplained-refusal\", \"unexplained-state\", or a list of them, not \"lost\"",
        ),
        (
            "[[waived]]\nrule = \"RID2.gracePeriodEndsAt\"\npresent = \"yes\"\nreason = \"x\"\n",
            "`present` must be true or false",
        ),
        (
            "[[waived]]\nrule = \"RID2.must-fail\"\nrefusal = \"gracePeriodExpired\"\nreason = \"x\"\n",
            "`refusal` must be one of \"activeIdentityDeletionProcessAlreadyExists\", \"noActiveIdentityDeletionProcess\", \"gracePeriodHasAlreadyExpired\", \"recordNotFound\", \"invalidPropertyValue\", not \"gracePeriodExpired\"",
        ),
        (
            "[[waived]]\nrule = \"RID1.status\"\nvalue = 1\nreason = \"x\"\n",
            "`value` must be a string",
        ),
        (
            "[[expected]]\nscenario = \"x\"\noutcome = \"failed\"\nrule = \"RID1.nope\"\nreason = \"x\"\n",
            "unknown rule id \"RID1.nope\"",
        ),
        (
            "[[expected]]\nscenario = \"x\"\noutcome = \"failed\"\nrule = \"RID1.status\"\nrace = true\nreason = \"x\"\n",
            "needs a `rule` that is a race rule",
        ),
    ];
    for (i, (text, error)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("{i}.toml"));
        std::fs::write(&file, text).unwrap();
        let output = cli::run(&["--expectations", file.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{text}\n{stderr}");
        assert!(stderr.contains(error), "{text}\n{stderr}");
    }
}

/// docs/vendors.md §4: every TOML sample loads as it is, when copied.
#[test]
fn the_vendor_guide_samples_load_when_copied() {
    let guide = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/vendors.md"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let blocks: Vec<&str> = guide
        .split("```toml\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .collect();
    assert!(
        blocks.len() >= 2,
        "the guide has an entry and a waiver sample"
    );
    for (i, block) in blocks.iter().enumerate() {
        let file = dir.path().join(format!("{i}.toml"));
        std::fs::write(&file, block).unwrap();
        enmeshed_conformance::expectations::load(&file)
            .unwrap_or_else(|e| panic!("sample {}:\n{block}\n{e}", i + 1));
    }
}

/// An entry for a race may find the race did not happen: with `race = true`
/// (on a race rule) a passing test case is not stale; without, it is.
#[test]
fn a_race_entry_whose_case_passed_is_not_stale() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |race: &str| {
        format!(
            "[[expected]]\nscenario = \"32 concurrent initiates on one Identity: exactly one succeeds\"\noutcome = \"failed\"\nrule = \"RID1.concurrent-one-winner\"\n{race}reason = \"our initiate is not atomic yet\"\n"
        )
    };
    for (race, code) in [("race = true\n", 0), ("", 1)] {
        let file = dir.path().join("e.toml");
        std::fs::write(&file, entry(race)).unwrap();
        let output = cli::run(&["--quiet", "--expectations", file.to_str().unwrap()]);
        let out = cli::stdout(&output);
        assert_eq!(output.status.code(), Some(code), "{race}\n{out}");
        if code == 1 {
            assert!(out.contains("STALE"), "{out}");
        }
    }
}

/// Every report tells the gate's story: an expected failure is expected,
/// with its entry's reason, in the console, the summary and Cucumber JSON
/// (a `skipped` step whose `error_message` starts with the reason).
#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn expected_failures_read_as_expected_with_their_reason_in_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.toml");
    let path = file.to_str().unwrap();
    let update = cli::run(&[
        "--adapter-cmd",
        cli::WRONG_MESSAGE,
        "--expectations",
        path,
        "--update-expectations",
    ]);
    assert_eq!(update.status.code(), Some(0), "{}", cli::stdout(&update));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("TODO: say why", "Known: say why")).unwrap();
    let json = dir.path().join("r.json");
    let summary = dir.path().join("s.md");
    let gate = cli::run(&[
        "--adapter-cmd",
        cli::WRONG_MESSAGE,
        "--expectations",
        path,
        "--json",
        json.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    let out = cli::stdout(&gate);
    assert_eq!(gate.status.code(), Some(0), "{out}");
    assert!(out.contains("EXPECTED Initiating while a process is active fails with the exact code and message: expected failure: Known: say why"), "{out}");
    assert!(!out.contains("warning:"), "no TODO left: {out}");
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.contains("| expected failure: Known: say why"),
        "{markdown}"
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let elements: Vec<&serde_json::Value> = report
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["elements"].as_array().unwrap())
        .collect();
    let expected: Vec<&&serde_json::Value> = elements
        .iter()
        .filter(|e| {
            e["tags"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == "@expected-failure")
        })
        .collect();
    assert_eq!(expected.len(), cli::FAILING.len(), "{report:#}");
    for element in expected {
        let steps = element["steps"].as_array().unwrap();
        assert!(steps.iter().all(|s| s["result"]["status"] != "failed"));
        assert!(
            steps.iter().any(|s| s["result"]["error_message"]
                .as_str()
                .is_some_and(|m| m.starts_with("expected failure: Known: say why"))),
            "{element:#}"
        );
    }
}
