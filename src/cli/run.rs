//! `enmeshed-conformance run`: the conformance run and its CI gate
//! (expectations, reports, listing).

use super::adapter::{AdapterArgs, StartError, timeout_hint};
use super::start_report::StartFailure;
use super::{EXIT_FAILED, EXIT_INCOMPLETE, EXIT_PASSED, usage};
use cucumber::gherkin::tagexpr::TagOperation;
use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::expectations::{self, Expectations, Finding};
use enmeshed_conformance::levels::Level;
use enmeshed_conformance::outcome::Outcome;
use enmeshed_conformance::results;
use enmeshed_conformance::runner::features::{self, Features};
use enmeshed_conformance::runner::properties::FuzzBudget;
use enmeshed_conformance::runner::{self, RunError, RunOptions, RunReport, junit, reports};
use regex::Regex;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Options of `run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Feature file or directory (searched recursively); repeatable; replaces the suite built
    /// into this binary (the default; `features export DIR` writes it out).
    #[arg(long = "features", value_name = "DIR")]
    pub features: Vec<PathBuf>,
    /// Only scenarios matching this cucumber tag expression, e.g. "@RID1 and not @requires.clock".
    #[arg(long, value_name = "EXPR", value_parser = parse_tags)]
    pub tags: Option<TagOperation>,
    /// Only scenarios whose name matches this regular expression.
    #[arg(long, value_name = "REGEX")]
    pub name: Option<Regex>,
    /// Write a JUnit XML report here (also when the run fails).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write a Cucumber JSON report here.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write a Markdown summary here (e.g. "$GITHUB_STEP_SUMMARY").
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Write the suite's results file here (JSON, schemas/results.schema.json; `report` reads it).
    #[arg(long, value_name = "FILE")]
    pub results: Option<PathBuf>,
    /// Only rules at this level or above: published > derived > documented-elsewhere > platform
    /// (the gate judges only those).
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<Level>,
    /// Known failures (TOML); the run passes when the failures are exactly these.
    #[arg(long, value_name = "FILE")]
    pub expectations: Option<PathBuf>,
    /// Rewrite the --expectations file from this run's failures (complete runs only).
    #[arg(long, requires = "expectations")]
    pub update_expectations: bool,
    /// Print the scenarios (with tags) the run would execute, without running them.
    #[arg(long)]
    pub list: bool,
    /// Stop after the first failing scenario.
    #[arg(long)]
    pub fail_fast: bool,
    /// Print only the failures and the verdict (no per-step report).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// How many scenarios run at once. Default: 64 in process, 1 with --adapter-cmd (scenarios then
    /// share one child process, and a fault in one errors the others).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: Option<u16>,
    /// Random operation sequences of the fuzz property `run` runs after the features
    /// (the concurrency properties get a fixed share).
    #[arg(long, value_name = "N", default_value_t = FuzzBudget::DEFAULT_CASES, value_parser = clap::value_parser!(u32).range(1..))]
    pub fuzz_cases: u32,
    /// Run the features only, no fuzz properties.
    #[arg(long, conflicts_with = "fuzz_cases")]
    pub no_fuzz: bool,
    /// Seed of the fuzz properties (printed by every run; the same seed reproduces them).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// The implementation under test.
    #[command(flatten)]
    pub adapter: AdapterArgs,
}

impl RunArgs {
    /// The runner options these arguments ask for.
    pub fn options(&self) -> RunOptions {
        let features = if self.features.is_empty() {
            Features::Embedded
        } else {
            Features::Paths(self.features.clone())
        };
        let default_concurrency = if self.adapter.adapter_cmd.is_some() {
            1
        } else {
            64
        };
        RunOptions {
            features,
            tags: level_tags(self.tags.clone(), self.level),
            name: self.name.clone(),
            junit: self.junit.clone(),
            json: self.json.clone(),
            concurrency: usize::from(self.concurrency.unwrap_or(default_concurrency)),
            console: !self.quiet,
            fail_fast: self.fail_fast,
            waivers: Default::default(),
            summary: self.summary.clone(),
            fuzz: (!self.no_fuzz).then(|| FuzzBudget {
                cases: self.fuzz_cases,
                concurrency_cases: FuzzBudget::DEFAULT_CONCURRENCY_CASES,
                seed: self
                    .seed
                    .unwrap_or_else(enmeshed_conformance::fuzz::random_seed),
            }),
        }
    }

    /// Whether the run leaves scenarios out.
    fn partial(&self) -> bool {
        self.tags.is_some() || self.name.is_some() || self.fail_fast || self.level.is_some()
    }
}

/// `--tags` restricted to the levels at or above `--level`.
fn level_tags(tags: Option<TagOperation>, level: Option<Level>) -> Option<TagOperation> {
    let Some(level) = level else { return tags };
    let levels = Level::ALL
        .into_iter()
        .filter(|l| l.at_or_above(level))
        .map(|l| TagOperation::Tag(l.tag()))
        .reduce(|a, b| TagOperation::Or(Box::new(a), Box::new(b)))?;
    Some(match tags {
        Some(tags) => TagOperation::And(Box::new(tags), Box::new(levels)),
        None => levels,
    })
}

/// Parses `--tags`.
fn parse_tags(text: &str) -> Result<TagOperation, String> {
    text.parse::<TagOperation>()
        .map_err(|e| format!("not a tag expression: {e}"))
}

/// Runs `run`: starts the implementation, runs the suite, stops it. When the
/// implementation does not start, the reports asked for still say why.
pub async fn command(args: &RunArgs) -> ExitCode {
    let adapter = match args.adapter.start().await {
        Ok(adapter) => adapter,
        Err(e) => return start_failed(args, &e),
    };
    let code = run_against(adapter.clone(), args).await;
    adapter.close().await;
    code
}

/// Reports an implementation that did not start: the error on stderr, and
/// one errored test case in `--junit` and `--summary`.
fn start_failed(args: &RunArgs, error: &StartError) -> ExitCode {
    let hint = timeout_hint(error, &args.adapter);
    eprintln!("error: {error}{hint}");
    if !args.list {
        let command = args.adapter.adapter_cmd.as_deref().unwrap_or_default();
        let mut failure = StartFailure::new(command, error, &hint);
        failure.spec_digest = features::discover(&args.options().features)
            .and_then(|sources| features::sources_digest(&sources))
            .ok();
        for problem in failure.write(args.junit.as_deref(), args.summary.as_deref()) {
            eprintln!("error: {problem}");
        }
    }
    error.exit_code()
}

/// Runs `run` against `adapter`: prints the report and returns the exit code.
pub async fn run_against(adapter: Arc<dyn Adapter>, args: &RunArgs) -> ExitCode {
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
fn finish(args: &RunArgs, report: &RunReport, expectations: Option<&Expectations>) -> ExitCode {
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
            if args.level.is_some() {
                // The gate judges the rules at the level and above: an entry for a
                // scenario of a lower level is not judged.
                findings.retain(|f| !matches!(f, Finding::Unmatched { .. }));
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
    if let Some(path) = &args.junit {
        problems.extend(reports::write_junit(path, &input).err());
    }
    if let Some(path) = &args.json {
        problems.extend(reports::write_json(path, report, &meta).err());
    }
    if let Some(path) = &args.summary {
        let markdown = reports::summary_markdown(report, &meta, findings.as_deref(), gate_passed);
        problems.extend(
            std::fs::write(path, markdown)
                .err()
                .map(|e| format!("cannot write {}: {e}", path.display())),
        );
    }
    if let Some(path) = &args.results {
        let gate = results::GateSummary {
            expectations: expectations.map(|e| e.path.display().to_string()),
            passed: gate_passed,
            problems: findings
                .iter()
                .flatten()
                .filter(|f| f.fails())
                .map(Finding::render)
                .collect(),
            waivers: expectations
                .iter()
                .flat_map(|e| &e.waivers)
                .map(|w| (w.rule.clone(), w.reason.clone(), w.issue.clone()))
                .collect(),
            seed: report.seed,
            level: args.level,
            partial: args.partial(),
        };
        let file = results::build(report, judged.as_deref(), &gate);
        problems.extend(results::write(path, &file).err());
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
    println!("{}", failures_by_level(report));
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

/// The closing summary's count of failed, errored and undefined test cases per level.
fn failures_by_level(report: &RunReport) -> String {
    let counts: Vec<String> = Level::ALL
        .iter()
        .map(|level| {
            let failed = report
                .tally
                .scenarios
                .iter()
                .filter(|s| Level::of_tags(&s.tags) == Some(*level))
                .filter(|s| {
                    matches!(
                        s.outcome,
                        Outcome::Failed | Outcome::Errored | Outcome::Undefined
                    )
                })
                .count();
            format!("{level} {failed}")
        })
        .collect();
    format!("failed by level: {}", counts.join(", "))
}

/// The summary lines `--quiet` leaves out: everything but failures.
fn quiet_hides(line: &str) -> bool {
    line.starts_with("implementation: ")
        || line.starts_with("suite: ")
        || line.starts_with("SKIPPED ")
}
