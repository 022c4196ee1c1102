//! The matrix of several runs: implementations × use cases, rules and
//! scenarios, a percentage per implementation and level, the rows where
//! the implementations differ, and the rule history of each series of
//! versions (`history`).

use super::escape::{anchor, esc};
use super::{MAX_JOINED, Section, cut, cut_note, outcome, page, visit};
use crate::levels::Level;
use crate::results::{Case, CaseVerdict, ResultsFile};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// `passed / judged` as a cell: count and percentage (skips and the suite's
/// own faults are not judged; expected failures are failures here).
fn percent_cell(passed: usize, judged: usize) -> String {
    if judged == 0 {
        return "<td class=\"absent\">—</td>".to_owned();
    }
    // Whole per mille, so the cell is exact to one decimal.
    let per_mille = passed * 1000 / judged;
    format!(
        "<td data-passed=\"{passed}\" data-judged=\"{judged}\">{}.{}% <small>({passed}/{judged})</small></td>",
        per_mille / 10,
        per_mille % 10
    )
}

/// Passed and judged cases (skips and the suite's own faults are not judged).
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    passed: usize,
    judged: usize,
}

impl Tally {
    fn add(&mut self, case: &Case) {
        if case.verdict != CaseVerdict::Skipped && !super::suites_own(case) {
            self.judged += 1;
            if case.verdict == CaseVerdict::Passed {
                self.passed += 1;
            }
        }
    }

    fn cell(self) -> String {
        percent_cell(self.passed, self.judged)
    }
}

/// The column headers: one per run.
fn headers(runs: &[ResultsFile]) -> String {
    runs.iter()
        .map(|r| {
            format!(
                "<th scope=\"col\" class=\"implementation\">{} <small>{}</small></th>",
                esc(&r.implementation.name),
                esc(&r.implementation.version)
            )
        })
        .collect()
}

/// The matrix page of `runs`, with the rule history of each of `series`.
pub fn render(runs: &[ResultsFile], series: &[super::Series]) -> String {
    let title = format!("Implementation matrix: {} implementations", runs.len());
    let mut out = String::new();
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        out,
        "<nav><a href=\"#implementations\">Implementations</a> · <a href=\"#use-cases\">Use cases</a> · <a href=\"#rules\">Rules</a> · {}<a href=\"#differs\">Where they differ</a> · <a href=\"#scenarios\">All scenarios</a></nav>\n</header>\n<div id=\"filters\"></div>\n<main>",
        if series.is_empty() {
            ""
        } else {
            "<a href=\"#history\">Rule history</a> · "
        }
    );
    implementations(&mut out, runs);
    use_cases(&mut out, runs);
    rules(&mut out, runs);
    if !series.is_empty() {
        super::history::section(&mut out, runs, series);
    }
    scenarios(&mut out, runs);
    out.push_str("</main>\n");
    page(&title, &out)
}

fn implementations(out: &mut String, runs: &[ResultsFile]) {
    out.push_str("<section id=\"implementations\">\n<h2>Implementations</h2>\n<div class=\"scroll\"><table id=\"summary\">\n<caption>Passed test cases per implementation and level (skipped cases are not counted)</caption>\n<thead><tr><th scope=\"col\">implementation</th><th scope=\"col\">verdict</th><th scope=\"col\">all levels</th>");
    for level in Level::ALL {
        let _ = write!(
            out,
            "<th scope=\"col\" title=\"{}\">{level}</th>",
            esc(level.meaning())
        );
    }
    out.push_str("<th scope=\"col\">suite</th></tr></thead>\n<tbody>\n");
    let section = Section::at(out);
    let shown = cut(out, section, runs, |out, run| {
        let not_run = super::history::not_run(run);
        let verdict = match not_run {
            Some((word, _)) => word,
            None if run.passed => "passed",
            None => "failed",
        };
        let class = match not_run {
            Some(("skipped", _)) => "skipped",
            Some(_) => "failed",
            None => verdict,
        };
        // One pass over the cases: all levels, and each level.
        let mut all = Tally::default();
        let mut by_level: HashMap<Level, Tally> = HashMap::new();
        for case in visit(run.cases.iter()) {
            all.add(case);
            by_level.entry(case.level).or_default().add(case);
        }
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{} {}</th><td class=\"{class}\">{verdict}{}{}</td>{}",
            esc(&run.implementation.name),
            esc(&run.implementation.version),
            not_run
                .map(|(_, why)| format!(": {}", esc(why)))
                .unwrap_or_default(),
            run.gate
                .as_ref()
                .map(|g| format!(
                    " <small>(gated by <code>{}</code>)</small>",
                    esc(&g.expectations)
                ))
                .unwrap_or_default(),
            all.cell()
        );
        for level in Level::ALL {
            out.push_str(&by_level.get(&level).copied().unwrap_or_default().cell());
        }
        let _ = writeln!(
            out,
            "<td><small>{} · <code>{}</code></small></td></tr>",
            esc(&run.suite.version),
            esc(&run.suite.spec_digest)
        );
    });
    out.push_str("</tbody>\n</table></div>\n");
    out.push_str(&cut_note(shown, runs.len(), "implementations"));
    out.push_str("</section>\n");
}

fn use_cases(out: &mut String, runs: &[ResultsFile]) {
    // Each run's cases tallied by use case in one pass.
    let tallies: Vec<HashMap<&str, Tally>> = runs
        .iter()
        .map(|run| {
            let mut by_use_case: HashMap<&str, Tally> = HashMap::new();
            for case in visit(run.cases.iter()) {
                // A use case named twice counts the case once.
                let mut ids: Vec<&str> = visit(case.use_cases.iter()).map(String::as_str).collect();
                ids.sort_unstable();
                ids.dedup();
                for id in ids {
                    by_use_case.entry(id).or_default().add(case);
                }
            }
            by_use_case
        })
        .collect();
    let mut ids: BTreeSet<&str> = tallies.iter().flat_map(|t| t.keys().copied()).collect();
    let mut titles: BTreeMap<&str, &str> = BTreeMap::new();
    for page in visit(runs.iter().flat_map(|r| r.pages.iter())) {
        ids.insert(page.use_case.as_str());
        titles.insert(page.use_case.as_str(), page.title.as_str());
    }
    let _ = writeln!(
        out,
        "<section id=\"use-cases\">\n<h2>Use cases</h2>\n<div class=\"scroll\"><table id=\"use-case-matrix\">\n<caption>Passed test cases per use case</caption>\n<thead><tr><th scope=\"col\">use case</th>{}</tr></thead>\n<tbody>",
        headers(runs)
    );
    let section = Section::at(out);
    let shown = cut(out, section, &ids, |out, id| {
        let _ = write!(
            out,
            "<tr id=\"uc-{}\"><th scope=\"row\">{} <small>{}</small></th>",
            anchor(id),
            esc(id),
            esc(titles.get(id).copied().unwrap_or(""))
        );
        for tally in &tallies {
            out.push_str(&tally.get(id).copied().unwrap_or_default().cell());
        }
        out.push_str("</tr>\n");
    });
    out.push_str("</tbody>\n</table></div>\n");
    out.push_str(&cut_note(shown, ids.len(), "use cases"));
    out.push_str("</section>\n");
}

fn rules(out: &mut String, runs: &[ResultsFile]) {
    // Each run's failing cases counted by rule, and its waivers by rule, in one pass.
    let mut rules: BTreeMap<&str, Level> = BTreeMap::new();
    let mut failing: Vec<HashMap<&str, usize>> = Vec::with_capacity(runs.len());
    let mut waived: Vec<HashMap<&str, &crate::results::WaiverUse>> = Vec::with_capacity(runs.len());
    for run in runs {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for case in visit(run.cases.iter()) {
            if let Some(f) = &case.failure {
                rules.insert(f.rule.as_str(), f.rule_level);
                *counts.entry(f.rule.as_str()).or_default() += 1;
            }
        }
        let mut waivers = HashMap::new();
        for w in visit(run.waivers.iter()) {
            rules.insert(w.rule.as_str(), w.level);
            // The first waiver of a rule, as a search would find.
            waivers.entry(w.rule.as_str()).or_insert(w);
        }
        failing.push(counts);
        waived.push(waivers);
    }
    let _ = writeln!(
        out,
        "<section id=\"rules\">\n<h2>Rules that fail somewhere</h2>\n<div class=\"scroll\"><table id=\"rule-matrix\">\n<caption>Failing test cases per rule (waived: the rule is waived, with its checks counted)</caption>\n<thead><tr><th scope=\"col\">rule</th><th scope=\"col\">level</th>{}</tr></thead>\n<tbody>",
        headers(runs)
    );
    if rules.is_empty() {
        let _ = writeln!(
            out,
            "<tr><td colspan=\"{}\">No rule fails in any run.</td></tr>",
            runs.len() + 2
        );
    }
    let section = Section::at(out);
    let shown = cut(out, section, &rules, |out, (rule, level)| {
        let _ = write!(
            out,
            "<tr data-level=\"{level}\" data-outcome=\"rule\"><th scope=\"row\"><code>{}</code></th><td>{level}</td>",
            esc(rule)
        );
        for (counts, waivers) in failing.iter().zip(&waived) {
            let cell = match (counts.get(rule).copied().unwrap_or(0), waivers.get(rule)) {
                (0, None) => "<td class=\"passed\">no failure</td>".to_owned(),
                (0, Some(w)) => format!(
                    "<td class=\"expected\" title=\"{}\">waived ({} checks)</td>",
                    esc(&w.reason),
                    w.checks
                ),
                (n, _) => format!("<td class=\"failed\">{n} failing</td>"),
            };
            out.push_str(&cell);
        }
        out.push_str("</tr>\n");
    });
    out.push_str("</tbody>\n</table></div>\n");
    out.push_str(&cut_note(shown, rules.len(), "rules"));
    out.push_str("</section>\n");
}

/// One scenario row's key: where it is written and its name.
type Key<'a> = (&'a str, &'a str);

fn scenarios(out: &mut String, runs: &[ResultsFile]) {
    let mut order: Vec<Key<'_>> = Vec::new();
    let mut rows: BTreeMap<Key<'_>, (Level, Vec<Option<&Case>>)> = BTreeMap::new();
    for (at, run) in runs.iter().enumerate() {
        for case in visit(run.cases.iter()) {
            let key = (case.location.as_str(), case.name.as_str());
            let row = rows.entry(key).or_insert_with(|| {
                order.push(key);
                (case.level, vec![None; runs.len()])
            });
            row.1[at] = Some(case);
        }
    }
    let differs = |cells: &[Option<&Case>]| {
        let words: BTreeSet<&str> = cells.iter().map(|c| c.map_or("absent", outcome)).collect();
        words.len() > 1
    };
    let differing: Vec<Key<'_>> = visit(order.iter())
        .copied()
        .filter(|k| rows.get(k).is_some_and(|(_, cells)| differs(cells)))
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"differs\">\n<h2>Where the implementations differ ({} of {} test cases)</h2>",
        differing.len(),
        order.len()
    );
    table(
        out,
        runs,
        &rows,
        &differing,
        "differs-matrix",
        "Test cases whose outcome is not the same everywhere",
    );
    out.push_str("</section>\n");
    let _ = writeln!(
        out,
        "<section id=\"scenarios\">\n<h2>All test cases ({})</h2>",
        order.len()
    );
    table(
        out,
        runs,
        &rows,
        &order,
        "scenario-matrix",
        "Every test case of every run",
    );
    out.push_str("</section>\n");
}

fn table(
    out: &mut String,
    runs: &[ResultsFile],
    rows: &BTreeMap<Key<'_>, (Level, Vec<Option<&Case>>)>,
    keys: &[Key<'_>],
    id: &str,
    caption: &str,
) {
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table id=\"{id}\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">test case</th><th scope=\"col\">level</th>{}</tr></thead>\n<tbody>",
        esc(caption),
        headers(runs)
    );
    let section = Section::at(out);
    let shown = cut(out, section, keys, |out, key| {
        let Some((level, cells)) = rows.get(key) else {
            return;
        };
        let words: BTreeSet<&str> = cells.iter().map(|c| c.map_or("absent", outcome)).collect();
        let use_cases: BTreeSet<&str> = cells
            .iter()
            .flatten()
            .flat_map(|c| visit(c.use_cases.iter().take(MAX_JOINED)).map(String::as_str))
            .collect();
        let _ = write!(
            out,
            "<tr data-level=\"{level}\" data-use-case=\"{}\" data-outcome=\"{}\"><th scope=\"row\">{} <small><code>{}</code></small></th><td>{level}</td>",
            esc(&use_cases.into_iter().collect::<Vec<_>>().join(" ")),
            words.into_iter().collect::<Vec<_>>().join(" "),
            esc(key.1),
            esc(key.0)
        );
        for cell in cells {
            match cell {
                None => out.push_str("<td class=\"absent\">not run</td>"),
                Some(case) => {
                    let word = outcome(case);
                    let title = case
                        .failure
                        .as_ref()
                        .map(|f| format!("{}: {}", f.rule, f.summary))
                        .or_else(|| case.expected.as_ref().map(|e| e.reason.clone()))
                        .or_else(|| case.skip_reason.clone())
                        .or_else(|| case.message.clone());
                    let rule = case
                        .failure
                        .as_ref()
                        .map(|f| format!(" <small><code>{}</code></small>", esc(&f.rule)))
                        .unwrap_or_default();
                    let _ = write!(
                        out,
                        "<td class=\"{word}\"{}>{word}{rule}</td>",
                        title
                            .map(|t| format!(" title=\"{}\"", esc(&t)))
                            .unwrap_or_default()
                    );
                }
            }
        }
        out.push_str("</tr>\n");
    });
    out.push_str("</tbody>\n</table></div>\n");
    out.push_str(&cut_note(shown, keys.len(), "rows"));
}
