//! `enmeshed-conformance run`: the conformance run and its CI gate
//! (expectations, reports, listing).

use super::adapter::{AdapterArgs, StartError, timeout_hint};
use super::start_report::StartFailure;
use super::{EXIT_FAILED, EXIT_INCOMPLETE, EXIT_PASSED, usage};
use cucumber::gherkin::tagexpr::TagOperation;
use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::expectations::{self, Expectations, Finding};
use enmeshed_conformance::fsio::{self, outputs::Named};
use enmeshed_conformance::outcome::Outcome;
use enmeshed_conformance::runner::features::{self, Features};
use enmeshed_conformance::runner::properties::FuzzBudget;
use enmeshed_conformance::runner::{self, RunError, RunOptions, RunReport, junit, reports};
use enmeshed_conformance::sanitize::terminal;
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
    #[arg(long, value_name = "EXPR", value_parser = TagsParser)]
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
    /// Known failures (TOML); the run passes when the failures are exactly these.
    #[arg(long, value_name = "FILE")]
    pub expectations: Option<PathBuf>,
    /// Fail the gate while an entry or waiver of the --expectations file has a `TODO` reason.
    #[arg(long, requires = "expectations")]
    pub strict: bool,
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
    /// Seed of the fuzz properties (printed by every run): a number replays them, `random`
    /// explores new cases. Default: a fixed seed derived from the suite version, so the same
    /// implementation gets the same verdict every time.
    #[arg(long, value_name = "S|random")]
    pub seed: Option<enmeshed_conformance::fuzz::SeedChoice>,
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
            tags: self.tags.clone(),
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
                seed: enmeshed_conformance::fuzz::SeedChoice::resolve(self.seed),
            }),
        }
    }

    /// Whether the run leaves scenarios out.
    fn partial(&self) -> bool {
        self.tags.is_some() || self.name.is_some() || self.fail_fast
    }
}

/// The value parser of `--tags`: [`parse_tags`], with an error message of
/// its own (clap's would quote the whole expression first, however long).
#[derive(Debug, Clone, Copy)]
struct TagsParser;

impl clap::builder::TypedValueParser for TagsParser {
    type Value = TagOperation;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<TagOperation, clap::Error> {
        let text = value.to_str().ok_or_else(|| {
            clap::Error::raw(
                clap::error::ErrorKind::InvalidUtf8,
                "--tags: the tag expression is not UTF-8\n",
            )
        })?;
        parse_tags(text).map_err(|e| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("--tags: {e}\n"),
            )
        })
    }
}

/// The deepest nesting of parentheses a `--tags` expression may have.
pub const MAX_TAG_NESTING: usize = 64;
/// The most operators (`and`, `or`, `not`) a `--tags` expression may have.
pub const MAX_TAG_OPERATORS: usize = 256;

/// Parses `--tags`, within [`MAX_TAG_NESTING`] and [`MAX_TAG_OPERATORS`]
/// (the parser and the evaluation recurse once per level: an expression
/// nested 20,000 deep would overflow the stack).
fn parse_tags(text: &str) -> Result<TagOperation, String> {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_TAG_NESTING {
        return Err(format!(
            "the tag expression nests {deepest} levels of parentheses; at most {MAX_TAG_NESTING} are allowed"
        ));
    }
    let operators = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| matches!(*w, "and" | "or" | "not"))
        .count();
    if operators > MAX_TAG_OPERATORS {
        return Err(format!(
            "the tag expression has {operators} operators (and, or, not); at most {MAX_TAG_OPERATORS} are allowed"
        ));
    }
    text.parse::<TagOperation>()
        .map_err(|e| format!("not a tag expression: {e}"))
}

/// Runs `run`: starts the implementation, runs the suite, stops it. When the
/// implementation does not start, the reports asked for still say why.
pub async fn command(args: &RunArgs) -> ExitCode {
    if let Err(e) = check_paths(args) {
        return usage(e);
    }
    let adapter = match args.adapter.start().await {
        Ok(adapter) => adapter,
        Err(e) => return start_failed(args, &e),
    };
    let code = run_against(adapter.clone(), args).await;
    adapter.close().await;
    code
}

/// Checks the output paths before anything runs (also before a start
/// failure writes its reports): no output may be an input (a feature file,
/// the expectations file) or another output, and each must be writable (its
/// directory exists). Nothing is created.
fn check_paths(args: &RunArgs) -> Result<(), String> {
    let options = args.options();
    let sources = features::discover(&options.features)?;
    let mut inputs: Vec<Named> = sources
        .iter()
        .filter_map(features::FeatureSource::file)
        .map(|f| Named::new("feature file", f))
        .collect();
    if let Some(path) = &args.expectations {
        inputs.push(Named::new("--expectations", path));
    }
    fsio::outputs::check(&runner::report_outputs(&options), &inputs)?;
    if args.update_expectations
        && let Some(path) = &args.expectations
    {
        fsio::check_writable(path).map_err(|e| format!("--expectations: {e}"))?;
    }
    Ok(())
}

/// Reports an implementation that did not start: the error on stderr, and
/// one errored test case in `--junit` and `--summary`.
fn start_failed(args: &RunArgs, error: &StartError) -> ExitCode {
    let hint = timeout_hint(error, &args.adapter);
    eprintln!("error: {}", terminal::text(&format!("{error}{hint}")));
    if !args.list {
        let command = args.adapter.adapter_cmd.as_deref().unwrap_or_default();
        let mut failure = StartFailure::new(command, error, &hint);
        failure.spec_digest = features::discover(&args.options().features)
            .and_then(|sources| features::sources_digest(&sources))
            .ok();
        for problem in failure.write(args.junit.as_deref(), args.summary.as_deref()) {
            eprintln!("error: {}", terminal::text(&problem));
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
                    println!("{}", terminal::text(line));
                }
                println!("{} scenarios", lines.len());
                ExitCode::from(EXIT_PASSED)
            }
            Err(e) => usage(e),
        };
    }
    let report = match runner::run(adapter, &options).await {
        Ok(report) => report,
        Err(e @ RunError::Features(_)) => return usage(e),
        Err(e) => {
            eprintln!("error: {}", terminal::text(&e.to_string()));
            return ExitCode::from(EXIT_FAILED);
        }
    };
    finish(args, &report, expectations.as_ref())
}

/// The gate's findings that belong to no scenario of the run.
fn run_level(finding: &Finding) -> bool {
    matches!(
        finding,
        Finding::StaleWaiver { .. }
            | Finding::Unmatched { .. }
            | Finding::TooBroad { .. }
            | Finding::TodoReason { .. }
    )
}

/// Expectations, reports (written once the gate has judged), exit code; the
/// verdict is the last line on standard output.
fn finish(args: &RunArgs, report: &RunReport, expectations: Option<&Expectations>) -> ExitCode {
    let meta = report.metadata();
    let mut problems = Vec::new();
    let todo = expectations
        .map(Expectations::todo_reasons)
        .unwrap_or_default();
    let (findings, judged) = match expectations {
        Some(e) => {
            let (mut findings, judged) =
                expectations::check_each(e, &report.tally.scenarios, &report.waived);
            if args.partial() {
                // A run that leaves scenarios out cannot tell which waivers are stale.
                findings.retain(|f| !matches!(f, Finding::StaleWaiver { .. }));
            }
            if args.strict {
                findings.extend(todo.iter().map(|entry| Finding::TodoReason {
                    entry: entry.clone(),
                }));
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
    for label in &todo {
        println!(
            "warning: {label}: the reason is still a TODO{}",
            if args.strict {
                " (--strict: this fails the gate)"
            } else {
                "; --strict fails the gate on it"
            }
        );
    }
    let strict_failed = args.strict && !todo.is_empty();
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
                println!("  {}", terminal::text(&f.render()));
            }
            failing.is_empty()
                && report.tally.parse_errors.is_empty()
                // Everything skipped or waived: nothing was shown to conform.
                && report.tally.count(Outcome::Passed) > 0
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
        problems.extend(reports::write_json(path, report, &meta, judged.as_deref()).err());
    }
    if let Some(path) = &args.summary {
        let gate = match (&findings, &judged) {
            (Some(findings), Some(judged)) => Some(reports::GateView {
                findings,
                judged,
                todo: &todo,
            }),
            _ => None,
        };
        let markdown = reports::summary_markdown(report, &meta, gate, gate_passed);
        problems.extend(
            enmeshed_conformance::fsio::write_file(path, markdown.as_bytes())
                .err()
                .map(|e| e.to_string()),
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
        eprintln!("error: {}", terminal::text(problem));
    }
    let summary = report.summary();
    let (details, counts_line) = summary.rsplit_once('\n').unwrap_or(("", &summary));
    let details: Vec<&str> = details
        .lines()
        .filter(|l| !args.quiet || !quiet_hides(l))
        .collect();
    if !details.is_empty() {
        println!("\n{}", terminal::text(&details.join("\n")));
    }
    if let Some(judged) = &judged {
        for (result, judged) in report.tally.scenarios.iter().zip(judged) {
            if let Some(note) = judged
                .as_ref()
                .and_then(enmeshed_conformance::runner::cucumber_json::expected_note)
            {
                println!(
                    "EXPECTED {}: {}",
                    result.scenario,
                    note.lines().next().unwrap_or_default()
                );
            }
        }
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
                match (gate_passed, strict_failed) {
                    (true, _) => "PASSED".to_owned(),
                    (false, true) => format!("FAILED (--strict: {} TODO reasons)", todo.len()),
                    (false, false) => "FAILED".to_owned(),
                }
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
