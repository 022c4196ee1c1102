//! The rule history of the matrix: for each series of runs that are versions
//! of one product (`report --series`), each rule that fails or is waived in
//! one of them, across the versions in order ([`crate::version_order`]):
//! where it passes, fails or is waived, and the version where that changed
//! ("fails since 6.34.2", "fixed in 7.0.0").

use super::escape::esc;
use super::{Section, cut, cut_note, visit};
use crate::levels::Level;
use crate::results::{CaseVerdict, NOT_RUN_CASE, ResultsFile};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Columns of the matrix that are versions of one product: the rule history
/// shows them in version order (each run's `implementation.version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The product's name, as the history's heading shows it.
    pub name: String,
    /// The runs (indexes into the matrix's results files), in any order.
    pub runs: Vec<usize>,
}

impl Series {
    /// Reads the arguments of `report --series`, each `NAME=FILE[,FILE…]`:
    /// a product's name and its results files, each one of `results`. The
    /// arguments of one NAME are one series (a caller may name one file per
    /// argument); a FILE that is one of `results` as a whole is one file,
    /// commas and all. A run is in at most one series (each run adds to the
    /// page's bound once).
    pub fn parse_all(specs: &[String], results: &[PathBuf]) -> Result<Vec<Series>, String> {
        let mut series: Vec<Series> = Vec::new();
        // Each run's series.
        let mut owner: HashMap<usize, usize> = HashMap::new();
        for spec in specs {
            let Some((name, files)) = spec.split_once('=') else {
                return Err(format!(
                    "--series {spec:?}: expected NAME=FILE[,FILE…] (a product's name and its results files)"
                ));
            };
            if name.trim().is_empty() {
                return Err(format!("--series {spec:?}: the product's name is empty"));
            }
            let files: Vec<&str> = if results.iter().any(|r| r == Path::new(files)) {
                vec![files]
            } else {
                files.split(',').collect()
            };
            let at = series
                .iter()
                .position(|s| s.name == name)
                .unwrap_or_else(|| {
                    series.push(Series {
                        name: name.to_owned(),
                        runs: Vec::new(),
                    });
                    series.len() - 1
                });
            for file in files {
                let Some(run) = results.iter().position(|r| r == Path::new(file)) else {
                    return Err(format!(
                        "--series {name}: {file:?} is not one of the results files given to report"
                    ));
                };
                if let Some(&other) = owner.get(&run) {
                    return Err(if other == at {
                        format!("--series {name}: {file:?} is named twice")
                    } else {
                        format!(
                            "--series {name}: {file:?} is in the series {} too",
                            series[other].name
                        )
                    });
                }
                owner.insert(run, at);
                series[at].runs.push(run);
            }
        }
        Ok(series)
    }
}

/// Why a run never ran the suite ([`crate::results::not_run`] or a skip
/// written like it): `not run` or `skipped`, and the reason.
pub(super) fn not_run(run: &ResultsFile) -> Option<(&'static str, &str)> {
    match run.cases.as_slice() {
        [case] if case.name == NOT_RUN_CASE => Some((
            if case.verdict == CaseVerdict::Skipped {
                "skipped"
            } else {
                "not run"
            },
            case.skip_reason
                .as_deref()
                .or(case.message.as_deref())
                .unwrap_or(""),
        )),
        _ => None,
    }
}

/// A rule in one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State<'a> {
    /// No case failed it.
    Passes,
    /// Cases failed it that the gate did not expect (how many).
    Fails(usize),
    /// Waived or expected by the gate (the reason).
    Waived(&'a str),
    /// The run never ran the suite (`not run`/`skipped`, why).
    NotRun(&'static str, &'a str),
}

impl State<'_> {
    /// What the history compares: passes, fails, waived (`None`: unknown).
    fn kind(self) -> Option<&'static str> {
        match self {
            State::Passes => Some("passes"),
            State::Fails(_) => Some("fails"),
            State::Waived(_) => Some("waived"),
            State::NotRun(..) => None,
        }
    }
}

/// One version's rules: failing (unexpected) counts and waiver reasons.
struct Version<'a> {
    run: &'a ResultsFile,
    not_run: Option<(&'static str, &'a str)>,
    fails: HashMap<&'a str, usize>,
    waived: HashMap<&'a str, &'a str>,
}

impl<'a> Version<'a> {
    fn of(run: &'a ResultsFile, rules: &mut BTreeMap<&'a str, Level>) -> Self {
        let mut fails: HashMap<&str, usize> = HashMap::new();
        let mut waived: HashMap<&str, &str> = HashMap::new();
        for case in visit(run.cases.iter()) {
            if let Some(f) = &case.failure {
                rules.insert(f.rule.as_str(), f.rule_level);
                match &case.expected {
                    Some(e) => {
                        waived.entry(f.rule.as_str()).or_insert(e.reason.as_str());
                    }
                    None => *fails.entry(f.rule.as_str()).or_default() += 1,
                }
            }
        }
        for w in visit(run.waivers.iter()) {
            rules.insert(w.rule.as_str(), w.level);
            waived.insert(w.rule.as_str(), w.reason.as_str());
        }
        Version {
            run,
            not_run: not_run(run),
            fails,
            waived,
        }
    }

    fn state(&self, rule: &str) -> State<'a> {
        if let Some((word, why)) = self.not_run {
            return State::NotRun(word, why);
        }
        match (self.fails.get(rule), self.waived.get(rule)) {
            (Some(&n), _) => State::Fails(n),
            (None, Some(reason)) => State::Waived(reason),
            (None, None) => State::Passes,
        }
    }
}

/// Which versions of a series ran the suite, for finding a rule's changes
/// from only the versions where it does not pass.
struct Ran {
    /// `before[i]`: how many of the versions before `i` ran.
    before: Vec<usize>,
    /// `next[i]`: the first version at or after `i` that ran.
    next: Vec<Option<usize>>,
}

impl Ran {
    fn of(versions: &[Version<'_>]) -> Self {
        let mut before = vec![0; versions.len() + 1];
        for (i, v) in versions.iter().enumerate() {
            before[i + 1] = before[i] + usize::from(v.not_run.is_none());
        }
        let mut next = vec![None; versions.len() + 1];
        for i in (0..versions.len()).rev() {
            next[i] = if versions[i].not_run.is_none() {
                Some(i)
            } else {
                next[i + 1]
            };
        }
        Ran { before, next }
    }

    /// The versions where a rule's kind differs from the last known one,
    /// from `entries`, the versions where it fails or is waived (in order):
    /// every other version that ran passes it, one that did not is unknown.
    fn changes(&self, entries: &[(usize, &'static str)]) -> Vec<usize> {
        let mut changes = Vec::new();
        let mut last: Option<&str> = None;
        // The first version not yet accounted for.
        let mut from = 0;
        for &(at, kind) in entries {
            self.passes_between(from, at, &mut last, &mut changes);
            if last.is_some_and(|l| l != kind) {
                changes.push(at);
            }
            last = Some(kind);
            from = at + 1;
        }
        self.passes_between(from, self.before.len() - 1, &mut last, &mut changes);
        changes
    }

    /// The versions `from..to` that ran pass the rule.
    fn passes_between(
        &self,
        from: usize,
        to: usize,
        last: &mut Option<&str>,
        changes: &mut Vec<usize>,
    ) {
        if self.before[to] > self.before[from] {
            if last.is_some_and(|l| l != "passes")
                && let Some(at) = self.next[from]
            {
                changes.push(at);
            }
            *last = Some("passes");
        }
    }
}

/// The words of a change to `kind` in `version`.
fn change(kind: &str, version: &str) -> String {
    match kind {
        "passes" => format!("fixed in {version}"),
        "fails" => format!("fails since {version}"),
        _ => format!("waived since {version}"),
    }
}

/// The history section of the matrix: one table per series.
pub(super) fn section(out: &mut String, runs: &[ResultsFile], series: &[Series]) {
    out.push_str("<section id=\"history\">\n<h2>Rule history across versions</h2>\n<p class=\"note\">Each rule that fails or is waived in a version, across the versions in order: where it passes, fails or is waived (expected by the gate), and the version where that changed (marked ▸). Rules that pass in every version are not listed.</p>\n");
    // One bound for the whole section, whatever the number of series.
    let bound = Section::at(out);
    for (at, s) in series.iter().enumerate() {
        let mut members: Vec<&ResultsFile> = s.runs.iter().filter_map(|&i| runs.get(i)).collect();
        members.sort_by(|a, b| {
            crate::version_order::compare(&a.implementation.version, &b.implementation.version)
        });
        let mut rules: BTreeMap<&str, Level> = BTreeMap::new();
        let versions: Vec<Version<'_>> = members
            .iter()
            .map(|run| Version::of(run, &mut rules))
            .collect();
        // Each rule's versions where it does not pass, in version order:
        // the work is the failures and waivers, never rules × versions.
        let mut entries: HashMap<&str, Vec<(usize, &'static str)>> = HashMap::new();
        for (at, v) in versions.iter().enumerate() {
            for &rule in visit(v.fails.keys()) {
                entries.entry(rule).or_default().push((at, "fails"));
            }
            for &rule in visit(v.waived.keys()) {
                if !v.fails.contains_key(rule) {
                    entries.entry(rule).or_default().push((at, "waived"));
                }
            }
        }
        let ran = Ran::of(&versions);
        let mut rows: Vec<(&str, Level, Vec<usize>)> = rules
            .iter()
            .map(|(&rule, &level)| {
                let changes = entries
                    .get(rule)
                    .map(|e| ran.changes(e))
                    .unwrap_or_default();
                (rule, level, changes)
            })
            .collect();
        // The rules that changed first.
        rows.sort_by_key(|row| row.2.is_empty());
        let headers: String = versions
            .iter()
            .map(|v| {
                format!(
                    "<th scope=\"col\">{}</th>",
                    esc(&v.run.implementation.version)
                )
            })
            .collect();
        let changed = rows.iter().filter(|r| !r.2.is_empty()).count();
        let _ = writeln!(out, "<h3>{}</h3>", esc(&s.name));
        // The versions that never ran, with their reasons, in words too.
        let absent: Vec<String> = versions
            .iter()
            .filter_map(|v| {
                v.not_run.map(|(word, why)| {
                    format!(
                        "{} {word}: {}",
                        esc(&v.run.implementation.version),
                        esc(why)
                    )
                })
            })
            .collect();
        if !absent.is_empty() {
            let _ = writeln!(
                out,
                "<ul class=\"note\">{}</ul>",
                absent
                    .iter()
                    .map(|a| format!("<li>{a}</li>"))
                    .collect::<String>()
            );
        }
        let _ = writeln!(
            out,
            "<div class=\"scroll\"><table id=\"history-{at}\" class=\"history\">\n<caption>{} rules fail or are waived in at least one of {} versions; {changed} of them changed between versions</caption>\n<thead><tr><th scope=\"col\">rule</th><th scope=\"col\">level</th><th scope=\"col\">history</th>{headers}</tr></thead>\n<tbody>",
            rows.len(),
            versions.len()
        );
        if rows.is_empty() {
            let _ = writeln!(
                out,
                "<tr><td colspan=\"{}\">No rule fails or is waived in any version.</td></tr>",
                versions.len() + 3
            );
        }
        let shown = cut(out, bound, &rows, |out, (rule, level, changes)| {
            // Only a shown row's cells: at most `MAX_ROWS` × versions.
            let states: Vec<State<'_>> = versions.iter().map(|v| v.state(rule)).collect();
            row(out, rule, *level, &states, changes, &versions);
        });
        out.push_str("</tbody>\n</table></div>\n");
        out.push_str(&cut_note(shown, rows.len(), "rules"));
    }
    out.push_str("</section>\n");
}

/// One rule's row: its history in words, then a cell per version.
fn row(
    out: &mut String,
    rule: &str,
    level: Level,
    states: &[State<'_>],
    changes: &[usize],
    versions: &[Version<'_>],
) {
    let version = |i: usize| versions[i].run.implementation.version.as_str();
    let known: Vec<(usize, &str)> = states
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.kind().map(|k| (i, k)))
        .collect();
    let history = match known.first() {
        None => "not run in any version".to_owned(),
        Some(&(only, kind)) if known.len() == 1 => {
            format!("{kind} in {} (the only version run)", version(only))
        }
        Some(&(_, kind)) if changes.is_empty() => {
            format!("{kind} in all {} versions run", known.len())
        }
        Some(&(first, kind)) => std::iter::once(format!("{kind} in {}", version(first)))
            .chain(
                changes
                    .iter()
                    .map(|&i| change(states[i].kind().unwrap_or_default(), version(i))),
            )
            .collect::<Vec<_>>()
            .join(" → "),
    };
    let _ = write!(
        out,
        "<tr data-level=\"{level}\" data-outcome=\"{}\"><th scope=\"row\"><code>{}</code></th><td>{level}</td><td class=\"history-words\">{}</td>",
        if changes.is_empty() {
            "steady"
        } else {
            "changed"
        },
        esc(rule),
        esc(&history)
    );
    let mut changed_at = vec![false; states.len()];
    for &i in changes {
        changed_at[i] = true;
    }
    for ((i, state), changed) in states.iter().enumerate().zip(changed_at) {
        let (class, word, title) = match *state {
            State::Passes => ("passed", "passes".to_owned(), None),
            State::Fails(n) => (
                "failed",
                format!(
                    "fails <small>({n} case{})</small>",
                    if n == 1 { "" } else { "s" }
                ),
                None,
            ),
            State::Waived(reason) => ("expected", "waived".to_owned(), Some(reason)),
            State::NotRun(word, why) => ("absent", word.to_owned(), Some(why)),
        };
        let _ = write!(
            out,
            "<td class=\"{class}{}\"{}>{word}{}</td>",
            if changed { " change" } else { "" },
            title
                .filter(|t| !t.is_empty())
                .map(|t| format!(" title=\"{}\"", esc(t)))
                .unwrap_or_default(),
            if changed {
                format!(
                    "<br><small>▸ {}</small>",
                    esc(&change(state.kind().unwrap_or_default(), version(i)))
                )
            } else {
                String::new()
            }
        );
    }
    out.push_str("</tr>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every history of up to five versions, each passing, failing, waived
    /// or not run: the changes found from the failures and waivers alone are
    /// those of walking every version.
    #[test]
    fn the_changes_from_the_failures_alone_are_those_of_every_version() {
        const KINDS: [Option<&str>; 4] = [Some("passes"), Some("fails"), Some("waived"), None];
        for n in 0..=5u32 {
            for code in 0..4usize.pow(n) {
                let kinds: Vec<Option<&str>> =
                    (0..n).map(|i| KINDS[code / 4usize.pow(i) % 4]).collect();
                let mut before = vec![0];
                for k in &kinds {
                    before.push(before.last().unwrap() + usize::from(k.is_some()));
                }
                let mut next = vec![None; kinds.len() + 1];
                for i in (0..kinds.len()).rev() {
                    next[i] = if kinds[i].is_some() {
                        Some(i)
                    } else {
                        next[i + 1]
                    };
                }
                let ran = Ran { before, next };
                let entries: Vec<(usize, &'static str)> = kinds
                    .iter()
                    .enumerate()
                    .filter_map(|(i, k)| k.filter(|k| *k != "passes").map(|k| (i, k)))
                    .collect();
                let mut walked = Vec::new();
                let mut last = None;
                for (i, kind) in kinds.iter().enumerate() {
                    if let Some(kind) = kind {
                        if last.is_some_and(|l| l != *kind) {
                            walked.push(i);
                        }
                        last = Some(*kind);
                    }
                }
                assert_eq!(ran.changes(&entries), walked, "{kinds:?}");
            }
        }
    }
}
