//! `enmeshed-conformance report`: one self-contained HTML file from one or
//! more results files (`run --results`).

use super::{EXIT_PASSED, usage};
use enmeshed_conformance::{report_html, results};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Results files written by `run --results`; one gives the run's report, several the
    /// implementation matrix.
    #[arg(value_name = "RESULTS", required = true)]
    pub results: Vec<PathBuf>,
    /// Where to write the HTML file.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// Results files (each one of RESULTS) that are versions of one product: the matrix
    /// shows each rule's history across them, in version order (repeatable; the files of
    /// one NAME are one series).
    #[arg(long, value_name = "NAME=FILE[,FILE…]")]
    pub series: Vec<String>,
}

/// Runs `report`: reads every results file, writes the HTML file.
pub fn command(args: &ReportArgs) -> ExitCode {
    if let Err(e) = results::check_report_output(&args.output, &args.results) {
        return usage(e);
    }
    let series = match report_html::Series::parse_all(&args.series, &args.results) {
        Ok(series) => series,
        Err(e) => return usage(e),
    };
    let mut runs = Vec::with_capacity(args.results.len());
    for path in &args.results {
        match results::load(path) {
            Ok(run) => runs.push(run),
            Err(e) => return usage(e),
        }
    }
    let html = report_html::render_series(&runs, &series);
    if let Err(e) = results::write_file(&args.output, html.as_bytes()) {
        return usage(e);
    }
    println!(
        "wrote {} ({} of {} results file{})",
        args.output.display(),
        if runs.len() == 1 {
            "the report"
        } else {
            "the matrix"
        },
        runs.len(),
        if runs.len() == 1 { "" } else { "s" }
    );
    ExitCode::from(EXIT_PASSED)
}
