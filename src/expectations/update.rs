//! `--update-expectations`: rewrites the file from a complete run's results,
//! keeping comments and reasons of the entries that still hold.

use super::check::outcome_of;
use super::file::{Expectations, Outcome, load};
use crate::outcome::ScenarioResult;
use std::collections::HashMap;
use std::path::Path;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

/// What an update did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateSummary {
    /// Entries kept (possibly with a corrected outcome or message).
    pub kept: usize,
    /// Entries removed (stale or unmatched).
    pub removed: usize,
    /// Entries added for unlisted failures.
    pub added: usize,
    /// Entries kept, unjudged, because their test case did not run in full
    /// (counted in `kept` too).
    pub not_run: usize,
}

fn use_case_tag(tags: &[String]) -> Option<String> {
    tags.iter()
        .map(|t| t.trim_start_matches('@'))
        .find(|t| t.len() > 3 && t.starts_with("RID") && t[3..].bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned)
}

/// The rule a failed result is filed under: what an entry matches on, with
/// its test case (never the message, which carries ids, Identity numbers,
/// times and shrunk sequences).
fn rule_of(result: &ScenarioResult) -> Option<String> {
    match (result.outcome, &result.verdict) {
        (crate::outcome::Outcome::Failed, Some(verdict)) => {
            verdict.rule().map(|r| r.as_str().to_owned())
        }
        _ => None,
    }
}

/// `race = true` exactly when `rule` is a race rule of the catalogue.
fn set_race(table: &mut Table, rule: &str) {
    if crate::rules::find(rule).is_some_and(|r| r.race) {
        table["race"] = value(true);
    } else {
        table.remove("race");
    }
}

/// What of the suite a run covered, for [`update`].
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    /// Whether a result counts as its test case run in full (a skipped one
    /// never does).
    pub ran_in_full: &'a dyn Fn(&ScenarioResult) -> bool,
    /// Test cases of the suite the run left out, by name and tags (the fuzz
    /// properties of a run without fuzzing).
    pub left_out: &'a [(String, Vec<String>)],
}

impl std::fmt::Debug for Scope<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scope")
            .field("left_out", &self.left_out)
            .finish_non_exhaustive()
    }
}

/// Rewrites `path` (created when missing) so that it lists exactly the
/// failures of `results`. An entry is removed only when a test case it
/// matches ran in full and did not fail, or when it matches no test case of
/// the suite: an entry of a test case that did not run (a property left
/// out, a reduced fuzz budget, a capability skip) is kept byte for byte.
pub fn update(
    path: &Path,
    results: &[ScenarioResult],
    scope: Scope<'_>,
) -> Result<UpdateSummary, String> {
    let text = match crate::fsio::read_text(path, crate::fsio::read::EXPECTATIONS_LIMIT) {
        Ok(text) => text,
        Err(e) if e.is_missing() => String::new(),
        Err(e) => return Err(e.to_string()),
    };
    let expectations = if text.is_empty() {
        Expectations {
            path: path.to_path_buf(),
            entries: Vec::new(),
            waivers: Vec::new(),
        }
    } else {
        load(path)?
    };
    let failures: Vec<&ScenarioResult> = results
        .iter()
        .filter(|r| outcome_of(r).is_some_and(|o| o != Outcome::Undefined))
        .collect();
    let mut summary = UpdateSummary::default();
    let mut covered = vec![false; failures.len()];
    // Failures by scenario name, so that an exact entry finds its failures
    // without scanning them all.
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, result) in failures.iter().enumerate() {
        by_name.entry(result.scenario.as_str()).or_default().push(i);
    }
    // What becomes of each entry, by its index.
    let mut actions = Vec::with_capacity(expectations.entries.len());
    for entry in &expectations.entries {
        let hits: Vec<usize> = match &entry.scenario {
            Some(name) => by_name
                .get(name.as_str())
                .into_iter()
                .flatten()
                .copied()
                .filter(|&i| entry.matches(&failures[i].scenario, &failures[i].tags))
                .collect(),
            None => failures
                .iter()
                .enumerate()
                .filter(|(_, r)| entry.matches(&r.scenario, &r.tags))
                .map(|(i, _)| i)
                .collect(),
        };
        let Some(&first) = hits.first() else {
            let matching = || {
                results
                    .iter()
                    .filter(|r| entry.matches(&r.scenario, &r.tags))
            };
            let ran = matching()
                .any(|r| r.outcome != crate::outcome::Outcome::Skipped && (scope.ran_in_full)(r));
            let left_out = matching().next().is_some()
                || scope
                    .left_out
                    .iter()
                    .any(|(name, tags)| entry.matches(name, tags));
            if !ran && left_out {
                // Its test case did not run (in full): nothing says the
                // failure is gone.
                summary.kept += 1;
                summary.not_run += 1;
                actions.push(Action::Keep);
            } else if entry.race {
                // A race entry whose test case passed this time stays.
                summary.kept += 1;
                actions.push(Action::Keep);
            } else {
                summary.removed += 1;
                actions.push(Action::Remove);
            }
            continue;
        };
        for &i in &hits {
            covered[i] = true;
        }
        summary.kept += 1;
        actions.push(Action::Refile(failures[first]));
    }
    let added: Vec<Table> = failures
        .iter()
        .zip(&covered)
        .filter(|(_, covered)| !**covered)
        .map(|(result, _)| new_entry(result))
        .collect();
    summary.added = added.len();
    let text = match super::file::pieces(&text) {
        Some(pieces) => rewrite_pieces(path, &pieces, &actions, added)?,
        None => rewrite_whole(path, &text, &actions, added)?,
    };
    crate::fsio::write_file(path, text.as_bytes()).map_err(|e| e.to_string())?;
    Ok(summary)
}

/// What becomes of an entry.
enum Action<'a> {
    /// Kept as written.
    Keep,
    /// Removed (stale, or matching no test case of the suite).
    Remove,
    /// Kept, refiled under this failure's outcome and rule.
    Refile(&'a ScenarioResult),
}

/// Files `table` under `result`'s outcome and rule id (never its message).
fn refile(table: &mut Table, result: &ScenarioResult) {
    if let Some(outcome) = outcome_of(result) {
        table["outcome"] = value(outcome.name());
    }
    // The stable form: the rule id, never the message.
    table.remove("message");
    match rule_of(result) {
        Some(rule) => {
            set_race(table, &rule);
            table["rule"] = value(rule);
        }
        None => {
            table.remove("rule");
            table.remove("race");
        }
    }
}

/// The entry of an unlisted failure, with a reason still to be written.
fn new_entry(result: &ScenarioResult) -> Table {
    let mut table = Table::new();
    if let Some(id) = use_case_tag(&result.tags) {
        table["id"] = value(id);
    }
    table["scenario"] = value(result.scenario.clone());
    if let Some(outcome) = outcome_of(result) {
        table["outcome"] = value(outcome.name());
    }
    if let Some(rule) = rule_of(result) {
        table["rule"] = value(rule.clone());
        set_race(&mut table, &rule);
    }
    table["reason"] =
        value("TODO: say why this failure is tolerated (added by --update-expectations)");
    table
}

/// The file rewritten from one document of the whole text.
fn rewrite_whole(
    path: &Path,
    text: &str,
    actions: &[Action<'_>],
    added: Vec<Table>,
) -> Result<String, String> {
    let mut document: DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: not valid TOML: {e}", path.display()))?;
    let mut list = match document.remove("expected") {
        Some(Item::ArrayOfTables(list)) => list,
        _ => ArrayOfTables::new(),
    };
    for (table, action) in list.iter_mut().zip(actions) {
        if let Action::Refile(result) = action {
            refile(table, result);
        }
    }
    // One pass, not one removal per stale entry.
    let mut position = 0;
    list.retain(|_| {
        position += 1;
        !matches!(actions.get(position - 1), Some(Action::Remove))
    });
    for table in added {
        list.push(table);
    }
    if !list.is_empty() {
        document.insert("expected", Item::ArrayOfTables(list));
    }
    Ok(document.to_string())
}

/// The file rewritten piece by piece (see `file::pieces`): a kept entry
/// and every waiver as written, a refiled entry parsed and written alone,
/// a removed one left out, the added ones at the end.
fn rewrite_pieces(
    path: &Path,
    pieces: &[(usize, &str, super::file::PieceKind)],
    actions: &[Action<'_>],
    added: Vec<Table>,
) -> Result<String, String> {
    use super::file::PieceKind;
    let mut out = String::new();
    let mut actions = actions.iter();
    for &(_, piece, kind) in pieces {
        if kind != PieceKind::Expected {
            out.push_str(piece);
            continue;
        }
        match actions.next() {
            None | Some(Action::Keep) => out.push_str(piece),
            Some(Action::Remove) => {}
            Some(Action::Refile(result)) => {
                let mut document: DocumentMut = piece
                    .parse()
                    .map_err(|e| format!("{}: not valid TOML: {e}", path.display()))?;
                if let Some(table) = document
                    .get_mut("expected")
                    .and_then(Item::as_array_of_tables_mut)
                    .and_then(|list| list.get_mut(0))
                {
                    refile(table, result);
                }
                out.push_str(&document.to_string());
            }
        }
    }
    if !added.is_empty() {
        let mut list = ArrayOfTables::new();
        for table in added {
            list.push(table);
        }
        let mut document = DocumentMut::new();
        document.insert("expected", Item::ArrayOfTables(list));
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(&document.to_string());
    }
    Ok(out)
}
