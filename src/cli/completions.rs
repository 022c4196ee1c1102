//! `enmeshed-conformance completions SHELL`: a completion script, generated
//! from the command line itself so it never lags behind it.

use super::Cli;
use clap::CommandFactory as _;
use clap_complete::Shell;
use std::process::ExitCode;

/// Options of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script for `args.shell` on standard output.
pub fn command(args: &CompletionsArgs) -> ExitCode {
    let mut cli = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut cli,
        "enmeshed-conformance",
        &mut std::io::stdout(),
    );
    ExitCode::SUCCESS
}
