//! `enmeshed-conformance smoke`: does the adapter speak the protocol at all?

use super::adapter::{AdapterArgs, check_command};
use super::{EXIT_FAILED, EXIT_PASSED, usage};
use enmeshed_conformance::smoke;
use std::process::ExitCode;

/// Options of `smoke`.
#[derive(Debug, clap::Args)]
#[command(mut_arg("adapter_cmd", |a| a.required(true)))]
pub struct SmokeArgs {
    /// The implementation (`--adapter-cmd` is required here).
    #[command(flatten)]
    pub adapter: AdapterArgs,
}

/// Runs `smoke`: prints what worked and the verdict.
pub async fn command(args: &SmokeArgs) -> ExitCode {
    let Some(command) = &args.adapter.adapter_cmd else {
        return usage("smoke needs --adapter-cmd");
    };
    if let Err(e) = check_command(command) {
        return usage(e);
    }
    let report = smoke::smoke(command, args.adapter.timeouts()).await;
    println!(
        "{}",
        enmeshed_conformance::sanitize::terminal::text(&report.render())
    );
    ExitCode::from(if report.broken.is_none() {
        EXIT_PASSED
    } else {
        EXIT_FAILED
    })
}
