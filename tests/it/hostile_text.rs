//! Implementation text is data in every sink: an implementation whose name,
//! version, stderr, error messages and fields carry the shared hostile
//! string set (`sanitize::HOSTILE`: escape sequences, control characters,
//! GitHub Actions workflow commands, Markdown headings and pipes) and whose
//! `getAll` reply holds 4,000 made-up entries (0.86 MB) cannot act on the
//! console, cannot add structure to the Markdown summary, and every value
//! it sent reaches the console and the reports as a bounded excerpt.

use enmeshed_conformance::sanitize::HOSTILE;
use std::path::Path;
use std::process::{Command, Output};

const HOSTILE_ADAPTER: &str = "python3 tests/fixtures/adapters/hostile.py";

/// The largest console output or report the hostile run may produce (before
/// excerpts: 17 MB of console, 13 MB of JUnit).
const LIMIT: usize = 512 * 1024;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .env(
            "HOSTILE_STRINGS",
            serde_json::to_string(HOSTILE).expect("strings serialize"),
        )
        .env_remove("GITHUB_ACTIONS")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

/// Every line of console output that could act on a terminal or on a
/// GitHub Actions log.
fn console_problems(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut problems = Vec::new();
    for (number, line) in text.split('\n').enumerate() {
        let bad_char = line
            .chars()
            .find(|&c| enmeshed_conformance::sanitize::is_hidden_control(c));
        if let Some(c) = bad_char {
            problems.push(format!("line {}: control {c:?}: {line:?}", number + 1));
        }
        if line.trim_start().starts_with("::") || line.contains("##[") {
            problems.push(format!("line {}: workflow command: {line:?}", number + 1));
        }
    }
    problems
}

/// The Markdown headings of a summary, and every table row whose unescaped
/// pipes do not make the table's columns.
fn markdown_problems(summary: &str, expected_headings: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let headings: Vec<&str> = summary.lines().filter(|l| l.starts_with('#')).collect();
    if headings != expected_headings {
        problems.push(format!("headings: {headings:?}"));
    }
    if let Some(c) = summary.chars().find(|&c| c.is_control() && c != '\n') {
        problems.push(format!("a raw control character {c:?}"));
    }
    let mut columns = None;
    for line in summary.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let bytes = line.as_bytes();
        let pipes = (0..bytes.len())
            .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
            .count();
        match columns {
            None => columns = Some(pipes),
            Some(n) if n != pipes => problems.push(format!("a row of {pipes} pipes: {line}")),
            Some(_) => {}
        }
    }
    problems
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_hostile_implementation_is_data_in_every_sink_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let [junit, json, summary] =
        ["junit.xml", "report.json", "summary.md"].map(|n| dir.path().join(n));
    let output = run(&[
        "run",
        "--no-fuzz",
        "--adapter-cmd",
        HOSTILE_ADAPTER,
        "--junit",
        junit.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The hostile values did reach the console, visibly.
    assert!(
        stdout.contains("\\x1b[31mred"),
        "{}",
        &stdout[..stdout.len().min(3000)]
    );
    assert!(
        stdout.contains("\\::error::injected"),
        "{}",
        &stdout[..stdout.len().min(3000)]
    );
    // The 0.86 MB getAll reply is an excerpt with its real size.
    assert!(
        stdout.contains("bytes)"),
        "{}",
        &stdout[..stdout.len().min(3000)]
    );
    for (sink, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let problems = console_problems(bytes);
        assert!(problems.is_empty(), "{sink}:\n{}", problems.join("\n"));
        assert!(bytes.len() < LIMIT, "{sink}: {} bytes", bytes.len());
    }

    let markdown = read(&summary);
    let problems = markdown_problems(
        &markdown,
        &[
            "## enmeshed-conformance: FAILED ❌",
            "### Failures by rule",
            "### Failed scenarios",
        ],
    );
    assert!(problems.is_empty(), "{}\n{markdown}", problems.join("\n"));
    assert!(markdown.contains("hostile \\x1b\\[31mred"), "{markdown}");

    let report: serde_json::Value = serde_json::from_str(&read(&json)).expect("valid JSON");
    assert!(report.is_array());
    for report in [&junit, &json, &summary] {
        let size = std::fs::metadata(report).unwrap().len() as usize;
        assert!(size < LIMIT, "{}: {size} bytes", report.display());
    }
}

#[test]
fn a_hostile_implementation_that_does_not_start_is_data_in_its_reports() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let junit = dir.path().join("junit.xml");
    let output = run(&[
        "run",
        "--adapter-cmd",
        &format!("{HOSTILE_ADAPTER} --crash"),
        "--junit",
        junit.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The tail (the last 20 lines) is quoted, every control visible: the
    // one-byte CSI, and the invisible format characters of the last string.
    let last = HOSTILE.last().and_then(|s| s.lines().last()).unwrap();
    for visible in [
        "c1 csi\\x9b2J".to_owned(),
        enmeshed_conformance::sanitize::terminal::line(last),
    ] {
        assert!(
            stderr.contains(&visible),
            "the stderr tail is quoted: {stderr}"
        );
    }
    let problems = console_problems(&output.stderr);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let markdown = read(&summary);
    let problems = markdown_problems(&markdown, &["## enmeshed-conformance: ERRORED ❌"]);
    assert!(problems.is_empty(), "{}\n{markdown}", problems.join("\n"));
    assert!(junit.exists());
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_hostile_implementation_cannot_add_a_workflow_command_to_the_annotations() {
    let output = run(&[
        "run",
        "--no-fuzz",
        "--quiet",
        "--annotations",
        "--adapter-cmd",
        HOSTILE_ADAPTER,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let failed = stdout
        .lines()
        .filter(|l| l.starts_with("FAILED ") || l.starts_with("ERRORED "))
        .count();
    assert!(failed > 0, "{}", &stdout[..stdout.len().min(3000)]);
    // The suite's own annotations are the only workflow commands: one per
    // failing rule (as many as the console's headlines, at most
    // MAX_ANNOTATIONS), each one line with an escaped title.
    let commands: Vec<&str> = stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("::") || l.contains("##["))
        .collect();
    let headlines = stdout.lines().filter(|l| l.starts_with("RULE ")).count();
    assert_eq!(
        commands.len(),
        headlines.min(enmeshed_conformance::headlines::MAX_ANNOTATIONS),
        "{}",
        commands.join("\n")
    );
    for line in &commands {
        let rest = line
            .strip_prefix("::error title=")
            .unwrap_or_else(|| panic!("not an annotation: {line:?}"));
        let (title, message) = rest
            .split_once("::")
            .unwrap_or_else(|| panic!("no message: {line:?}"));
        assert!(!title.contains([':', ',']), "{line:?}");
        assert!(!message.is_empty(), "{line:?}");
        assert!(
            !line
                .chars()
                .any(enmeshed_conformance::sanitize::is_hidden_control),
            "{line:?}"
        );
    }
    // The hostile texts did reach the annotations, inside one line.
    assert!(
        commands
            .iter()
            .any(|l| l.contains("::error::injected") && l.contains("::add-mask::secret")),
        "{}",
        commands.join("\n")
    );
}
