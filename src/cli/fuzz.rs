//! `enmeshed-conformance fuzz`: random operation sequences and concurrent
//! calls against the invariant, judged by the oracle.

use super::adapter::AdapterArgs;
use super::{EXIT_FAILED, EXIT_PASSED, usage};
use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::fuzz::{self, FuzzOptions};
use enmeshed_conformance::oracle::Waivers;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Options of `fuzz`.
#[derive(Debug, clap::Args)]
pub struct FuzzArgs {
    /// Random operation sequences to run (at most 1000000).
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = clap::value_parser!(u32).range(0..=i64::from(fuzz::MAX_CASES)))]
    pub cases: u32,
    /// The longest operation sequence (at most 10000).
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=i64::from(fuzz::MAX_OPS)))]
    pub max_ops: u32,
    /// Seed (printed by every run): a number replays those cases, `random` explores new ones.
    /// Default: a fixed seed derived from the suite version, so a gate is reproducible.
    #[arg(long, value_name = "S|random")]
    pub seed: Option<fuzz::SeedChoice>,
    /// Cases of each concurrency property (at most 100000).
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u32).range(0..=i64::from(fuzz::MAX_CONCURRENCY_CASES)))]
    pub concurrency_cases: u32,
    /// A regression file (proptest format): its seeds are replayed first, new failures appended.
    #[arg(long, value_name = "FILE")]
    pub regressions: Option<PathBuf>,
    /// An expectations file: its `[[waived]]` rules are known deviations (a waiver no check
    /// needed fails the run as stale).
    #[arg(long, value_name = "FILE")]
    pub expectations: Option<PathBuf>,
    /// How many implementation processes `--adapter-cmd` starts (at most 64; default 1): the
    /// model property's sequences are spread over them, the concurrency properties run on the
    /// first (so their calls race inside one process). The report does not depend on N.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "adapter_cmd", value_parser = clap::value_parser!(u16).range(1..=i64::from(enmeshed_conformance::runner::MAX_JOBS)))]
    pub jobs: u16,
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
            seed: fuzz::SeedChoice::resolve(self.seed),
            concurrency_cases: self.concurrency_cases,
            regressions: self.regressions.clone(),
            waivers: Arc::new(Waivers::default()),
        }
    }
}

/// Checks, before the implementation starts, that the regression file (which
/// `fuzz` rewrites) is not an input ([`fuzz::check_outputs`]) and can be written.
pub fn check_paths(args: &FuzzArgs) -> Result<(), String> {
    fuzz::check_outputs(
        args.regressions.as_deref(),
        args.expectations.as_deref(),
        args.adapter.adapter_cmd.as_deref(),
    )
}

/// Runs `fuzz` against `adapter`: prints the report and returns the exit code.
pub async fn command(adapter: Arc<dyn Adapter>, args: &FuzzArgs) -> ExitCode {
    let info = match adapter.describe().await {
        Ok(info) => info,
        Err(e) => {
            eprintln!(
                "error: cannot start: the implementation does not describe itself: {}",
                enmeshed_conformance::sanitize::terminal::text(&e.to_string())
            );
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let mut options = args.options();
    let expectations = match &args.expectations {
        Some(path) => match enmeshed_conformance::expectations::load(path) {
            Ok(e) => Some(e),
            Err(e) => return usage(e),
        },
        None => None,
    };
    if let Some(e) = &expectations {
        options.waivers = Arc::new(e.waivers());
    }
    let waivers = options.waivers.clone();
    println!(
        "fuzzing {} {} (seed {}{})",
        enmeshed_conformance::sanitize::terminal::line(&info.name),
        enmeshed_conformance::sanitize::terminal::line(&info.version),
        options.seed,
        fuzz::seed_note(options.seed)
    );
    let members = match more_processes(adapter, &info, args).await {
        Ok(members) => members,
        Err(code) => return code,
    };
    let others = members[1..].to_vec();
    let runtime = tokio::runtime::Handle::current();
    let fuzzed =
        tokio::task::spawn_blocking(move || fuzz::fuzz_on(&members, &info, &runtime, &options))
            .await;
    for other in &others {
        other.close().await;
    }
    let report = match fuzzed {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: the fuzzer stopped: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    println!(
        "{}",
        enmeshed_conformance::sanitize::terminal::text(&report.render())
    );
    let mut stale = 0;
    // Staleness is known only when every property ran to the end.
    if let Some(e) = expectations
        .as_ref()
        .filter(|_| report.failure.is_none() && report.skipped.is_empty())
    {
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
    let suites_own = report.failure.as_ref().is_some_and(|f| {
        f.verdict.fault() == Some(enmeshed_conformance::verdict::FaultKind::Suite)
    });
    ExitCode::from(if report.passed() && stale == 0 {
        EXIT_PASSED
    } else if suites_own && stale == 0 {
        println!("{}", enmeshed_conformance::run::suite_line(1));
        enmeshed_conformance::run::exit::EXIT_INCOMPLETE
    } else {
        EXIT_FAILED
    })
}

/// `--jobs N`: `first` and N - 1 more processes of the same command, each
/// describing itself as `first` does; on a failure the started ones are
/// closed and the exit code returned.
async fn more_processes(
    first: Arc<dyn Adapter>,
    info: &enmeshed_conformance::adapter::ImplementationInfo,
    args: &FuzzArgs,
) -> Result<Vec<Arc<dyn Adapter>>, ExitCode> {
    let started =
        futures::future::join_all((1..args.jobs.max(1)).map(|_| args.adapter.start())).await;
    let mut members = vec![first];
    let mut problem = None;
    for process in started {
        match process {
            Ok(adapter) => members.push(adapter),
            Err(e) => problem = problem.or(Some(e.to_string())),
        }
    }
    for (index, other) in members.iter().enumerate().skip(1) {
        if problem.is_some() {
            break;
        }
        match other.describe().await {
            Ok(said) if &said == info => {}
            Ok(said) => {
                problem = Some(format!(
                    "process {} of --jobs describes itself as {:?} {:?}, the first as {:?} {:?}",
                    index + 1,
                    said.name,
                    said.version,
                    info.name,
                    info.version
                ))
            }
            Err(e) => problem = Some(e.to_string()),
        }
    }
    let Some(problem) = problem else {
        return Ok(members);
    };
    for other in &members[1..] {
        other.close().await;
    }
    eprintln!(
        "error: cannot start: {}",
        enmeshed_conformance::sanitize::terminal::text(&problem)
    );
    Err(ExitCode::from(EXIT_FAILED))
}
