//! `enmeshed-conformance`: see `enmeshed-conformance --help`.
//!
//! The command line lives here, in the binary only (`cli`); the library holds
//! everything it calls.

mod cli;

use clap::Parser as _;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    cli::main(cli::Cli::parse()).await
}
