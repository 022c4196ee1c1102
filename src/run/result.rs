//! What a [`super::Run`] returns: the report, the gate's judgement, the
//! verdict and exit code, and the lines `run` prints after the features
//! ([`RunResult::print`], the one call the command line prints them with).

use super::policy::{self, RunVerdict};
use crate::expectations::{self, Expectations, Finding, Judged, UpdateSummary};
use crate::levels::Level;
use crate::outcome::{Outcome, ScenarioResult};
use crate::runner::{RunReport, junit};
use std::io::{self, Write};
use std::path::PathBuf;

/// How the expectations gate judged a run.
#[derive(Debug, Clone)]
pub struct Gate {
    /// The expectations file.
    pub path: PathBuf,
    /// Each waiver: its rule, how many checks it waived, its reason.
    pub waivers: Vec<(String, usize, String)>,
    /// Every finding (expected failures and problems; a partial run leaves
    /// out stale waivers, which it cannot tell).
    pub findings: Vec<Finding>,
    /// How each scenario was judged, aligned with the run's results.
    pub judged: Vec<Option<Judged>>,
    /// Entries and waivers whose reason is still a `TODO`.
    pub todo: Vec<String>,
    /// Whether a `TODO` reason fails the gate (`--strict`).
    pub strict: bool,
}

impl Gate {
    /// Judges `report` by `expectations`; `partial`: the run left scenarios
    /// out; `strict`: a `TODO` reason fails the gate.
    pub fn judge(
        expectations: &Expectations,
        report: &RunReport,
        partial: bool,
        strict: bool,
    ) -> Self {
        let (mut findings, judged) =
            expectations::check_each(expectations, &report.tally.scenarios, &report.waived);
        if partial {
            // A run that leaves scenarios out cannot tell which waivers are stale.
            findings.retain(|f| !matches!(f, Finding::StaleWaiver { .. }));
        }
        let todo = expectations.todo_reasons();
        if strict {
            findings.extend(todo.iter().map(|entry| Finding::TodoReason {
                entry: entry.clone(),
            }));
        }
        let waivers = expectations
            .waivers
            .iter()
            .map(|w| {
                let count = report.waived.get(&w.rule).copied().unwrap_or(0);
                (w.rule.clone(), count, w.reason.clone())
            })
            .collect();
        Self {
            path: expectations.path.clone(),
            waivers,
            findings,
            judged,
            todo,
            strict,
        }
    }

    /// The findings that fail the gate.
    pub fn problems(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.fails())
    }
}

/// The counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Test cases (scenarios and properties) that passed.
    pub passed: usize,
    /// Failed (a conformance failure).
    pub failed: usize,
    /// Errored by the implementation's doing (a fault of the adapter or the
    /// implementation: it could not be judged).
    pub errored: usize,
    /// The suite's own problems: a step the suite does not define, or a
    /// fault of the suite itself (`ERRORED SUITE`); never the implementation's.
    pub undefined: usize,
    /// Skipped for a missing capability.
    pub skipped: usize,
    /// Generated from a bullet the suite cannot execute yet (not failed).
    pub pending: usize,
    /// Of the failed and errored: failures an expectations entry lists.
    pub listed: usize,
    /// Of the failed and errored: failures of a waived rule.
    pub waived: usize,
}

/// How [`RunResult::print`] prints: what `run`'s `--quiet` and
/// `--annotations` choose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Printing {
    /// Only the failures and the counts in the closing lines (`--quiet`).
    pub quiet: bool,
    /// The GitHub Actions annotations, one per failing rule
    /// ([`RunResult::annotations`]; `--annotations`).
    pub annotations: bool,
}

impl Printing {
    /// What `run` prints without options: everything, and the annotations
    /// when the environment is a GitHub Actions runner (`GITHUB_ACTIONS=true`).
    pub fn from_env() -> Self {
        Self {
            quiet: false,
            annotations: std::env::var_os("GITHUB_ACTIONS").is_some_and(|v| v == "true"),
        }
    }
}

/// Everything a run did and what it comes to.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The features' and properties' results, with the implementation and
    /// the records the reports were written from.
    pub report: RunReport,
    /// How the expectations gate judged the run, if there was one.
    pub gate: Option<Gate>,
    /// The gate's decision (without expectations: the run is green).
    pub passed: bool,
    /// Reports (or the expectations update) that could not be written.
    pub problems: Vec<String>,
    /// The rewritten expectations file and what changed in it.
    pub updated: Option<(PathBuf, UpdateSummary)>,
}

/// The most gate problems (and `TODO` reasons) the console lists; the rest
/// is counted in a `… N more` line.
pub const MAX_LISTED: usize = 50;

impl RunResult {
    /// What the run comes to.
    pub fn verdict(&self) -> RunVerdict {
        policy::verdict(
            self.passed,
            !self.problems.is_empty(),
            self.updated.is_some(),
            &self.report.tally,
            self.gate.as_ref().map(|g| g.findings.as_slice()),
        )
    }

    /// The exit code `enmeshed-conformance run` gives this result.
    pub fn exit_code(&self) -> u8 {
        self.verdict().exit_code()
    }

    /// The findings of the gate (empty without expectations).
    pub fn findings(&self) -> &[Finding] {
        self.gate.as_ref().map_or(&[], |g| g.findings.as_slice())
    }

    /// The counts of the run.
    pub fn counts(&self) -> Counts {
        let t = &self.report.tally;
        let judged = self.gate.iter().flat_map(|g| &g.judged);
        Counts {
            passed: t.count(Outcome::Passed),
            failed: t.count(Outcome::Failed),
            errored: t.count_charged(Outcome::Errored),
            undefined: t.suite_problems(),
            skipped: t.count(Outcome::Skipped),
            pending: t.count(Outcome::Pending),
            listed: judged
                .clone()
                .filter(|j| matches!(j, Some(Judged::Listed { .. })))
                .count(),
            waived: judged
                .filter(|j| matches!(j, Some(Judged::Waived { .. })))
                .count(),
        }
    }

    /// The test cases of the JUnit report (expected failures count as
    /// skipped there, the gate's own problems as failures).
    pub fn junit_counts(&self) -> junit::Counts {
        let meta = self.report.metadata();
        let gate_problems: Vec<Finding> = self
            .findings()
            .iter()
            .filter(|f| super::run_level(f))
            .cloned()
            .collect();
        junit::counts(&super::junit_input(
            &self.report,
            self.gate.as_ref(),
            &gate_problems,
            &meta,
        ))
    }

    /// Prints what `enmeshed-conformance run` prints after the features, in
    /// its order: the [gate lines](Self::gate_lines) on `out`, each report
    /// that could not be written on `err` (`error: …`), the
    /// [annotations](Self::annotations) when `printing` asks for them, and
    /// the [closing lines](Self::closing_lines) on `out`, the last of which
    /// is the verdict. The command line prints through this call. The text
    /// is made safe for a terminal ([`crate::sanitize::terminal`]); the
    /// annotations are escaped for the workflow log instead, and printed as
    /// they are.
    pub fn print(
        &self,
        printing: Printing,
        out: &mut impl Write,
        err: &mut impl Write,
    ) -> io::Result<()> {
        use crate::sanitize::terminal;
        for line in self.gate_lines() {
            writeln!(out, "{}", terminal::text(&line))?;
        }
        out.flush()?;
        for problem in &self.problems {
            writeln!(err, "error: {}", terminal::text(problem))?;
        }
        err.flush()?;
        if printing.annotations {
            for line in self.annotations() {
                writeln!(out, "{line}")?;
            }
        }
        for line in self.closing_lines(printing.quiet) {
            writeln!(out, "{}", terminal::text(&line))?;
        }
        out.flush()
    }

    /// [`RunResult::print`] on standard output and standard error, as `run`
    /// prints without options ([`Printing::from_env`]: the annotations on a
    /// GitHub Actions runner).
    pub fn print_to_console(&self) -> io::Result<()> {
        self.print(
            Printing::from_env(),
            &mut io::stdout().lock(),
            &mut io::stderr().lock(),
        )
    }

    /// What the gate says before the closing lines: each waiver with its
    /// count, the expectations' tally and problems, the update.
    pub fn gate_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(gate) = &self.gate {
            for (rule, count, reason) in &gate.waivers {
                lines.push(format!(
                    "waived, expected: {rule} ({count} checks): {reason}"
                ));
            }
            for label in gate.todo.iter().take(MAX_LISTED) {
                lines.push(format!(
                    "warning: {label}: the reason is still a TODO{}",
                    if gate.strict {
                        " (--strict: this fails the gate)"
                    } else {
                        "; --strict fails the gate on it"
                    }
                ));
            }
            if gate.todo.len() > MAX_LISTED {
                lines.push(format!(
                    "warning: … {} more entries or waivers whose reason is still a TODO",
                    gate.todo.len() - MAX_LISTED
                ));
            }
            let mut failing: Vec<&Finding> = gate.problems().collect();
            if failing.len() > MAX_LISTED {
                // Cut, the findings of the file's own entries (too broad,
                // unmatched) come first: each names an entry to fix.
                failing.sort_by_key(|f| !super::run_level(f));
            }
            lines.push(format!(
                "expectations ({}): {} expected failures, {} problems",
                gate.path.display(),
                gate.findings.len() - failing.len(),
                failing.len()
            ));
            lines.extend(
                failing
                    .iter()
                    .take(MAX_LISTED)
                    .map(|f| format!("  {}", f.render())),
            );
            if failing.len() > MAX_LISTED {
                lines.push(format!(
                    "  … {} more (--junit and --results list every one)",
                    failing.len() - MAX_LISTED
                ));
            }
            if policy::judged_nothing(&self.report.tally) {
                lines.push(
                    "  NOTHING CONFORMED: no test case that judges an answer of the implementation passed \
                     (the protocol's hygiene checks alone show nothing): no expectations file makes such a gate pass"
                        .to_owned(),
                );
            }
        }
        if let Some((path, s)) = &self.updated {
            lines.push(format!(
                "updated {}: kept {}, removed {}, added {} entries",
                path.display(),
                s.kept,
                s.removed,
                s.added
            ));
            if s.not_run > 0 {
                lines.push(format!(
                    "kept {} entries unjudged: their test case did not run in full (a property not run, a fuzz budget below the default or another seed, a capability skip)",
                    s.not_run
                ));
            }
            if s.added > 0 {
                lines.push("fill in the `reason` of the added entries".to_owned());
            }
        }
        lines
    }

    /// The run's new failures grouped by rule ([`crate::headlines`]): every
    /// failed or errored test case the expectations do not list or waive,
    /// the rule failing at the most authoritative level first. Each
    /// headline's example indexes `self.report.tally.scenarios`.
    pub fn headlines(&self) -> Vec<crate::headlines::Headline> {
        crate::runner::reports::headlines(
            &self.report,
            self.gate.as_ref().map(|g| g.judged.as_slice()),
        )
    }

    /// GitHub Actions failure annotations: one `::error title=TITLE::…` line
    /// per failing rule ([`RunResult::headlines`]; an errored case's fault
    /// kind, the outcome when there is no verdict), the title the rule and
    /// how many test cases it fails, the message the count by level and the
    /// clearest example: its scenario and its verdict's summary (a failure's
    /// with its expected and actual excerpts); when the example is a
    /// generated scenario, `file=` and `line=` name the published page and
    /// the line of its bullet (`title=…,file=spec/use-cases/<page>.md,line=N`),
    /// where GitHub shows the annotation. At most
    /// [`crate::headlines::MAX_ANNOTATIONS`]: the last one names the rules
    /// beyond. Expected failures (listed or waived by the expectations) are
    /// left out. The text is made safe by [`crate::sanitize::workflow`], so
    /// no line can start a second workflow command; print the lines as they
    /// are, not through [`crate::sanitize::terminal`].
    pub fn annotations(&self) -> Vec<String> {
        use crate::sanitize::workflow;
        let headlines = self.headlines();
        let (own, rest) = crate::headlines::annotated(&headlines);
        let mut lines: Vec<String> = own
            .iter()
            .map(|h| annotation(h, &self.report.tally.scenarios[h.example]))
            .collect();
        if let Some(rest) = rest {
            lines.push(format!(
                "::error title={}::{}",
                workflow::property(&format!("{} more failing rules", rest.len())),
                workflow::data(&crate::headlines::folded(rest))
            ));
        }
        // The suite's own faults are no failing rule of the implementation: one
        // warning each, about the suite.
        lines.extend(
            self.report
                .tally
                .scenarios
                .iter()
                .filter(|s| s.suites_own())
                .map(suite_warning),
        );
        lines
    }

    /// The console's headlines: each failing rule with its count and its
    /// clearest example (empty when nothing new failed).
    fn headline_lines(headlines: &[crate::headlines::Headline], report: &RunReport) -> Vec<String> {
        if headlines.is_empty() {
            return Vec::new();
        }
        let mut lines = vec![format!(
            "failures by rule: {}, the clearest example of each:",
            crate::headlines::overview(headlines)
        )];
        for h in headlines {
            let example = &report.tally.scenarios[h.example];
            lines.push(format!("RULE {}", h.title()));
            lines.push(format!(
                "  e.g. {} ({})",
                example.scenario,
                example.locations()
            ));
            lines.extend(
                crate::runner::reports::example_text(example)
                    .lines()
                    .map(|l| format!("    {l}")),
            );
        }
        lines.push(String::new());
        lines
    }

    /// The closing lines: what did not pass (with `quiet`, only the
    /// failures), then the counts; the last line is the verdict in the plain
    /// form CI harnesses read (`N passed, N failed, N skipped`, with a gate
    /// `gate: N passed, N failed, N skipped`).
    pub fn closing_lines(&self, quiet: bool) -> Vec<String> {
        let summary = self.report.summary();
        let (details, counts_line) = summary.rsplit_once('\n').unwrap_or(("", &summary));
        let mut lines = Vec::new();
        let details: Vec<&str> = details
            .lines()
            .filter(|l| !quiet || !quiet_hides(l))
            .collect();
        let headlines = self.headlines();
        // The headlines before the per-scenario list.
        let (head, list): (Vec<&str>, Vec<&str>) = details
            .iter()
            .partition(|l| l.starts_with("implementation: ") || l.starts_with("suite: "));
        if !details.is_empty() || !headlines.is_empty() {
            lines.push(String::new());
            lines.extend(head.iter().map(|l| (*l).to_owned()));
        }
        lines.extend(Self::headline_lines(&headlines, &self.report));
        lines.extend(list.iter().map(|l| (*l).to_owned()));
        if let Some(gate) = &self.gate {
            for (result, judged) in self.report.tally.scenarios.iter().zip(&gate.judged) {
                if let Some(note) = judged
                    .as_ref()
                    .and_then(crate::runner::cucumber_json::expected_note)
                {
                    lines.push(format!(
                        "EXPECTED {}: {}",
                        result.scenario,
                        note.lines().next().unwrap_or_default()
                    ));
                }
            }
        }
        lines.push(failures_by_level(&self.report));
        if !headlines.is_empty() {
            lines.push(failures_by_rule(&headlines));
        }
        if self.gate.is_none() {
            lines.push(counts_line.to_owned());
            return lines;
        }
        let c = self.counts();
        let junit = self.junit_counts();
        let strict_todo = self
            .gate
            .as_ref()
            .filter(|g| g.strict && !g.todo.is_empty())
            .map(|g| g.todo.len());
        // Waived checks counted as the waiver lines above count them.
        let waived_checks = self
            .gate
            .as_ref()
            .filter(|g| !g.waivers.is_empty())
            .map(|g| {
                let checks: usize = g.waivers.iter().map(|(_, n, _)| n).sum();
                format!(
                    "; {}",
                    crate::headlines::plural(checks, "check") + " waived"
                )
            })
            .unwrap_or_default();
        lines.push(format!(
            "{} passed, {} failed ({} expected: {} listed, {} waived{waived_checks}), {} skipped{} — gate: {}",
            c.passed,
            c.failed + c.errored,
            c.listed + c.waived,
            c.listed,
            c.waived,
            c.skipped,
            crate::runner::pending_count(c.pending),
            match (self.passed, strict_todo) {
                (true, _) => "PASSED".to_owned(),
                (false, Some(todo)) => format!("FAILED (--strict: {todo} TODO reasons)"),
                (false, None) => "FAILED".to_owned(),
            }
        ));
        // The plain closing line CI harnesses read: the test cases of the
        // JUnit report (expected failures count as skipped there).
        lines.push(format!(
            "gate: {} passed, {} failed, {} skipped",
            junit.passed(),
            junit.failures + junit.errors,
            junit.skipped
        ));
        lines
    }
}

/// The line that says how many test cases the suite could not judge.
pub fn suite_line(count: usize) -> String {
    format!(
        "not judged: {count} test cases, the suite's own problem (a step it does not define, or a fault of the suite), not the implementation's: report it to the suite (exit code {})",
        super::exit::EXIT_INCOMPLETE
    )
}

/// The annotation of a test case the suite could not judge: a warning about
/// the suite, never an error of the implementation.
fn suite_warning(result: &ScenarioResult) -> String {
    use crate::sanitize::workflow;
    format!(
        "::warning title={}::{}",
        workflow::property("suite fault (not the implementation's)"),
        workflow::data(&format!(
            "{}: {}",
            result.scenario,
            result.cause.clone().unwrap_or_default()
        ))
    )
}

/// The annotation of one failing rule: its count and its clearest example.
fn annotation(headline: &crate::headlines::Headline, example: &ScenarioResult) -> String {
    use crate::sanitize::workflow;
    // The page line of the bullet the example tests, where GitHub shows it.
    let file_line = example
        .doc_file_line()
        .map(|(file, line)| format!(",file={},line={line}", workflow::property(file)))
        .unwrap_or_default();
    format!(
        "::error title={}{file_line}::{}",
        workflow::property(&format!(
            "{} ({})",
            headline.key,
            crate::headlines::plural(headline.cases, "test case")
        )),
        workflow::data(&format!(
            "{}. Clearest example: {}: {}",
            headline.count(),
            example.scenario,
            crate::runner::reports::example_text(example)
        ))
    )
}

/// The closing summary's count of new failures per rule, in the headlines'
/// order (`failed by rule: RID1.gracePeriodEndsAt 51`), bounded like the
/// annotations.
fn failures_by_rule(headlines: &[crate::headlines::Headline]) -> String {
    let (own, rest) = crate::headlines::annotated(headlines);
    let mut counts: Vec<String> = own
        .iter()
        .map(|h| format!("{} {}", h.key, h.cases))
        .collect();
    if let Some(rest) = rest {
        counts.push(format!(
            "{} ({})",
            crate::headlines::more_rules(rest.len()),
            crate::headlines::plural(rest.iter().map(|h| h.cases).sum(), "test case")
        ));
    }
    format!("failed by rule: {}", counts.join(", "))
}

/// The summary lines `--quiet` leaves out: everything but failures.
fn quiet_hides(line: &str) -> bool {
    line.starts_with("implementation: ")
        || line.starts_with("suite: ")
        || line.starts_with("SKIPPED ")
}

/// The closing summary's count of failed and errored test cases per level
/// (the implementation's only: the suite's own problems are counted apart).
fn failures_by_level(report: &RunReport) -> String {
    let counts: Vec<String> = Level::ALL
        .iter()
        .map(|level| {
            let failed = report
                .tally
                .scenarios
                .iter()
                .filter(|s| Level::of_tags(&s.tags) == Some(*level))
                .filter(|s| s.implementation_failed())
                .count();
            format!("{level} {failed}")
        })
        .collect();
    format!("failed by level: {}", counts.join(", "))
}
