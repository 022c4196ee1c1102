//! The matrix's rule history (`report --series`): synthetic results of
//! versions of one product, given out of order; a rule that fails, then
//! passes, then is waived shows in version order with each change marked
//! and named, a version that did not run is a visible cell with its
//! reason, and every text is escaped.

use enmeshed_conformance::report_html::{self, Series};
use enmeshed_conformance::results::{self, ResultsFile};
use serde_json::json;
use std::path::PathBuf;
use std::process::Command;

/// A results file of `version` of one product: a passing case, a case
/// failing `failing` (expected by the gate when `waived`), and the waiver.
fn version(version: &str, failing: Option<&str>, waived: bool) -> serde_json::Value {
    let case = |name: &str, failure: Option<&str>| {
        json!({
            "name": name, "feature": "a feature", "location": format!("a.feature:{}", name.len()),
            "useCases": ["RID1"], "rules": failure.map_or_else(Vec::new, |r| vec![r.to_owned()]),
            "level": "published", "tags": ["RID1"],
            "verdict": if failure.is_some() { "failed" } else { "passed" },
            "fault": null, "skipReason": null,
            "expected": if waived && failure.is_some() {
                json!({"kind": "waived", "by": failure, "reason": "observed: <script>alert(1)</script>", "issue": null})
            } else { json!(null) },
            "problem": null,
            "failure": failure.map(|r| json!({"rule": r, "ruleLevel": "published",
                "summary": "wrong", "expected": "e", "actual": "a"})),
            "message": null, "bullet": null, "sourceNote": null, "steps": [],
            "durationMs": 1, "fuzz": null
        })
    };
    let mut cases = vec![case("passes", None)];
    if let Some(rule) = failing {
        cases.push(case("fails", Some(rule)));
    }
    json!({
        "format": results::FORMAT,
        "version": results::VERSION,
        "implementation": {"name": "product", "version": version, "capabilities": []},
        "suite": {"version": "0.1.0", "specDigest": "sha256:00", "featureFiles": 1,
                  "seed": null, "level": null, "partial": false},
        "passed": failing.is_none() || waived,
        "gate": null,
        "waivers": if waived {
            json!([{"rule": failing, "level": "published", "reason": "observed: <script>alert(1)</script>", "issue": null, "checks": 1}])
        } else { json!([]) },
        "pages": [],
        "cases": cases,
        "parseErrors": []
    })
}

fn parse(value: &serde_json::Value) -> ResultsFile {
    results::parse(&serde_json::to_vec(value).unwrap()).expect("a valid results file")
}

/// Four versions, out of order: RID1.a fails in 6.28.0, passes in 6.30.0,
/// 6.34.2 did not run, waived in 7.0.0; RID2.b fails only in 6.30.0.
fn runs() -> Vec<ResultsFile> {
    let mut skipped = results::not_run(
        "node adapter.js --runtime 6.34.2",
        enmeshed_conformance::verdict::FaultKind::Adapter(
            enmeshed_conformance::adapter::AdapterFault::Crash,
        ),
        "not installed: <b>node_modules</b> is missing",
        "-",
    );
    skipped.implementation.version = "6.34.2".to_owned();
    skipped.cases[0].verdict = results::CaseVerdict::Skipped;
    skipped.cases[0].skip_reason = skipped.cases[0].message.take();
    vec![
        parse(&version("7.0.0", Some("RID1.a"), true)),
        parse(&version("6.30.0", Some("RID2.b"), false)),
        parse(&version("6.28.0", Some("RID1.a"), false)),
        skipped,
        parse(&version("reference-1", None, false)),
    ]
}

/// The element with `id` up to the next `end`.
fn element<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &html[start..];
    &rest[..rest.find(end).map_or(rest.len(), |e| e + end.len())]
}

/// The table row of `rule`.
fn row<'a>(table: &'a str, rule: &str) -> &'a str {
    let start = table
        .find(&format!("<code>{rule}</code>"))
        .unwrap_or_else(|| panic!("no row of {rule}: {table}"));
    let rest = &table[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[test]
fn a_rule_that_fails_then_passes_then_is_waived_shows_each_change_in_version_order() {
    let runs = runs();
    let series = [Series {
        name: "product <i>".to_owned(),
        runs: vec![0, 1, 2, 3],
    }];
    let html = report_html::render_series(&runs, &series);
    let history = element(&html, "history", "</section>");
    assert!(history.contains("<h3>product &lt;i&gt;</h3>"), "{history}");
    // The versions in version order, not the order given.
    let head = &history[history.find("<thead>").unwrap()..history.find("</thead>").unwrap()];
    let at = |v: &str| {
        head.find(&format!(">{v}</th>"))
            .unwrap_or_else(|| panic!("{v}: {head}"))
    };
    assert!(
        at("6.28.0") < at("6.30.0") && at("6.30.0") < at("6.34.2") && at("6.34.2") < at("7.0.0")
    );
    assert!(
        !head.contains("reference-1"),
        "a run outside the series: {head}"
    );

    let a = row(history, "RID1.a");
    assert!(
        a.contains("fails in 6.28.0 → fixed in 6.30.0 → waived since 7.0.0"),
        "{a}"
    );
    let cells: Vec<&str> = a.split("<td").skip(3).collect();
    assert_eq!(cells.len(), 4, "{a}");
    assert!(
        cells[0].starts_with(" class=\"failed\"") && cells[0].contains("fails"),
        "{}",
        cells[0]
    );
    assert!(
        cells[1].starts_with(" class=\"passed change\"") && cells[1].contains("fixed in 6.30.0"),
        "{}",
        cells[1]
    );
    // The version that did not run: a visible cell with its reason, escaped.
    assert!(
        cells[2].starts_with(" class=\"absent\"") && cells[2].contains("skipped"),
        "{}",
        cells[2]
    );
    assert!(
        cells[2].contains("&lt;b&gt;node_modules&lt;/b&gt; is missing"),
        "{}",
        cells[2]
    );
    assert!(
        cells[3].starts_with(" class=\"expected change\"")
            && cells[3].contains("waived since 7.0.0"),
        "{}",
        cells[3]
    );
    assert!(
        cells[3].contains("observed: &lt;script&gt;"),
        "{}",
        cells[3]
    );
    assert!(!html.contains("<script>alert"), "a reason became markup");

    let b = row(history, "RID2.b");
    assert!(
        b.contains("passes in 6.28.0 → fails since 6.30.0 → fixed in 7.0.0"),
        "{b}"
    );
    // The changed rules come first; the summary names the skipped column.
    let summary = element(&html, "summary", "</table>");
    assert!(summary.contains("skipped: not installed"), "{summary}");
    // Without a series, no history.
    let plain = report_html::render(&runs);
    assert!(!plain.contains("id=\"history\""));
}

#[test]
fn report_series_names_the_versions_of_one_product_and_refuses_a_stranger() {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = runs()
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let path = dir.path().join(format!("v{i}.json"));
            results::write(&path, run).unwrap();
            path
        })
        .collect();
    let html = dir.path().join("matrix.html");
    let list = |ids: &[usize]| {
        ids.iter()
            .map(|&i| files[i].display().to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let report = |series: &[String]| {
        Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
            .arg("report")
            .args(&files)
            .args(series.iter().flat_map(|s| ["--series", s.as_str()]))
            .arg("-o")
            .arg(&html)
            .output()
            .unwrap()
    };
    // One argument with every file, or one argument per file of one name.
    for series in [
        vec![format!("product={}", list(&[2, 0, 1, 3]))],
        vec![
            format!("product={}", list(&[2, 0])),
            format!("product={}", list(&[1])),
            format!("product={}", list(&[3])),
        ],
    ] {
        let ok = report(&series);
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(
            page.contains("fails in 6.28.0 → fixed in 6.30.0 → waived since 7.0.0"),
            "the history of {series:?}"
        );
        assert_eq!(
            page.matches("<table id=\"history-").count(),
            1,
            "one series"
        );
        std::fs::remove_file(&html).unwrap();
    }
    let stranger = dir.path().join("other.json");
    for (series, says) in [
        (
            vec![format!("product={}", stranger.display())],
            "is not one of the results files",
        ),
        (vec![list(&[0, 1])], "expected NAME=FILE"),
        (vec![format!("product={}", list(&[0, 0]))], "named twice"),
        (
            vec![
                format!("product={}", list(&[0])),
                format!("other={}", list(&[0])),
            ],
            "is in the series product too",
        ),
    ] {
        let out = report(&series);
        assert_eq!(out.status.code(), Some(2), "{series:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{series:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!html.exists(), "no page after a refused --series");
    }
}
