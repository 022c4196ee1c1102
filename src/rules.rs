//! The rule catalogue: every rule id a check can fail under, what it checks,
//! and whether it is a race rule.
//!
//! One rule has one id wherever it is checked (features, oracle, fuzzer).
//! Expectations files name rules by these ids; a file naming an id that is
//! not here is refused with the nearest known ids. `enmeshed-conformance
//! rules` prints the catalogue, and PROTOCOL.md carries it as a generated table.
//!
//! A **race rule** is checked only on calls the suite makes at the same time,
//! so whether it fails can change from run to run with the scheduling; a
//! waiver of a race rule may say `race = true` (a run that did not need it
//! does not make it stale). `race = true` on any other rule is an error.

use crate::domain::{ErrorKind, Field, Function};
use std::sync::LazyLock;

/// One rule of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The id, `<area>.<aspect>`.
    pub id: String,
    /// What the rule checks, in one sentence.
    pub checks: String,
    /// Whether the rule is checked only on concurrent calls (its failure may vary from run to run).
    pub race: bool,
}

fn rule(id: impl Into<String>, checks: impl Into<String>) -> Rule {
    Rule {
        id: id.into(),
        checks: checks.into(),
        race: false,
    }
}

fn race(id: impl Into<String>, checks: impl Into<String>) -> Rule {
    Rule {
        race: true,
        ..rule(id, checks)
    }
}

/// The refusals each facade call can answer, as the oracle checks them.
fn refusals(function: Function) -> &'static [ErrorKind] {
    match function {
        Function::Initiate => &[ErrorKind::ActiveProcessAlreadyExists],
        Function::Cancel => &[ErrorKind::NoActiveProcess, ErrorKind::GracePeriodExpired],
        Function::Get => &[ErrorKind::RecordNotFound, ErrorKind::InvalidPropertyValue],
        Function::GetActive => &[ErrorKind::NoActiveProcess],
        Function::GetAll => &[],
    }
}

fn build() -> Vec<Rule> {
    let mut rules = Vec::new();
    for function in Function::ALL {
        let area = function.use_case();
        rules.push(rule(
            format!("{area}.answer"),
            format!(
                "{function} answers with the shape it returns (one process or a list), not a fault"
            ),
        ));
        rules.push(rule(
            format!("{area}.succeeds"),
            format!("{function} succeeds where the model says it must"),
        ));
        rules.push(rule(
            format!("{area}.must-fail"),
            format!("{function} fails where the model says it must"),
        ));
        for kind in refusals(function) {
            rules.push(rule(
                format!("{area}.{}", kind.short_name()),
                format!("{function} refuses with the code `{}`", kind.code()),
            ));
            rules.push(rule(
                format!("{area}.{}.message", kind.short_name()),
                format!(
                    "{function}'s refusal `{}` carries the documented message",
                    kind.short_name()
                ),
            ));
        }
        match function {
            Function::Initiate | Function::Cancel => {
                rules.push(rule(
                    format!("{area}.stored"),
                    format!("the process {function} returns is the one a read gives back"),
                ));
                rules.push(rule(
                    format!("{area}.id"),
                    format!("{function} returns the process it acted on"),
                ));
                rules.push(race(
                    format!("{area}.concurrent-one-winner"),
                    format!("of concurrent {function} calls on one Identity exactly one succeeds"),
                ));
                rules.push(race(
                    format!("{area}.concurrent-losers"),
                    format!("every other concurrent {function} call fails"),
                ));
                rules.push(race(
                    format!("{area}.concurrent-loser-code"),
                    format!(
                        "the concurrent {function} calls that lose answer the documented refusal"
                    ),
                ));
            }
            Function::Get | Function::GetActive => {
                rules.push(rule(
                    format!("{area}.id"),
                    format!("{function} returns the process asked for"),
                ));
                rules.push(rule(
                    format!("{area}.same"),
                    format!("{function} returns the process as the call that changed it did"),
                ));
            }
            Function::GetAll => {
                rules.push(rule(
                    format!("{area}.id"),
                    "each entry of getIdentityDeletionProcesses is the Identity's process in that place",
                ));
                rules.push(rule(
                    format!("{area}.complete"),
                    "getIdentityDeletionProcesses lists every process of the Identity and no other",
                ));
                rules.push(rule(
                    format!("{area}.order"),
                    "getIdentityDeletionProcesses lists the processes in creation order",
                ));
            }
        }
    }
    // Field rules: filed under the use case whose rule the value follows
    // (`oracle::field_area`), whatever call returned the process.
    for (area, field, checks) in [
        (
            "RID1",
            Field::Status,
            "a process that is not cancelled has the `status` `\"Active\"`, whatever call returned it",
        ),
        (
            "RID2",
            Field::Status,
            "a cancelled process has the `status` `\"Cancelled\"`, whatever call returned it",
        ),
        (
            "RID1",
            Field::CreatedAt,
            "`createdAt` is set, to the time of the initiate call",
        ),
        (
            "RID1",
            Field::CreatedByDevice,
            "`createdByDevice` is set, to the Device that initiated",
        ),
        (
            "RID1",
            Field::GracePeriodEndsAt,
            "`gracePeriodEndsAt` of an Active process is set, to `createdAt` + the grace period",
        ),
        (
            "RID2",
            Field::GracePeriodEndsAt,
            "`gracePeriodEndsAt` is absent once the process is cancelled",
        ),
        (
            "RID2",
            Field::CancelledAt,
            "`cancelledAt` is set on a cancelled process, to the time of the cancel call, and absent otherwise",
        ),
        (
            "RID2",
            Field::CancelledByDevice,
            "`cancelledByDevice` is set on a cancelled process, to the Device that cancelled, and absent otherwise",
        ),
    ] {
        rules.push(rule(format!("{area}.{}", field.name()), checks));
    }
    rules.extend([
        rule("DTO.id-format", "a process id is `IDP` followed by 17 ASCII letters or digits"),
        rule("DTO.id-unique", "no two processes share an id"),
        rule(
            "DTO.timestamp-utc",
            "timestamps are RFC 3339 in UTC with `Z` (0 to 9 fractional digits)",
        ),
        rule(
            "DTO.unset-field-absent",
            "an unset optional field is left out, never `null` (in answers, list entries and event data)",
        ),
        rule("EVENT.once", "initiate and cancel publish exactly one status-changed event"),
        rule("EVENT.name", "the event is `transport.identityDeletionProcessStatusChanged`"),
        rule("EVENT.data", "the event carries the process as the call returned it"),
        rule(
            "EVENT.own-identity",
            "an Identity's events are its own: none of another Identity's, none lost when another's are taken",
        ),
        rule(
            "EVENT.order",
            "events come in the order their status changes took effect",
        ),
        rule(
            "EVENT.none-without-change",
            "a call that changes nothing publishes no event",
        ),
        rule(
            "INVARIANT.one-active",
            "an Identity never has two Active processes",
        ),
        race(
            "INVARIANT.serializable",
            "every state observed during concurrent bursts is one some serial order of the calls explains",
        ),
        rule(
            "DEVICES.new-device",
            "a new Device of the Identity is a Device id (`DVC…`) the Identity did not have",
        ),
        rule(
            "PROTOCOL.unknown-kind",
            "a request of an unknown kind gets an `errored` reply",
        ),
        rule(
            "PROTOCOL.stop",
            "`stop` is answered with `{}` and the implementation then exits (within `--timeout`)",
        ),
        rule(
            "PROTOCOL.seq-order",
            "requests written out of `seq` order (`seq` is unique, not increasing) are each answered under their own `seq`",
        ),
    ]);
    rules
}

static CATALOGUE: LazyLock<Vec<Rule>> = LazyLock::new(build);

/// Every rule, in catalogue order (use case by use case, then the others).
pub fn all() -> &'static [Rule] {
    &CATALOGUE
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    CATALOGUE.iter().find(|r| r.id == id)
}

/// The edit distance of two ids (Levenshtein, over characters).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (previous + cost).min(row[j + 1] + 1).min(row[j] + 1);
            previous = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The (at most three) known ids nearest to `id`, nearest first.
pub fn nearest(id: &str) -> Vec<&'static str> {
    let lower = id.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = CATALOGUE
        .iter()
        .map(|r| (distance(&lower, &r.id.to_ascii_lowercase()), r.id.as_str()))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

/// The catalogue as a Markdown table (PROTOCOL.md and `rules --markdown`).
pub fn markdown_table() -> String {
    let mut out = String::from("| rule id | race | what it checks |\n|---|---|---|\n");
    for rule in all() {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.id,
            if rule.race { "race" } else { "" },
            rule.checks
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for rule in all() {
            assert!(seen.insert(rule.id.as_str()), "duplicate {}", rule.id);
            assert!(rule.id.contains('.'), "{}", rule.id);
        }
    }

    #[test]
    fn nearest_ids_come_first() {
        assert_eq!(nearest("RID2.cancelledat")[0], "RID2.cancelledAt");
        assert_eq!(nearest("RID9.cancelledAt")[0], "RID2.cancelledAt");
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn race_rules_are_the_concurrent_ones() {
        let races: Vec<&str> = all()
            .iter()
            .filter(|r| r.race)
            .map(|r| r.id.as_str())
            .collect();
        assert!(races.contains(&"RID1.concurrent-loser-code"));
        assert!(races.contains(&"RID2.concurrent-loser-code"));
        assert!(!races.contains(&"RID2.cancelledAt"));
    }

    /// Every rule id the source writes out is in the catalogue: the fixed ids
    /// (`RuleId::new("…")`, `"AREA.aspect"` literals) and the aspects of ids
    /// built per use case (`RuleId::of(area, "…")`, `rule(…, "…")`).
    #[test]
    fn every_rule_id_in_the_source_is_catalogued() {
        let fixed = regex::Regex::new(
            r#""((?:RID[1-5]|DTO|EVENT|INVARIANT|DEVICES|PROTOCOL)\.[A-Za-z-]+(?:\.message)?)""#,
        )
        .unwrap();
        let aspect = regex::Regex::new(
            r#"(?:RuleId::of|\brule)\([^,()]*(?:\([^()]*\))?[^,()]*, "([A-Za-z-]+)"\)"#,
        )
        .unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![root];
        let mut missing = Vec::new();
        let (mut fixed_seen, mut aspects_seen) = (0, 0);
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).unwrap() {
                    files.push(entry.unwrap().path());
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("rules.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for id in fixed.captures_iter(code).map(|c| c[1].to_owned()) {
                fixed_seen += 1;
                if find(&id).is_none() {
                    missing.push(format!("{}: {id}", path.display()));
                }
            }
            for name in aspect.captures_iter(code).map(|c| c[1].to_owned()) {
                aspects_seen += 1;
                if !all().iter().any(|r| r.id.ends_with(&format!(".{name}"))) {
                    missing.push(format!("{}: <area>.{name}", path.display()));
                }
            }
        }
        assert!(
            fixed_seen > 20 && aspects_seen > 20,
            "{fixed_seen} {aspects_seen}"
        );
        assert!(
            missing.is_empty(),
            "rule ids missing from the catalogue: {missing:#?}"
        );
    }
}
