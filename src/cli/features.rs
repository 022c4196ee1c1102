//! `enmeshed-conformance features export DIR`: the feature files built into
//! the binary, written out (to read them, or to edit and run them with
//! `run --features DIR`).

use super::{EXIT_PASSED, usage};
use enmeshed_conformance::suite;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `features`.
#[derive(Debug, clap::Args)]
pub struct FeaturesArgs {
    /// What to do with the built-in features.
    #[command(subcommand)]
    pub action: FeaturesAction,
}

/// The actions of `features`.
#[derive(Debug, clap::Subcommand)]
pub enum FeaturesAction {
    /// Write the built-in feature files to DIR (created if needed) as generated/*.feature and
    /// manual/*.feature; `run --features DIR` then runs the same suite.
    Export {
        /// The directory to write to.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Overwrite existing files (otherwise an existing file is an error and nothing is written).
        #[arg(long)]
        force: bool,
    },
}

/// Runs `features`.
pub fn command(args: &FeaturesArgs) -> ExitCode {
    match &args.action {
        FeaturesAction::Export { dir, force } => match suite::export_features(dir, *force) {
            Ok(written) => {
                println!("wrote {} feature files to {}", written.len(), dir.display());
                ExitCode::from(EXIT_PASSED)
            }
            Err(e) => usage(e),
        },
    }
}
