//! The figures of the real-runtime adapter (`adapters/nmshd-runtime`) that the
//! docs quote: how many scenarios pass, fail and are skipped, and under which
//! rules they fail, with the datawallet on and off.
//!
//! - `cargo xtask runtime-figures` runs the suite (`run --no-fuzz`, no
//!   expectations) against the adapter in both modes, writes the counts to
//!   [`RECORD`] with a digest of the inputs, and renders them between the
//!   markers of every file in [`DOCUMENTS`]. It needs Node 20 and `npm ci` in
//!   the adapter's directory.
//! - `cargo xtask gen` renders the blocks from the record (no Node needed).
//! - `cargo xtask runtime-figures --check` (not `cargo xtask check`: a
//!   docs-only change must never need the real runtime to get green) fails
//!   when a block differs from the record, or when the inputs (the adapter's
//!   files, its lock file, the features) changed since the record was made.
//! - A scenario the run reports as PENDING (a generated bullet the suite
//!   cannot execute yet) is not counted: it judges nothing.
//!
//! The digest does not cover the suite's own code: a change of a check that
//! moves the figures without a feature change needs `runtime-figures` again
//! by hand.

use crate::stage::{self, Change};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The line before a generated block.
pub const BEGIN_MARKER: &str =
    "<!-- BEGIN GENERATED: runtime figures (cargo xtask runtime-figures; do not edit) -->";
/// The line after a generated block.
pub const END_MARKER: &str = "<!-- END GENERATED -->";
/// The record of the last measured run, relative to the workspace root.
pub const RECORD: &str = "adapters/nmshd-runtime/figures.toml";
/// The documents that quote the figures, relative to the workspace root.
pub const DOCUMENTS: [&str; 2] = ["adapters/nmshd-runtime/README.md", "docs/findings.md"];
/// The adapter's files whose change can move the figures.
const ADAPTER_FILES: [&str; 7] = [
    "adapters/nmshd-runtime/adapter.js",
    "adapters/nmshd-runtime/fake-backbone.js",
    "adapters/nmshd-runtime/runtime-host.js",
    "adapters/nmshd-runtime/runtime-versions.js",
    // the default version and its fake Backbone rule set
    "adapters/nmshd-runtime/versions.json",
    "adapters/nmshd-runtime/package.json",
    "adapters/nmshd-runtime/package-lock.json",
];
/// The adapter command, as the docs give it.
const ADAPTER_CMD: &str = "node adapters/nmshd-runtime/adapter.js";
/// The datawallet modes, in the order the docs list them, with whom each stands for.
const MODES: [(&str, &str); 2] = [("on", "the app"), ("off", "the Connector")];

/// The outcome of one ungated run in one datawallet mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeFigures {
    /// `on` or `off`.
    pub datawallet: String,
    /// Scenarios (and test cases) that passed.
    pub passed: u64,
    /// That failed.
    pub failed: u64,
    /// That were skipped.
    pub skipped: u64,
    /// Failing scenarios per rule id (the first failure of each scenario).
    pub rules: BTreeMap<String, u64>,
}

/// What [`RECORD`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// [`inputs_digest`] when the figures were measured.
    pub inputs: String,
    /// One entry per datawallet mode.
    pub modes: Vec<ModeFigures>,
}

/// The SHA-256 of the inputs: the adapter's files and every `*.feature` under
/// `features/`, each with its path, in path order.
pub fn inputs_digest(workspace: &Path) -> Result<String, String> {
    let mut files: Vec<PathBuf> = ADAPTER_FILES.iter().map(PathBuf::from).collect();
    collect_features(workspace, Path::new("features"), &mut files)?;
    files.sort();
    let mut data = Vec::new();
    for file in &files {
        let bytes = std::fs::read(workspace.join(file))
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        data.extend_from_slice(file.to_string_lossy().replace('\\', "/").as_bytes());
        data.push(0);
        data.extend_from_slice(bytes.len().to_string().as_bytes());
        data.push(0);
        data.extend_from_slice(&bytes);
    }
    Ok(enmeshed_conformance::digest::sha256_hex(&data))
}

fn collect_features(workspace: &Path, dir: &Path, into: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(workspace.join(dir))
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let relative = dir.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", relative.display()))?;
        if kind.is_dir() {
            collect_features(workspace, &relative, into)?;
        } else if relative.extension().is_some_and(|e| e == "feature") {
            into.push(relative);
        }
    }
    Ok(())
}

/// The figures of one run's console output (`run --quiet`, no expectations).
pub fn parse_run(datawallet: &str, stdout: &str) -> Result<ModeFigures, String> {
    let mut rules = BTreeMap::new();
    let mut summary = None;
    for line in stdout.lines() {
        if line.starts_with("ERRORED ") || line.starts_with("UNDEFINED ") {
            return Err(format!(
                "the run against the adapter (datawallet {datawallet}) did not judge every scenario: {line}"
            ));
        }
        if let Some(rest) = line.strip_prefix("FAILED ") {
            let rule = rest
                .split(": FAILED [")
                .nth(1)
                .and_then(|after| after.split(']').next())
                .ok_or_else(|| format!("a failure without a rule id: {line}"))?;
            *rules.entry(rule.to_owned()).or_insert(0) += 1;
        }
        if let Some(counts) = summary_counts(line) {
            summary = Some(counts);
        }
    }
    let (passed, failed, skipped) = summary.ok_or_else(|| {
        format!("the run against the adapter (datawallet {datawallet}) printed no summary line")
    })?;
    if rules.values().sum::<u64>() != failed {
        return Err(format!(
            "the run (datawallet {datawallet}) counts {failed} failed but lists {} failures",
            rules.values().sum::<u64>()
        ));
    }
    Ok(ModeFigures {
        datawallet: datawallet.to_owned(),
        passed,
        failed,
        skipped,
        rules,
    })
}

/// `(passed, failed, skipped)` of a summary line "N passed, M failed, K skipped"
/// (optionally followed by ", P pending", which judges nothing and is left out).
fn summary_counts(line: &str) -> Option<(u64, u64, u64)> {
    let mut parts = line.split(", ");
    let number = |part: Option<&str>, word: &str| -> Option<u64> {
        part?.strip_suffix(word)?.trim().parse().ok()
    };
    let passed = number(parts.next(), " passed")?;
    let failed = number(parts.next(), " failed")?;
    let skipped = number(parts.next(), " skipped")?;
    if let Some(pending) = parts.next() {
        number(Some(pending), " pending")?;
    }
    parts.next().is_none().then_some((passed, failed, skipped))
}

/// The record as TOML.
pub fn to_toml(record: &Record) -> String {
    let mut text = String::from(
        "# Written by `cargo xtask runtime-figures`; do not edit. The figures the docs quote\n\
         # (adapters/nmshd-runtime/README.md, docs/findings.md) and the digest of the inputs\n\
         # they were measured with; `cargo xtask check` compares both.\n",
    );
    let _ = writeln!(text, "inputs = \"{}\"", record.inputs);
    for mode in &record.modes {
        let _ = write!(
            text,
            "\n[[mode]]\ndatawallet = \"{}\"\npassed = {}\nfailed = {}\nskipped = {}\n",
            mode.datawallet, mode.passed, mode.failed, mode.skipped
        );
        let _ = writeln!(text, "[mode.rules]");
        for (rule, count) in &mode.rules {
            let _ = writeln!(text, "\"{rule}\" = {count}");
        }
    }
    text
}

/// The record from its TOML.
pub fn from_toml(text: &str) -> Result<Record, String> {
    let document: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| format!("{RECORD} is not TOML: {e}"))?;
    let inputs = document
        .get("inputs")
        .and_then(|v| v.as_str())
        .ok_or_else(|| format!("{RECORD}: no `inputs`"))?
        .to_owned();
    let tables = document
        .get("mode")
        .and_then(|v| v.as_array_of_tables())
        .ok_or_else(|| format!("{RECORD}: no [[mode]] tables"))?;
    let mut modes = Vec::new();
    for table in tables {
        let number = |key: &str| -> Result<u64, String> {
            table
                .get(key)
                .and_then(|v| v.as_integer())
                .and_then(|n| u64::try_from(n).ok())
                .ok_or_else(|| format!("{RECORD}: a [[mode]] without `{key}`"))
        };
        let mut rules = BTreeMap::new();
        if let Some(list) = table.get("rules").and_then(|v| v.as_table_like()) {
            for (rule, count) in list.iter() {
                let count = count
                    .as_integer()
                    .and_then(|n| u64::try_from(n).ok())
                    .ok_or_else(|| format!("{RECORD}: rule {rule} has no count"))?;
                rules.insert(rule.to_owned(), count);
            }
        }
        modes.push(ModeFigures {
            datawallet: table
                .get("datawallet")
                .and_then(|v| v.as_str())
                .ok_or_else(|| format!("{RECORD}: a [[mode]] without `datawallet`"))?
                .to_owned(),
            passed: number("passed")?,
            failed: number("failed")?,
            skipped: number("skipped")?,
            rules,
        });
    }
    Ok(Record { inputs, modes })
}

/// The Markdown block the documents hold between the markers.
pub fn render(record: &Record) -> String {
    let who = |datawallet: &str| {
        MODES
            .iter()
            .find(|(mode, _)| *mode == datawallet)
            .map_or(String::new(), |(_, who)| format!(" ({who})"))
    };
    let mut text = format!(
        "`enmeshed-conformance run --no-fuzz --adapter-cmd \"{ADAPTER_CMD}\" --timeout 30`, without \
         the expectations file (the fuzz properties are left out here: their cases depend on the \
         seed):\n\n| datawallet | passed | failed | skipped |\n|---|---|---|---|\n"
    );
    for mode in &record.modes {
        let _ = writeln!(
            text,
            "| {}{} | {} | {} | {} |",
            mode.datawallet,
            who(&mode.datawallet),
            mode.passed,
            mode.failed,
            mode.skipped
        );
    }
    let all: std::collections::BTreeSet<&String> =
        record.modes.iter().flat_map(|m| m.rules.keys()).collect();
    text.push_str("\n| failing rule |");
    for mode in &record.modes {
        let _ = write!(text, " scenarios, datawallet {} |", mode.datawallet);
    }
    text.push_str("\n|---|");
    for _ in &record.modes {
        text.push_str("---|");
    }
    text.push('\n');
    for rule in all {
        let _ = write!(text, "| `{rule}` |");
        for mode in &record.modes {
            let _ = write!(text, " {} |", mode.rules.get(rule).copied().unwrap_or(0));
        }
        text.push('\n');
    }
    text.push_str(
        "\nThe concurrency rules (`*.concurrent-*`, `INVARIANT.serializable`) depend on how calls \
         overlap, so their counts, and the scenario a race fails under, vary from run to run.\n",
    );
    text
}

/// `text` with the block between the markers replaced by `block`.
pub fn splice(text: &str, block: &str) -> Result<String, String> {
    let begin = text
        .find(BEGIN_MARKER)
        .ok_or_else(|| "no runtime-figures begin marker".to_owned())?;
    let body = begin + BEGIN_MARKER.len();
    let end = body
        + text[body..]
            .find(END_MARKER)
            .ok_or_else(|| "no end marker after the runtime-figures begin marker".to_owned())?;
    Ok(format!("{}\n{}{}", &text[..body], block, &text[end..]))
}

fn read_record(workspace: &Path) -> Result<Record, String> {
    let text = std::fs::read_to_string(workspace.join(RECORD))
        .map_err(|e| format!("cannot read {RECORD}: {e}"))?;
    from_toml(&text)
}

/// The documents' changes that bring their blocks in line with `record`.
fn document_changes(workspace: &Path, record: &Record) -> Result<Vec<(PathBuf, Change)>, String> {
    let block = render(record);
    let mut changes = Vec::new();
    for document in DOCUMENTS {
        let path = workspace.join(document);
        let current =
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read {document}: {e}"))?;
        let expected = splice(&current, &block).map_err(|e| format!("{document}: {e}"))?;
        if expected != current {
            changes.push(change(&path, expected)?);
        }
    }
    Ok(changes)
}

fn change(path: &Path, text: String) -> Result<(PathBuf, Change), String> {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} is not a file name", path.display()))?
        .to_owned();
    Ok((
        dir,
        Change::Write {
            name,
            bytes: text.into_bytes(),
        },
    ))
}

/// Renders the record into the documents (`cargo xtask gen`); returns how
/// many documents changed.
pub fn render_documents(workspace: &Path) -> Result<usize, String> {
    let record = read_record(workspace)?;
    let changes = document_changes(workspace, &record)?;
    if !changes.is_empty() {
        stage::apply_across(&changes)?;
    }
    Ok(changes.len())
}

/// What `cargo xtask check` finds wrong with the figures: nothing when the
/// record matches the inputs and every document shows the record.
pub fn check(workspace: &Path) -> Result<Vec<String>, String> {
    let record = read_record(workspace)?;
    let mut problems = Vec::new();
    if record.inputs != inputs_digest(workspace)? {
        problems.push(format!(
            "{RECORD}: the adapter, its lock file or the features changed since the figures were \
             measured; to fix, run: cargo xtask runtime-figures (needs Node 20 and `npm ci` in \
             adapters/nmshd-runtime)"
        ));
    }
    for (dir, change) in document_changes(workspace, &record)? {
        let (Change::Write { name, .. } | Change::Remove { name }) = change;
        problems.push(format!(
            "{}: the runtime figures differ from {RECORD}; to fix, run: cargo xtask gen",
            dir.join(name).display()
        ));
    }
    Ok(problems)
}

/// Runs the suite against the adapter in both modes with `binary`, then
/// writes the record and the documents (`cargo xtask runtime-figures`).
pub fn measure(workspace: &Path, binary: &Path) -> Result<Record, String> {
    let inputs = inputs_digest(workspace)?;
    let mut modes = Vec::new();
    for (datawallet, _) in MODES {
        let output = Command::new(binary)
            .args([
                "run",
                "--no-fuzz",
                "--quiet",
                "--timeout",
                "30",
                "--adapter-cmd",
                ADAPTER_CMD,
            ])
            .env("NMSHD_DATAWALLET", datawallet)
            .current_dir(workspace)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !matches!(output.status.code(), Some(0 | 1)) {
            return Err(format!(
                "the run (datawallet {datawallet}) exited {:?}; is `npm ci` done in adapters/nmshd-runtime?\n{stdout}\n{}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        modes.push(parse_run(datawallet, &stdout)?);
    }
    let record = Record { inputs, modes };
    let mut changes = vec![change(&workspace.join(RECORD), to_toml(&record))?];
    changes.extend(document_changes(workspace, &record)?);
    stage::apply_across(&changes)?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "\
implementation: x 1\n\
FAILED A cancelled process (features/manual/dto.feature:20): step `And it`: FAILED [RID2.cancelledAt] `cancelledAt` is not set\n\
  expected: `cancelledAt` set\n\
FAILED Burst (features/manual/lifecycle.feature:82): step `Then some`: FAILED [INVARIANT.serializable] cannot alternate\n\
FAILED Another (features/manual/dto.feature:9): step `Then x`: FAILED [RID2.cancelledAt] not set\n\
45 passed, 3 failed, 2 skipped\n";

    fn record() -> Record {
        Record {
            inputs: "ab".repeat(32),
            modes: vec![
                parse_run("on", RUN).unwrap(),
                ModeFigures {
                    datawallet: "off".into(),
                    passed: 46,
                    failed: 2,
                    skipped: 2,
                    rules: BTreeMap::from([("RID2.cancelledAt".to_owned(), 2)]),
                },
            ],
        }
    }

    #[test]
    fn a_run_gives_its_counts_and_rules() {
        let figures = parse_run("on", RUN).unwrap();
        assert_eq!(
            (figures.passed, figures.failed, figures.skipped),
            (45, 3, 2)
        );
        assert_eq!(
            figures.rules,
            BTreeMap::from([
                ("INVARIANT.serializable".to_owned(), 1),
                ("RID2.cancelledAt".to_owned(), 2)
            ])
        );
    }

    #[test]
    fn an_errored_or_incomplete_run_is_refused() {
        let errored = RUN.replace("FAILED Burst", "ERRORED Burst");
        assert!(
            parse_run("on", &errored)
                .unwrap_err()
                .contains("did not judge")
        );
        let no_summary = RUN.replace("45 passed, 3 failed, 2 skipped\n", "");
        assert!(
            parse_run("on", &no_summary)
                .unwrap_err()
                .contains("no summary")
        );
        let miscounted = RUN.replace("3 failed", "4 failed");
        assert!(
            parse_run("on", &miscounted)
                .unwrap_err()
                .contains("lists 3")
        );
    }

    #[test]
    fn the_record_round_trips_through_toml() {
        let record = record();
        assert_eq!(from_toml(&to_toml(&record)).unwrap(), record);
    }

    #[test]
    fn the_block_shows_every_mode_and_rule_and_splices_between_the_markers() {
        let block = render(&record());
        assert!(block.contains("| on (the app) | 45 | 3 | 2 |"), "{block}");
        assert!(
            block.contains("| off (the Connector) | 46 | 2 | 2 |"),
            "{block}"
        );
        assert!(
            block.contains("| `INVARIANT.serializable` | 1 | 0 |"),
            "{block}"
        );
        assert!(block.contains("| `RID2.cancelledAt` | 2 | 2 |"), "{block}");
        let document = format!("# Doc\n\n{BEGIN_MARKER}\nold\n{END_MARKER}\n\nrest\n");
        let spliced = splice(&document, &block).unwrap();
        assert_eq!(
            spliced,
            format!("# Doc\n\n{BEGIN_MARKER}\n{block}{END_MARKER}\n\nrest\n")
        );
        assert_eq!(splice(&spliced, &block).unwrap(), spliced);
        assert!(splice("no markers", &block).is_err());
    }

    #[test]
    fn check_finds_changed_inputs_and_stale_documents() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("adapters/nmshd-runtime")).unwrap();
        std::fs::create_dir_all(root.join("features/manual")).unwrap();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        for file in ADAPTER_FILES {
            std::fs::write(root.join(file), file).unwrap();
        }
        std::fs::write(root.join("features/manual/a.feature"), "Feature: A\n").unwrap();
        let empty = format!("{BEGIN_MARKER}\n{END_MARKER}\n");
        for document in DOCUMENTS {
            std::fs::write(root.join(document), &empty).unwrap();
        }
        let mut record = record();
        record.inputs = inputs_digest(root).unwrap();
        std::fs::write(root.join(RECORD), to_toml(&record)).unwrap();
        let problems = check(root).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.contains("cargo xtask gen")));
        assert_eq!(render_documents(root).unwrap(), 2);
        assert!(check(root).unwrap().is_empty());
        std::fs::write(root.join("features/manual/a.feature"), "Feature: B\n").unwrap();
        let problems = check(root).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("cargo xtask runtime-figures"));
        std::fs::write(root.join("features/manual/b.feature"), "Feature: C\n").unwrap();
        assert_ne!(inputs_digest(root).unwrap(), record.inputs);
    }
}
