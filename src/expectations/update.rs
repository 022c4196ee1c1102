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

/// How a new entry's `message` is cut: the first line of the cause, at most this many characters.
const MESSAGE_PREFIX_CHARS: usize = 80;

fn use_case_tag(tags: &[String]) -> Option<String> {
    tags.iter()
        .map(|t| t.trim_start_matches('@'))
        .find(|t| t.len() > 3 && t.starts_with("RID") && t[3..].bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_owned)
}

/// Text that differs from run to run: process and Device ids, timestamps,
/// trace ids, request numbers, paths with ids.
static VOLATILE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"IDP[A-Za-z0-9]{17}|DVC[A-Za-z0-9]+|\d{4}-\d\d-\d\dT|[Tt]race ?[Ii]d|\(seq \d+\)|seq \d+",
    )
    .unwrap_or_else(|e| panic!("the volatile-text pattern does not compile: {e}"))
});

/// The stable start of a cause's first line: cut before anything volatile.
pub fn message_prefix(cause: &str) -> String {
    let line = cause.lines().next().unwrap_or_default();
    let stable = match VOLATILE.find(line) {
        Some(m) => &line[..m.start()],
        None => line,
    };
    stable
        .chars()
        .take(MESSAGE_PREFIX_CHARS)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// Rewrites `path` (created when missing) so that it lists exactly the
/// failures of `results`.
pub fn update(path: &Path, results: &[ScenarioResult]) -> Result<UpdateSummary, String> {
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
    let failures: Vec<&ScenarioResult> = results
        .iter()
        .filter(|r| outcome_of(r).is_some_and(|o| o != Outcome::Undefined))
        .collect();
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
            keep[entry.index] = false;
            summary.removed += 1;
            continue;
        };
        for &i in &hits {
            covered[i] = true;
        }
        let result = failures[first];
        if let Some(table) = list.get_mut(entry.index) {
            if let Some(outcome) = outcome_of(result) {
                table["outcome"] = value(outcome.name());
            }
            let cause = result.cause.clone().unwrap_or_default();
            if entry
                .message
                .as_ref()
                .is_some_and(|m| !cause.starts_with(m.as_str()))
            {
                table["message"] = value(message_prefix(&cause));
            }
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
        if let Some(outcome) = outcome_of(result) {
            table["outcome"] = value(outcome.name());
        }
        table["message"] = value(message_prefix(result.cause.as_deref().unwrap_or_default()));
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
    use super::message_prefix;

    #[test]
    fn prefixes_never_hold_volatile_text() {
        assert_eq!(
            message_prefix("TIMEOUT: no reply to `getActive` (seq 37) within 1s"),
            "TIMEOUT: no reply to `getActive`"
        );
        assert_eq!(
            message_prefix(
                "right code; x (400): 'y' for PUT /api/v2/Identities/Self/DeletionProcesses/IDPabcdefghijABCDEFG/Cancel at 2026-01-01T00:00:00Z with traceId 'z'"
            ),
            "right code; x (400): 'y' for PUT /api/v2/Identities/Self/DeletionProcesses/"
        );
        assert_eq!(
            message_prefix("right code, wrong message\n  expected: x"),
            "right code, wrong message"
        );
    }
}
