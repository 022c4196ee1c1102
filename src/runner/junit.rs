//! The JUnit XML report, written from the typed results after the run (and
//! after the expectations gate), so that a CI tool reads it as the gate does.
//!
//! - one `<testsuite>` per feature file (`file` attribute), with the run's
//!   metadata as `<properties>`; one `<testcase>` per scenario, named by the
//!   scenario alone (`classname`: the feature's name, then `.` and the
//!   rule's name when the scenario is in a rule), so that editing a feature
//!   file renames nothing; the location is in `<system-out>`;
//! - a conformance failure is `<failure type="RULE-ID" message="summary">`
//!   with what was expected and observed in the body; a fault (the
//!   implementation could not be judged) is `<error type="TIMEOUT|CRASH|…">`;
//!   a step the suite does not define is `<error type="UNDEFINED">`;
//! - a capability skip is `<skipped message="SKIPPED: … lacks …">`; under
//!   `--expectations`, a listed or waived failure is
//!   `<skipped message="expected failure: <reason>">` with the failure in
//!   `<system-out>`, a listed scenario that passed is a `<failure
//!   type="EXPECTATIONS.stale">`, and the gate's problems that belong to no
//!   scenario (unmatched entries, stale waivers, too broad patterns) are
//!   failures of a testsuite `expectations`; a feature file that does not
//!   parse is an `<error type="PARSE">`, a run that selected nothing an
//!   `<error type="RUN.empty">`. So the report has failures or errors
//!   exactly when the run (or its gate) fails.
//!
//! The format is the one Jenkins' xunit plugin reads (its `junit-10.xsd`); a
//! test validates the report against `tests/fixtures/junit/junit.xsd`.

use super::reports::RunMetadata;
use super::tally::{Outcome, ScenarioRecord, StepStatus};
use crate::expectations::{Finding, Judged};
use crate::verdict::Verdict;
use std::fmt::Write as _;
use std::time::Duration;

/// How a test case reads in the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Case {
    /// It passed.
    Passed,
    /// `<failure type message>` with a body.
    Failure {
        /// The rule id (or `EXPECTATIONS.<kind>`).
        kind: String,
        /// One line.
        message: String,
        /// Details.
        body: String,
    },
    /// `<error type message>` with a body.
    Error {
        /// The fault kind, `UNDEFINED`, `PARSE` or `RUN.empty`.
        kind: String,
        /// One line.
        message: String,
        /// Details.
        body: String,
    },
    /// `<skipped message>`: a capability skip or an expected failure.
    Skipped {
        /// Why.
        message: String,
        /// Whether it is a failure the gate expected (listed or waived).
        expected: bool,
    },
}

impl Case {
    /// How a scenario reads, given how the gate judged it (if there is a gate).
    pub fn of(record: &ScenarioRecord, judged: Option<&Judged>) -> Case {
        let result = &record.result;
        match judged {
            Some(Judged::Listed { reason, .. }) => {
                return Case::Skipped {
                    message: format!("expected failure: {reason}"),
                    expected: true,
                };
            }
            Some(Judged::Waived { rule, reason, .. }) => {
                return Case::Skipped {
                    message: format!("expected failure: waived rule {rule}: {reason}"),
                    expected: true,
                };
            }
            Some(Judged::Problem(finding @ Finding::Stale { .. })) => {
                return Case::Failure {
                    kind: "EXPECTATIONS.stale".to_owned(),
                    message: finding.render(),
                    body: "the scenario passed, but the expectations file lists it as a failure: remove the entry".to_owned(),
                };
            }
            _ => {}
        }
        let step = failed_step(record);
        match (&result.outcome, &result.verdict) {
            (Outcome::Passed, _) => Case::Passed,
            (Outcome::Skipped, _) => Case::Skipped {
                message: result
                    .message
                    .clone()
                    .unwrap_or_else(|| "SKIPPED".to_owned()),
                expected: false,
            },
            (Outcome::Undefined, _) => Case::Error {
                kind: "UNDEFINED".to_owned(),
                message: format!(
                    "the suite has no step for this phrase{}",
                    step.as_ref()
                        .map_or_else(String::new, |s| format!(": `{s}`"))
                ),
                body: "the suite is incomplete, not the implementation".to_owned(),
            },
            (Outcome::Failed, Some(Verdict::Failed(failure))) => {
                let mut body = String::new();
                if let Some(expected) = &failure.expected {
                    let _ = writeln!(body, "expected: {expected}");
                }
                if let Some(actual) = &failure.actual {
                    let _ = writeln!(body, "actual:   {actual}");
                }
                if let Some(step) = &step {
                    let _ = writeln!(body, "at step: {step}");
                }
                Case::Failure {
                    kind: failure.rule.to_string(),
                    message: failure.summary.clone(),
                    body,
                }
            }
            (_, Some(Verdict::Errored(fault))) => Case::Error {
                kind: fault.kind.label().to_owned(),
                message: fault.message.lines().next().unwrap_or_default().to_owned(),
                body: format!(
                    "{}\nwhile {}{}",
                    fault.message,
                    fault.context,
                    step.as_ref()
                        .map_or_else(String::new, |s| format!("\nat step: {s}"))
                ),
            },
            // A failure without a typed verdict cannot happen (the tally
            // always records one); report it as the suite's fault.
            (_, _) => Case::Error {
                kind: "SUITE".to_owned(),
                message: result.cause.clone().unwrap_or_default(),
                body: result.message.clone().unwrap_or_default(),
            },
        }
    }
}

/// The step that failed, as `Keyword text (line N)`.
fn failed_step(record: &ScenarioRecord) -> Option<String> {
    record
        .steps
        .iter()
        .find(|s| matches!(s.status, StepStatus::Failed | StepStatus::Undefined))
        .map(|s| format!("{} {} (line {})", s.keyword.trim(), s.text, s.line))
}

/// Test case counts, as the report's root element has them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Test cases.
    pub tests: usize,
    /// `<failure>`s.
    pub failures: usize,
    /// `<error>`s.
    pub errors: usize,
    /// `<skipped>`s.
    pub skipped: usize,
    /// Of the skipped: failures the gate expected.
    pub expected: usize,
}

impl Counts {
    fn add(&mut self, case: &Case) {
        self.tests += 1;
        match case {
            Case::Passed => {}
            Case::Failure { .. } => self.failures += 1,
            Case::Error { .. } => self.errors += 1,
            Case::Skipped { expected, .. } => {
                self.skipped += 1;
                if *expected {
                    self.expected += 1;
                }
            }
        }
    }

    /// Test cases that passed.
    pub fn passed(&self) -> usize {
        self.tests - self.failures - self.errors - self.skipped
    }
}

/// What the report is written from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// Every scenario, in any order.
    pub records: &'a [ScenarioRecord],
    /// How the gate judged each record (aligned with `records`), with a gate.
    pub judged: Option<&'a [Option<Judged>]>,
    /// The gate's findings that belong to no scenario.
    pub gate_problems: &'a [Finding],
    /// Feature files that did not parse.
    pub parse_errors: &'a [String],
    /// Who was tested with what.
    pub meta: &'a RunMetadata,
}

/// One `<testsuite>`.
struct Suite {
    name: String,
    file: Option<String>,
    cases: Vec<(String, String, Case, Duration, String)>,
}

fn suites(input: &Input<'_>) -> Vec<Suite> {
    let mut order: Vec<usize> = (0..input.records.len()).collect();
    order.sort_by_key(|&i| (input.records[i].file(), input.records[i].line));
    let mut suites: Vec<Suite> = Vec::new();
    for i in order {
        let record = &input.records[i];
        let judged = input.judged.and_then(|j| j.get(i)).and_then(Option::as_ref);
        let case = Case::of(record, judged);
        let file = record.file();
        if suites
            .last()
            .is_none_or(|s| s.file.as_deref() != Some(&file))
        {
            suites.push(Suite {
                name: record.feature.name.clone(),
                file: Some(file.clone()),
                cases: Vec::new(),
            });
        }
        let classname = match &record.rule {
            Some(rule) => format!("{}.{}", record.feature.name, rule.name),
            None => record.feature.name.clone(),
        };
        let mut out = format!("location: {file}:{}\n", record.line);
        let tags: Vec<String> = record.result.tags.iter().map(|t| format!("@{t}")).collect();
        if !tags.is_empty() {
            let _ = writeln!(out, "tags: {}", tags.join(" "));
        }
        if let Some(judged) = judged {
            match judged {
                Judged::Listed { entry, issue, .. } => {
                    let _ = writeln!(out, "expected by the expectations file: {entry}");
                    if let Some(issue) = issue {
                        let _ = writeln!(out, "issue: {issue}");
                    }
                }
                Judged::Waived { rule, issue, .. } => {
                    let _ = writeln!(out, "waived by the expectations file: rule {rule}");
                    if let Some(issue) = issue {
                        let _ = writeln!(out, "issue: {issue}");
                    }
                }
                Judged::Problem(finding) => {
                    let _ = writeln!(out, "expectations: {}", finding.render());
                }
            }
            if let (Case::Skipped { expected: true, .. }, Some(verdict)) =
                (&case, &record.result.verdict)
            {
                let _ = writeln!(out, "{verdict}");
            }
        }
        for step in &record.steps {
            let _ = writeln!(
                out,
                "  {:<9} {} {} (line {})",
                match step.status {
                    StepStatus::Passed => "passed",
                    StepStatus::Failed => "failed",
                    StepStatus::Undefined => "undefined",
                    StepStatus::Skipped => "not run",
                },
                step.keyword.trim(),
                step.text,
                step.line
            );
        }
        let time = record.duration.unwrap_or_default();
        suites.last_mut().expect("a suite was pushed").cases.push((
            record.result.scenario.clone(),
            classname,
            case,
            time,
            out,
        ));
    }
    if !input.gate_problems.is_empty() {
        let cases = input
            .gate_problems
            .iter()
            .map(|finding| {
                let kind = match finding {
                    Finding::StaleWaiver { .. } => "stale-waiver",
                    Finding::Unmatched { .. } => "unmatched",
                    Finding::TooBroad { .. } => "too-broad",
                    Finding::TodoReason { .. } => "todo-reason",
                    Finding::Stale { .. } => "stale",
                    Finding::Mismatch { .. } => "mismatch",
                    Finding::Unexpected { .. } => "unexpected",
                    Finding::Expected { .. } | Finding::Waived { .. } => "expected",
                };
                (
                    finding.render(),
                    "expectations".to_owned(),
                    Case::Failure {
                        kind: format!("EXPECTATIONS.{kind}"),
                        message: finding.render(),
                        body: String::new(),
                    },
                    Duration::ZERO,
                    String::new(),
                )
            })
            .collect();
        suites.push(Suite {
            name: "expectations".to_owned(),
            file: None,
            cases,
        });
    }
    let ran = input
        .records
        .iter()
        .any(|r| r.result.outcome != Outcome::Skipped);
    if !input.parse_errors.is_empty() || !ran {
        let mut cases: Vec<_> = input
            .parse_errors
            .iter()
            .map(|e| {
                (
                    e.lines().next().unwrap_or_default().to_owned(),
                    "feature files".to_owned(),
                    Case::Error {
                        kind: "PARSE".to_owned(),
                        message: e.lines().next().unwrap_or_default().to_owned(),
                        body: e.clone(),
                    },
                    Duration::ZERO,
                    String::new(),
                )
            })
            .collect();
        if !ran && input.parse_errors.is_empty() {
            cases.push((
                "no scenario ran".to_owned(),
                "run".to_owned(),
                Case::Error {
                    kind: "RUN.empty".to_owned(),
                    message: "no scenario ran: check --features, --tags and --name".to_owned(),
                    body: String::new(),
                },
                Duration::ZERO,
                String::new(),
            ));
        }
        suites.push(Suite {
            name: "run".to_owned(),
            file: None,
            cases,
        });
    }
    suites
}

/// The counts of the report [`render`] writes for `input`.
pub fn counts(input: &Input<'_>) -> Counts {
    let mut counts = Counts::default();
    for suite in suites(input) {
        for (_, _, case, _, _) in &suite.cases {
            counts.add(case);
        }
    }
    counts
}

/// Text as XML character data: `&`, `<`, `>` and `"` escaped, characters XML
/// 1.0 forbids replaced by `\u{FFFD}`; in attributes also line breaks and tabs.
fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\r' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// The report for `input`.
pub fn render(input: &Input<'_>) -> String {
    let suites = suites(input);
    let mut total = Counts::default();
    let mut total_time = Duration::ZERO;
    let mut body = String::new();
    let timestamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let meta = input.meta;
    let properties = [
        ("implementation", &meta.implementation),
        ("implementation.version", &meta.implementation_version),
        ("suite.version", &meta.suite_version),
        ("spec.digest", &meta.spec_digest),
    ];
    for suite in &suites {
        let mut counts = Counts::default();
        let mut time = Duration::ZERO;
        for (_, _, case, t, _) in &suite.cases {
            counts.add(case);
            time += *t;
        }
        total.tests += counts.tests;
        total.failures += counts.failures;
        total.errors += counts.errors;
        total.skipped += counts.skipped;
        total_time += time;
        let _ = write!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{}\" timestamp=\"{timestamp}\"",
            escape(&suite.name, true),
            counts.tests,
            counts.failures,
            counts.errors,
            counts.skipped,
            seconds(time)
        );
        if let Some(file) = &suite.file {
            let _ = write!(body, " file=\"{}\"", escape(file, true));
        }
        body.push_str(">\n    <properties>\n");
        for (name, value) in properties {
            let _ = writeln!(
                body,
                "      <property name=\"{name}\" value=\"{}\"/>",
                escape(value, true)
            );
        }
        body.push_str("    </properties>\n");
        for (name, classname, case, time, out) in &suite.cases {
            let _ = write!(
                body,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{}\"",
                escape(name, true),
                escape(classname, true),
                seconds(*time)
            );
            if *case == Case::Passed && out.is_empty() {
                body.push_str("/>\n");
                continue;
            }
            body.push_str(">\n");
            match case {
                Case::Passed => {}
                Case::Failure {
                    kind,
                    message,
                    body: text,
                } => {
                    let _ = writeln!(
                        body,
                        "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                        escape(kind, true),
                        escape(message, true),
                        escape(text, false)
                    );
                }
                Case::Error {
                    kind,
                    message,
                    body: text,
                } => {
                    let _ = writeln!(
                        body,
                        "      <error type=\"{}\" message=\"{}\">{}</error>",
                        escape(kind, true),
                        escape(message, true),
                        escape(text, false)
                    );
                }
                Case::Skipped { message, .. } => {
                    let _ = writeln!(
                        body,
                        "      <skipped message=\"{}\"/>",
                        escape(message, true)
                    );
                }
            }
            if !out.is_empty() {
                let _ = writeln!(
                    body,
                    "      <system-out>{}</system-out>",
                    escape(out, false)
                );
            }
            body.push_str("    </testcase>\n");
        }
        body.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"enmeshed-conformance\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{}\">\n{body}</testsuites>\n",
        total.tests,
        total.failures,
        total.errors,
        seconds(total_time)
    )
}
