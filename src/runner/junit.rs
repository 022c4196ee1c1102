//! The JUnit XML report, written from the typed results after the run (and
//! after the expectations gate), so that a CI tool reads it as the gate does.
//!
//! - one `<testsuite>` per feature file, with the run's metadata and the
//!   file's path (property `file`) as `<properties>`; one `<testcase>` per scenario, named by the
//!   scenario alone (`classname`: the feature's name, then `.` and the
//!   rule's name when the scenario is in a rule), so that editing a feature
//!   file renames nothing; the location is in `<system-out>`, with the
//!   page line of the bullet a generated scenario tests (`documented at
//!   spec/use-cases/<page>.md:LINE`), which a failure's or error's
//!   message names too;
//! - a conformance failure is `<failure type="RULE-ID" message="summary">`
//!   with what was expected and observed in the body; a fault (the
//!   implementation could not be judged) is `<error type="TIMEOUT|CRASH|…">`;
//!   a step the suite does not define is `<error type="UNDEFINED">`;
//! - a capability skip is `<skipped>SKIPPED: … lacks …</skipped>`; under
//!   `--expectations`, a listed or waived failure is
//!   `<skipped>expected failure: <reason></skipped>` with the failure in
//!   `<system-out>`, a listed scenario that passed is a `<failure
//!   type="EXPECTATIONS.stale">`, and the gate's problems that belong to no
//!   scenario (unmatched entries, stale waivers, too broad patterns) are
//!   failures of a testsuite `expectations`; a feature file that does not
//!   parse is an `<error type="PARSE">`, a run that selected nothing an
//!   `<error type="RUN.empty">`. So the report has failures or errors
//!   exactly when the run (or its gate) fails.
//!
//! The format is the strictest common reader's: the Jenkins xunit plugin's
//! `junit-4.xsd` (from the dtkit JUnit model), which allows no `file`
//! attribute and no attribute on `<skipped>`; a test validates every report
//! against `tests/fixtures/junit/junit.xsd`, which is at least that strict.
//! The XML is written with `quick-xml`, every text and attribute value
//! through [`xml::safe`] first.

use super::metadata::RunMetadata;
use super::tally::{Outcome, ScenarioRecord, StepStatus};
use crate::expectations::{Finding, Judged};
use crate::sanitize::xml;
use crate::verdict::Verdict;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::writer::ElementWriter;
use std::fmt::Write as _;
use std::io;
use std::time::Duration;

/// The `<property>` of a feature file's `<testsuite>` that names the file.
pub const FILE_PROPERTY: &str = "file";

/// One `<testcase>`: name, classname, how it reads, time, `<system-out>`.
type TestCase = (String, String, Case, Duration, String);

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
            (Outcome::Pending, _) => Case::Skipped {
                message: result
                    .message
                    .clone()
                    .unwrap_or_else(|| "PENDING".to_owned()),
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
                    "{}\nwhile {}{}{}",
                    fault.message,
                    fault.context,
                    if result.suites_own() {
                        "\nthe suite's own fault, not the implementation's"
                    } else {
                        ""
                    },
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

impl Case {
    /// The same case, a failure's or error's message naming the page line
    /// of the documentation it breaks (`(documented at
    /// spec/use-cases/<page>.md:LINE)`): the strictest readers' schema has
    /// no `file` or `line` attribute, so the message carries it.
    pub fn documented(self, doc_location: Option<&str>) -> Case {
        let Some(doc) = doc_location else {
            return self;
        };
        let with_doc =
            |message: String| format!("{message} ({})", crate::outcome::documented_at(doc));
        match self {
            Case::Failure {
                kind,
                message,
                body,
            } => Case::Failure {
                kind,
                message: with_doc(message),
                body,
            },
            Case::Error {
                kind,
                message,
                body,
            } => Case::Error {
                kind,
                message: with_doc(message),
                body,
            },
            other => other,
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
    cases: Vec<TestCase>,
}

fn suites(input: &Input<'_>) -> Vec<Suite> {
    let mut order: Vec<usize> = (0..input.records.len()).collect();
    order.sort_by_key(|&i| (input.records[i].file(), input.records[i].line));
    let mut suites: Vec<Suite> = Vec::new();
    for i in order {
        let record = &input.records[i];
        let judged = input.judged.and_then(|j| j.get(i)).and_then(Option::as_ref);
        let case = Case::of(record, judged).documented(record.result.doc_location.as_deref());
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
        if let Some(doc) = &record.result.doc_location {
            let _ = writeln!(out, "{}", crate::outcome::documented_at(doc));
        }
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
                    Finding::SuiteProblem { .. } => "suite-fault",
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

fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// An element's start with its attributes, each value made XML-safe
/// ([`xml::safe`]) and escaped by `quick-xml`.
fn element<'w>(
    w: &'w mut Writer<Vec<u8>>,
    name: &'static str,
    attributes: &[(&'static str, &str)],
) -> ElementWriter<'w, Vec<u8>> {
    let mut element = w.create_element(name);
    for (key, value) in attributes {
        element = element.with_attribute((*key, xml::safe(value)));
    }
    element
}

/// `<name attributes…>text</name>`, the text made XML-safe.
fn text_element(
    w: &mut Writer<Vec<u8>>,
    name: &'static str,
    attributes: &[(&'static str, &str)],
    text: &str,
) -> io::Result<()> {
    element(w, name, attributes).write_text_content(BytesText::new(&xml::safe(text)))?;
    Ok(())
}

/// `<properties>` with one `<property>` per pair.
fn properties(w: &mut Writer<Vec<u8>>, pairs: &[(&'static str, &str)]) -> io::Result<()> {
    w.create_element("properties").write_inner_content(|w| {
        for (name, value) in pairs {
            element(w, "property", &[("name", name), ("value", value)]).write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

/// One `<testcase>`.
fn testcase(w: &mut Writer<Vec<u8>>, case: &TestCase) -> io::Result<()> {
    let (name, classname, case, time, out) = case;
    let time = seconds(*time);
    let start = element(
        w,
        "testcase",
        &[("name", name), ("classname", classname), ("time", &time)],
    );
    if *case == Case::Passed && out.is_empty() {
        start.write_empty()?;
        return Ok(());
    }
    start.write_inner_content(|w| {
        match case {
            Case::Passed => {}
            Case::Failure {
                kind,
                message,
                body,
            } => text_element(w, "failure", &[("type", kind), ("message", message)], body)?,
            Case::Error {
                kind,
                message,
                body,
            } => text_element(w, "error", &[("type", kind), ("message", message)], body)?,
            // `skipped` carries no attributes in the strictest readers'
            // schema (junit-4.xsd): the reason is its text.
            Case::Skipped { message, .. } => text_element(w, "skipped", &[], message)?,
        }
        if !out.is_empty() {
            text_element(w, "system-out", &[], out)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Writes the whole report.
fn write_report(w: &mut Writer<Vec<u8>>, input: &Input<'_>) -> io::Result<()> {
    let suites = suites(input);
    let mut total = Counts::default();
    let mut total_time = Duration::ZERO;
    let timestamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string();
    let meta = input.meta;
    let mut summed = Vec::with_capacity(suites.len());
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
        summed.push((counts, time));
    }
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let (tests, failures, errors) = (
        total.tests.to_string(),
        total.failures.to_string(),
        total.errors.to_string(),
    );
    let time = seconds(total_time);
    element(
        w,
        "testsuites",
        &[
            ("name", "enmeshed-conformance"),
            ("tests", &tests),
            ("failures", &failures),
            ("errors", &errors),
            ("time", &time),
        ],
    )
    .write_inner_content(|w| {
        for (suite, (counts, time)) in suites.iter().zip(summed) {
            let numbers = [
                counts.tests.to_string(),
                counts.failures.to_string(),
                counts.errors.to_string(),
                counts.skipped.to_string(),
                seconds(time),
            ];
            element(
                w,
                "testsuite",
                &[
                    ("name", &suite.name),
                    ("tests", &numbers[0]),
                    ("failures", &numbers[1]),
                    ("errors", &numbers[2]),
                    ("skipped", &numbers[3]),
                    ("time", &numbers[4]),
                    ("timestamp", &timestamp),
                ],
            )
            .write_inner_content(|w| {
                let mut pairs: Vec<(&'static str, &str)> = vec![
                    ("implementation", &meta.implementation),
                    ("implementation.version", &meta.implementation_version),
                    ("suite.version", &meta.suite_version),
                    ("spec.digest", &meta.spec_digest),
                ];
                // The feature file: a property, where the strict readers
                // allow it (a `file` attribute is not).
                if let Some(file) = &suite.file {
                    pairs.push((FILE_PROPERTY, file));
                }
                properties(w, &pairs)?;
                for case in &suite.cases {
                    testcase(w, case)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    w.write_event(Event::Text(BytesText::from_escaped("\n")))?;
    Ok(())
}

/// The report for `input`.
pub fn render(input: &Input<'_>) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into memory does not fail.
    write_report(&mut w, input).expect("writing XML into memory");
    String::from_utf8_lossy(&w.into_inner()).into_owned()
}

/// What [`one_error`] writes: a report whose only test case errored (a run
/// whose implementation never started).
#[derive(Debug, Clone, Copy)]
pub struct OneError<'a> {
    /// The `<testsuite>`'s name.
    pub suite: &'a str,
    /// The suite's `<properties>`.
    pub properties: &'a [(&'static str, &'a str)],
    /// The test case's name.
    pub name: &'a str,
    /// The test case's class name.
    pub classname: &'a str,
    /// The `<error>`'s type.
    pub kind: &'a str,
    /// The `<error>`'s message and text.
    pub message: &'a str,
}

/// The report of one errored test case, written like [`render`]'s.
pub fn one_error(report: &OneError<'_>) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // Writing into memory does not fail.
    write_one_error(&mut w, report).expect("writing XML into memory");
    String::from_utf8_lossy(&w.into_inner()).into_owned()
}

fn write_one_error(w: &mut Writer<Vec<u8>>, r: &OneError<'_>) -> io::Result<()> {
    let counts = [("tests", "1"), ("failures", "0"), ("errors", "1")];
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut root = vec![("name", "enmeshed-conformance")];
    root.extend(counts);
    element(w, "testsuites", &root).write_inner_content(|w| {
        let mut suite = vec![("name", r.suite)];
        suite.extend(counts);
        suite.push(("skipped", "0"));
        element(w, "testsuite", &suite).write_inner_content(|w| {
            properties(w, r.properties)?;
            element(
                w,
                "testcase",
                &[("name", r.name), ("classname", r.classname)],
            )
            .write_inner_content(|w| {
                text_element(
                    w,
                    "error",
                    &[("type", r.kind), ("message", r.message)],
                    r.message,
                )
            })?;
            Ok(())
        })?;
        Ok(())
    })?;
    w.write_event(Event::Text(BytesText::from_escaped("\n")))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::Reader;
    use quick_xml::events::Event;

    const HOSTILE: &str =
        "a\u{0}b\u{1b}[31m<red>&amp;\"quo'te\"\u{7}\u{7f}\u{9b}\u{FFFF}\nsecond\tline\r]]>";

    /// The XML 1.0 `Char` production (§2.2).
    fn xml10_char(c: char) -> bool {
        matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
    }

    #[test]
    fn hostile_text_gives_well_formed_xml_with_the_text_kept_and_controls_replaced() {
        let xml = one_error(&OneError {
            suite: HOSTILE,
            properties: &[("implementation", HOSTILE)],
            name: HOSTILE,
            classname: HOSTILE,
            kind: "CRASH",
            message: HOSTILE,
        });
        assert!(xml.chars().all(xml10_char), "{xml:?}");
        assert!(
            !xml.contains('\u{1b}') && !xml.contains('\u{9b}'),
            "{xml:?}"
        );
        let mut reader = Reader::from_str(&xml);
        let mut messages = Vec::new();
        let mut elements = 0;
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(Event::Start(e) | Event::Empty(e)) => {
                    elements += 1;
                    if let Some(a) = e.try_get_attribute("message").unwrap() {
                        messages.push(
                            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                .unwrap()
                                .into_owned(),
                        );
                    }
                }
                Ok(_) => {}
                Err(e) => panic!(
                    "not well-formed at {}: {e}\n{xml}",
                    reader.buffer_position()
                ),
            }
        }
        // testsuites, testsuite, properties, property, testcase, error.
        assert_eq!(elements, 6, "{xml}");
        // Line breaks, tabs and markup characters come back as they were
        // (after the attribute-value normalization every reader applies).
        assert_eq!(messages, [xml::safe(HOSTILE).into_owned()]);
        assert!(
            messages[0].contains("<red>&amp;\"quo'te\"")
                && messages[0].contains("\nsecond\tline\r")
        );
    }

    #[test]
    fn a_documented_failure_names_the_page_line_in_its_message() {
        let failure = Case::Failure {
            kind: "R.x".to_owned(),
            message: "wrong".to_owned(),
            body: "b".to_owned(),
        };
        assert_eq!(
            failure.clone().documented(Some("spec/use-cases/p.md:57")),
            Case::Failure {
                kind: "R.x".to_owned(),
                message: "wrong (documented at spec/use-cases/p.md:57)".to_owned(),
                body: "b".to_owned(),
            }
        );
        assert_eq!(failure.clone().documented(None), failure);
        assert_eq!(
            Case::Passed.documented(Some("spec/use-cases/p.md:1")),
            Case::Passed
        );
    }
}
