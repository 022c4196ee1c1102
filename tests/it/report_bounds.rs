//! `report`'s inputs and page are bounded, and its work is linear: a FIFO or
//! a device is refused at once, every text of a results file is cut to the
//! 4 KiB the format promises, every table and section of the page stops with
//! a "… N more" line (the page stays under `MAX_PAGE_BYTES`), the work counted
//! by `render_with_work` grows linearly with the input (1× against 4×, no
//! clock), and hidden and bidirectional controls are data in the HTML.

use enmeshed_conformance::levels::Level;
use enmeshed_conformance::report_html::{self, MAX_MATRIX_BYTES_PER_RUN, MAX_PAGE_BYTES};
use enmeshed_conformance::results::{
    self, Case, CaseFailure, FuzzCase, MAX_VALUE_BYTES, ResultsFile,
};
use enmeshed_conformance::sanitize::{HOSTILE, is_hidden_control};
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A results file of one implementation with one passing case (`template`).
fn file(name: &str) -> serde_json::Value {
    json!({
        "format": results::FORMAT,
        "version": results::VERSION,
        "implementation": {"name": name, "version": "1.0", "capabilities": ["clock"]},
        "suite": {"version": "0.1.0", "specDigest": "sha256:00", "featureFiles": 1,
                  "seed": null, "level": null, "partial": false},
        "passed": false,
        "gate": null,
        "waivers": [],
        "pages": [],
        "cases": [{
            "name": "a case", "feature": "a feature", "location": "a.feature:3",
            "useCases": ["RID1"], "rules": [], "level": "platform", "tags": ["RID1"],
            "verdict": "passed", "fault": null, "skipReason": null, "expected": null,
            "problem": null, "failure": null, "message": null, "bullet": null,
            "sourceNote": null, "steps": [{"keyword": "Given ", "text": "a step", "status": "passed"}],
            "durationMs": 1, "fuzz": null
        }],
        "parseErrors": []
    })
}

fn parse(value: &serde_json::Value) -> ResultsFile {
    results::parse(&serde_json::to_vec(value).unwrap()).expect("a valid results file")
}

fn template() -> (ResultsFile, Case) {
    let run = parse(&file("impl"));
    let case = run.cases[0].clone();
    (run, case)
}

/// A failing case of `rule` with `n`-byte expected and actual values.
fn failing(case: &Case, i: usize, rule: &str, n: usize) -> Case {
    let mut case = case.clone();
    case.name = format!("failing {i}");
    case.location = format!("f.feature:{i}");
    case.verdict = results::CaseVerdict::Failed;
    case.failure = Some(CaseFailure {
        rule: rule.to_owned(),
        rule_level: Level::Platform,
        summary: "wrong".to_owned(),
        expected: Some("e".repeat(n)),
        actual: Some("a".repeat(n)),
        indirect: false,
    });
    case
}

/// `page_count` use-case pages (each with a bullet) and `case_count` cases,
/// each case of a use case of its own and hand-written (the shape that cost
/// pages × cases).
fn pages_and_cases(page_count: usize, case_count: usize) -> ResultsFile {
    let (mut run, case) = template();
    run.pages = (0..page_count)
        .map(|i| {
            serde_json::from_value(json!({
                "useCase": format!("RID{i}"), "title": "t", "file": format!("p{i}.md"),
                "description": null,
                "sections": [{"name": "On Success", "bullets": [{"line": 3, "text": "b"}]}]
            }))
            .unwrap()
        })
        .collect();
    run.cases = (0..case_count)
        .map(|i| {
            let mut c = case.clone();
            c.name = format!("case {i}");
            c.location = format!("a.feature:{i}");
            c.use_cases = vec![format!("UC{i}")];
            c.feature = format!("feature {i}");
            c
        })
        .collect();
    run
}

/// Two runs of `n` cases, each case with a use case and a failing rule of
/// its own (the shape that cost use cases × cases and rules × cases).
fn matrix(n: usize) -> Vec<ResultsFile> {
    let (run, case) = template();
    let runs: Vec<ResultsFile> = ["a", "b"]
        .iter()
        .map(|name| {
            let mut run = run.clone();
            run.implementation.name = (*name).to_owned();
            run.cases = (0..n)
                .map(|i| {
                    let mut c = failing(&case, i, &format!("RULE{i}"), 10);
                    c.use_cases = vec![format!("RID{i}")];
                    c
                })
                .collect();
            run
        })
        .collect();
    runs
}

#[test]
fn the_work_of_a_report_grows_linearly_with_its_input() {
    // The matrix's runs as versions of one product: its rule history too.
    let both = [report_html::Series {
        name: "a product".to_owned(),
        runs: vec![0, 1],
    }];
    let work = |runs: &[ResultsFile]| {
        let series = if runs.len() > 1 { &both[..] } else { &[] };
        report_html::render_with_work(runs, series).1
    };
    // One run: pages × cases (every page once looked for its hand-written cases).
    let (small, large) = (
        work(&[pages_and_cases(100, 400)]),
        work(&[pages_and_cases(400, 1600)]),
    );
    assert!(small > 0);
    assert!(
        large <= 5 * small,
        "one run: 4× the input took {large} visits against {small}"
    );
    // The matrix: use cases × cases and rules × cases.
    let (small, large) = (work(&matrix(300)), work(&matrix(1200)));
    assert!(
        large <= 5 * small,
        "matrix: 4× the input took {large} visits against {small}"
    );
}

/// Every text of `case` (and its failure, steps, fuzz) set to `text`.
fn hostile_case(case: &Case, i: usize, text: &str) -> Case {
    let mut c = failing(case, i, text, 0);
    c.name = format!("{text} {i}");
    c.feature = text.to_owned();
    c.location = text.to_owned();
    c.use_cases = vec![text.to_owned(); 20];
    c.fault = Some(text.to_owned());
    c.problem = Some(text.to_owned());
    c.message = Some(text.to_owned());
    if let Some(f) = &mut c.failure {
        f.summary = text.to_owned();
        f.expected = Some(text.to_owned());
        f.actual = Some(format!("{text}!"));
    }
    c.steps[0].text = text.to_owned();
    c.steps[0].keyword = text.to_owned();
    c
}

#[test]
fn hidden_and_bidirectional_controls_are_data_in_the_html() {
    // The attack: the name reverses the heading's end, so it read
    // "… PASSED Verdict:" above "Verdict: FAILED".
    let (mut run, case) = template();
    run.implementation.name = "\u{202e}:tcidreV DESSAP".to_owned();
    run.implementation.version = "\u{2066}1.0\u{200f}".to_owned();
    run.cases = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, text)| hostile_case(&case, i, text))
        .collect();
    for runs in [vec![run.clone()], vec![run.clone(), run]] {
        let html = report_html::render(&runs);
        let hidden: Vec<char> = html.chars().filter(|&c| is_hidden_control(c)).collect();
        assert!(hidden.is_empty(), "raw controls in the HTML: {hidden:?}");
        assert!(html.contains("\\u{202e}:tcidreV DESSAP"), "shown as data");
        assert!(
            html.contains("\\u{200b}width"),
            "zero-width characters shown"
        );
        assert!(!html.contains("<script>alert"), "markup escaped");
    }
}

#[test]
fn values_are_cut_to_four_kib_on_load() {
    let (_, case) = template();
    let mut value = file("x".repeat(100_000).as_str());
    value["cases"] = json!([failing(&case, 0, "R", 1_000_000)]);
    value["cases"][0]["steps"][0]["text"] = "s".repeat(50_000).into();
    value["parseErrors"] = json!(["p".repeat(20_000)]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big-values.json");
    std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();
    let run = results::load(&path).unwrap();
    let failure = run.cases[0].failure.as_ref().unwrap();
    for text in [
        &run.implementation.name,
        failure.expected.as_ref().unwrap(),
        failure.actual.as_ref().unwrap(),
        &run.cases[0].steps[0].text,
        &run.parse_errors[0],
    ] {
        assert!(text.len() <= MAX_VALUE_BYTES, "{} bytes", text.len());
    }
    assert!(
        failure
            .expected
            .as_ref()
            .unwrap()
            .ends_with("… (1000000 bytes)")
    );
}

#[test]
fn every_table_and_section_of_one_run_is_cut_so_the_page_stays_bounded() {
    let (mut run, case) = template();
    // The costliest text to escape: 4 KiB of `'` (each `&#39;`).
    let big = "'".repeat(MAX_VALUE_BYTES);
    let n = 1_000;
    let mut cases: Vec<Case> = Vec::new();
    // 1k one-case features (2k rows before: each table was cut, not the
    // section), 1k fuzz properties that failed, some with long sequences
    // (never cut before), and failures and expected failures with 4 KiB
    // values and long step lists.
    let property = failing(&case, 0, "R", 10);
    for i in 0..n {
        let mut c = case.clone();
        c.name = format!("only {i}");
        c.feature = format!("feature {i}");
        c.use_cases = vec![];
        cases.push(c);
        let mut f = property.clone();
        f.name = format!("property {i}");
        f.location = format!("fuzz:{i}");
        // The first ones fill the section's bytes, the others its rows.
        let long = if i < 300 { big.as_str() } else { "1. op" };
        f.fuzz = Some(FuzzCase {
            seed: Some(7),
            sequence: Some(long.to_owned()),
            scenario: Some(long.to_owned()),
        });
        cases.push(f);
    }
    for i in 0..300 {
        let mut f = hostile_case(&case, i, &big);
        if i < 3 {
            f.steps = vec![f.steps[0].clone(); 1_000];
        }
        if i % 2 == 0 {
            f.expected = Some(
                serde_json::from_value(
                    json!({"kind": "listed", "by": big.clone(), "reason": big.clone(), "issue": null}),
                )
                .unwrap(),
            );
        }
        cases.push(f);
    }
    run.cases = cases;
    run.parse_errors = vec![big.clone(); 300];
    run.waivers = (0..300)
        .map(|i| {
            serde_json::from_value(json!({
                "rule": format!("R{i}"), "level": "platform", "reason": big.clone(),
                "issue": null, "checks": 1
            }))
            .unwrap()
        })
        .collect();
    run.gate = Some(
        serde_json::from_value(
            json!({"expectations": "e.toml", "passed": false, "problems": vec![big.clone(); 300]}),
        )
        .unwrap(),
    );
    run.pages = (0..300)
        .map(|i| {
            let bullets = if i == 0 { 2_000 } else { 1 };
            serde_json::from_value(json!({
                "useCase": format!("RID{i}"), "title": big.clone(), "file": format!("p{i}.md"),
                "description": big.clone(),
                "sections": [{"name": "On Success", "bullets": vec![json!({"line": 3, "text": big.clone()}); bullets]}]
            }))
            .unwrap()
        })
        .collect();
    let html = report_html::render(std::slice::from_ref(&run));
    assert!(
        html.len() <= MAX_PAGE_BYTES,
        "one run: {} bytes, over {MAX_PAGE_BYTES}",
        html.len()
    );
    for cut in [
        "more gate problems",
        "more failures",
        "more parse errors",
        "more expected failures",
        "more waived rules",
        "more use-case pages",
        "more features",
        "more properties",
        "more failing properties",
    ] {
        assert!(html.contains(cut), "no \"… N {cut}\" line");
    }
}

#[test]
fn every_table_of_the_matrix_is_cut_so_the_page_stays_bounded() {
    let big = "'".repeat(MAX_VALUE_BYTES);
    // 600 rules, use cases and test cases of 4 KiB names.
    let mut runs = matrix(600);
    for run in &mut runs {
        for case in &mut run.cases {
            case.name.clone_from(&big);
        }
    }
    // The two runs as versions of one product: the rule history too.
    let series = [report_html::Series {
        name: big.clone(),
        runs: vec![0, 1],
    }];
    let html = report_html::render_series(&runs, &series);
    assert!(
        html.len() <= MAX_PAGE_BYTES + 2 * MAX_MATRIX_BYTES_PER_RUN,
        "matrix: {} bytes",
        html.len()
    );
    for cut in ["more rules", "more use cases", "more rows"] {
        assert!(html.contains(cut), "no \"… N {cut}\" line in the matrix");
    }
    let history = &html[html.find("id=\"history\"").expect("the history")..];
    assert!(history.contains("more rules"), "the history is cut too");
}

/// Runs `report` on `input`, killed after a generous deadline so that a
/// blocking open fails the test instead of hanging it.
fn report_within_deadline(input: &std::path::Path, html: &std::path::Path) -> Option<i32> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args([
            "report",
            input.to_str().unwrap(),
            "-o",
            html.to_str().unwrap(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read as _;
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            assert!(
                err.contains(input.to_str().unwrap()),
                "names the file: {err}"
            );
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn report_refuses_a_fifo_or_a_device_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("results.fifo");
    let name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    let html = dir.path().join("r.html");
    for input in [fifo.as_path(), std::path::Path::new("/dev/zero")] {
        assert_eq!(
            report_within_deadline(input, &html),
            Some(2),
            "{}: exit 2 at once",
            input.display()
        );
        assert!(!html.exists());
    }
}
