//! Reading and validating an expectations file.

use crate::adapter::AdapterFault;
use crate::oracle::Pin;
use crate::verdict::{InputClass, OutcomeClass};
use regex::Regex;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use toml_edit::{Document, Item, Table};

/// How an expected failure fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A check failed.
    Failed,
    /// The adapter failed (CRASH, PROTOCOL, ERRORED, ...), but not by a timeout.
    Errored,
    /// The adapter timed out.
    Timeout,
    /// A step the suite does not define (never accepted in a file).
    Undefined,
}

impl Outcome {
    /// The name used in the file.
    pub const fn name(self) -> &'static str {
        match self {
            Outcome::Failed => "failed",
            Outcome::Errored => "errored",
            Outcome::Timeout => "timeout",
            Outcome::Undefined => "undefined",
        }
    }

    fn parse(name: &str) -> Option<Outcome> {
        [Outcome::Failed, Outcome::Errored, Outcome::Timeout]
            .into_iter()
            .find(|o| o.name() == name)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One known failure.
#[derive(Debug, Clone)]
pub struct Expectation {
    /// Position in the file's `[[expected]]` list (0-based).
    pub index: usize,
    /// The file line of its `[[expected]]` header.
    pub line: usize,
    /// The use-case id tag the scenario must carry.
    pub id: Option<String>,
    /// The exact scenario name.
    pub scenario: Option<String>,
    /// A pattern over scenario names.
    pub pattern: Option<Regex>,
    /// How it must fail.
    pub outcome: Outcome,
    /// The rule id the failure must be filed under (a failed outcome).
    pub rule: Option<String>,
    /// The fault kind an `errored` outcome must have (`fault = "DECLINED"`):
    /// an entry for one fault never accepts another (a CRASH, a PROTOCOL
    /// fault); a timeout is the `timeout` outcome.
    pub fault: Option<AdapterFault>,
    /// The failure is a race (its `rule` is a race rule): a run in which the
    /// test case passed does not make the entry stale, and a failure under
    /// any race rule is the race it lists (which race rule a race trips
    /// first is up to the race); a failure under any other rule is not.
    pub race: bool,
    /// How the cause must start (the older form; `--update-expectations`
    /// replaces it by `rule`).
    pub message: Option<String>,
    /// Why the failure is tolerated.
    pub reason: String,
    /// Where it is tracked.
    pub issue: Option<String>,
}

impl Expectation {
    /// Whether this entry names the scenario `name` with `tags`.
    pub fn matches(&self, name: &str, tags: &[String]) -> bool {
        let id_ok = self
            .id
            .as_ref()
            .is_none_or(|id| tags.iter().any(|t| t.trim_start_matches('@') == id));
        let name_ok = match (&self.scenario, &self.pattern) {
            (Some(scenario), _) => scenario == name,
            (None, Some(pattern)) => pattern.is_match(name),
            (None, None) => false,
        };
        id_ok && name_ok
    }

    /// How the entry is named in messages.
    pub fn label(&self) -> String {
        let what = match (&self.scenario, &self.pattern) {
            (Some(s), _) => format!("scenario {s:?}"),
            (None, Some(p)) => format!("pattern {:?}", p.as_str()),
            (None, None) => "nothing".to_owned(),
        };
        format!("entry {} (line {}): {what}", self.index + 1, self.line)
    }
}

/// A known deviation waived by rule id, for `run` and `fuzz` alike.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// Position in the file's `[[waived]]` list (0-based).
    pub index: usize,
    /// The file line of its `[[waived]]` header.
    pub line: usize,
    /// The rule id, e.g. `RID2.cancelledAt`.
    pub rule: String,
    /// The rule and what the failure observed.
    pub pin: Pin,
    /// Why the deviation is tolerated.
    pub reason: String,
    /// Where it is tracked.
    pub issue: Option<String>,
    /// The deviation shows only when calls race: a run that did not need the
    /// waiver does not make it stale (the console says it was not needed).
    pub race: bool,
}

impl Waiver {
    /// How the waiver is named in messages.
    pub fn label(&self) -> String {
        format!(
            "waiver {} (line {}): rule {} ({})",
            self.index + 1,
            self.line,
            self.rule,
            self.pin.describe()
        )
    }
}

/// A loaded expectations file.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its entries in file order.
    pub entries: Vec<Expectation>,
    /// Its waivers in file order.
    pub waivers: Vec<Waiver>,
}

impl Expectations {
    /// The waived rule ids, as the oracle takes them.
    pub fn waivers(&self) -> crate::oracle::Waivers {
        crate::oracle::Waivers::new(self.waivers.iter().map(|w| w.pin.clone()))
    }

    /// The waiver that states `result`'s failure, if it failed by one (a
    /// known deviation): what the gate judges as waived, and what an update
    /// does not list again.
    pub fn waiver_of(&self, result: &crate::outcome::ScenarioResult) -> Option<&Waiver> {
        match (&result.outcome, &result.verdict) {
            (crate::outcome::Outcome::Failed, Some(crate::verdict::Verdict::Failed(failure))) => {
                self.waivers.iter().find(|w| w.pin.matches(failure))
            }
            _ => None,
        }
    }

    /// The entries and waivers whose reason is still a `TODO`, as labels.
    pub fn todo_reasons(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| is_todo(&e.reason))
            .map(Expectation::label)
            .chain(
                self.waivers
                    .iter()
                    .filter(|w| is_todo(&w.reason))
                    .map(Waiver::label),
            )
            .collect()
    }
}

/// Whether a reason is a placeholder still to be written (`TODO…`).
pub fn is_todo(reason: &str) -> bool {
    reason.trim_start().to_ascii_uppercase().starts_with("TODO")
}

const WAIVER_KEYS: [&str; 11] = [
    "rule", "absent", "present", "code", "input", "outcome", "refusal", "value", "reason", "issue",
    "race",
];

/// Checks that `rule` is a rule of the catalogue; the error names the nearest known ids.
fn known_rule(rule: &str, at: &str) -> Result<(), String> {
    if !is_rule_id(rule) {
        return Err(format!(
            "{at}: {rule:?} is not a rule id (AREA.aspect, e.g. RID2.cancelledAt)"
        ));
    }
    if crate::rules::find(rule).is_none() {
        return Err(format!(
            "{at}: unknown rule id {rule:?}; nearest known: {} (`enmeshed-conformance rules` lists every rule)",
            crate::rules::nearest(rule).join(", ")
        ));
    }
    Ok(())
}

/// A rule id: `AREA.aspect`, letters, digits, `.`, `-` and `_`.
fn is_rule_id(text: &str) -> bool {
    text.split_once('.').is_some_and(|(area, aspect)| {
        !area.is_empty()
            && !aspect.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    })
}

fn load_waivers(
    path: &Path,
    lines: &Lines,
    base: usize,
    list: &toml_edit::ArrayOfTables,
    waivers: &mut Vec<Waiver>,
) -> Result<(), String> {
    for table in list.iter() {
        let index = waivers.len();
        let line = table.span().map_or(1, |s| lines.line(base + s.start));
        let at = format!("{}:{line}: waiver {}", path.display(), index + 1);
        for (key, _) in table.iter() {
            if !WAIVER_KEYS.contains(&key) {
                return Err(format!(
                    "{at}: unknown key `{key}` (known: {})",
                    WAIVER_KEYS.join(", ")
                ));
            }
        }
        let rule = string(table, "rule", &at)?.ok_or_else(|| format!("{at}: `rule` is missing"))?;
        known_rule(&rule, &at)?;
        let absent = match table.get("absent") {
            None => false,
            Some(item) => item
                .as_bool()
                .ok_or_else(|| format!("{at}: `absent` must be true or false"))?,
        };
        let present = match table.get("present") {
            None => false,
            Some(item) => item
                .as_bool()
                .ok_or_else(|| format!("{at}: `present` must be true or false"))?,
        };
        let input = string(table, "input", &at)?
            .map(|name| {
                InputClass::parse(&name).ok_or_else(|| {
                    format!(
                        "{at}: `input` must be one of {}, not {name:?}",
                        InputClass::ALL
                            .map(|c| format!("{:?}", c.name()))
                            .join(", ")
                    )
                })
            })
            .transpose()?;
        let outcome = strings(table, "outcome", &at)?
            .into_iter()
            .map(|name| {
                OutcomeClass::parse(&name).ok_or_else(|| {
                    format!(
                        "{at}: `outcome` must be one of {}, or a list of them, not {name:?}",
                        OutcomeClass::ALL
                            .map(|c| format!("{:?}", c.name()))
                            .join(", ")
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let refusal = string(table, "refusal", &at)?
            .map(|name| {
                crate::domain::ErrorKind::ALL
                    .into_iter()
                    .find(|k| k.short_name() == name)
                    .ok_or_else(|| {
                        format!(
                            "{at}: `refusal` must be one of {}, not {name:?}",
                            crate::domain::ErrorKind::ALL
                                .map(|k| format!("{:?}", k.short_name()))
                                .join(", ")
                        )
                    })
            })
            .transpose()?;
        let pin = Pin {
            rule: rule.clone(),
            absent,
            present,
            code: strings(table, "code", &at)?,
            input,
            outcome,
            refusal,
            value: string(table, "value", &at)?,
        };
        if pin.describe().is_empty() {
            return Err(format!(
                "{at}: the waiver of {rule} must say what was observed, so that it hides nothing else: \
                 add `absent = true` (the field was missing), `present = true` (the field was set where it \
                 must be absent), `code = \"…\"` (the error code the \
                 implementation answered) or `input = \"id-containing-valid-id\"` / `input = \"malformed-id\"` \
                 (the class of id the call was made with) or `outcome = \"several-succeeded\"` / \
                 `\"unexplained-refusal\"` / `\"unexplained-state\"` (how concurrent calls broke the rule) or `refusal = \"…\"` \
                 (the call succeeded where it must be refused so) or `value = \"…\"` (the wrong `status` sent); see \
                 docs/vendors.md, section 4"
            ));
        }
        if let Some(first) = waivers.iter().find(|w| w.rule == rule) {
            return Err(format!(
                "{at}: rule {rule} is already waived by waiver {} (line {})",
                first.index + 1,
                first.line
            ));
        }
        let reason = string(table, "reason", &at)?
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| {
                format!("{at}: `reason` is mandatory: say why this deviation is tolerated")
            })?;
        let race = match table.get("race") {
            None => false,
            Some(item) => item
                .as_bool()
                .ok_or_else(|| format!("{at}: `race` must be true or false"))?,
        };
        if race && !crate::rules::find(&rule).is_some_and(|r| r.race) {
            return Err(format!(
                "{at}: `race = true`, but {rule} is not a race rule (it is checked on sequential calls, so \
                 a run always shows whether it is needed); the race rules are {}",
                race_rules()
            ));
        }
        waivers.push(Waiver {
            index,
            line,
            rule,
            pin,
            reason,
            issue: string(table, "issue", &at)?,
            race,
        });
    }
    Ok(())
}

/// Byte offsets to line numbers, by binary search over the line starts
/// (built once per file, so locating every entry stays linear overall).
struct Lines(Vec<usize>);

impl Lines {
    fn of(text: &str) -> Lines {
        Lines(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    /// The 1-based line holding byte `offset`.
    fn line(&self, offset: usize) -> usize {
        1 + self.0.partition_point(|&newline| newline < offset)
    }
}

const KEYS: [&str; 10] = [
    "id", "scenario", "pattern", "outcome", "rule", "fault", "race", "message", "reason", "issue",
];

/// The fault kinds an `errored` entry may name (a timeout is the `timeout`
/// outcome; the suite's own faults are never an entry).
const ENTRY_FAULTS: [AdapterFault; 5] = [
    AdapterFault::Declined,
    AdapterFault::Protocol,
    AdapterFault::Crash,
    AdapterFault::Unsupported,
    AdapterFault::Internal,
];

/// The `fault` of an entry: mandatory for `errored`, refused otherwise.
fn entry_fault(table: &Table, outcome: Outcome, at: &str) -> Result<Option<AdapterFault>, String> {
    let names = ENTRY_FAULTS.map(AdapterFault::label).join(", ");
    match (string(table, "fault", at)?, outcome) {
        (None, Outcome::Errored) => Err(format!(
            "{at}: `fault` is missing: an `errored` entry names the fault kind it expects (one of {names})"
        )),
        (None, _) => Ok(None),
        (Some(name), Outcome::Errored) => ENTRY_FAULTS
            .into_iter()
            .find(|f| f.label() == name)
            .map(Some)
            .ok_or_else(|| format!("{at}: `fault` must be one of {names}, not {name:?}")),
        (Some(_), other) => Err(format!(
            "{at}: `fault` names the fault kind of an `errored` outcome; an `{other}` outcome has none"
        )),
    }
}

/// The race rules, for messages.
fn race_rules() -> String {
    crate::rules::all()
        .iter()
        .filter(|r| r.race)
        .map(|r| r.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn string(table: &Table, key: &str, at: &str) -> Result<Option<String>, String> {
    match table.get(key) {
        None => Ok(None),
        Some(item) => item
            .as_str()
            .map(|s| Some(s.to_owned()))
            .ok_or_else(|| format!("{at}: `{key}` must be a string")),
    }
}

/// A waiver's `code` or `outcome`: one string, or a non-empty array of
/// strings (a deviation that shows several); absent: nothing pinned.
fn strings(table: &Table, key: &str, at: &str) -> Result<Vec<String>, String> {
    let wrong = || format!("{at}: `{key}` must be a string or a non-empty array of strings");
    match table.get(key) {
        None => Ok(Vec::new()),
        Some(item) => {
            if let Some(one) = item.as_str() {
                return Ok(vec![one.to_owned()]);
            }
            let array = item
                .as_array()
                .filter(|a| !a.is_empty())
                .ok_or_else(wrong)?;
            array
                .iter()
                .map(|v| v.as_str().map(str::to_owned).ok_or_else(wrong))
                .collect()
        }
    }
}

/// What a piece of the file holds ([`pieces`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PieceKind {
    /// Comments and blank lines only (the file's start).
    Preamble,
    /// One `[[expected]]` entry, with the comments before its header.
    Expected,
    /// One `[[waived]]` entry, with the comments before its header.
    Waived,
}

/// The file cut into pieces that are TOML documents of their own, each
/// with its byte offset: one per `[[expected]]` or `[[waived]]` header
/// line, starting with the comments and blank lines right before the
/// header (which TOML attaches to that entry). Read piece by piece, a large
/// file never has more than one entry's syntax tree in memory. `None` when
/// the file is not in that plain shape (another header, a key before the
/// first header, a line starting with `[` inside a value, a multi-line
/// string): then it is parsed whole.
pub(super) fn pieces(text: &str) -> Option<Vec<(usize, &str, PieceKind)>> {
    if text.contains("\"\"\"") || text.contains("\'\'\'") {
        return None;
    }
    let mut pieces = Vec::new();
    let (mut start, mut kind) = (0, PieceKind::Preamble);
    // The end of the last line that is neither blank nor a comment.
    let mut content_end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let header = trimmed.split('#').next().unwrap_or_default().trim_end();
            let next = match header {
                "[[expected]]" => PieceKind::Expected,
                "[[waived]]" => PieceKind::Waived,
                _ => return None,
            };
            if kind == PieceKind::Preamble {
                // Only comments so far: they belong to this entry.
                kind = next;
            } else {
                pieces.push((start, &text[start..content_end], kind));
                (start, kind) = (content_end, next);
            }
            content_end = offset + line.len();
        } else if !trimmed.is_empty() && !trimmed.starts_with('#') {
            if kind == PieceKind::Preamble {
                return None;
            }
            content_end = offset + line.len();
        }
        offset += line.len();
    }
    pieces.push((start, &text[start..], kind));
    Some(pieces)
}

/// What an entry is named by (`id`, `scenario`, `pattern`): two entries
/// of one name are a duplicate.
type EntryKey = (Option<String>, Option<String>, Option<String>);

/// What is read so far.
#[derive(Default)]
struct Read {
    entries: Vec<Expectation>,
    waivers: Vec<Waiver>,
    /// Each name's entry index and line.
    seen: HashMap<EntryKey, (usize, usize)>,
}

/// Reads `path`; every defect is an error naming the file and line.
pub fn load(path: &Path) -> Result<Expectations, String> {
    load_kinds(path, false)
}

/// Reads the `[[waived]]` entries of `path` only (its `entries` are left
/// empty; the `[[expected]]` pieces are not parsed where the file can be read
/// piece by piece): what an update, which rewrites the entries, runs with.
pub fn load_waived_only(path: &Path) -> Result<Expectations, String> {
    load_kinds(path, true)
}

fn load_kinds(path: &Path, waivers_only: bool) -> Result<Expectations, String> {
    let text = crate::fsio::read_text(path, crate::fsio::read::EXPECTATIONS_LIMIT)
        .map_err(|e| e.to_string())?;
    let lines = Lines::of(&text);
    let mut read = Read::default();
    let whole = [(0, text.as_str(), PieceKind::Preamble)];
    let pieces = pieces(&text);
    for &(base, piece, kind) in pieces.as_deref().unwrap_or(&whole) {
        if waivers_only && kind == PieceKind::Expected {
            continue;
        }
        let document = Document::parse(piece).map_err(|e| {
            let line = e.span().map_or(1, |s| lines.line(base + s.start));
            format!("{}:{line}: not valid TOML: {}", path.display(), e.message())
        })?;
        read_document(path, &lines, base, &document, &mut read)?;
    }
    Ok(Expectations {
        path: path.to_path_buf(),
        entries: if waivers_only {
            Vec::new()
        } else {
            read.entries
        },
        waivers: read.waivers,
    })
}

/// Validates the entries and waivers of `document` (a piece of the file at
/// byte `base`) and adds them to `read`.
fn read_document(
    path: &Path,
    lines: &Lines,
    base: usize,
    document: &Document<&str>,
    read: &mut Read,
) -> Result<(), String> {
    let line_of =
        |span: Option<std::ops::Range<usize>>| span.map_or(1, |s| lines.line(base + s.start));
    for (key, item) in document.as_table().iter() {
        if key != "expected" && key != "waived" {
            let line = line_of(item.span());
            return Err(format!(
                "{}:{line}: unknown key `{key}`: the file holds `[[expected]]` and `[[waived]]` entries only",
                path.display()
            ));
        }
    }
    match document.as_table().get("waived") {
        None => {}
        Some(Item::ArrayOfTables(list)) => {
            load_waivers(path, lines, base, list, &mut read.waivers)?
        }
        Some(other) => {
            let line = line_of(other.span());
            return Err(format!(
                "{}:{line}: `waived` must be a list of tables (`[[waived]]`)",
                path.display()
            ));
        }
    }
    let list = match document.as_table().get("expected") {
        None => return Ok(()),
        Some(Item::ArrayOfTables(list)) => list,
        Some(other) => {
            let line = line_of(other.span());
            return Err(format!(
                "{}:{line}: `expected` must be a list of tables (`[[expected]]`)",
                path.display()
            ));
        }
    };
    let entries = &mut read.entries;
    let seen = &mut read.seen;
    for table in list.iter() {
        let index = entries.len();
        let line = line_of(table.span());
        let at = format!("{}:{line}: entry {}", path.display(), index + 1);
        for (key, _) in table.iter() {
            if !KEYS.contains(&key) {
                return Err(format!(
                    "{at}: unknown key `{key}` (known: {})",
                    KEYS.join(", ")
                ));
            }
        }
        let scenario = string(table, "scenario", &at)?;
        let pattern = string(table, "pattern", &at)?
            .map(|p| {
                Regex::new(&p)
                    .map_err(|e| format!("{at}: `pattern` is not a regular expression: {e}"))
            })
            .transpose()?;
        if scenario.is_some() == pattern.is_some() {
            return Err(format!(
                "{at}: give exactly one of `scenario` and `pattern`"
            ));
        }
        let outcome_name =
            string(table, "outcome", &at)?.ok_or_else(|| format!("{at}: `outcome` is missing"))?;
        let outcome = Outcome::parse(&outcome_name).ok_or_else(|| {
            format!("{at}: `outcome` must be failed, errored or timeout, not {outcome_name:?}")
        })?;
        let reason = string(table, "reason", &at)?
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| {
                format!("{at}: `reason` is mandatory: say why this failure is tolerated")
            })?;
        let key = (
            string(table, "id", &at)?,
            scenario.clone(),
            pattern.as_ref().map(|p| p.as_str().to_owned()),
        );
        if let Some((first, first_line)) = seen.insert(key, (index, line)) {
            return Err(format!(
                "{at}: duplicates entry {} (line {first_line}): give each scenario or pattern one entry",
                first + 1
            ));
        }
        let rule = string(table, "rule", &at)?;
        if let Some(rule) = &rule {
            known_rule(rule, &at)?;
            if outcome != Outcome::Failed {
                return Err(format!(
                    "{at}: `rule` names the check a failure is filed under; an `{outcome}` outcome has none"
                ));
            }
        }
        let race = match table.get("race") {
            None => false,
            Some(item) => item
                .as_bool()
                .ok_or_else(|| format!("{at}: `race` must be true or false"))?,
        };
        if race
            && !rule
                .as_deref()
                .and_then(crate::rules::find)
                .is_some_and(|r| r.race)
        {
            return Err(format!(
                "{at}: `race = true` needs a `rule` that is a race rule (one of {})",
                race_rules()
            ));
        }
        let fault = entry_fault(table, outcome, &at)?;
        entries.push(Expectation {
            index,
            line,
            id: string(table, "id", &at)?,
            scenario,
            pattern,
            outcome,
            rule,
            fault,
            race,
            message: string(table, "message", &at)?,
            reason,
            issue: string(table, "issue", &at)?,
        });
    }
    Ok(())
}
