//! One defect, one headline: a default grace period of 15 days instead of 14
//! (`fixtures/adapters/grace_15_days.py`) fails half the suite under one
//! rule. The console, the summary, the annotations and the HTML report each
//! say so once, with the count and the clearest example (the scenario that
//! names the cause), before the per-scenario list; the lengths read in one
//! unit. Under an expectations file that lists them, none is a headline.

use crate::support::cli::{binary, stdout};

const GRACE_15_DAYS: &str = "python3 tests/fixtures/adapters/grace_15_days.py";
const RULE: &str = "RID1.gracePeriodEndsAt";
const EXAMPLE: &str = "The default grace period is 14 days";
const EXAMPLE_AT: &str = "embedded:features/manual/grace-period.feature:9";
/// The example's cause, both lengths through the one formatter.
const DURATIONS: &str = "`gracePeriodEndsAt` − `createdAt`: expected 14 days (1209600000 ms), got 15 days (1296000000 ms)";

/// The failed count of the closing line `N passed, M failed, K skipped`.
fn failed_count(out: &str) -> usize {
    let last = out.lines().last().unwrap_or_default();
    last.split(", ")
        .find_map(|part| part.strip_suffix(" failed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no closing line: {last:?}"))
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn one_defect_is_one_headline_with_its_count_in_every_sink() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let results = dir.path().join("results.json");
    let html = dir.path().join("report.html");
    let output = binary(&[
        "run",
        "--no-fuzz",
        "--annotations",
        "--summary",
        summary.to_str().unwrap(),
        "--results",
        results.to_str().unwrap(),
        "--adapter-cmd",
        GRACE_15_DAYS,
    ]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let failed = failed_count(&out);
    assert!(failed > 40, "one defect fails many test cases: {out}");
    assert!(!out.contains("PT1296000S"), "{out}");

    // The console: one headline, its count by level (a published one
    // first), the clearest example with its cause, before the
    // per-scenario list; the count per rule beside the count per level.
    let lines: Vec<&str> = out.lines().collect();
    let rules: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("RULE "))
        .collect();
    assert_eq!(rules.len(), 1, "{out}");
    let at = rules[0];
    assert_eq!(
        lines[at - 1],
        format!(
            "failures by rule: 1 rule fails {failed} test cases, the clearest example of each:"
        )
    );
    assert!(
        lines[at].starts_with(&format!(
            "RULE {RULE} fails {failed} test cases (published 1, "
        )),
        "{}",
        lines[at]
    );
    assert_eq!(lines[at + 1], format!("  e.g. {EXAMPLE} ({EXAMPLE_AT})"));
    assert_eq!(lines[at + 2], format!("    {DURATIONS}"));
    let first_failed = lines.iter().position(|l| l.starts_with("FAILED ")).unwrap();
    assert!(
        at < first_failed
            && lines[first_failed..]
                .iter()
                .all(|l| !l.starts_with("FAILED ") || l.contains(&format!("[{RULE}]"))),
        "{out}"
    );
    assert!(
        lines.contains(&format!("failed by rule: {RULE} {failed}").as_str()),
        "{out}"
    );

    // The annotations: one, carrying the count and the example.
    let annotations: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("::"))
        .collect();
    assert_eq!(annotations.len(), 1, "{annotations:#?}");
    assert!(
        annotations[0].starts_with(&format!(
            "::error title={RULE} ({failed} test cases)::fails {failed} test cases (published 1, "
        )) && annotations[0].contains(&format!(
            ". Clearest example: {EXAMPLE}: {DURATIONS}%0A  actual:   {{"
        )),
        "{}",
        annotations[0]
    );

    // The summary: the headline table before the per-scenario table, which
    // has a rule column.
    let md = std::fs::read_to_string(&summary).unwrap();
    let by_rule = md.find("### Failures by rule").expect("the headlines");
    let per_scenario = md.find("### Failed scenarios").expect("the list");
    assert!(by_rule < per_scenario, "{md}");
    let headline_rows: Vec<&str> = md[by_rule..per_scenario]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| rule "))
        .collect();
    assert_eq!(headline_rows.len(), 1, "{md}");
    assert!(
        headline_rows[0].starts_with(&format!("| {RULE} | {failed} | published 1, "))
            && headline_rows[0].contains(&format!("| {EXAMPLE} (`{EXAMPLE_AT}`): ")),
        "{}",
        headline_rows[0]
    );
    assert!(
        headline_rows[0].contains("expected 14 days (1209600000 ms), got 15 days (1296000000 ms)"),
        "{}",
        headline_rows[0]
    );
    assert!(
        md.contains("| scenario | location | rule | verdict | cause |"),
        "{md}"
    );
    assert_eq!(
        md[per_scenario..]
            .lines()
            .filter(|l| l.contains(&format!("` | {RULE} | failed |")))
            .count(),
        failed,
        "{md}"
    );

    // The HTML report: the section before the failures, one row.
    let report = binary(&[
        "report",
        "--output",
        html.to_str().unwrap(),
        results.to_str().unwrap(),
    ]);
    assert_eq!(report.status.code(), Some(0), "{report:?}");
    let page = std::fs::read_to_string(&html).unwrap();
    let section = page
        .find("<section id=\"failures-by-rule\">")
        .expect("the headlines section");
    let failures = page.find("<section id=\"failures\">").unwrap();
    assert!(section < failures);
    let rows: Vec<&str> = page[section..failures]
        .lines()
        .filter(|l| l.starts_with("<tr><td>"))
        .collect();
    assert_eq!(rows.len(), 1, "{}", &page[section..failures]);
    assert!(
        rows[0].starts_with(&format!(
            "<tr><td><code>{RULE}</code></td><td>{failed}</td><td>published 1, "
        )) && rows[0].contains(&format!(
            "<strong>{EXAMPLE}</strong> <code>{EXAMPLE_AT}</code><br>`gracePeriodEndsAt` − `createdAt`: expected 14 days (1209600000 ms), got 15 days (1296000000 ms)"
        )),
        "{}",
        rows[0]
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn expected_failures_are_no_headline() {
    let dir = tempfile::tempdir().unwrap();
    let expectations = dir.path().join("expectations.toml");
    let summary = dir.path().join("summary.md");
    let expectations = expectations.to_str().unwrap();
    let update = binary(&[
        "run",
        "--no-fuzz",
        "--expectations",
        expectations,
        "--update-expectations",
        "--adapter-cmd",
        GRACE_15_DAYS,
    ]);
    assert!(
        std::path::Path::new(expectations).exists(),
        "{}",
        stdout(&update)
    );
    let gated = binary(&[
        "run",
        "--no-fuzz",
        "--annotations",
        "--expectations",
        expectations,
        "--summary",
        summary.to_str().unwrap(),
        "--adapter-cmd",
        GRACE_15_DAYS,
    ]);
    let out = stdout(&gated);
    assert_eq!(gated.status.code(), Some(0), "{out}");
    // Listed as expected, each still in the per-scenario list, none a
    // headline or an annotation; the gate's lines unchanged.
    assert!(out.lines().any(|l| l.starts_with("EXPECTED ")), "{out}");
    assert!(
        !out.lines().any(|l| l.starts_with("RULE ")
            || l.starts_with("failures by rule")
            || l.starts_with("failed by rule")
            || l.starts_with("::")),
        "{out}"
    );
    assert!(out.lines().any(|l| l.ends_with("— gate: PASSED")), "{out}");
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(!md.contains("Failures by rule"), "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_closing_line_counts_waived_checks_as_the_waiver_lines_do() {
    use crate::support::mutant::{Mutant, Mutation};
    use enmeshed_conformance::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let expectations = dir.path().join("expectations.toml");
    std::fs::write(
        &expectations,
        "[[waived]]\nrule = \"RID1.gracePeriodEndsAt\"\nabsent = true\nreason = \"not stored yet\"\n",
    )
    .unwrap();
    let result = Run::new(Arc::new(Mutant::new(Mutation::GracePeriodEndsAtMissing)))
        .tags("@RID1")
        .unwrap()
        .fuzz(None)
        .console(false)
        .expectations(&expectations)
        .execute()
        .await
        .unwrap();
    let gate_lines = result.gate_lines();
    let checks: usize = gate_lines
        .iter()
        .find_map(|l| {
            l.strip_prefix("waived, expected: RID1.gracePeriodEndsAt (")?
                .split_once(" checks): not stored yet")?
                .0
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("{gate_lines:#?}"));
    assert!(checks > 0, "{gate_lines:#?}");
    let closing = result.closing_lines(true);
    let counts = closing
        .iter()
        .find(|l| l.contains(" — gate: "))
        .unwrap_or_else(|| panic!("{closing:#?}"));
    assert!(
        counts.contains(&format!(" waived; {checks} checks waived), ")),
        "{counts}"
    );
}
