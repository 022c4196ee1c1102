//! The whole of `enmeshed-conformance run` as a library call: the features,
//! the fuzz properties and the protocol check, the expectations gate, every
//! report, and the exit code the result implies.

pub mod exit;

use crate::adapter::Adapter;
use crate::expectations::{self, Expectations, Finding};
use crate::outcome::Outcome;
use crate::runner::{self, RunError, RunOptions, RunReport, junit, reports};
use exit::{EXIT_FAILED, EXIT_INCOMPLETE, EXIT_PASSED};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// What a run is asked to do beyond [`RunOptions`]: the gate and the console.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// What to run and where to report.
    pub options: RunOptions,
    /// Known failures (TOML); the run passes when the failures are exactly these.
    pub expectations: Option<PathBuf>,
    /// Rewrite the expectations file from this run's failures (complete runs only).
    pub update_expectations: bool,
    /// List the scenarios the run would execute, without running them.
    pub list: bool,
    /// Print only the failures and the verdict.
    pub quiet: bool,
}

impl RunRequest {
    /// The runner options.
    pub fn options(&self) -> RunOptions {
        self.options.clone()
    }

    /// Whether the run leaves scenarios out.
    fn partial(&self) -> bool {
        self.options.tags.is_some() || self.options.name.is_some() || self.options.fail_fast
    }
}

/// Prints `message` as an error and returns the bad-usage exit code.
fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(exit::EXIT_USAGE)
}

/// Runs `run` against `adapter`: prints the report and returns the exit code.
pub async fn run_against(adapter: Arc<dyn Adapter>, args: &RunRequest) -> ExitCode {
    if args.update_expectations && args.partial() {
        return usage(
            "--update-expectations needs a complete run: drop --tags, --name and --fail-fast",
        );
    }
    let expectations = match (&args.expectations, args.update_expectations) {
        (Some(path), false) => match expectations::load(path) {
            Ok(e) => Some(e),
            Err(e) => return usage(e),
        },
        _ => None,
    };
    let mut options = args.options();
    if let Some(e) = &expectations {
        options.waivers = std::sync::Arc::new(e.waivers());
    }
    if args.list {
        let info = match adapter.describe().await {
            Ok(info) => info,
            Err(e) => return usage(e),
        };
        return match runner::list(&info, &options) {
            Ok(lines) => {
                for line in &lines {
                    println!("{line}");
                }
                println!("{} scenarios", lines.len());
                ExitCode::from(EXIT_PASSED)
            }
            Err(e) => usage(e),
        };
    }
    let report = match runner::run(adapter, &options).await {
        Ok(report) => report,
        Err(e @ (RunError::Features(_) | RunError::Report { .. })) => return usage(e),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    finish(args, &report, expectations.as_ref())
}

/// The gate's findings that belong to no scenario of the run.
fn run_level(finding: &Finding) -> bool {
    matches!(
        finding,
        Finding::StaleWaiver { .. } | Finding::Unmatched { .. } | Finding::TooBroad { .. }
    )
}

/// Expectations, reports (written once the gate has judged), exit code; the
/// verdict is the last line on standard output.
fn finish(args: &RunRequest, report: &RunReport, expectations: Option<&Expectations>) -> ExitCode {
    let meta = report.metadata();
    let mut problems = Vec::new();
    let (findings, judged) = match expectations {
        Some(e) => {
            let (mut findings, judged) =
                expectations::check_each(e, &report.tally.scenarios, &report.waived);
            if args.partial() {
                // A run that leaves scenarios out cannot tell which waivers are stale.
                findings.retain(|f| !matches!(f, Finding::StaleWaiver { .. }));
            }
            (Some(findings), Some(judged))
        }
        None => (None, None),
    };
    if let Some(e) = expectations {
        for waiver in &e.waivers {
            let count = report.waived.get(&waiver.rule).copied().unwrap_or(0);
            println!(
                "waived, expected: {} ({count} checks): {}",
                waiver.rule, waiver.reason
            );
        }
    }
    let gate_passed = match &findings {
        Some(findings) => {
            let failing: Vec<&Finding> = findings.iter().filter(|f| f.fails()).collect();
            println!(
                "expectations ({}): {} expected failures, {} problems",
                expectations
                    .map(|e| e.path.display().to_string())
                    .unwrap_or_default(),
                findings.len() - failing.len(),
                failing.len()
            );
            for f in &failing {
                println!("  {}", f.render());
            }
            failing.is_empty()
                && report.tally.parse_errors.is_empty()
                && report
                    .tally
                    .scenarios
                    .iter()
                    .any(|s| s.outcome != Outcome::Skipped)
        }
        None => report.passed(),
    };
    let gate_problems: Vec<Finding> = findings
        .iter()
        .flatten()
        .filter(|f| run_level(f))
        .cloned()
        .collect();
    let input = junit::Input {
        records: &report.records,
        judged: judged.as_deref(),
        gate_problems: &gate_problems,
        parse_errors: &report.tally.parse_errors,
        meta: &meta,
    };
    if let Some(path) = &args.options.junit {
        problems.extend(reports::write_junit(path, &input).err());
    }
    if let Some(path) = &args.options.json {
        problems.extend(reports::write_json(path, report, &meta).err());
    }
    if let Some(path) = &args.options.summary {
        let markdown = reports::summary_markdown(report, &meta, findings.as_deref(), gate_passed);
        problems.extend(
            std::fs::write(path, markdown)
                .err()
                .map(|e| format!("cannot write {}: {e}", path.display())),
        );
    }
    let mut updated = false;
    if args.update_expectations
        && let Some(path) = &args.expectations
    {
        match expectations::update(path, &report.tally.scenarios) {
            Ok(s) => {
                println!(
                    "updated {}: kept {}, removed {}, added {} entries",
                    path.display(),
                    s.kept,
                    s.removed,
                    s.added
                );
                if s.added > 0 {
                    println!("fill in the `reason` of the added entries");
                }
                updated = true;
            }
            Err(e) => problems.push(e),
        }
    }
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    let summary = report.summary();
    let (details, counts_line) = summary.rsplit_once('\n').unwrap_or(("", &summary));
    let details: Vec<&str> = details
        .lines()
        .filter(|l| !args.quiet || !quiet_hides(l))
        .collect();
    if !details.is_empty() {
        println!("\n{}", details.join("\n"));
    }
    match &judged {
        None => println!("{counts_line}"),
        Some(judged) => {
            let counts = junit::counts(&input);
            let listed = judged
                .iter()
                .filter(|j| matches!(j, Some(expectations::Judged::Listed { .. })))
                .count();
            let waived = judged
                .iter()
                .filter(|j| matches!(j, Some(expectations::Judged::Waived { .. })))
                .count();
            let t = &report.tally;
            let failed =
                t.count(Outcome::Failed) + t.count(Outcome::Errored) + t.count(Outcome::Undefined);
            println!(
                "{} passed, {failed} failed ({} expected: {listed} listed, {waived} waived), {} skipped — gate: {}",
                t.count(Outcome::Passed),
                listed + waived,
                t.count(Outcome::Skipped),
                if gate_passed { "PASSED" } else { "FAILED" }
            );
            // The plain closing line CI harnesses read: the test cases of the
            // JUnit report (expected failures count as skipped there).
            println!(
                "gate: {} passed, {} failed, {} skipped",
                counts.passed(),
                counts.failures + counts.errors,
                counts.skipped
            );
        }
    }
    if updated && problems.is_empty() {
        return ExitCode::from(EXIT_PASSED);
    }
    let t = &report.tally;
    let only_undefined = t.count(Outcome::Undefined) > 0
        && t.count(Outcome::Failed) + t.count(Outcome::Errored) == 0;
    ExitCode::from(if gate_passed && problems.is_empty() {
        EXIT_PASSED
    } else if only_undefined && problems.is_empty() {
        EXIT_INCOMPLETE
    } else {
        EXIT_FAILED
    })
}

/// The summary lines `--quiet` leaves out: everything but failures.
fn quiet_hides(line: &str) -> bool {
    line.starts_with("implementation: ")
        || line.starts_with("suite: ")
        || line.starts_with("SKIPPED ")
}
