//! The suite's own results file: one run, richer than Cucumber JSON, from
//! which the HTML report (`report_html`) and the implementation matrix are
//! made.
//!
//! The file is JSON, described by `schemas/results.schema.json` ([`SCHEMA`]);
//! it carries [`FORMAT`] and [`VERSION`], and [`load`] refuses another format
//! or a newer version. `run --results FILE` writes it ([`build`], then
//! [`write()`]). Every text that came from the implementation is an excerpt of
//! at most [`MAX_VALUE_BYTES`] bytes; [`load`] reads a file through the
//! bounded reader and cuts every text of it to that size again, whoever
//! wrote it.

mod build;
mod excerpt;
mod pages;

pub use build::{GateSummary, build};
pub use pages::{Trace, page_records, trace};

use crate::levels::Level;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The `format` every results file carries.
pub const FORMAT: &str = "enmeshed-conformance-results";
/// The version of the format this suite writes and reads.
pub const VERSION: u32 = 1;
/// The JSON Schema of the format.
pub const SCHEMA: &str = include_str!("../../schemas/results.schema.json");
/// The most bytes a value from the implementation (expected, actual, a
/// message) keeps in the file: the excerpts of every sink
/// ([`crate::protocol::VALUE_BYTES`]). [`load`] cuts every text of
/// a file to it again, whoever wrote the file.
pub const MAX_VALUE_BYTES: usize = crate::protocol::VALUE_BYTES;
/// The largest results file [`load`] reads.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;
/// The limits of a results file for the bounded reader.
pub const RESULTS_LIMIT: crate::fsio::Limit = crate::fsio::Limit {
    max_bytes: MAX_FILE_BYTES,
    what: "a results file",
};

/// One run's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResultsFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version ([`VERSION`]).
    pub version: u32,
    /// The implementation under test.
    pub implementation: Implementation,
    /// The suite and what it ran.
    pub suite: Suite,
    /// The verdict of the run (the gate's, when an expectations file judged it).
    pub passed: bool,
    /// The expectations gate, when the run had one.
    pub gate: Option<Gate>,
    /// The waived rules with their reasons and how many checks each waived.
    pub waivers: Vec<WaiverUse>,
    /// The published use-case pages: their outcome bullets in the docs' own words.
    pub pages: Vec<Page>,
    /// Every test case (scenario or property), in the order they finished.
    pub cases: Vec<Case>,
    /// Feature files that could not be parsed.
    pub parse_errors: Vec<String>,
}

/// The implementation under test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Implementation {
    /// Its name, as it describes itself.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its capabilities (`clock`, `events`, `devices`).
    pub capabilities: Vec<String>,
}

/// The suite and what it ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Suite {
    /// The suite's version.
    pub version: String,
    /// The digest of the feature files.
    pub spec_digest: String,
    /// How many feature files ran.
    pub feature_files: usize,
    /// The fuzz seed (`None`: no fuzzing).
    pub seed: Option<u64>,
    /// The `--level` floor of the run (`None`: every level).
    pub level: Option<Level>,
    /// Whether filters left scenarios out (`--tags`, `--name`, `--fail-fast`, `--level`).
    pub partial: bool,
}

/// The expectations gate of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Gate {
    /// The expectations file.
    pub expectations: String,
    /// Whether the gate passed.
    pub passed: bool,
    /// The findings that fail the gate, one line each.
    pub problems: Vec<String>,
}

/// A waived rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaiverUse {
    /// The rule id.
    pub rule: String,
    /// The rule's level.
    pub level: Level,
    /// Why it is waived.
    pub reason: String,
    /// The issue, if any.
    pub issue: Option<String>,
    /// How many checks it waived in this run.
    pub checks: usize,
}

/// A published use-case page, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Page {
    /// The use-case id (`RID1`…).
    pub use_case: String,
    /// The page's title.
    pub title: String,
    /// The page's file name.
    pub file: String,
    /// The page's description property.
    pub description: Option<String>,
    /// Its outcome sections.
    pub sections: Vec<PageSection>,
}

/// An outcome section of a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageSection {
    /// `On Success` or `On Failure`.
    pub name: String,
    /// Its bullets.
    pub bullets: Vec<PageBullet>,
}

/// One bullet, in the docs' own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageBullet {
    /// The page line.
    pub line: usize,
    /// The text (nested items folded in).
    pub text: String,
}

/// How a test case ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseVerdict {
    /// Every check passed.
    Passed,
    /// A check failed.
    Failed,
    /// The implementation could not be judged.
    Errored,
    /// Skipped for a missing capability.
    Skipped,
    /// A step the suite does not define.
    Undefined,
}

impl CaseVerdict {
    /// The lower-case name.
    pub const fn name(self) -> &'static str {
        match self {
            CaseVerdict::Passed => "passed",
            CaseVerdict::Failed => "failed",
            CaseVerdict::Errored => "errored",
            CaseVerdict::Skipped => "skipped",
            CaseVerdict::Undefined => "undefined",
        }
    }
}

/// One test case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Case {
    /// The scenario's (or property's) name.
    pub name: String,
    /// The feature's name.
    pub feature: String,
    /// `path:line` (or `fuzz:<property>`).
    pub location: String,
    /// The use cases it belongs to (`RID1`…): its `@RIDn` tags.
    pub use_cases: Vec<String>,
    /// The rule ids its verdict names.
    pub rules: Vec<String>,
    /// Where it comes from.
    pub level: Level,
    /// Its tags (without `@`).
    pub tags: Vec<String>,
    /// How it ended.
    pub verdict: CaseVerdict,
    /// An errored case's fault kind (TIMEOUT, CRASH, PROTOCOL, …, SUITE).
    pub fault: Option<String>,
    /// Why it was skipped.
    pub skip_reason: Option<String>,
    /// The gate's judgement of a case that did not pass: expected or waived, with the reason.
    pub expected: Option<Expected>,
    /// The gate's finding that fails the run for this case.
    pub problem: Option<String>,
    /// A failed check: rule, summary, expected against actual.
    pub failure: Option<CaseFailure>,
    /// Why it did not pass, in words (excerpt).
    pub message: Option<String>,
    /// The published bullet the scenario was generated from.
    pub bullet: Option<BulletRef>,
    /// The `# Source:` comment of a hand-written scenario.
    pub source_note: Option<String>,
    /// Its steps and how each ended.
    pub steps: Vec<CaseStep>,
    /// How long it ran, in milliseconds.
    pub duration_ms: Option<u64>,
    /// A fuzz property's seed and shrunk case.
    pub fuzz: Option<FuzzCase>,
}

/// A known failure the gate tolerated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expected {
    /// `listed` (an expected-failure entry) or `waived` (a waived rule).
    pub kind: String,
    /// The entry or the rule.
    pub by: String,
    /// The entry's reason.
    pub reason: String,
    /// The issue, if any.
    pub issue: Option<String>,
}

/// A failed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseFailure {
    /// The rule id.
    pub rule: String,
    /// The rule's level.
    pub rule_level: Level,
    /// Found by a check made for something else (`Observed::indirect`): a
    /// less clear example of its rule. Written only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub indirect: bool,
    /// What is wrong, in one sentence.
    pub summary: String,
    /// What the suite expected (excerpt).
    pub expected: Option<String>,
    /// What the implementation answered (excerpt).
    pub actual: Option<String>,
}

/// Where a generated scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulletRef {
    /// The page's file name.
    pub page: String,
    /// The section.
    pub section: String,
    /// The page line of the bullet.
    pub line: usize,
}

/// One step of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CaseStep {
    /// `Given `, `When `, …
    pub keyword: String,
    /// The step's text.
    pub text: String,
    /// `passed`, `failed`, `skipped` or `undefined`.
    pub status: String,
}

/// A fuzz property's reproduction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FuzzCase {
    /// The seed (`--seed`).
    pub seed: Option<u64>,
    /// The shrunk operation sequence as numbered steps.
    pub sequence: Option<String>,
    /// The same as a scenario to paste into a feature file.
    pub scenario: Option<String>,
}

/// `text` cut to [`MAX_VALUE_BYTES`] at a character boundary, with the
/// original length noted ([`crate::protocol::excerpt_value`]:
/// cutting it again changes nothing).
pub fn bounded(text: &str) -> String {
    crate::protocol::excerpt_value(text)
}

impl ResultsFile {
    /// The file as JSON (compact: a 100k-case run stays small).
    pub fn to_json(&self) -> Result<Vec<u8>, String> {
        let mut bytes = serde_json::to_vec(self).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// How many cases ended with `verdict`, optionally only at `level`.
    pub fn count(&self, verdict: CaseVerdict, level: Option<Level>) -> usize {
        self.cases
            .iter()
            .filter(|c| c.verdict == verdict && level.is_none_or(|l| c.level == l))
            .count()
    }
}

/// Writes `results` to `path` (see [`write_file`]).
pub fn write(path: &Path, results: &ResultsFile) -> Result<(), String> {
    write_file(path, &results.to_json()?)
}

/// Writes `bytes` to `path` all or nothing: into a new temporary file beside
/// it, then renamed over it, so a reader never sees half a file. The one
/// place the results file and the HTML report are written.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::fsio::write_file(path, bytes).map_err(|e| e.to_string())
}

/// Reads a results file through the bounded reader ([`RESULTS_LIMIT`]: a
/// regular file of at most [`MAX_FILE_BYTES`]; a FIFO or a device is
/// refused at once), of [`FORMAT`] and a version this suite reads, every
/// text cut to [`MAX_VALUE_BYTES`]; errors name the file (and line and
/// column).
pub fn load(path: &Path) -> Result<ResultsFile, String> {
    let bytes = crate::fsio::read_bounded(path, RESULTS_LIMIT).map_err(|e| e.to_string())?;
    parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses a results file's bytes (see [`load`]), every text cut to
/// [`MAX_VALUE_BYTES`].
pub fn parse(bytes: &[u8]) -> Result<ResultsFile, String> {
    #[derive(Deserialize)]
    struct Head {
        format: Option<String>,
        version: Option<u32>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "line {}, column {}: not a results file: {e}",
            e.line(),
            e.column()
        )
    })?;
    if head.format.as_deref() != Some(FORMAT) {
        return Err(format!(
            "not a results file: `format` is {:?}, expected {FORMAT:?} (written by `run --results`)",
            head.format.unwrap_or_default()
        ));
    }
    match head.version {
        Some(VERSION) => {}
        Some(v) if v > VERSION => {
            return Err(format!(
                "results format version {v} is newer than this suite reads ({VERSION}); use a newer enmeshed-conformance"
            ));
        }
        v => {
            return Err(format!(
                "results format version {v:?} is not one this suite reads ({VERSION})"
            ));
        }
    }
    let mut file: ResultsFile = serde_json::from_slice(bytes)
        .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    excerpt::cut_texts(&mut file);
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_names_every_capability() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../schemas/results.schema.json")).unwrap();
        let listed: Vec<&str> = schema
            .pointer("/$defs/implementation/properties/capabilities/items/enum")
            .or_else(|| {
                schema.pointer("/properties/implementation/properties/capabilities/items/enum")
            })
            .and_then(serde_json::Value::as_array)
            .expect("the capabilities' enum")
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect();
        let known: Vec<&str> = crate::adapter::Capability::ALL
            .iter()
            .map(|c| c.name())
            .collect();
        assert_eq!(listed, known);
    }

    #[test]
    fn the_schema_names_the_format_and_version() {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
        let props = &schema["properties"];
        assert_eq!(props["format"]["const"], FORMAT);
        assert_eq!(props["version"]["const"], VERSION);
        let levels: Vec<&str> = schema["$defs"]["level"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(levels, Level::ALL.map(Level::name));
    }

    #[test]
    fn foreign_and_newer_files_are_refused_with_the_reason() {
        let e = parse(br#"{"format":"other","version":1}"#).unwrap_err();
        assert!(e.contains("not a results file"), "{e}");
        let e = parse(format!(r#"{{"format":"{FORMAT}","version":99}}"#).as_bytes()).unwrap_err();
        assert!(e.contains("newer"), "{e}");
        let e = parse(b"{\n  \"format\": ").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn values_are_bounded() {
        let long = "é".repeat(MAX_VALUE_BYTES);
        let cut = bounded(&long);
        assert!(cut.len() <= MAX_VALUE_BYTES);
        assert_eq!(bounded(&cut), cut);
        assert!(cut.ends_with(&format!("({} bytes)", long.len())));
        assert_eq!(bounded("short"), "short");
    }

    #[test]
    fn written_files_replace_the_old_one_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, "old").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let e = write_file(&dir.path().join("missing/r.json"), b"x").unwrap_err();
        assert!(e.contains("missing"), "{e}");
    }
}
