//! The command line of `enmeshed-conformance`: one module per subcommand,
//! compiled into the binary only (the library holds everything they call).

mod adapter;
mod completions;
mod coverage;
mod features;
mod fuzz;
mod report;
mod rules;
mod run;
mod smoke;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub use enmeshed_conformance::run::exit::{EXIT_FAILED, EXIT_PASSED, EXIT_USAGE};

/// The exit codes of `run` (and of the whole program), as `--help` shows them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  passed (with --expectations: the failures are exactly the listed ones)
  1  failed: the implementation failed or errored a test case, the gate found a problem,
     the implementation did not start, or nothing ran
  2  bad usage: a bad option or value, a missing file, an --adapter-cmd that cannot be started,
     an output file that is an input or another output or cannot be written (checked before the run)
  3  incomplete, the suite's own fault, not yours: the implementation failed nothing, but the suite
     could not judge a test case (a step of a hand-written scenario matches no phrase of the suite,
     or ERRORED SUITE: a bug of the suite); a generated scenario whose step matches no phrase is
     PENDING instead and changes no exit code";

/// The exit codes of `fuzz`, `smoke` and `coverage`, as `--help` shows them.
pub const EXIT_CODES_SHORT_HELP: &str = "\
Exit codes:
  0  passed
  1  failed or errored, or the implementation did not start
  2  bad usage: a bad option or value, a missing file, an --adapter-cmd that cannot be started
  3  (fuzz) incomplete, the suite's own fault, not yours: a property ended with ERRORED SUITE";

/// Conformance suite for enmeshed IdentityDeletionProcesses.
#[derive(Debug, Parser)]
#[command(name = "enmeshed-conformance", version, about, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the conformance features against an implementation (default: the reference implementation).
    #[command(after_help = EXIT_CODES_HELP)]
    Run(run::RunArgs),
    /// Fuzz the invariant "at most one Active process per Identity" with random operation sequences and concurrent calls.
    #[command(after_help = EXIT_CODES_SHORT_HELP)]
    Fuzz(fuzz::FuzzArgs),
    /// Check that an adapter speaks the stdio protocol (one call of each kind), without judging conformance.
    #[command(after_help = EXIT_CODES_SHORT_HELP)]
    Smoke(smoke::SmokeArgs),
    /// Trace every outcome bullet of the use-case pages to its scenario: executable? passing?
    #[command(after_help = EXIT_CODES_SHORT_HELP)]
    Coverage(coverage::CoverageArgs),
    /// Write one self-contained HTML report from results files (`run --results`): one run's
    /// report, or the matrix of several implementations.
    Report(report::ReportArgs),
    /// The feature files built into this binary: `features export DIR` writes them out.
    Features(features::FeaturesArgs),
    /// List every rule id a check can fail under, what it checks, and the race rules.
    Rules(rules::RulesArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on standard output.
    Completions(completions::CompletionsArgs),
}

/// Prints `message` as an error and returns the bad-usage exit code.
pub fn usage(message: impl std::fmt::Display) -> ExitCode {
    // The message may quote the implementation: it is data on the console.
    eprintln!(
        "error: {}",
        enmeshed_conformance::sanitize::terminal::text(&message.to_string())
    );
    ExitCode::from(EXIT_USAGE)
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
                enmeshed_conformance::process::kill_all_groups();
                // A report being written when the signal came is not left half-made.
                enmeshed_conformance::fsio::remove_staged();
                std::process::exit(128 + kind.as_raw_value());
            }
        });
    }
}

/// Entry point of the binary. The binary is a child subreaper: a process an
/// implementation started that escaped its group and lost its parent is
/// adopted here, and ended when the command ends.
pub async fn main(cli: Cli) -> ExitCode {
    enmeshed_conformance::process::become_subreaper();
    end_groups_on_interrupt();
    let code = match cli.command {
        Command::Run(args) => run::command(&args).await,
        Command::Fuzz(args) => {
            if let Err(e) = fuzz::check_paths(&args) {
                return usage(e);
            }
            adapter::with_adapter(&args.adapter, |a| Box::pin(fuzz::command(a, &args))).await
        }
        Command::Smoke(args) => smoke::command(&args).await,
        Command::Coverage(args) => {
            adapter::with_adapter(&args.adapter, |a| Box::pin(coverage::command(a, &args))).await
        }
        Command::Report(args) => report::command(&args),
        Command::Features(args) => features::command(&args),
        Command::Completions(args) => completions::command(&args),
        Command::Rules(args) => rules::command(&args),
    };
    enmeshed_conformance::process::end_strays();
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use enmeshed_conformance::run::exit::EXIT_INCOMPLETE;

    #[test]
    fn the_help_names_every_exit_code() {
        for code in [EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INCOMPLETE] {
            assert!(EXIT_CODES_HELP.contains(&format!("\n  {code}  ")), "{code}");
        }
        for code in [EXIT_PASSED, EXIT_FAILED, EXIT_USAGE] {
            assert!(EXIT_CODES_SHORT_HELP.contains(&format!("\n  {code}  ")));
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }
}
