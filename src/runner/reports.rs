//! What a run writes besides the console: the JUnit and Cucumber JSON files
//! (with the run's metadata), and a Markdown summary for CI step summaries.

use super::RunReport;
use super::tally::Outcome;
use crate::expectations::{Finding, Judged};
use crate::headlines::{Entry, Headline};
use crate::levels::Level;
use crate::outcome::ScenarioResult;
use crate::verdict::Verdict;
use std::path::Path;

pub use super::metadata::RunMetadata;

/// Writes the JUnit XML report of `input` to `path`.
pub fn write_junit(path: &Path, input: &super::junit::Input<'_>) -> Result<(), String> {
    crate::fsio::write_file(path, super::junit::render(input).as_bytes()).map_err(|e| e.to_string())
}

/// Writes the Cucumber JSON report of `report` to `path` (`judged`: how the
/// gate judged each record, under an expectations file).
pub fn write_json(
    path: &Path,
    report: &RunReport,
    meta: &RunMetadata,
    judged: Option<&[Option<Judged>]>,
) -> Result<(), String> {
    let json = super::cucumber_json::render(&report.records, meta, judged);
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    crate::fsio::write_file(path, text.as_bytes()).map_err(|e| e.to_string())
}

/// The environment variable naming GitHub's step summary file.
pub const STEP_SUMMARY_ENV: &str = "GITHUB_STEP_SUMMARY";

/// Whether `path` is GitHub's step summary (the file `$GITHUB_STEP_SUMMARY`
/// names), which is appended to, never replaced: earlier commands of the
/// step wrote there too.
pub fn is_step_summary(path: &Path) -> bool {
    std::env::var_os(STEP_SUMMARY_ENV)
        .filter(|v| !v.is_empty())
        .is_some_and(|summary| crate::fsio::outputs::same_file(path, Path::new(&summary)))
}

/// Writes a Markdown summary to `path`: appended (after a blank line) when
/// `path` is GitHub's step summary ([`is_step_summary`]), else replacing the
/// file; through the safe writer either way.
pub fn write_summary(path: &Path, markdown: &str) -> Result<(), String> {
    let written = if is_step_summary(path) {
        crate::fsio::append_file(path, format!("\n{markdown}").as_bytes())
    } else {
        crate::fsio::write_file(path, markdown.as_bytes())
    };
    written.map_err(|e| e.to_string())
}

/// The run's new failures grouped by rule ([`crate::headlines`]): every
/// failed or errored test case that `judged` (the gate's judgement, aligned
/// with the tally's results) does not list or waive. Each headline's
/// example is an index into the tally's results.
pub fn headlines(report: &RunReport, judged: Option<&[Option<Judged>]>) -> Vec<Headline> {
    let entries: Vec<Entry<'_>> = report
        .tally
        .scenarios
        .iter()
        .enumerate()
        .filter(|(at, s)| !is_expected(judged, *at) && !s.suites_own())
        .filter_map(|(at, s)| {
            let (key, fault, indirect) = match (&s.verdict, s.outcome) {
                (_, Outcome::Passed | Outcome::Skipped | Outcome::Undefined | Outcome::Pending) => {
                    return None;
                }
                (Some(Verdict::Failed(f)), _) => (f.rule.as_str(), false, f.observed.indirect),
                (Some(Verdict::Errored(fault)), _) => (fault.kind.label(), true, false),
                (None, outcome) => (outcome.label(), outcome == Outcome::Errored, false),
            };
            Some(Entry {
                at,
                key,
                fault,
                level: Level::of_tags(&s.tags),
                fuzz: s.location.starts_with("fuzz:"),
                indirect,
                steps: report.records.get(at).map_or(0, |r| r.steps.len()),
            })
        })
        .collect();
    crate::headlines::group(&entries)
}

/// Whether the gate expected the failure of the `at`th result (listed or waived).
fn is_expected(judged: Option<&[Option<Judged>]>, at: usize) -> bool {
    matches!(
        judged.and_then(|j| j.get(at)),
        Some(Some(Judged::Listed { .. } | Judged::Waived { .. }))
    )
}

/// What a headline's example shows: a failure's summary with its expected
/// and actual values, a fault's kind and message, or the cause.
pub fn example_text(result: &ScenarioResult) -> String {
    match &result.verdict {
        Some(Verdict::Failed(failure)) => failure.describe(),
        Some(Verdict::Errored(fault)) => fault.to_string(),
        None => result.cause.clone().unwrap_or_default(),
    }
}

/// The rule a result names: a failure's rule id, an errored case's fault kind.
fn rule_of(result: &ScenarioResult) -> String {
    match &result.verdict {
        Some(Verdict::Failed(failure)) => failure.rule.to_string(),
        Some(Verdict::Errored(fault)) => fault.kind.label().to_owned(),
        None => String::new(),
    }
}

/// The feature location, and the documentation's page line when known,
/// each as code: `` `path:line`; documented at `spec/use-cases/<page>.md:LINE` ``.
fn markdown_locations(result: &ScenarioResult) -> String {
    let code = |text: &str| format!("`{}`", text.replace('`', "'"));
    match &result.doc_location {
        Some(doc) => format!(
            "{}; {}",
            code(&result.location),
            crate::outcome::documented_at(&code(doc))
        ),
        None => code(&result.location),
    }
}

/// A table cell or list item: the sanitiser's Markdown form
/// ([`crate::sanitize::markdown::cell`]: one line, every Markdown character
/// escaped, cut at 300 characters).
fn cell(text: &str) -> String {
    crate::sanitize::markdown::cell(text)
}

/// What the gate decided, for the summary.
#[derive(Debug, Clone, Copy)]
pub struct GateView<'a> {
    /// The gate's findings.
    pub findings: &'a [Finding],
    /// How the gate judged each result (aligned with the tally's results).
    pub judged: &'a [Option<Judged>],
    /// Entries and waivers whose reason is still a `TODO`.
    pub todo: &'a [String],
}

/// A Markdown summary for a CI step summary (GitHub's `$GITHUB_STEP_SUMMARY`).
pub fn summary_markdown(
    report: &RunReport,
    meta: &RunMetadata,
    gate: Option<GateView<'_>>,
    gate_passed: bool,
) -> String {
    let findings = gate.map(|g| g.findings);
    let t = &report.tally;
    // Only the suite's own problems keep the run from passing: not the implementation's fault.
    let only_suites_own = t.suite_problems() > 0
        && match findings {
            Some(findings) => !findings
                .iter()
                .any(|f| f.fails() && !matches!(f, Finding::SuiteProblem { .. })),
            None => !t.scenarios.iter().any(|s| s.implementation_failed()),
        };
    let mut out = format!(
        "## enmeshed-conformance: {}\n\n| | |\n|---|---|\n| implementation | {} {} |\n| suite | enmeshed-conformance {} |\n| spec digest | `{}` ({} feature files) |\n| passed | {} |\n| failed | {} |\n| errored | {} |\n| skipped (capability) | {} |\n",
        if gate_passed {
            "passed ✅"
        } else if only_suites_own {
            "incomplete: the suite's own fault ⚠️"
        } else {
            "FAILED ❌"
        },
        cell(&meta.implementation),
        cell(&meta.implementation_version),
        meta.suite_version,
        meta.spec_digest,
        meta.feature_files,
        t.count(Outcome::Passed),
        t.count(Outcome::Failed),
        t.count_charged(Outcome::Errored),
        t.count(Outcome::Skipped),
    );
    if t.count(Outcome::Pending) > 0 {
        out.push_str(&format!(
            "| pending (bullets the suite cannot execute yet; not failed) | {} |\n",
            t.count(Outcome::Pending)
        ));
    }
    if t.suite_problems() > 0 {
        out.push_str(&format!(
            "| not judged (the suite's own fault, not the implementation's) | {} |\n",
            t.suite_problems()
        ));
    }
    let judged = gate.map(|g| g.judged);
    let headlines = headlines(report, judged);
    if !headlines.is_empty() {
        out.push_str(&format!(
            "\n### Failures by rule\n\n{}; the clearest example of each:\n\n| rule | test cases | by level | clearest example |\n|---|---|---|---|\n",
            crate::headlines::overview(&headlines),
        ));
        for h in &headlines {
            let example = &t.scenarios[h.example];
            out.push_str(&format!(
                "| {} | {} | {} | {} ({}): {} |\n",
                cell(&h.key),
                h.cases,
                h.levels(),
                cell(&example.scenario),
                markdown_locations(example),
                cell(&example_text(example)),
            ));
        }
    }
    let problems: Vec<_> = t
        .scenarios
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            matches!(
                s.outcome,
                Outcome::Failed | Outcome::Errored | Outcome::Undefined
            )
        })
        .collect();
    if !problems.is_empty() {
        out.push_str("\n### Failed scenarios\n\n| scenario | location | rule | verdict | cause |\n|---|---|---|---|---|\n");
        for (at, s) in problems {
            let expected = gate
                .and_then(|g| g.judged.get(at))
                .and_then(Option::as_ref)
                .and_then(super::cucumber_json::expected_note);
            let verdict = match expected {
                Some(note) => cell(&note),
                None => s.outcome.label().to_ascii_lowercase(),
            };
            out.push_str(&format!(
                "| {} | {} | {} | {verdict} | {} |\n",
                cell(&s.scenario),
                markdown_locations(s),
                cell(&rule_of(s)),
                cell(
                    s.cause
                        .as_deref()
                        .or(s.message.as_deref())
                        .unwrap_or_default()
                )
            ));
        }
    }
    if let Some(findings) = findings {
        let failing: Vec<_> = findings.iter().filter(|f| f.fails()).collect();
        let expected = findings.len() - failing.len();
        out.push_str(&format!(
            "\n### Expectations\n\n{expected} expected failures; {} problems\n",
            failing.len()
        ));
        for f in failing {
            out.push_str(&format!("- {}\n", cell(&f.render())));
        }
    }
    if let Some(gate) = gate.filter(|g| !g.todo.is_empty()) {
        out.push_str("\n### Warnings\n\n");
        for label in gate.todo {
            out.push_str(&format!(
                "- ⚠️ {}: the reason is still a TODO (`--strict` fails the gate on it)\n",
                cell(label)
            ));
        }
    }
    for e in &t.parse_errors {
        out.push_str(&format!("\nParse error: {}\n", cell(e)));
    }
    out
}
