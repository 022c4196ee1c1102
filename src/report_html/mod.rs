//! `enmeshed-conformance report`: one self-contained HTML file made from one
//! or more results files (`crate::results`).
//!
//! One run: a header (implementation, versions, verdict, counts per level),
//! the failures grouped by rule (`headlines`), the failures with expected against actual side by side (differences
//! marked), the expected failures and waivers with their reasons, each use
//! case's bullets in the docs' own words with their scenarios, the other
//! scenarios, and the fuzz properties with their seed and shrunk case.
//! Several runs: the implementation matrix (`matrix`), with the rule history
//! of each series of runs that are versions of one product (`history`,
//! `report --series`).
//!
//! The page has no external asset: the style and a small script are inline.
//! Everything is readable without the script (semantic headings and tables);
//! the script only adds filters by level, use case and outcome. Every text is
//! escaped ([`escape::esc`], the HTML sink of `crate::sanitize`).
//!
//! The page is bounded whatever the input: every table and list shows at
//! most [`MAX_ROWS`] rows, and every section stops adding rows, articles or
//! headings once it holds [`MAX_SECTION_BYTES`]; the rest are counted in a
//! "… N more" line (the results file keeps every case). Every text is at most
//! 4 KiB ([`crate::results::load`] cuts them), so one item is bounded too,
//! and a one-run report is at most [`MAX_PAGE_BYTES`] (the matrix at most
//! that plus [`MAX_MATRIX_BYTES_PER_RUN`] per results file). The work is linear
//! in the input: cases are indexed by key once, never searched per row
//! ([`render_with_work`] counts the items visited, for tests).

mod diff;
pub mod escape;
pub mod headlines;
mod history;
mod matrix;
mod single;

use crate::results::ResultsFile;
use escape::esc;
pub use history::Series;

/// The most rows one table or list of the report shows; the rest are counted.
pub const MAX_ROWS: usize = 500;

/// The most bytes one section of the report holds before it stops adding
/// items (rows, articles, headings); the rest are counted.
pub const MAX_SECTION_BYTES: usize = 1024 * 1024;

/// The largest one-run report, whatever the results file: the header and
/// nine bounded parts (gate problems, failures by rule, failures, parse errors, expected
/// failures, waivers, use cases, other scenarios, fuzz properties) of
/// [`MAX_SECTION_BYTES`] each, plus the one item each may finish past its
/// bound (at most about 0.7 MiB: an item's texts are 4 KiB each before
/// escaping, a case shows at most [`MAX_JOINED`] use cases) and the
/// page's style and script.
pub const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// What each results file adds at most to the matrix's bound of
/// [`MAX_PAGE_BYTES`]: its column in each table's header and in the one row
/// each of its six sections may finish past its bound (the rule history is
/// one section, whatever the number of series).
pub const MAX_MATRIX_BYTES_PER_RUN: usize = 2 * 1024 * 1024;

/// The report of `runs`: the one-run report for one, the matrix for several.
pub fn render(runs: &[ResultsFile]) -> String {
    render_with_work(runs, &[]).0
}

/// [`render`] with `series`: runs of the matrix that are versions of one
/// product, each shown in the matrix's rule history (ignored for one run).
pub fn render_series(runs: &[ResultsFile], series: &[Series]) -> String {
    render_with_work(runs, series).0
}

/// [`render_series`], and the work it took: how many items (cases, pages, bullets,
/// rules, rows, steps) it visited. It grows linearly with the input, which
/// tests check without a clock.
pub fn render_with_work(runs: &[ResultsFile], series: &[Series]) -> (String, u64) {
    WORK.with(|w| w.set(0));
    let page = match runs {
        [run] => single::render(run),
        runs => matrix::render(runs, series),
    };
    (page, WORK.with(std::cell::Cell::get))
}

thread_local! {
    static WORK: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts `n` items visited (see [`render_with_work`]).
fn work(n: usize) {
    WORK.with(|w| w.set(w.get().saturating_add(n as u64)));
}

/// `items`, each visit counted (see [`render_with_work`]).
fn visit<I: Iterator>(items: I) -> impl Iterator<Item = I::Item> {
    items.inspect(|_| work(1))
}

/// The most entries of a list shown inline (a case's use cases, the
/// capabilities); the rest are `…`.
pub const MAX_JOINED: usize = 16;

/// The first [`MAX_JOINED`] of `items` joined with `sep`, `…` for the rest.
fn joined(items: &[String], sep: &str) -> String {
    let mut text = items[..items.len().min(MAX_JOINED)].join(sep);
    if items.len() > MAX_JOINED {
        text.push_str(sep);
        text.push('…');
    }
    text
}

/// Where a section of the page starts: it is full at [`MAX_SECTION_BYTES`].
#[derive(Debug, Clone, Copy)]
struct Section {
    start: usize,
}

impl Section {
    /// A section starting at the end of `out`.
    fn at(out: &str) -> Self {
        Section { start: out.len() }
    }

    /// Whether the section holds [`MAX_SECTION_BYTES`] already.
    fn full(self, out: &str) -> bool {
        out.len().saturating_sub(self.start) >= MAX_SECTION_BYTES
    }
}

/// Writes `items` with `write`, at most [`MAX_ROWS`] and while `section` is
/// not full; returns how many were shown.
fn cut<T>(
    out: &mut String,
    section: Section,
    items: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut String, T),
) -> usize {
    let mut shown = 0;
    for item in visit(items.into_iter()) {
        if shown >= MAX_ROWS || section.full(out) {
            break;
        }
        write(out, item);
        shown += 1;
    }
    shown
}

/// The longest `<title>` (a longer one is cut, with `…`).
const MAX_TITLE_CHARS: usize = 70;

/// The whole page around `body`.
fn page(title: &str, body: &str) -> String {
    // Validators count the escaped text.
    let mut title = esc(title);
    if title.chars().count() > MAX_TITLE_CHARS {
        let mut chars: Vec<char> = title.chars().take(MAX_TITLE_CHARS - 1).collect();
        // Never cut an entity in half.
        if let Some(amp) = chars.iter().rposition(|c| *c == '&')
            && !chars[amp..].contains(&';')
        {
            chars.truncate(amp);
        }
        title = chars.into_iter().collect();
        title.push('…');
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        title
    )
}

/// The "… N more" line of a list that showed `shown` of its `total` `what`
/// (`rows`, `failures`, …); nothing when it showed them all.
fn cut_note(shown: usize, total: usize, what: &str) -> String {
    if shown >= total {
        return String::new();
    }
    format!(
        "<p class=\"note cut\">… {} more {what} (showing {shown} of {total}); the results file lists every one.</p>\n",
        total - shown
    )
}

/// The report's style: readable on a narrow window and in print.
const STYLE: &str = r#"
:root { color-scheme: light; --pass: #1a7f37; --fail: #b42318; --warn: #9a6700; --muted: #57606a; }
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 80rem; color: #1f2328; }
h1 { font-size: 1.6rem; margin: .2rem 0; } h2 { border-bottom: 1px solid #d0d7de; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
.scroll { overflow-x: auto; max-width: 100%; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; font-size: .9em; }
code { background: #f6f8fa; padding: 0 .2em; border-radius: 3px; }
mark { background: #ffd8b5; }
.passed { color: var(--pass); } .failed, .errored, .undefined { color: var(--fail); font-weight: 600; }
.skipped, .absent { color: var(--muted); } .expected { color: var(--warn); font-weight: 600; }
.history td.change { box-shadow: inset 4px 0 0 currentColor; } .history-words { min-width: 14rem; }
.verdict { font-size: 1.2rem; font-weight: 700; }
.case { border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem .75rem; margin: .75rem 0; break-inside: avoid; }
.case h3 { margin: 0 0 .25rem; font-size: 1.05rem; overflow-wrap: anywhere; }
.diff { width: 100%; table-layout: fixed; } .diff td { width: 50%; }
blockquote { margin: .25rem 0; padding-left: .75rem; border-left: 4px solid #d0d7de; }
.note, .meta-line { color: var(--muted); }
.level { font-size: .85em; border: 1px solid currentColor; border-radius: 1em; padding: 0 .4em; white-space: nowrap; }
#filters { position: sticky; top: 0; background: #fff; padding: .5rem 0; border-bottom: 1px solid #d0d7de; }
#filters label { margin-right: 1rem; white-space: nowrap; }
.hidden { display: none; }
@media (max-width: 40rem) {
  body { padding: .5rem; font-size: 14px; }
  .diff, .diff tbody, .diff tr, .diff td { display: block; width: auto; }
  .diff thead { display: none; }
  .meaning { display: none; }
  td code { overflow-wrap: anywhere; }
  .diff td::before { content: attr(data-label); display: block; font-weight: 600; }
}
@media print {
  #filters { display: none; } .hidden { display: revert; }
  body { max-width: none; font-size: 11px; } a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; } h2 { break-after: avoid; }
}
"#;

/// Filters by level, use case and outcome over every element with
/// `data-level` / `data-use-case` / `data-outcome`; added only when script runs.
const SCRIPT: &str = r#"
(function () {
  var box = document.getElementById("filters");
  if (!box) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-outcome]"));
  function values(attr) {
    var seen = {};
    rows.forEach(function (r) { (r.getAttribute(attr) || "").split(" ").forEach(function (v) { if (v) seen[v] = true; }); });
    return Object.keys(seen).sort();
  }
  var selects = {};
  [["data-level", "Level"], ["data-use-case", "Use case"], ["data-outcome", "Outcome"]].forEach(function (f) {
    var label = document.createElement("label");
    label.textContent = f[1] + " ";
    var select = document.createElement("select");
    var all = document.createElement("option");
    all.value = ""; all.textContent = "all";
    select.appendChild(all);
    values(f[0]).forEach(function (v) {
      var o = document.createElement("option"); o.value = v; o.textContent = v; select.appendChild(o);
    });
    select.addEventListener("change", apply);
    label.appendChild(select);
    box.appendChild(label);
    selects[f[0]] = select;
  });
  function apply() {
    rows.forEach(function (r) {
      var show = Object.keys(selects).every(function (attr) {
        var want = selects[attr].value;
        return !want || (" " + (r.getAttribute(attr) || "") + " ").indexOf(" " + want + " ") >= 0;
      });
      r.classList.toggle("hidden", !show);
    });
  }
})();
"#;

/// How a case ended, as the report words it: `expected` for a failure the
/// gate tolerated, else its verdict.
fn outcome(case: &crate::results::Case) -> &'static str {
    use crate::results::CaseVerdict;
    match case.verdict {
        CaseVerdict::Failed | CaseVerdict::Errored | CaseVerdict::Undefined
            if case.expected.is_some() =>
        {
            "expected"
        }
        verdict => verdict.name(),
    }
}

/// Whether a case is the suite's own problem, not the implementation's: a
/// step the suite does not define, or a fault of the suite itself.
fn suites_own(case: &crate::results::Case) -> bool {
    use crate::results::CaseVerdict;
    match case.verdict {
        CaseVerdict::Undefined => true,
        CaseVerdict::Errored => case.fault.as_deref() == Some("SUITE"),
        _ => false,
    }
}

/// A level badge.
fn level_badge(level: crate::levels::Level) -> String {
    format!(
        "<span class=\"level\" title=\"{}\">{}</span>",
        esc(level.meaning()),
        level.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{self, GateSummary};

    #[test]
    fn a_page_is_one_self_contained_document() {
        let html = page("a <b>", "<p>x</p>");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>a &lt;b&gt;</title>"));
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
        let long = page(&"x".repeat(100), "");
        assert!(long.contains(&format!("<title>{}…</title>", "x".repeat(69))));
        let entities = page(&format!("{}<>", "x".repeat(64)), "");
        assert!(
            entities.contains(&format!("<title>{}&lt;…</title>", "x".repeat(64))),
            "{entities}"
        );
        let _ = (results::VERSION, GateSummary::default());
    }
}
