//! What a run writes besides the console: the JUnit and Cucumber JSON files
//! (with the run's metadata), and a Markdown summary for CI step summaries.

use super::RunReport;
use super::tally::Outcome;
use crate::expectations::Finding;
use std::path::Path;

pub use super::metadata::RunMetadata;

/// Writes the JUnit XML report of `input` to `path`.
pub fn write_junit(path: &Path, input: &super::junit::Input<'_>) -> Result<(), String> {
    crate::fsio::write_file(path, super::junit::render(input).as_bytes()).map_err(|e| e.to_string())
}

/// Writes the Cucumber JSON report of `report` to `path`.
pub fn write_json(path: &Path, report: &RunReport, meta: &RunMetadata) -> Result<(), String> {
    let json = super::cucumber_json::render(&report.records, meta);
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    crate::fsio::write_file(path, text.as_bytes()).map_err(|e| e.to_string())
}

/// A table cell or list item: the sanitiser's Markdown form
/// ([`crate::sanitize::markdown::cell`]: one line, every Markdown character
/// escaped, cut at 300 characters).
fn cell(text: &str) -> String {
    crate::sanitize::markdown::cell(text)
}

/// A Markdown summary for a CI step summary (GitHub's `$GITHUB_STEP_SUMMARY`).
pub fn summary_markdown(
    report: &RunReport,
    meta: &RunMetadata,
    findings: Option<&[Finding]>,
    gate_passed: bool,
) -> String {
    let t = &report.tally;
    let mut out = format!(
        "## enmeshed-conformance: {}\n\n| | |\n|---|---|\n| implementation | {} {} |\n| suite | enmeshed-conformance {} |\n| spec digest | `{}` ({} feature files) |\n| passed | {} |\n| failed | {} |\n| errored | {} |\n| skipped (capability) | {} |\n",
        if gate_passed {
            "passed ✅"
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
        t.count(Outcome::Errored),
        t.count(Outcome::Skipped),
    );
    let problems: Vec<_> = t
        .scenarios
        .iter()
        .filter(|s| {
            matches!(
                s.outcome,
                Outcome::Failed | Outcome::Errored | Outcome::Undefined
            )
        })
        .collect();
    if !problems.is_empty() {
        out.push_str("\n### Failed scenarios\n\n| scenario | location | verdict | cause |\n|---|---|---|---|\n");
        for s in problems {
            let verdict = s.outcome.label().to_ascii_lowercase();
            out.push_str(&format!(
                "| {} | `{}` | {verdict} | {} |\n",
                cell(&s.scenario),
                s.location,
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
    for e in &t.parse_errors {
        out.push_str(&format!("\nParse error: {}\n", cell(e)));
    }
    out
}
