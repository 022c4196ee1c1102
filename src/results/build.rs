//! A run's results file, made from the run's records and the gate's judgement.

use super::{
    Case, CaseFailure, CaseStep, CaseVerdict, Expected, FORMAT, FuzzCase, Gate, Implementation,
    ResultsFile, Suite, VERSION, WaiverUse, bounded, page_records,
};
use crate::expectations::Judged;
use crate::levels::Origins;
use crate::levels::{Level, rule_level};
use crate::outcome::Outcome;
use crate::runner::features::read_feature;
use crate::runner::tally::{ScenarioRecord, StepStatus};
use crate::runner::{RunReport, SUITE_VERSION};
use crate::verdict::Verdict;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What the caller of a run knows beyond its records: the gate and the options.
#[derive(Debug, Clone, Default)]
pub struct GateSummary {
    /// The expectations file, when the run had one.
    pub expectations: Option<String>,
    /// The run's verdict (the gate's, when there is one).
    pub passed: bool,
    /// The findings that fail the gate, one line each.
    pub problems: Vec<String>,
    /// The waived rules: rule, reason, issue.
    pub waivers: Vec<(String, String, Option<String>)>,
    /// The fuzz seed, when the run fuzzed.
    pub seed: Option<u64>,
    /// The `--level` floor.
    pub level: Option<Level>,
    /// Whether filters left scenarios out.
    pub partial: bool,
}

fn verdict_of(outcome: Outcome) -> CaseVerdict {
    match outcome {
        Outcome::Passed => CaseVerdict::Passed,
        Outcome::Failed => CaseVerdict::Failed,
        Outcome::Errored => CaseVerdict::Errored,
        Outcome::Skipped => CaseVerdict::Skipped,
        Outcome::Undefined => CaseVerdict::Undefined,
    }
}

fn step_status(status: StepStatus) -> &'static str {
    match status {
        StepStatus::Passed => "passed",
        StepStatus::Failed => "failed",
        StepStatus::Undefined => "undefined",
        StepStatus::Skipped => "skipped",
    }
}

/// The scenario origins of each feature file, read once per file: the
/// built-in files by their repository path, others from disk.
#[derive(Default)]
struct FileOrigins {
    files: HashMap<PathBuf, Option<Origins>>,
}

impl FileOrigins {
    fn of(&mut self, path: &Path) -> Option<&Origins> {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let embedded = crate::suite::FEATURES
                    .iter()
                    .find(|f| Path::new(f.path) == path || Path::new(&f.location()) == path)
                    .map(|f| f.text.to_owned());
                let text = embedded.or_else(|| read_feature(path).ok())?;
                Some(Origins::new(&text))
            })
            .as_ref()
    }
}

/// Whether `tag` names a use case (`RID` and digits).
fn is_use_case(tag: &str) -> bool {
    tag.len() > 3 && tag.starts_with("RID") && tag[3..].chars().all(|c| c.is_ascii_digit())
}

fn case(
    record: &ScenarioRecord,
    judged: Option<&Judged>,
    trace: &super::Trace,
    origins: &mut FileOrigins,
    seed: Option<u64>,
) -> Case {
    let result = &record.result;
    let failure = match &result.verdict {
        Some(Verdict::Failed(f)) => Some(CaseFailure {
            rule: f.rule.to_string(),
            rule_level: rule_level(f.rule.as_str()),
            indirect: f.observed.indirect,
            summary: bounded(&f.summary),
            expected: f.expected.as_deref().map(bounded),
            actual: f.actual.as_deref().map(bounded),
        }),
        _ => None,
    };
    let rules: Vec<String> = failure.iter().map(|f| f.rule.clone()).collect();
    // From the tags only: a case belongs to the same use cases in every run.
    let use_cases: Vec<String> = result
        .tags
        .iter()
        .filter(|t| is_use_case(t))
        .cloned()
        .collect();
    let file_name = record
        .feature
        .path
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    let bullet = file_name.and_then(|f| trace.bullet(&f, &result.scenario).cloned());
    let source_note = record
        .feature
        .path
        .as_ref()
        .and_then(|path| origins.of(path))
        .and_then(|o| o.of(record.line).source);
    let (expected, problem) = match judged {
        Some(Judged::Listed {
            entry,
            reason,
            issue,
        }) => (
            Some(Expected {
                kind: "listed".to_owned(),
                by: entry.clone(),
                reason: reason.clone(),
                issue: issue.clone(),
            }),
            None,
        ),
        Some(Judged::Waived {
            rule,
            reason,
            issue,
        }) => (
            Some(Expected {
                kind: "waived".to_owned(),
                by: rule.clone(),
                reason: reason.clone(),
                issue: issue.clone(),
            }),
            None,
        ),
        Some(Judged::Problem(finding)) => (None, Some(bounded(&finding.render()))),
        None => (None, None),
    };
    let verdict = verdict_of(result.outcome);
    Case {
        name: result.scenario.clone(),
        feature: result.feature.clone(),
        location: result.location.clone(),
        use_cases,
        rules,
        level: Level::of_tags(&result.tags).unwrap_or(Level::Platform),
        tags: result.tags.clone(),
        verdict,
        fault: result.fault().map(|f| f.label().to_owned()),
        skip_reason: (verdict == CaseVerdict::Skipped)
            .then(|| result.message.clone())
            .flatten(),
        expected,
        problem,
        failure,
        message: (verdict != CaseVerdict::Skipped)
            .then(|| {
                result
                    .cause
                    .as_deref()
                    .or(result.message.as_deref())
                    .map(bounded)
            })
            .flatten(),
        bullet,
        source_note,
        steps: record
            .steps
            .iter()
            .map(|s| CaseStep {
                keyword: s.keyword.clone(),
                text: s.text.clone(),
                status: step_status(s.status).to_owned(),
            })
            .collect(),
        duration_ms: record
            .duration
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        fuzz: result
            .tags
            .iter()
            .any(|t| t == crate::runner::properties::TAG)
            .then(|| FuzzCase {
                seed,
                sequence: record
                    .shrunk
                    .as_ref()
                    .and_then(|s| s.steps.as_deref().map(bounded)),
                scenario: record
                    .shrunk
                    .as_ref()
                    .and_then(|s| s.gherkin.as_deref().map(bounded)),
            }),
    }
}

/// The results file of `report`; `judged` is the gate's judgement of each
/// record (aligned with `report.records`), when an expectations file judged the run.
pub fn build(
    report: &RunReport,
    judged: Option<&[Option<Judged>]>,
    gate: &GateSummary,
) -> ResultsFile {
    let (pages, trace) = page_records();
    let mut origins = FileOrigins::default();
    let cases = report
        .records
        .iter()
        .enumerate()
        .map(|(at, record)| {
            let judged = judged.and_then(|j| j.get(at)).and_then(Option::as_ref);
            case(record, judged, &trace, &mut origins, gate.seed)
        })
        .collect();
    ResultsFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        implementation: Implementation {
            name: report.implementation.name.clone(),
            version: report.implementation.version.clone(),
            capabilities: report
                .implementation
                .capabilities
                .iter()
                .map(|c| c.name().to_owned())
                .collect(),
        },
        suite: Suite {
            version: SUITE_VERSION.to_owned(),
            spec_digest: report.spec_digest.clone(),
            feature_files: report.files.len(),
            seed: gate.seed,
            level: gate.level,
            partial: gate.partial,
        },
        passed: gate.passed,
        gate: gate.expectations.as_ref().map(|path| Gate {
            expectations: path.clone(),
            passed: gate.passed,
            problems: gate.problems.iter().map(|p| bounded(p)).collect(),
        }),
        waivers: gate
            .waivers
            .iter()
            .map(|(rule, reason, issue)| WaiverUse {
                rule: rule.clone(),
                level: rule_level(rule),
                reason: reason.clone(),
                issue: issue.clone(),
                checks: report.waived.get(rule).copied().unwrap_or(0),
            })
            .collect(),
        pages,
        cases,
        parse_errors: report
            .tally
            .parse_errors
            .iter()
            .map(|e| bounded(e))
            .collect(),
    }
}
