//! `enmeshed-conformance coverage`: every outcome bullet of the use-case
//! pages, traced to its scenario: executable? passing?

use super::adapter::AdapterArgs;
use super::{EXIT_FAILED, EXIT_PASSED, usage};
use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::coverage;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Options of `coverage`.
#[derive(Debug, clap::Args)]
pub struct CoverageArgs {
    /// Directory of use-case pages. Default: the pages built into this binary (spec/use-cases
    /// of the suite's repository, as the embedded features were generated from).
    #[arg(long, value_name = "DIR")]
    pub spec: Option<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also exit 1 when a bullet is pending (the suite cannot execute it yet). Without it,
    /// pending bullets are listed but only a failing executable bullet or a page that does
    /// not parse exits 1.
    #[arg(long)]
    pub strict: bool,
    /// The implementation the executable scenarios run against.
    #[command(flatten)]
    pub adapter: AdapterArgs,
}

/// Runs `coverage`: prints the table (or JSON) and returns the exit code.
pub async fn command(adapter: Arc<dyn Adapter>, args: &CoverageArgs) -> ExitCode {
    let report = match coverage::coverage(args.spec.as_deref(), adapter).await {
        Ok(report) => report,
        Err(e) => return usage(e),
    };
    if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_FAILED);
            }
        }
    } else {
        println!(
            "{}",
            enmeshed_conformance::sanitize::terminal::text(&report.render())
        );
    }
    let green = if args.strict {
        report.strict_green()
    } else {
        report.green()
    };
    ExitCode::from(if green { EXIT_PASSED } else { EXIT_FAILED })
}
