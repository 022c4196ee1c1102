//! The command line of `enmeshed-conformance`.

use crate::adapter::Adapter;
use crate::fuzz::{self, FuzzOptions};
use crate::reference::ReferenceImplementation;
use crate::runner::{self, RunError, RunOptions};
use clap::{Parser, Subcommand};
use cucumber::gherkin::tagexpr::TagOperation;
use regex::Regex;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Exit code: everything passed.
pub const EXIT_PASSED: u8 = 0;
/// Exit code: a scenario failed or errored.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage (clap uses it too).
pub const EXIT_USAGE: u8 = 2;

/// Conformance suite for enmeshed IdentityDeletionProcesses.
#[derive(Debug, Parser)]
#[command(name = "enmeshed-conformance", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the conformance features against an implementation (default: the reference implementation).
    Run(RunArgs),
    /// Fuzz the invariant "at most one Active process per Identity" with random operation sequences and concurrent calls.
    Fuzz(FuzzArgs),
}

/// Options of `fuzz`.
#[derive(Debug, clap::Args)]
pub struct FuzzArgs {
    /// Random operation sequences to run.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub cases: u32,
    /// The longest operation sequence.
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_ops: u32,
    /// Seed (printed by every run); the same seed reproduces the same cases.
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// Cases of each concurrency property.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub concurrency_cases: u32,
    /// A regression file (proptest format): its seeds are replayed first, new failures appended.
    #[arg(long, value_name = "FILE")]
    pub regressions: Option<PathBuf>,
}

impl FuzzArgs {
    /// The fuzzer options these arguments ask for.
    pub fn options(&self) -> FuzzOptions {
        FuzzOptions {
            cases: self.cases,
            max_ops: self.max_ops as usize,
            seed: self.seed.unwrap_or_else(fuzz::random_seed),
            concurrency_cases: self.concurrency_cases,
            regressions: self.regressions.clone(),
        }
    }
}

/// Runs `fuzz` against `adapter`: prints the report and returns the exit code.
pub async fn fuzz_command(adapter: Arc<dyn Adapter>, args: &FuzzArgs) -> ExitCode {
    let info = match adapter.describe().await {
        Ok(info) => info,
        Err(e) => {
            eprintln!("error: cannot start: the implementation does not describe itself: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let options = args.options();
    println!(
        "fuzzing {} {} (seed {})",
        info.name, info.version, options.seed
    );
    let runtime = tokio::runtime::Handle::current();
    let report =
        match tokio::task::spawn_blocking(move || fuzz::fuzz(adapter, &info, &runtime, &options))
            .await
        {
            Ok(report) => report,
            Err(e) => {
                eprintln!("error: the fuzzer stopped: {e}");
                return ExitCode::from(EXIT_FAILED);
            }
        };
    println!("{}", report.render());
    ExitCode::from(if report.failure.is_none() {
        EXIT_PASSED
    } else {
        EXIT_FAILED
    })
}

/// Options of `run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Feature file or directory (searched recursively); repeatable. Default: ./features.
    #[arg(long = "features", value_name = "DIR")]
    pub features: Vec<PathBuf>,
    /// Only scenarios matching this tag expression, e.g. "@RID1 and not @requires.clock".
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
    /// How many scenarios run at once.
    #[arg(long, value_name = "N", default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub concurrency: u16,
}

fn parse_tags(text: &str) -> Result<TagOperation, String> {
    text.parse::<TagOperation>()
        .map_err(|e| format!("not a tag expression: {e}"))
}

/// `./features` when it exists, else the features of this source tree.
fn default_features() -> PathBuf {
    let local = PathBuf::from("features");
    if local.is_dir() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features")
    }
}

impl RunArgs {
    /// The runner options these arguments ask for.
    pub fn options(&self) -> RunOptions {
        let features = if self.features.is_empty() {
            vec![default_features()]
        } else {
            self.features.clone()
        };
        RunOptions {
            features,
            tags: self.tags.clone(),
            name: self.name.clone(),
            junit: self.junit.clone(),
            json: self.json.clone(),
            concurrency: usize::from(self.concurrency),
            console: true,
        }
    }
}

/// Runs `run` against `adapter`: prints the report and returns the exit code.
pub async fn run_command(adapter: Arc<dyn Adapter>, args: &RunArgs) -> ExitCode {
    match runner::run(adapter, &args.options()).await {
        Ok(report) => {
            println!("\n{}", report.summary());
            ExitCode::from(if report.passed() {
                EXIT_PASSED
            } else {
                EXIT_FAILED
            })
        }
        Err(e @ (RunError::Features(_) | RunError::Report { .. })) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// Entry point of the binary.
pub async fn main(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Run(args) => run_command(Arc::new(ReferenceImplementation::new()), &args).await,
        Command::Fuzz(args) => fuzz_command(Arc::new(ReferenceImplementation::new()), &args).await,
    }
}
