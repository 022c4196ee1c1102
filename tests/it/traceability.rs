//! docs/traceability.md stays complete (issue 26, item 3): every quoted
//! sentence still occurs verbatim in its document (line breaks aside), every
//! rule id is in the catalogue, every catalogue rule has a row, and every
//! check names files that exist.

use enmeshed_conformance::rules;
use std::collections::BTreeSet;
use std::path::Path;

const FAULTS: [&str; 4] = ["PROTOCOL", "TIMEOUT", "CRASH", "DECLINED"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cells of a table row, `\|` kept as `|` inside a cell.
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = line.trim().trim_start_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => out.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
    }
    out
}

/// The texts between backticks.
fn quoted(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

/// The rows of the table under `heading`, header and rule line left out.
fn rows(text: &str, heading: &str) -> Vec<Vec<String>> {
    text.split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("no section {heading:?}"))
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(cells)
        .collect()
}

#[test]
fn every_promise_has_a_rule_and_a_check_and_every_rule_a_promise() {
    let table = std::fs::read_to_string(root().join("docs/traceability.md")).unwrap();
    let documents: Vec<(&str, String)> = ["PROTOCOL.md", "docs/domain.md"]
        .into_iter()
        .map(|d| {
            (
                d,
                squeeze(&std::fs::read_to_string(root().join(d)).unwrap()),
            )
        })
        .collect();
    let text_of = |name: &str| {
        documents
            .iter()
            .find(|(d, _)| *d == name)
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("{name} is not a document the table may quote"))
    };
    let mut problems = Vec::new();
    let mut named = BTreeSet::new();
    let promises = rows(&table, "## Promises and their checks");
    assert!(promises.len() >= 40, "{} rows", promises.len());
    for row in &promises {
        let [document, sentence, rule, check] = &row[..] else {
            problems.push(format!("not 4 cells: {row:?}"));
            continue;
        };
        if !text_of(document).contains(&squeeze(sentence)) {
            problems.push(format!("{document} no longer says: {sentence}"));
        }
        match rule.strip_prefix("fault ") {
            Some(kind) if FAULTS.contains(&kind) => {}
            Some(kind) => problems.push(format!("{kind} is no fault kind")),
            None => {
                let ids = quoted(rule);
                if ids.is_empty() {
                    problems.push(format!("no rule id for: {sentence}"));
                }
                for id in ids {
                    if rules::find(id).is_none() {
                        problems.push(format!("{id} is not in the catalogue"));
                    }
                    named.insert(id.to_owned());
                }
            }
        }
        let files: Vec<&str> = quoted(check)
            .into_iter()
            .filter(|q| q.contains('/') && q.contains('.'))
            .collect();
        if files.is_empty() {
            problems.push(format!("no file named as the check of: {sentence}"));
        }
        for file in files {
            if !root().join(file).is_file() {
                problems.push(format!("{file} does not exist"));
            }
        }
    }
    for rule in rules::all() {
        if !named.contains(&rule.id) {
            problems.push(format!("{} has no promise in the table", rule.id));
        }
    }
    for row in rows(&table, "## Promises without a check yet") {
        let [document, sentence, _why] = &row[..] else {
            problems.push(format!("not 3 cells: {row:?}"));
            continue;
        };
        if !text_of(document).contains(&squeeze(sentence)) {
            problems.push(format!("{document} no longer says: {sentence}"));
        }
    }
    assert!(
        problems.is_empty(),
        "docs/traceability.md:\n{}",
        problems.join("\n")
    );
}
