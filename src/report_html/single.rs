//! The report of one run.

use super::diff::highlight;
use super::escape::{anchor, esc, inline_code};
use super::{Section, cut, cut_note, joined, level_badge, outcome, page, suites_own, visit};
use crate::levels::Level;
use crate::results::{Case, CaseVerdict, ResultsFile};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

/// The one-run report of `run`.
pub fn render(run: &ResultsFile) -> String {
    let title = format!(
        "Conformance report: {} {}",
        run.implementation.name, run.implementation.version
    );
    let mut body = String::new();
    header(&mut body, run, &title);
    body.push_str("<div id=\"filters\"></div>\n<main>\n");
    super::headlines::section(&mut body, run);
    failures(&mut body, run);
    expected(&mut body, run);
    use_cases(&mut body, run);
    others(&mut body, run);
    fuzz(&mut body, run);
    body.push_str("</main>\n");
    page(&title, &body)
}

fn header(out: &mut String, run: &ResultsFile, title: &str) {
    let verdict = if run.passed { "passed" } else { "failed" };
    let _ = write!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"verdict {verdict}\" id=\"verdict\">Verdict: {}</p>\n",
        esc(title),
        verdict.to_ascii_uppercase()
    );
    out.push_str("<nav><a href=\"#failures\">Failures</a> · <a href=\"#expected\">Expected failures and waivers</a> · <a href=\"#use-cases\">Use cases</a> · <a href=\"#other-scenarios\">Other scenarios</a> · <a href=\"#fuzz\">Fuzz properties</a></nav>\n");
    out.push_str("<div class=\"scroll\"><table id=\"run\">\n<caption>The run</caption>\n<tbody>\n");
    let suite = &run.suite;
    let rows = [
        ("implementation", esc(&run.implementation.name)),
        ("implementation version", esc(&run.implementation.version)),
        (
            "capabilities",
            esc(&if run.implementation.capabilities.is_empty() {
                "none".to_owned()
            } else {
                joined(&run.implementation.capabilities, ", ")
            }),
        ),
        ("suite version", esc(&suite.version)),
        (
            "spec digest",
            format!(
                "<code>{}</code> ({} feature files)",
                esc(&suite.spec_digest),
                suite.feature_files
            ),
        ),
        (
            "fuzz seed",
            suite
                .seed
                .map_or_else(|| "no fuzzing".to_owned(), |s| format!("<code>{s}</code>")),
        ),
        (
            "levels",
            suite.level.map_or_else(
                || "all".to_owned(),
                |l| format!("{} and above", esc(l.name())),
            ),
        ),
        (
            "expectations",
            run.gate.as_ref().map_or_else(
                || "none".to_owned(),
                |g| {
                    format!(
                        "<code>{}</code>: gate {}",
                        esc(&g.expectations),
                        if g.passed { "passed" } else { "FAILED" }
                    )
                },
            ),
        ),
    ];
    for (name, value) in rows {
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{name}</th><td>{value}</td></tr>"
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    if suite.partial {
        out.push_str("<p class=\"note\">A partial run: filters left scenarios out.</p>\n");
    }
    if let Some(gate) = &run.gate
        && !gate.problems.is_empty()
    {
        let _ = writeln!(
            out,
            "<h2 id=\"gate-problems\">Gate problems ({})</h2>\n<ul>",
            gate.problems.len()
        );
        let section = Section::at(out);
        let shown = cut(out, section, &gate.problems, |out, p| {
            let _ = writeln!(out, "<li>{}</li>", esc(p));
        });
        out.push_str("</ul>\n");
        out.push_str(&cut_note(shown, gate.problems.len(), "gate problems"));
    }
    out.push_str("<div class=\"scroll\"><table id=\"levels\">\n<caption>Test cases per level</caption>\n<thead><tr><th scope=\"col\">level</th><th scope=\"col\" class=\"meaning\">where the rules come from</th><th scope=\"col\">passed</th><th scope=\"col\">failed</th><th scope=\"col\">errored</th><th scope=\"col\">expected</th><th scope=\"col\">skipped</th><th scope=\"col\">pending</th></tr></thead>\n<tbody>\n");
    // One pass over the cases, not one per level and outcome.
    let mut counts: HashMap<(Level, &str), usize> = HashMap::new();
    // The suite's own faults are counted apart, below the table.
    for case in visit(run.cases.iter()).filter(|c| !suites_own(c)) {
        *counts.entry((case.level, outcome(case))).or_default() += 1;
    }
    for level in Level::ALL {
        let count = |word: &str| counts.get(&(level, word)).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "<tr data-level=\"{level}\"><th scope=\"row\">{level}</th><td class=\"meaning\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(level.meaning()),
            count("passed"),
            count("failed"),
            count("errored"),
            count("expected"),
            count("skipped"),
            count("pending"),
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    let own = run.cases.iter().filter(|c| suites_own(c)).count();
    if own > 0 {
        let _ = writeln!(
            out,
            "<p id=\"suite-faults\">Not judged: {own} test cases, the suite's own problem (a step it does not define, or a fault of the suite), not the implementation's; not counted above.</p>"
        );
    }
    out.push_str("</header>\n");
}

fn data_attrs(case: &Case) -> String {
    format!(
        "data-level=\"{}\" data-use-case=\"{}\" data-outcome=\"{}\"",
        case.level,
        esc(&if case.use_cases.is_empty() {
            "none".to_owned()
        } else {
            joined(&case.use_cases, " ")
        }),
        outcome(case)
    )
}

/// ` · documented at <code>spec/use-cases/<page>.md:LINE</code>` for a case
/// whose results record the documentation's page line (empty otherwise).
pub(super) fn documented_at(case: &Case) -> String {
    case.doc_location
        .as_deref()
        .map_or_else(String::new, |doc| {
            format!(
                " · {}",
                crate::outcome::documented_at(&format!("<code>{}</code>", esc(doc)))
            )
        })
}

/// One failing case: where, which rule, expected against actual; its steps
/// stop when `section` is full.
fn case_article(out: &mut String, section: Section, case: &Case, index: usize) {
    let word = outcome(case);
    let _ = writeln!(
        out,
        "<article class=\"case\" id=\"case-{index}\" {}>\n<h3><span class=\"{word}\">{}</span> {}</h3>",
        data_attrs(case),
        word.to_ascii_uppercase(),
        esc(&case.name)
    );
    let _ = write!(
        out,
        "<p class=\"meta-line\"><code>{}</code>{} · {}",
        esc(&case.location),
        documented_at(case),
        level_badge(case.level)
    );
    if let Some(fault) = &case.fault {
        let _ = write!(out, " · fault <strong>{}</strong>", esc(fault));
    }
    out.push_str("</p>\n");
    if let Some(problem) = &case.problem {
        let _ = writeln!(out, "<p>Gate: {}</p>", esc(problem));
    }
    if let Some(expected) = &case.expected {
        let _ = writeln!(
            out,
            "<p class=\"reason\">Expected ({} by {}): {}</p>",
            esc(&expected.kind),
            esc(&expected.by),
            esc(&expected.reason)
        );
    }
    match &case.failure {
        Some(failure) => {
            let _ = writeln!(
                out,
                "<p>Rule <code>{}</code> {}: {}</p>",
                esc(&failure.rule),
                level_badge(failure.rule_level),
                esc(&failure.summary)
            );
            if failure.expected.is_some() || failure.actual.is_some() {
                let (left, right) = highlight(
                    failure.expected.as_deref().unwrap_or(""),
                    failure.actual.as_deref().unwrap_or(""),
                );
                let _ = writeln!(
                    out,
                    "<table class=\"diff\">\n<thead><tr><th scope=\"col\">Expected</th><th scope=\"col\">Actual</th></tr></thead>\n<tbody><tr><td data-label=\"Expected\" class=\"expected-value\"><pre>{left}</pre></td><td data-label=\"Actual\" class=\"actual-value\"><pre>{right}</pre></td></tr></tbody>\n</table>"
                );
            }
        }
        None => {
            if let Some(message) = &case.message {
                let _ = writeln!(out, "<pre class=\"message\">{}</pre>", esc(message));
            }
        }
    }
    if !case.steps.is_empty() && case.fuzz.is_none() {
        out.push_str("<details><summary>Steps</summary>\n<ol>\n");
        let shown = cut(out, section, &case.steps, |out, step| {
            let _ = writeln!(
                out,
                "<li class=\"{}\">{}{} <small>({})</small></li>",
                esc(&step.status),
                esc(&step.keyword),
                esc(&step.text),
                esc(&step.status)
            );
        });
        out.push_str("</ol>\n");
        out.push_str(&cut_note(shown, case.steps.len(), "steps"));
        out.push_str("</details>\n");
    }
    out.push_str("</article>\n");
}

fn failures(out: &mut String, run: &ResultsFile) {
    let failing: Vec<(usize, &Case)> = visit(run.cases.iter().enumerate())
        .filter(|(_, c)| matches!(outcome(c), "failed" | "errored" | "undefined"))
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"failures\">\n<h2>Failures ({})</h2>",
        failing.len()
    );
    if failing.is_empty() {
        out.push_str("<p>No test case failed unexpectedly.</p>\n");
    }
    let section = Section::at(out);
    let shown = cut(out, section, &failing, |out, (index, case)| {
        case_article(out, section, case, *index);
    });
    out.push_str(&cut_note(shown, failing.len(), "failures"));
    // Bounded apart: many failures never hide why a feature file did not run.
    let section = Section::at(out);
    let shown = cut(out, section, &run.parse_errors, |out, error| {
        let _ = writeln!(out, "<p class=\"failed\">Parse error: {}</p>", esc(error));
    });
    out.push_str(&cut_note(shown, run.parse_errors.len(), "parse errors"));
    out.push_str("</section>\n");
}

fn expected(out: &mut String, run: &ResultsFile) {
    out.push_str("<section id=\"expected\">\n<h2>Expected failures and waivers</h2>\n");
    let listed: Vec<(usize, &Case)> = visit(run.cases.iter().enumerate())
        .filter(|(_, c)| outcome(c) == "expected")
        .collect();
    if listed.is_empty() {
        out.push_str("<p>No expected failure.</p>\n");
    } else {
        out.push_str("<div class=\"scroll\"><table id=\"expected-failures\">\n<caption>Expected failures: each failed as its expectations entry says</caption>\n<thead><tr><th scope=\"col\">test case</th><th scope=\"col\">level</th><th scope=\"col\">how</th><th scope=\"col\">entry or rule</th><th scope=\"col\">reason</th><th scope=\"col\">issue</th></tr></thead>\n<tbody>\n");
        let section = Section::at(out);
        let shown = cut(out, section, &listed, |out, (index, case)| {
            let Some(e) = &case.expected else { return };
            let _ = writeln!(
                out,
                "<tr {}><td><a href=\"#case-{index}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td class=\"reason\">{}</td><td>{}</td></tr>",
                data_attrs(case),
                esc(&case.name),
                case.level,
                esc(&e.kind),
                esc(&e.by),
                esc(&e.reason),
                esc(e.issue.as_deref().unwrap_or(""))
            );
        });
        out.push_str("</tbody>\n</table></div>\n");
        out.push_str(&cut_note(shown, listed.len(), "expected failures"));
        out.push_str("<details><summary>Their failures</summary>\n");
        let shown = cut(out, section, &listed, |out, (index, case)| {
            case_article(out, section, case, *index);
        });
        out.push_str(&cut_note(shown, listed.len(), "expected failures"));
        out.push_str("</details>\n");
    }
    if run.waivers.is_empty() {
        out.push_str("<p>No waived rule.</p>\n");
    } else {
        out.push_str("<div class=\"scroll\"><table id=\"waivers\">\n<caption>Waived rules: their checks pass, counted here</caption>\n<thead><tr><th scope=\"col\">rule</th><th scope=\"col\">level</th><th scope=\"col\">checks waived</th><th scope=\"col\">reason</th><th scope=\"col\">issue</th></tr></thead>\n<tbody>\n");
        let section = Section::at(out);
        let shown = cut(out, section, &run.waivers, |out, w| {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"reason\">{}</td><td>{}</td></tr>",
                esc(&w.rule),
                w.level,
                w.checks,
                esc(&w.reason),
                esc(w.issue.as_deref().unwrap_or(""))
            );
        });
        out.push_str("</tbody>\n</table></div>\n");
        out.push_str(&cut_note(shown, run.waivers.len(), "waived rules"));
    }
    out.push_str("</section>\n");
}

/// A table of cases: name, level, outcome; it stops when `section` is full.
fn case_table(out: &mut String, section: Section, cases: &[(usize, &Case)], caption: &str) {
    let _ = writeln!(
        out,
        "<div class=\"scroll\"><table>\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">scenario</th><th scope=\"col\">level</th><th scope=\"col\">outcome</th></tr></thead>\n<tbody>",
        esc(caption)
    );
    let shown = cut(out, section, cases, |out, (index, case)| {
        let word = outcome(case);
        let name = if matches!(word, "failed" | "errored" | "undefined" | "expected") {
            format!("<a href=\"#case-{index}\">{}</a>", esc(&case.name))
        } else {
            esc(&case.name)
        };
        let why = case
            .skip_reason
            .as_deref()
            .map(|r| format!(" <small>{}</small>", esc(r)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr {}><td>{name}</td><td>{}</td><td class=\"{word}\">{word}{why}</td></tr>",
            data_attrs(case),
            case.level
        );
    });
    out.push_str("</tbody>\n</table></div>\n");
    out.push_str(&cut_note(shown, cases.len(), "rows"));
}

fn use_cases(out: &mut String, run: &ResultsFile) {
    out.push_str("<section id=\"use-cases\">\n<h2>Use cases: each bullet of the published pages with its scenarios</h2>\n");
    // The cases indexed once: by bullet, and (hand-written) by use case.
    let mut by_bullet: HashMap<(&str, usize), Vec<(usize, &Case)>> = HashMap::new();
    let mut hand_written: HashMap<&str, Vec<(usize, &Case)>> = HashMap::new();
    for (index, case) in visit(run.cases.iter().enumerate()) {
        match &case.bullet {
            Some(b) => by_bullet
                .entry((b.page.as_str(), b.line))
                .or_default()
                .push((index, case)),
            None => {
                for use_case in visit(case.use_cases.iter()) {
                    let list = hand_written.entry(use_case.as_str()).or_default();
                    // A use case named twice lists the case once.
                    if list.last().is_none_or(|(last, _)| *last != index) {
                        list.push((index, case));
                    }
                }
            }
        }
    }
    let section = Section::at(out);
    let shown = cut(out, section, &run.pages, |out, page| {
        let _ = writeln!(
            out,
            "<section id=\"uc-{}\">\n<h3>{}: {}</h3>",
            anchor(&page.use_case),
            esc(&page.use_case),
            esc(&page.title)
        );
        if let Some(d) = &page.description {
            let _ = writeln!(out, "<p>{}</p>", inline_code(d));
        }
        let shown = cut(out, section, &page.sections, |out, part| {
            let _ = writeln!(out, "<h4>{}</h4>\n<ol class=\"bullets\">", esc(&part.name));
            let shown = cut(out, section, &part.bullets, |out, bullet| {
                let _ = writeln!(
                    out,
                    "<li><blockquote cite=\"{}\"><p>{}</p></blockquote><p class=\"meta-line\">{} line {}</p>",
                    esc(&page.file),
                    inline_code(&bullet.text),
                    esc(&page.file),
                    bullet.line
                );
                match by_bullet.get(&(page.file.as_str(), bullet.line)) {
                    Some(cases) => {
                        case_table(out, section, cases, "Scenarios generated from this bullet")
                    }
                    None => out.push_str(
                        "<p class=\"note\">No scenario of this run comes from this bullet.</p>\n",
                    ),
                }
                out.push_str("</li>\n");
            });
            out.push_str("</ol>\n");
            out.push_str(&cut_note(shown, part.bullets.len(), "bullets"));
        });
        out.push_str(&cut_note(shown, page.sections.len(), "sections"));
        if let Some(cases) = hand_written.get(page.use_case.as_str()) {
            let _ = writeln!(
                out,
                "<h4>Beyond the bullets: hand-written scenarios of {}</h4>",
                esc(&page.use_case)
            );
            case_table(out, section, cases, "Hand-written scenarios");
        }
        out.push_str("</section>\n");
    });
    out.push_str(&cut_note(shown, run.pages.len(), "use-case pages"));
    out.push_str("</section>\n");
}

fn others(out: &mut String, run: &ResultsFile) {
    out.push_str("<section id=\"other-scenarios\">\n<h2>Other scenarios, by feature</h2>\n");
    let pages: HashSet<&str> = visit(run.pages.iter())
        .map(|p| p.use_case.as_str())
        .collect();
    let mut by_feature: BTreeMap<&str, Vec<(usize, &Case)>> = BTreeMap::new();
    for (index, case) in visit(run.cases.iter().enumerate()) {
        let listed = case.bullet.is_some()
            || visit(case.use_cases.iter()).any(|u| pages.contains(u.as_str()));
        if !listed && case.fuzz.is_none() {
            by_feature
                .entry(&case.feature)
                .or_default()
                .push((index, case));
        }
    }
    if by_feature.is_empty() {
        out.push_str("<p>None.</p>\n");
    }
    let section = Section::at(out);
    let shown = cut(out, section, &by_feature, |out, (feature, cases)| {
        let _ = writeln!(out, "<h3>{}</h3>", esc(feature));
        case_table(out, section, cases, feature);
    });
    out.push_str(&cut_note(shown, by_feature.len(), "features"));
    out.push_str("</section>\n");
}

fn fuzz(out: &mut String, run: &ResultsFile) {
    out.push_str("<section id=\"fuzz\">\n<h2>Fuzz properties and protocol checks</h2>\n");
    let cases: Vec<&Case> = visit(run.cases.iter())
        .filter(|c| c.fuzz.is_some())
        .collect();
    let section = Section::at(out);
    if cases.is_empty() {
        out.push_str("<p>The run did not fuzz.</p>\n");
    } else {
        out.push_str("<div class=\"scroll\"><table id=\"properties\">\n<caption>Properties</caption>\n<thead><tr><th scope=\"col\">property</th><th scope=\"col\">level</th><th scope=\"col\">outcome</th><th scope=\"col\">seed</th><th scope=\"col\">what ran</th></tr></thead>\n<tbody>\n");
        let shown = cut(out, section, &cases, |out, case| {
            let word = outcome(case);
            let seed = case
                .fuzz
                .as_ref()
                .and_then(|f| f.seed)
                .map_or_else(String::new, |s| format!("<code>{s}</code>"));
            let what = case.steps.first().map(|s| esc(&s.text)).unwrap_or_default();
            let _ = writeln!(
                out,
                "<tr {}><td>{}</td><td>{}</td><td class=\"{word}\">{word}</td><td>{seed}</td><td>{what}</td></tr>",
                data_attrs(case),
                esc(&case.name),
                case.level
            );
        });
        out.push_str("</tbody>\n</table></div>\n");
        out.push_str(&cut_note(shown, cases.len(), "properties"));
    }
    let failing: Vec<&Case> = cases
        .iter()
        .copied()
        .filter(|c| c.verdict != CaseVerdict::Passed)
        .collect();
    let shown = cut(out, section, &failing, |out, case| {
        let Some(fuzz) = &case.fuzz else { return };
        let _ = writeln!(out, "<h3>{}</h3>", esc(&case.name));
        if let Some(seed) = fuzz.seed {
            let _ = writeln!(out, "<p>Reproduce with <code>--seed {seed}</code>.</p>");
        }
        if let Some(sequence) = &fuzz.sequence {
            let _ = writeln!(
                out,
                "<h4>Shrunk operation sequence</h4>\n<pre class=\"sequence\">{}</pre>",
                esc(sequence)
            );
        }
        if let Some(scenario) = &fuzz.scenario {
            let _ = writeln!(
                out,
                "<h4>As a scenario to paste into a feature file</h4>\n<pre class=\"scenario\">{}</pre>",
                esc(scenario)
            );
        }
    });
    out.push_str(&cut_note(shown, failing.len(), "failing properties"));
    out.push_str("</section>\n");
}
