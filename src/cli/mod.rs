//! The command line of `enmeshed-conformance`.

mod run;

pub use run::{RunArgs, run_command};

use crate::adapter::Adapter;
use crate::coverage;
use crate::fuzz::{self, FuzzOptions};
use crate::process::ProcessAdapter;
use crate::reference::ReferenceImplementation;
use crate::smoke;
use clap::{Parser, Subcommand};
use cucumber::gherkin::tagexpr::TagOperation;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Exit code: everything passed.
pub const EXIT_PASSED: u8 = 0;
/// Exit code: a scenario failed or errored.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage (clap uses it too).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: nothing failed, but a step has no definition: the suite is
/// incomplete (never a pass, never the implementation's fault).
pub const EXIT_INCOMPLETE: u8 = 3;

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
    /// Check that an adapter speaks the stdio protocol (one call of each kind), without judging conformance.
    Smoke(SmokeArgs),
    /// Trace every outcome bullet of the use-case pages to its scenario: executable? passing?
    Coverage(CoverageArgs),
}

/// Options of `coverage`.
#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Directory of use-case pages. Default: ./spec/use-cases.
    #[arg(long, value_name = "DIR")]
    pub spec: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The implementation the executable scenarios run against.
    #[command(flatten)]
    pub adapter: AdapterArgs,
}

/// Runs `coverage`: prints the table (or JSON) and returns the exit code.
pub async fn coverage_command(adapter: Arc<dyn Adapter>, args: &CoverageArgs) -> ExitCode {
    let spec = args
        .spec
        .clone()
        .unwrap_or_else(|| local_or_source("spec/use-cases"));
    match coverage::coverage(&spec, adapter).await {
        Ok(report) => {
            if args.json {
                match serde_json::to_string_pretty(&report) {
                    Ok(json) => println!("{json}"),
                    Err(e) => {
                        eprintln!("error: {e}");
                        return ExitCode::from(EXIT_FAILED);
                    }
                }
            } else {
                println!("{}", report.render());
            }
            ExitCode::from(if report.green() {
                EXIT_PASSED
            } else {
                EXIT_FAILED
            })
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Which implementation to test.
#[derive(Debug, Clone, clap::Args)]
pub struct AdapterArgs {
    /// Test an implementation run as this command, speaking the stdio protocol (PROTOCOL.md),
    /// e.g. "python3 examples/python/enmeshed_idp.py". Default: the reference implementation.
    #[arg(long, value_name = "COMMAND ARGS")]
    pub adapter_cmd: Option<String>,
    /// Seconds to wait for each reply of the adapter command.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = parse_timeout)]
    pub timeout: f64,
}

fn parse_timeout(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs.is_finite() && secs <= 86_400.0 => Ok(secs),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 86400"
        )),
    }
}

impl AdapterArgs {
    /// The per-reply timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout)
    }

    /// Starts the implementation under test.
    pub async fn adapter(&self) -> Result<Arc<dyn Adapter>, String> {
        match &self.adapter_cmd {
            None => Ok(Arc::new(ReferenceImplementation::new())),
            Some(command) => ProcessAdapter::start(command, self.timeout())
                .await
                .map(|a| Arc::new(a) as Arc<dyn Adapter>)
                .map_err(|e| format!("cannot start the implementation `{command}`: {e}")),
        }
    }
}

/// Options of `smoke`.
#[derive(Debug, clap::Args)]
pub struct SmokeArgs {
    /// The implementation, run as this command, e.g. "python3 examples/python/enmeshed_idp.py".
    #[arg(long, value_name = "COMMAND ARGS")]
    pub adapter_cmd: String,
    /// Seconds to wait for each reply.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = parse_timeout)]
    pub timeout: f64,
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
    /// An expectations file: its `[[waived]]` rules are known deviations (a waiver no check
    /// needed fails the run as stale).
    #[arg(long, value_name = "FILE")]
    pub expectations: Option<PathBuf>,
    /// The implementation under test.
    #[command(flatten)]
    pub adapter: AdapterArgs,
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
            waivers: Arc::new(crate::oracle::Waivers::default()),
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
    let mut options = args.options();
    let expectations = match &args.expectations {
        Some(path) => match crate::expectations::load(path) {
            Ok(e) => Some(e),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        },
        None => None,
    };
    if let Some(e) = &expectations {
        options.waivers = Arc::new(e.waivers());
    }
    let waivers = options.waivers.clone();
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
    let mut stale = 0;
    // Staleness is known only when every property ran to the end.
    if let Some(e) = expectations.as_ref().filter(|_| report.failure.is_none()) {
        let usage = waivers.usage();
        for waiver in &e.waivers {
            match usage.get(&waiver.rule).copied().unwrap_or(0) {
                0 if waiver.race => println!(
                    "waived, not needed in this run (the deviation shows only when calls race): {}",
                    waiver.rule
                ),
                0 => {
                    stale += 1;
                    println!(
                        "STALE {}: no check needed it; remove the waiver",
                        waiver.label()
                    );
                }
                count => println!(
                    "waived, expected: {} ({count} checks): {}",
                    waiver.rule, waiver.reason
                ),
            }
        }
    }
    ExitCode::from(if report.failure.is_none() && stale == 0 {
        EXIT_PASSED
    } else {
        EXIT_FAILED
    })
}

pub(crate) fn parse_tags(text: &str) -> Result<TagOperation, String> {
    text.parse::<TagOperation>()
        .map_err(|e| format!("not a tag expression: {e}"))
}

/// `./<relative>` when it exists, else that directory of this source tree.
pub(crate) fn local_or_source(relative: &str) -> PathBuf {
    let local = PathBuf::from(relative);
    if local.is_dir() {
        local
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
    }
}

/// Runs `smoke`: prints what worked and the verdict.
pub async fn smoke_command(args: &SmokeArgs) -> ExitCode {
    let report = smoke::smoke(&args.adapter_cmd, Duration::from_secs_f64(args.timeout)).await;
    println!("{}", report.render());
    ExitCode::from(if report.broken.is_none() {
        EXIT_PASSED
    } else {
        EXIT_FAILED
    })
}

/// Starts the implementation, runs `command` against it and stops it again.
async fn with_adapter<'a, F>(args: &AdapterArgs, command: F) -> ExitCode
where
    F: FnOnce(
        Arc<dyn Adapter>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ExitCode> + 'a>>,
{
    let adapter = match args.adapter().await {
        Ok(adapter) => adapter,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let code = command(adapter.clone()).await;
    adapter.close().await;
    code
}

/// Ends every implementation process group when the suite is interrupted
/// (SIGINT, SIGTERM, SIGHUP): the children lead their own groups, so the
/// terminal's signals no longer reach them.
fn end_groups_on_interrupt() {
    use tokio::signal::unix::{SignalKind, signal};
    for kind in [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ] {
        let Ok(mut stream) = signal(kind) else {
            continue;
        };
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                crate::process::kill_all_groups();
                std::process::exit(128 + kind.as_raw_value());
            }
        });
    }
}

/// Entry point of the binary.
pub async fn main(cli: Cli) -> ExitCode {
    end_groups_on_interrupt();
    match cli.command {
        Command::Run(args) => {
            with_adapter(&args.adapter, |a| Box::pin(run_command(a, &args))).await
        }
        Command::Fuzz(args) => {
            with_adapter(&args.adapter, |a| Box::pin(fuzz_command(a, &args))).await
        }
        Command::Smoke(args) => smoke_command(&args).await,
        Command::Coverage(args) => {
            with_adapter(&args.adapter, |a| Box::pin(coverage_command(a, &args))).await
        }
    }
}
