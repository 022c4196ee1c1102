//! `enmeshed-conformance`: see `enmeshed-conformance --help`.

use clap::Parser as _;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    enmeshed_conformance::cli::main(enmeshed_conformance::cli::Cli::parse()).await
}
