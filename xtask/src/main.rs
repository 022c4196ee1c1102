//! `cargo xtask`: maintainer commands of enmeshed-conformance.
//!
//! - `gen`: parse the use-case pages and write the generated features, and the
//!   generated tables of PROTOCOL.md;
//! - `check`: exit 1 when the generated features are stale, missing or orphaned, or
//!   the tables of PROTOCOL.md are stale (with a diff and the fix);
//! - `sync`: copy use-case pages verbatim from a docs checkout, record their source, regenerate;
//! - `bench-gen`: time parse + generate against the parse-only floor;
//! - `bench-sync`: time `sync` + `gen` over a whole directory of pages (the corpus);
//! - `bench-runtime`: time the gated run against the real runtime, print BENCHMARKS.md's table;
//! - `bench-suite`: time whole runs of the suite against the reference implementation;
//! - `bench-fuzz`: time the fuzzer against the reference implementation;
//! - `bench-scale`: time a feature file of 100k scenarios and a 10 MB expectations file;
//! - `runtime-figures`: run the suite against the real-runtime adapter (both datawallet modes)
//!   and write the figures the docs quote (`gen` renders them; only `runtime-figures --check`
//!   checks them, so a docs-only change never needs the real runtime to get `check` green);
//! - `matrix OUT_DIR`: the suite against our implementations and every runtime version of
//!   `adapters/nmshd-runtime/versions.json`, their results and the matrix HTML with its rule history.
//!
//! Paths default to the workspace of the current directory (`xtask::workspace`),
//! not to where this binary was built.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::pipeline::{self, Drift, Select};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer tasks of enmeshed-conformance"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Paths {
    /// Directory of use-case pages (`*.md`). Default: spec/use-cases of this workspace.
    #[arg(long, value_name = "DIR")]
    spec: Option<PathBuf>,
    /// Directory of generated features. Default: features/generated of this workspace.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Only pages whose property KEY has VALUE, e.g. "tech category=IdentityDeletionProcesses". Repeatable; all must match.
    #[arg(long, value_name = "KEY=VALUE")]
    select: Vec<Select>,
}

#[derive(Subcommand)]
enum Command {
    /// Generate the Gherkin features from the use-case pages, and the tables of PROTOCOL.md.
    Gen(Paths),
    /// Fail when the generated features or PROTOCOL.md's tables differ from what `gen` would write.
    Check(Paths),
    /// Copy use-case pages verbatim from a docs checkout, record the source, regenerate.
    Sync {
        /// Root of a checkout of the documentation repository (nmshd/nmshd.github.io); pages are read from its `_docs_use-cases/`.
        #[arg(long, value_name = "DOCS_CHECKOUT")]
        from: PathBuf,
        /// Also take the checkout's pages whose property KEY has VALUE (as `gen --select`). Repeatable; all must match.
        #[arg(long, value_name = "KEY=VALUE")]
        select: Vec<Select>,
        /// The commit to record. Default: `git rev-parse HEAD` in DOCS_CHECKOUT (needed when it is not a git checkout).
        #[arg(long, value_name = "SHA", value_parser = xtask::sync::parse_commit)]
        commit: Option<String>,
        /// Spec directory. Default: spec/use-cases of this workspace.
        #[arg(long, value_name = "DIR")]
        spec: Option<PathBuf>,
        /// Source record. Default: spec/SOURCE.toml of this workspace.
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
        /// Directory of generated features. Default: features/generated of this workspace.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Remove the spec pages (and their features) that the checkout no longer has; without it such a sync is refused.
        #[arg(long)]
        allow_removal: bool,
    },
    /// Time parse + generate over a directory of pages against the parse-only floor.
    BenchGen {
        /// Directory of use-case pages. Default: spec/use-cases of this workspace.
        #[arg(long, value_name = "DIR")]
        spec: Option<PathBuf>,
        /// Timed repetitions of each measurement (1 to 10000).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        iterations: u32,
    },
    /// Time `sync` + `gen` over a directory of pages (copied into a scratch checkout and workspace).
    BenchSync {
        /// Directory of use-case pages. Default: spec/use-cases of this workspace.
        #[arg(long, value_name = "DIR")]
        spec: Option<PathBuf>,
        /// Timed repetitions (1 to 10000).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        iterations: u32,
    },
    /// Time whole `enmeshed-conformance run` invocations (release build, excluded from the time).
    BenchSuite {
        /// How many runs (1 to 10000).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
        /// Extra arguments for `run`, after `--`.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Time the gated `run` against the real runtime (datawallet on and off, with and without
    /// fuzzing) and print BENCHMARKS.md's table with the date and the commit.
    BenchRuntime {
        /// How many runs of each kind (1 to 100).
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100))]
        runs: u32,
        /// `run --jobs N` (1 to 64).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
        jobs: u16,
        /// Time every version of adapters/nmshd-runtime/versions.json (default fuzz budget), not only the default one.
        #[arg(long)]
        all_versions: bool,
    },
    /// Time one feature file of many scenarios and a large expectations file (parsing, run, matching).
    BenchScale {
        /// Scenarios in the feature file (1 to 1000000).
        #[arg(long, default_value_t = 100_000, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
        scenarios: usize,
        /// Size of the expectations file, in MB (1 to 60: the reader's cap is 64 MiB).
        #[arg(long, default_value_t = 10, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=60))]
        expectations_mb: usize,
    },
    /// Run the suite against adapters/nmshd-runtime (datawallet on and off) and write the figures the docs quote.
    RuntimeFigures {
        /// Only check: exit 1 when the adapter, its lock file or the features changed since the
        /// figures were measured, or a document differs from the record (runs nothing).
        #[arg(long)]
        check: bool,
    },
    /// Run the suite against the reference, the Python and Node examples and every runtime version
    /// of adapters/nmshd-runtime/versions.json (each gated by its expectations file); write their
    /// results files, reports and matrix.html (with the runtime's rule history).
    Matrix {
        /// The output directory (created if missing).
        #[arg(value_name = "OUT_DIR")]
        out_dir: PathBuf,
    },
    /// Time `enmeshed-conformance fuzz` (model property only, seed 1) against the reference implementation.
    BenchFuzz {
        /// How many runs (1 to 10000).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        runs: u32,
        /// Operation sequences per run (1 to 1000000).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=i64::from(enmeshed_conformance::fuzz::MAX_CASES)))]
        cases: u32,
    },
}

/// The workspace of the current directory; exits with an error when there is none.
fn workspace_root() -> PathBuf {
    match xtask::workspace::root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}

fn spec_dir(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| workspace_root().join("spec/use-cases"))
}

/// PROTOCOL.md of this workspace: its domain tables are generated.
fn protocol_document() -> PathBuf {
    workspace_root().join("PROTOCOL.md")
}

fn out_dir(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| workspace_root().join("features/generated"))
}

/// The `gen` command line that reproduces `paths`, quoted for a shell.
fn gen_command(paths: &Paths) -> String {
    let mut command = String::from("cargo xtask gen");
    if let Some(spec) = &paths.spec {
        command.push_str(&format!(" --spec '{}'", spec.display()));
    }
    if let Some(out) = &paths.out {
        command.push_str(&format!(" --out '{}'", out.display()));
    }
    for select in &paths.select {
        command.push_str(&format!(" --select '{select}'"));
    }
    command
}

fn run(cli: Cli) -> Result<ExitCode, pipeline::PipelineError> {
    match cli.command {
        Command::Gen(paths) => {
            let plan = pipeline::plan(&spec_dir(paths.spec.clone()), &paths.select)?;
            for warning in &plan.warnings {
                eprintln!("warning: {warning}");
            }
            let out = out_dir(paths.out.clone());
            let changed = pipeline::write(&plan, &out)?;
            println!(
                "{} (files changed: {changed}, in {})",
                plan.summary(),
                out.display()
            );
            let document = protocol_document();
            match xtask::protocol_doc::write(&document) {
                Ok(changed) => println!(
                    "{}: generated tables {}",
                    document.display(),
                    if changed { "updated" } else { "up to date" }
                ),
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::FAILURE);
                }
            }
            match xtask::runtime_figures::render_documents(&workspace_root()) {
                Ok(changed) => println!("runtime figures: {changed} documents updated"),
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::FAILURE);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(paths) => {
            let plan = pipeline::plan(&spec_dir(paths.spec.clone()), &paths.select)?;
            let drifts = pipeline::check(&plan, &out_dir(paths.out.clone()))?;
            let document = protocol_document();
            let document_ok = match xtask::protocol_doc::check(&document) {
                Ok(None) => {
                    println!("{}: generated tables are up to date", document.display());
                    true
                }
                Ok(Some(diff)) => {
                    eprintln!("{diff}");
                    eprintln!(
                        "{}: the generated tables are out of date; to fix, run: cargo xtask gen",
                        document.display()
                    );
                    false
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    false
                }
            };
            // The real runtime's figures are measured, not generated from the pages: only
            // `runtime-figures --check` checks them, so a docs-only change stays green here.
            println!(
                "runtime figures: not checked here (they are measured: cargo xtask runtime-figures --check)"
            );
            if drifts.is_empty() {
                println!(
                    "generated features are up to date ({} files)",
                    plan.features.len()
                );
                return Ok(if document_ok {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                });
            }
            for drift in &drifts {
                eprintln!("{drift}");
            }
            let fix = if drifts
                .iter()
                .any(|d| matches!(d, Drift::NotGenerated { .. }))
            {
                format!(
                    "move the files without the do-not-edit header elsewhere, then run: {}",
                    gen_command(&paths)
                )
            } else {
                format!("run: {}", gen_command(&paths))
            };
            eprintln!(
                "generated features are out of date ({} problems); to fix, {fix}",
                drifts.len()
            );
            Ok(ExitCode::FAILURE)
        }
        Command::Sync {
            from,
            select,
            commit,
            spec,
            record,
            out,
            allow_removal,
        } => {
            let options = xtask::sync::SyncOptions {
                from,
                selects: select,
                commit,
                spec_dir: spec_dir(spec),
                record: record.unwrap_or_else(|| workspace_root().join("spec/SOURCE.toml")),
                out_dir: out_dir(out),
                allow_removal,
            };
            println!("{}", xtask::sync::run(&options)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchRuntime {
            runs,
            jobs,
            all_versions,
        } => {
            println!(
                "{}",
                xtask::bench_runtime::run(&workspace_root(), runs, jobs, all_versions)?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchSuite { runs, args } => {
            let args: Vec<String> = std::iter::once("run".to_owned()).chain(args).collect();
            println!(
                "{}",
                xtask::bench_suite::run(&workspace_root(), runs, &args)?
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::RuntimeFigures { check: true } => {
            match xtask::runtime_figures::check(&workspace_root()) {
                Ok(problems) if problems.is_empty() => {
                    println!("runtime figures are up to date");
                    Ok(ExitCode::SUCCESS)
                }
                Ok(problems) => {
                    for problem in problems {
                        eprintln!("{problem}");
                    }
                    Ok(ExitCode::FAILURE)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::RuntimeFigures { check: false } => {
            let workspace = workspace_root();
            let binary = xtask::bench_scale::debug_binary(&workspace)?;
            match xtask::runtime_figures::measure(&workspace, &binary) {
                Ok(record) => {
                    for mode in &record.modes {
                        println!(
                            "datawallet {}: {} passed, {} failed, {} skipped",
                            mode.datawallet, mode.passed, mode.failed, mode.skipped
                        );
                    }
                    println!(
                        "wrote {} and the figures in {}",
                        xtask::runtime_figures::RECORD,
                        xtask::runtime_figures::DOCUMENTS.join(", ")
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::BenchFuzz { runs, cases } => {
            let args: Vec<String> = ["fuzz", "--seed", "1", "--concurrency-cases", "0", "--cases"]
                .into_iter()
                .map(str::to_owned)
                .chain([cases.to_string()])
                .collect();
            let timing = xtask::bench_suite::run(&workspace_root(), runs, &args)?;
            println!("{cases} cases of up to 50 operations; {timing}");
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchSync { spec, iterations } => {
            println!("{}", xtask::bench_sync::run(&spec_dir(spec), iterations)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchScale {
            scenarios,
            expectations_mb,
        } => {
            let report =
                xtask::bench_scale::run(&workspace_root(), scenarios, expectations_mb * 1_000_000)?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Matrix { out_dir } => {
            println!("{}", xtask::matrix::run(&workspace_root(), &out_dir)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchGen { spec, iterations } => {
            let report = xtask::bench::run(&spec_dir(spec), iterations.max(1))?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    xtask::interrupt::install();
    let result = run(Cli::parse());
    if xtask::interrupt::interrupted() {
        eprintln!("interrupted; nothing was changed");
        return ExitCode::from(xtask::interrupt::EXIT_INTERRUPTED as u8);
    }
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
