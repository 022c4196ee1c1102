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

/// The fault kind an `errored` entry names, as the file spells it.
fn fault_of(result: &ScenarioResult) -> Option<&'static str> {
    match (outcome_of(result), result.fault()) {
        (Some(Outcome::Errored), Some(kind)) => Some(kind.label()),
        _ => None,
    }
}

/// Writes the outcome, the rule (with `race`) and the fault kind of
/// `result` into `table`; never the message.
fn describe(table: &mut Table, result: &ScenarioResult) {
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

/// `race = true` exactly when `rule` is a race rule of the catalogue.
fn set_race(table: &mut Table, rule: &str) {
    if crate::rules::find(rule).is_some_and(|r| r.race) {
        table["race"] = value(true);
    } else {
        table.remove("race");
    }
}

/// Rewrites `path` (created when missing) so that it lists exactly the
/// failures of `results`. `replays` are the results of the race-sensitive
/// test cases run again ([`crate::run`] replays them): a test case that
/// passed in `results` but failed under a race rule in a replay is listed
/// with that failure and `race = true`, so that the race it lost once does
/// not fail a later gate. The suite's own problems (an undefined step, a
/// fault of the suite) are never listed.
pub fn update(
    path: &Path,
    results: &[ScenarioResult],
    replays: &[ScenarioResult],
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
    let mut document: DocumentMut = text
        .parse()
        .map_err(|e| format!("{}: not valid TOML: {e}", path.display()))?;
    let listable = |r: &&ScenarioResult| !r.suites_own() && outcome_of(r).is_some();
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

    let mut list = match document.remove("expected") {
        Some(Item::ArrayOfTables(list)) => list,
        _ => ArrayOfTables::new(),
    };
    // Failures by scenario name, so that an exact entry finds its failures
    // without scanning them all.
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, result) in failures.iter().enumerate() {
        by_name.entry(result.scenario.as_str()).or_default().push(i);
    }
    let mut keep = vec![true; expectations.entries.len()];
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
            // A race entry whose test case passed this time stays.
            let ran = entry.race && results.iter().any(|r| entry.matches(&r.scenario, &r.tags));
            if ran {
                summary.kept += 1;
            } else {
                keep[entry.index] = false;
                summary.removed += 1;
            }
            continue;
        };
        for &i in &hits {
            covered[i] = true;
        }
        let result = failures[first];
        if let Some(table) = list.get_mut(entry.index) {
            describe(table, result);
        }
        summary.kept += 1;
    }
    // One pass, not one removal per stale entry.
    let mut position = 0;
    list.retain(|_| {
        position += 1;
        keep.get(position - 1).copied().unwrap_or(true)
    });
    for (result, _) in failures
        .iter()
        .zip(&covered)
        .filter(|(_, covered)| !**covered)
    {
        let mut table = Table::new();
        if let Some(id) = use_case_tag(&result.tags) {
            table["id"] = value(id);
        }
        table["scenario"] = value(result.scenario.clone());
        describe(&mut table, result);
        table["reason"] =
            value("TODO: say why this failure is tolerated (added by --update-expectations)");
        list.push(table);
        summary.added += 1;
    }
    if !list.is_empty() {
        document.insert("expected", Item::ArrayOfTables(list));
    }
    crate::fsio::write_file(path, document.to_string().as_bytes()).map_err(|e| e.to_string())?;
    Ok(summary)
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
        let summary = update(&path, &results, &replays).unwrap();
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
}
