//! `run --jobs N` and `fuzz --jobs N`: the verdicts, the results file, the
//! fuzz report and the gate do not depend on how many implementation
//! processes the scenarios and the model property's sequences are spread over.

use crate::support::cli;

/// The results file of a `run` with `--jobs jobs`, without its timings.
fn results_without_timings(adapter: &str, jobs: &str) -> (Option<i32>, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.json");
    let output = cli::binary(&[
        "run",
        "--quiet",
        "--seed",
        "4242",
        "--fuzz-cases",
        "16",
        "--adapter-cmd",
        adapter,
        "--jobs",
        jobs,
        "--results",
        results.to_str().unwrap(),
    ]);
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&results).unwrap()).unwrap();
    strip_durations(&mut value);
    (output.status.code(), value)
}

fn strip_durations(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("durationMs");
            map.values_mut().for_each(strip_durations);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_durations),
        _ => {}
    }
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn one_process_and_four_give_the_same_results_file() {
    for (adapter, exit) in [
        ("python3 examples/python/enmeshed_idp.py", 0),
        ("python3 tests/fixtures/adapters/first_page.py", 1),
    ] {
        let (one_code, one) = results_without_timings(adapter, "1");
        let (four_code, four) = results_without_timings(adapter, "4");
        assert_eq!(one_code, Some(exit), "{adapter}");
        assert_eq!(four_code, Some(exit), "{adapter}");
        let cases = one["cases"].as_array().map_or(0, Vec::len);
        assert!(cases > 90, "{adapter}: {cases} cases");
        assert_eq!(one, four, "{adapter}: --jobs 1 and --jobs 4 differ");
    }
}

/// `fuzz --jobs N`: the model property's sequences over N processes; the
/// report (cases, operations, the shrunk failure) is the same for every N.
#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn fuzz_reports_the_same_for_one_process_and_four() {
    for (adapter, exit) in [
        ("python3 examples/python/enmeshed_idp.py", 0),
        ("python3 tests/fixtures/adapters/first_page.py", 1),
        // fails only where a sequence jumps the clock to a leap day: a later case, shrunk
        ("python3 tests/fixtures/adapters/leap_day.py", 1),
    ] {
        let fuzz = |jobs: &str| {
            cli::binary(&[
                "fuzz",
                "--seed",
                "11",
                "--cases",
                "64",
                "--concurrency-cases",
                "2",
                "--adapter-cmd",
                adapter,
                "--jobs",
                jobs,
            ])
        };
        let (one, four) = (fuzz("1"), fuzz("4"));
        let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
        assert_eq!(one.status.code(), Some(exit), "{adapter}: {}", text(&one));
        assert_eq!(four.status.code(), Some(exit), "{adapter}: {}", text(&four));
        assert!(text(&one).contains("seed 11"), "{}", text(&one));
        assert_eq!(
            text(&one),
            text(&four),
            "{adapter}: --jobs 1 and --jobs 4 differ"
        );
    }
}

#[test]
fn jobs_needs_an_adapter_command() {
    for command in ["run", "fuzz"] {
        let output = cli::binary(&[command, "--jobs", "2"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
        assert!(stderr.contains("--adapter-cmd"), "{command}: {stderr}");
    }
}
