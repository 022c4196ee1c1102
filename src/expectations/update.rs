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
/// `replays` are the results of the race-sensitive test cases run again
/// ([`crate::run`] replays them): a test case that passed in `results` but
/// failed under a race rule in a replay is listed with that failure and
/// `race = true`, so that the race it lost once does not fail a later gate.
/// The suite's own problems (an undefined step, a fault of the suite) are
/// never listed.
pub fn update(
    path: &Path,
    results: &[ScenarioResult],
    replays: &[ScenarioResult],
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
    // A failure one of the file's own `[[waived]]` entries states is judged
    // as waived by the gate (`check`): listing it too would make it stale.
    let listable = |r: &&ScenarioResult| {
        !r.suites_own() && outcome_of(r).is_some() && expectations.waiver_of(r).is_none()
    };
    let mut failures: Vec<&ScenarioResult> = results.iter().filter(listable).collect();
    // A race lost in a replay: the first such failure of each test case that passed.
    for replay in replays.iter().filter(listable) {
        let passed_in_run = results
            .iter()
            .any(|r| r.scenario == replay.scenario && outcome_of(r).is_none());
        let race = rule_of(replay)
            .and_then(|rule| crate::rules::find(&rule))
            .is_some_and(|r| r.race);
        if passed_in_run && race && !failures.iter().any(|f| f.scenario == replay.scenario) {
            failures.push(replay);
        }
    }
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

/// The fault kind an `errored` entry names, as the file spells it.
fn fault_of(result: &ScenarioResult) -> Option<&'static str> {
    match (outcome_of(result), result.fault()) {
        (Some(Outcome::Errored), Some(kind)) => Some(kind.label()),
        _ => None,
    }
}

/// Files `table` under `result`'s outcome, rule id (with `race`) and fault
/// kind; never its message.
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
    match fault_of(result) {
        Some(fault) => table["fault"] = value(fault),
        None => {
            table.remove("fault");
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
    refile(&mut table, result);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter::{AdapterError, AdapterFault};
    use crate::outcome::Outcome as RunOutcome;
    use crate::verdict::{Failure, Fault, RuleId, Verdict};

    fn result(scenario: &str, outcome: RunOutcome, verdict: Option<Verdict>) -> ScenarioResult {
        ScenarioResult::sample(scenario, outcome, verdict)
    }

    fn failed(scenario: &str, rule: &'static str) -> ScenarioResult {
        let verdict = Failure::new(RuleId::new(rule), "x").into();
        result(scenario, RunOutcome::Failed, Some(verdict))
    }

    #[test]
    fn a_race_lost_in_a_replay_is_listed_and_the_suites_faults_never_are() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.toml");
        let declined = AdapterError::new(AdapterFault::Declined, "no");
        let results = [
            result("burst", RunOutcome::Passed, None),
            result("sequential", RunOutcome::Passed, None),
            result(
                "declined",
                RunOutcome::Errored,
                Some(Fault::adapter("calling get", &declined).into()),
            ),
            result(
                "contradicts",
                RunOutcome::Errored,
                Some(Fault::suite("the scenario contradicts itself").into()),
            ),
            result("undefined", RunOutcome::Undefined, None),
        ];
        let replays = [
            result("burst", RunOutcome::Passed, None),
            failed("burst", "INVARIANT.serializable"),
            failed("burst", "RID1.concurrent-one-winner"),
            // A replay's failure under a rule that is no race rule is not a race.
            failed("sequential", "RID1.status"),
        ];
        let ran_in_full = |_: &ScenarioResult| true;
        let scope = Scope {
            ran_in_full: &ran_in_full,
            left_out: &[],
        };
        let summary = update(&path, &results, &replays, scope).unwrap();
        assert_eq!(summary.added, 2);
        let text = std::fs::read_to_string(&path).unwrap();
        let loaded = crate::expectations::load(&path).unwrap();
        let burst = loaded
            .entries
            .iter()
            .find(|e| e.scenario.as_deref() == Some("burst"))
            .unwrap();
        assert!(burst.race, "{text}");
        assert_eq!(burst.rule.as_deref(), Some("INVARIANT.serializable"));
        let errored = loaded
            .entries
            .iter()
            .find(|e| e.scenario.as_deref() == Some("declined"))
            .unwrap();
        assert_eq!(errored.fault, Some(AdapterFault::Declined), "{text}");
        for absent in ["sequential", "contradicts", "undefined"] {
            assert!(!text.contains(absent), "{absent}: {text}");
        }
    }

    #[test]
    fn a_failure_the_files_own_waiver_states_is_not_listed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.toml");
        std::fs::write(
            &path,
            "[[waived]]\nrule = \"RID1.status\"\nvalue = \"Approved\"\nreason = \"renamed\"\n",
        )
        .unwrap();
        let renamed = Failure::new(RuleId::new("RID1.status"), "wrong").value("Approved");
        let other = Failure::new(RuleId::new("RID1.status"), "wrong").value("Pending");
        let results = [
            result("renamed", RunOutcome::Failed, Some(renamed.into())),
            result("other value", RunOutcome::Failed, Some(other.into())),
        ];
        let ran_in_full = |_: &ScenarioResult| true;
        let scope = Scope {
            ran_in_full: &ran_in_full,
            left_out: &[],
        };
        let summary = update(&path, &results, &[], scope).unwrap();
        assert_eq!(summary.added, 1);
        let loaded = crate::expectations::load(&path).unwrap();
        let listed: Vec<_> = loaded.entries.iter().map(|e| e.scenario.clone()).collect();
        assert_eq!(listed, [Some("other value".to_owned())]);
        assert_eq!(loaded.waivers.len(), 1);
    }
}
