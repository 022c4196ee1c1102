//! The report's "Failures by rule" section: the run's new failures grouped
//! by rule ([`crate::headlines`]), each with its count by level and its
//! clearest example, before the list of failing test cases.

use super::escape::esc;
use super::{Section, cut, cut_note};
use crate::headlines::{Entry, Headline, group, overview};
use crate::results::{Case, CaseVerdict, ResultsFile};
use std::fmt::Write as _;

/// The run's headlines from its results file: every failed or errored case
/// the gate did not expect. Each example indexes `run.cases`.
pub fn of_results(run: &ResultsFile) -> Vec<Headline> {
    let entries: Vec<Entry<'_>> = run
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.expected.is_none())
        .filter_map(|(at, c)| {
            let fault = match c.verdict {
                CaseVerdict::Failed => false,
                CaseVerdict::Errored => true,
                _ => return None,
            };
            let key = match (&c.failure, &c.fault) {
                (Some(failure), _) => failure.rule.as_str(),
                (None, Some(kind)) => kind.as_str(),
                (None, None) => c.verdict.name(),
            };
            Some(Entry {
                at,
                key,
                fault: fault && c.failure.is_none(),
                level: Some(c.level),
                fuzz: c.fuzz.is_some() || c.location.starts_with("fuzz:"),
                indirect: c.failure.as_ref().is_some_and(|f| f.indirect),
                steps: c.steps.len(),
            })
        })
        .collect();
    group(&entries)
}

/// The example's cause: the failure's summary with what was expected and
/// answered, or the message.
fn example_text(case: &Case) -> String {
    match &case.failure {
        Some(failure) => {
            let mut text = failure.summary.clone();
            if let Some(expected) = &failure.expected {
                let _ = write!(text, "; expected: {expected}");
            }
            if let Some(actual) = &failure.actual {
                let _ = write!(text, "; actual: {actual}");
            }
            text
        }
        None => case.message.clone().unwrap_or_default(),
    }
}

/// Writes the section (nothing when no new failure).
pub fn section(out: &mut String, run: &ResultsFile) {
    let headlines = of_results(run);
    if headlines.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"failures-by-rule\">\n<h2>Failures by rule</h2>\n<p>{}; the clearest example of each.</p>\n<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">rule</th><th scope=\"col\">test cases</th><th scope=\"col\">by level</th><th scope=\"col\">clearest example</th></tr></thead>\n<tbody>",
        esc(&overview(&headlines))
    );
    let section = Section::at(out);
    let shown = cut(out, section, &headlines, |out, h| {
        let example = &run.cases[h.example];
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td><strong>{}</strong> <code>{}</code><br>{}</td></tr>",
            esc(&h.key),
            h.cases,
            esc(&h.levels()),
            esc(&example.name),
            esc(&example.location),
            esc(&example_text(example))
        );
    });
    out.push_str("</tbody>\n</table></div>\n");
    out.push_str(&cut_note(shown, headlines.len(), "rules"));
    out.push_str("</section>\n");
}
