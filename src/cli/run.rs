//! `enmeshed-conformance run`: the conformance run and its CI gate
//! (expectations, reports, listing).

use super::EXIT_PASSED;
use super::adapter::{AdapterArgs, StartError, timeout_hint};
use cucumber::gherkin::tagexpr::TagOperation;
use enmeshed_conformance::levels::Level;
use enmeshed_conformance::run::start_failure::StartFailure;
use enmeshed_conformance::run::{Printing, Run};
use enmeshed_conformance::runner::RunOptions;
use enmeshed_conformance::runner::features::Features;
use enmeshed_conformance::runner::properties::FuzzBudget;
use enmeshed_conformance::sanitize::terminal;
use regex::Regex;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Print a GitHub Actions annotation (`::error title=RULE-ID::scenario: summary`) per failed
    /// or errored test case that is not an expected failure; on by itself when GITHUB_ACTIONS=true.
    #[arg(long)]
    pub annotations: bool,
    /// Print only the failures and the verdict (no per-step report).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// How many implementation processes `--adapter-cmd` starts (at most 64; default 1). Each
    /// scenario runs whole on one of them, so a fault of one process errors only its own
    /// scenarios; the model property's sequences and the calendar's instants go to any free one;
    /// the concurrency properties and protocol checks run on the first. Verdicts and reports do
    /// not depend on N.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "adapter_cmd", value_parser = clap::value_parser!(u16).range(1..=i64::from(enmeshed_conformance::runner::MAX_JOBS)))]
    pub jobs: u16,
    /// How many scenarios run at once (at most 1024). Default: 64 in process, --jobs with
    /// --adapter-cmd (one scenario per process at a time; more share a process, and a fault of a
    /// process errors every scenario on it).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=i64::from(enmeshed_conformance::runner::MAX_CONCURRENCY)))]
    pub concurrency: Option<u16>,
    /// Random operation sequences of the fuzz property `run` runs after the features
    /// (the concurrency properties get a fixed share; at most 1000000).
    #[arg(long, value_name = "N", default_value_t = FuzzBudget::DEFAULT_CASES, value_parser = clap::value_parser!(u32).range(1..=i64::from(enmeshed_conformance::fuzz::MAX_CASES)))]
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
            self.jobs
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
}

/// The value parser of `--tags`: [`enmeshed_conformance::run::tags::parse`], with an error message of
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
        enmeshed_conformance::run::tags::parse(text).map_err(|e| {
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("--tags: {e}\n"),
            )
        })
    }
}

/// Runs `run`: checks the run, starts the implementation, runs the suite,
/// stops it. When the implementation does not start, the reports asked for
/// still say why.
pub async fn command(args: &RunArgs) -> ExitCode {
    let run = match args.run().checked() {
        Ok(run) => run,
        Err(e) => return fail(&e),
    };
    let started =
        futures::future::join_all((0..args.jobs.max(1)).map(|_| args.adapter.start())).await;
    let mut processes = Vec::new();
    let mut failed = None;
    for process in started {
        match process {
            Ok(adapter) => processes.push(adapter),
            Err(e) => failed = failed.or(Some(e)),
        }
    }
    if let Some(e) = failed {
        for adapter in &processes {
            adapter.close().await;
        }
        return start_failed(&run, args, &e);
    }
    let mut others = processes.clone();
    let first = others.remove(0);
    let code = run_against(run.adapter(first).more_processes(others), args).await;
    for adapter in &processes {
        adapter.close().await;
    }
    code
}

impl RunArgs {
    /// The library's [`Run`] these arguments ask for (no implementation yet).
    pub fn run(&self) -> Run {
        Run::unstarted(self.options())
            .implementation_command(self.adapter.adapter_cmd.clone())
            .expectations_opt(self.expectations.clone())
            .update_expectations(self.update_expectations)
            .strict(self.strict)
            .results_opt(self.results.clone())
            .level(self.level)
    }
}

/// Reports an implementation that did not start: the error on stderr, and
/// one errored test case in `--junit` and `--summary` (written by the run).
fn start_failed(run: &Run, args: &RunArgs, error: &StartError) -> ExitCode {
    let hint = timeout_hint(error, &args.adapter);
    eprintln!("error: {}", terminal::text(&format!("{error}{hint}")));
    if !args.list {
        let command = args.adapter.adapter_cmd.as_deref().unwrap_or_default();
        let (kind, cause) = match error {
            StartError::Usage(message) => ("USAGE", message.clone()),
            StartError::Failed(e) => (e.fault.label(), e.message.clone()),
        };
        let failure = StartFailure::new(command, kind, &format!("{cause}{hint}"));
        for problem in run.start_failed(failure) {
            eprintln!("error: {}", terminal::text(&problem));
        }
    }
    error.exit_code()
}

/// Runs `run` (its implementation given): prints the report and returns the exit code.
pub async fn run_against(run: Run, args: &RunArgs) -> ExitCode {
    if args.list {
        return match run.list().await {
            Ok(lines) => {
                for line in &lines {
                    println!("{}", terminal::text(line));
                }
                println!("{} scenarios", lines.len());
                ExitCode::from(EXIT_PASSED)
            }
            Err(e) => fail(&e),
        };
    }
    let result = match run.execute().await {
        Ok(result) => result,
        Err(e) => return fail(&e),
    };
    let printing = Printing {
        quiet: args.quiet,
        annotations: args.annotations || Printing::from_env().annotations,
    };
    // A closed standard output (`| head`) is not a verdict: the exit code stays.
    let _ = result.print(
        printing,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(result.exit_code())
}

/// Prints a run that could not be made, and returns its exit code.
fn fail(error: &enmeshed_conformance::run::Error) -> ExitCode {
    eprintln!("error: {}", terminal::text(&error.to_string()));
    ExitCode::from(error.exit_code())
}
