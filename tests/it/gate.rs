//! The CI gate through the binary: expectations files in both directions,
//! `--update-expectations`, the Markdown summary, report metadata, `--list`
//! and `--fail-fast`. The failing implementation is a fixture adapter that
//! answers one error with the wrong message (6 scenarios fail).

use crate::support::cli;
use std::path::Path;

use cli::{FAILING, WRONG_MESSAGE, run};
use std::process::Output;

fn out(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn entry(scenario: &str, extra: &str) -> String {
    format!(
        "[[expected]]\nscenario = {}\noutcome = \"failed\"\nreason = \"known\"\n{extra}\n",
        toml_string(scenario)
    )
}

fn write(dir: &Path, text: &str) -> String {
    let path = dir.join("expectations.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn gate(path: &str) -> Output {
    run(&["--adapter-cmd", WRONG_MESSAGE, "--expectations", path])
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn listed_failures_pass_the_gate_and_unlisted_ones_fail_it() {
    let dir = tempfile::tempdir().unwrap();
    let without = run(&["--adapter-cmd", WRONG_MESSAGE]);
    assert_eq!(without.status.code(), Some(1), "{}", out(&without));

    let all: String = FAILING
        .iter()
        .map(|s| entry(s, "message = \"right code, wrong message\""))
        .collect();
    let output = gate(&write(dir.path(), &all));
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    assert!(
        out(&output).contains("6 expected failures, 0 problems"),
        "{}",
        out(&output)
    );

    // One failure not listed.
    let three: String = FAILING[1..].iter().map(|s| entry(s, "")).collect();
    let output = gate(&write(dir.path(), &three));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        out(&output).contains("UNEXPECTED failed: RID1 On Failure 1"),
        "{}",
        out(&output)
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn stale_mismatched_unmatched_and_too_broad_entries_fail_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let all: String = FAILING.iter().map(|s| entry(s, "")).collect();
    let cases = [
        (entry("Get by a malformed id", ""), "STALE entry 7"),
        (entry("No such scenario", ""), "UNMATCHED entry 7"),
        (
            "[[expected]]\npattern = \".\"\noutcome = \"failed\"\nreason = \"too much\"\n"
                .to_owned(),
            "TOO BROAD entry 7",
        ),
    ];
    for (extra, finding) in cases {
        let output = gate(&write(dir.path(), &format!("{all}{extra}")));
        assert_eq!(output.status.code(), Some(1), "{finding}: {}", out(&output));
        assert!(
            out(&output).contains(finding),
            "{finding}: {}",
            out(&output)
        );
    }
    let mut mismatched: String = FAILING[1..].iter().map(|s| entry(s, "")).collect();
    mismatched.push_str(&entry(FAILING[0], "message = \"wrong error code\""));
    let output = gate(&write(dir.path(), &mismatched));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        out(&output).contains("MISMATCH entry 6")
            && out(&output).contains("fails with another message"),
        "{}",
        out(&output)
    );
    let errored: String = FAILING
        .iter()
        .map(|s| entry(s, "").replace("\"failed\"", "\"errored\"\nfault = \"DECLINED\""))
        .collect();
    let output = gate(&write(dir.path(), &errored));
    assert!(
        out(&output).contains("expected to be errored, it failed"),
        "{}",
        out(&output)
    );
}

#[test]
fn a_bad_expectations_file_is_a_usage_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, message) in [
        (
            "[[expected]]\nscenario = \"x\"\noutcome = \"failed\"\n",
            ":1: entry 1: `reason` is mandatory",
        ),
        (
            "[[expected]]\nscenario = \"x\"\noutcome = \"broken\"\nreason = \"r\"\n",
            "`outcome` must be failed, errored or timeout",
        ),
        (
            "\n\n[[expected]]\npattern = \"(\"\noutcome = \"failed\"\nreason = \"r\"\n",
            ":3: entry 1: `pattern` is not a regular expression",
        ),
        (
            "[[expected]]\nscenario = \"x\"\npattern = \"x\"\noutcome = \"failed\"\nreason = \"r\"\n",
            "exactly one of `scenario` and `pattern`",
        ),
        (
            "[[expected]]\nscenario = \"x\"\noutcome = \"failed\"\nreason = \"r\"\nreasons = \"typo\"\n",
            "unknown key `reasons`",
        ),
        ("[[expected]\n", ":1: not valid TOML"),
    ] {
        let path = write(dir.path(), text);
        let output = run(&["--expectations", &path]);
        assert_eq!(output.status.code(), Some(2), "{text}: {}", out(&output));
        assert!(out(&output).contains(message), "{text}: {}", out(&output));
    }
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn update_rewrites_the_file_and_keeps_comments_and_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "# Our known gaps.\n\n# The message is being fixed upstream.\n{}\n# This one is fixed already.\n{}",
        entry(FAILING[2], "issue = \"https://tracker.invalid/7\"")
            .replace("reason = \"known\"", "reason = \"message fix pending\""),
        entry("Get by a malformed id", "")
    );
    let path = write(dir.path(), &text);
    let partial = run(&[
        "--adapter-cmd",
        WRONG_MESSAGE,
        "--expectations",
        &path,
        "--update-expectations",
        "--tags",
        "@RID1",
    ]);
    assert_eq!(partial.status.code(), Some(2), "{}", out(&partial));
    assert!(out(&partial).contains("needs a complete run"));

    let output = run(&[
        "--adapter-cmd",
        WRONG_MESSAGE,
        "--expectations",
        &path,
        "--update-expectations",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    assert!(
        out(&output).contains("kept 1, removed 1, added 5 entries"),
        "{}",
        out(&output)
    );
    let updated = std::fs::read_to_string(&path).unwrap();
    assert!(updated.starts_with("# Our known gaps."), "{updated}");
    assert!(
        updated.contains("# The message is being fixed upstream.")
            && updated.contains("message fix pending"),
        "{updated}"
    );
    assert!(updated.contains("https://tracker.invalid/7"), "{updated}");
    assert!(!updated.contains("Get by a malformed id"), "{updated}");
    assert!(updated.contains("id = \"RID1\""), "{updated}");
    assert_eq!(updated.matches("TODO: say why").count(), 5, "{updated}");
    // The updated file passes the gate.
    let output = gate(&path);
    assert_eq!(output.status.code(), Some(0), "{}\n{updated}", out(&output));
}

#[test]
fn the_summary_and_the_reports_carry_the_failures_and_the_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let junit = dir.path().join("junit.xml");
    let json = dir.path().join("report.json");
    let output = run(&[
        "--adapter-cmd",
        WRONG_MESSAGE,
        "--summary",
        summary.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let markdown = std::fs::read_to_string(&summary).unwrap();
    assert!(
        markdown.starts_with("## enmeshed-conformance: FAILED"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| implementation | enmeshed-conformance Python example 1.0.0 |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| suite | enmeshed-conformance 0.1.0 |")
            && markdown.contains("| spec digest | `embedded:sha256:"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| failed | 6 |") && markdown.contains("right code, wrong message"),
        "{markdown}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(
            "<property name=\"implementation\" value=\"enmeshed-conformance Python example\"/>"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("<property name=\"spec.digest\" value=\"embedded:sha256:"),
        "{xml}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let meta = &json[0]["enmeshedConformance"];
    assert_eq!(meta["implementationVersion"], "1.0.0");
    assert_eq!(meta["suiteVersion"], "0.1.0");
}

#[test]
fn list_prints_without_running_and_fail_fast_stops_early() {
    let output = run(&[
        "--adapter-cmd",
        WRONG_MESSAGE,
        "--list",
        "--tags",
        "@RID1 or @requires.clock",
    ]);
    let text = out(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("RID1 On Failure 1")
            && text.contains("@requires.clock")
            && text.contains("Cancelling after the grace period fails"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("47 scenarios"), "{text}");
    assert!(!text.contains("passed,"), "{text}");

    let output = run(&["--adapter-cmd", WRONG_MESSAGE, "--fail-fast"]);
    let text = out(&output);
    assert_eq!(output.status.code(), Some(1));
    let last = text
        .lines()
        .rev()
        .find(|l| l.contains(" passed, "))
        .unwrap_or_default()
        .to_owned();
    let ran: usize = last
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse::<usize>().ok())
        .take(2)
        .sum();
    assert!(ran < 40, "--fail-fast ran everything: {last}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn timeouts_are_their_own_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("expectations.toml");
    let path = path.to_str().unwrap();
    let hang = "python3 tests/fixtures/adapters/hang.py";
    let output = run(&[
        "--adapter-cmd",
        hang,
        "--timeout",
        "1",
        "--expectations",
        path,
        "--update-expectations",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    let written = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        written.matches("outcome = \"timeout\"").count(),
        10,
        "{written}"
    );
    let output = run(&[
        "--adapter-cmd",
        hang,
        "--timeout",
        "1",
        "--expectations",
        path,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    // An errored entry names its fault kind; a timeout matches none.
    let errored = written.replace("\"timeout\"", "\"errored\"\nfault = \"DECLINED\"");
    std::fs::write(path, errored).unwrap();
    let output = run(&[
        "--adapter-cmd",
        hang,
        "--timeout",
        "1",
        "--expectations",
        path,
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        out(&output).contains("expected to be errored, it timed out"),
        "{}",
        out(&output)
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn capability_tags_select_and_missing_capabilities_skip_with_a_reason() {
    let output = run(&["--list", "--tags", "@requires.clock"]);
    let text = out(&output);
    assert!(
        text.contains("Cancelling fails once the grace period is over")
            && text.trim_end().ends_with("24 scenarios"),
        "{text}"
    );
    let output = run(&[
        "--tags",
        "not @requires.clock and not @requires.events and not @requires.devices",
    ]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        out(&output)
            .trim_end()
            .ends_with("57 passed, 0 failed, 0 skipped"),
        "{}",
        out(&output)
    );

    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let output = run(&[
        "--adapter-cmd",
        "python3 tests/fixtures/adapters/no_capabilities.py",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let text = out(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.trim_end().ends_with("57 passed, 0 failed, 35 skipped"),
        "{text}"
    );
    assert!(
        text.contains("SKIPPED Cancelling after the grace period fails"),
        "{text}"
    );
    assert!(
        text.contains("lacks the `clock` capability this scenario needs"),
        "{text}"
    );
    assert!(
        text.contains("lacks the `events` capability this scenario needs"),
        "{text}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("<skipped"), "{xml}");
}

/// An expectations file of one hand-written entry for `scenario`.
fn hand_written(scenario: &str) -> String {
    format!(
        "# Hand-written, with a reason of our own.\n[[expected]]\nscenario = {}   # kept as written\noutcome = \"failed\"\nreason = \"upstream issue 12: we know, and say why here\"\n",
        toml_string(scenario)
    )
}

/// Runs `--update-expectations` over a file holding only the entry of
/// `scenario`, with `args`; returns the console and the file afterwards.
fn update_partial(scenario: &str, args: &[&str]) -> (Output, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let text = hand_written(scenario);
    let path = write(dir.path(), &text);
    let mut all = vec![
        "--features",
        "features/manual/cancel.feature",
        "--expectations",
        &path,
        "--update-expectations",
    ];
    all.extend_from_slice(args);
    let output = run(&all);
    (output, text, std::fs::read_to_string(&path).unwrap())
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn an_update_after_a_partial_run_keeps_the_entries_of_what_did_not_run() {
    let over = "Cancelling fails once the grace period is over, and changes nothing";
    for (scenario, args, form) in [
        ("fuzz: model", &[][..], "the properties not run (--no-fuzz)"),
        (
            "fuzz: model",
            &["--fuzz-cases", "1"][..],
            "a reduced budget (--fuzz-cases 1)",
        ),
        (
            over,
            &[
                "--adapter-cmd",
                "python3 tests/fixtures/adapters/no_capabilities.py",
            ][..],
            "a capability skip",
        ),
    ] {
        let (output, before, after) = update_partial(scenario, args);
        assert_eq!(output.status.code(), Some(0), "{form}: {}", out(&output));
        assert_eq!(after, before, "{form}: the entry survives byte for byte");
        assert!(
            out(&output).contains("kept 1, removed 0, added 0 entries")
                && out(&output).contains("kept 1 entries unjudged"),
            "{form}: {}",
            out(&output)
        );
    }
    // An entry of no test case of the suite goes, partial run or not.
    let (output, _, after) = update_partial("No such scenario", &[]);
    assert!(
        out(&output).contains("kept 0, removed 1, added 0 entries"),
        "{}",
        out(&output)
    );
    assert!(!after.contains("upstream issue 12"), "{after}");
    // Run in full and passing, the same entry goes.
    let (output, _, after) = update_partial(over, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", out(&output));
    assert!(
        out(&output).contains("kept 0, removed 1, added 0 entries"),
        "{}",
        out(&output)
    );
    assert!(!after.contains("upstream issue 12"), "{after}");
}
