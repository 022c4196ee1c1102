//! The full conformance suite against the reference implementation
//! (`harness = false`: this is a cucumber run, not libtest).

use enmeshed_conformance::reference::ReferenceImplementation;
use enmeshed_conformance::runner::{self, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[tokio::main]
async fn main() -> ExitCode {
    let features = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features");
    let options = RunOptions::new(vec![features]);
    match runner::run(Arc::new(ReferenceImplementation::new()), &options).await {
        Ok(report) => {
            println!("\n{}", report.summary());
            if report.passed() && report.tally.count(runner::tally::Outcome::Skipped) == 0 {
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "the reference implementation must pass every scenario with none skipped"
                );
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
