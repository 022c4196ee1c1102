//! `enmeshed-conformance rules`: every rule id of the catalogue, whether it
//! is a race rule, and what it checks.

use enmeshed_conformance::rules;
use std::process::ExitCode;

/// Options of `rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Print a Markdown table instead of aligned columns.
    #[arg(long)]
    pub markdown: bool,
}

/// Prints the catalogue on standard output.
pub fn command(args: &RulesArgs) -> ExitCode {
    if args.markdown {
        print!("{}", rules::markdown_table());
        return ExitCode::SUCCESS;
    }
    let width = rules::all().iter().map(|r| r.id.len()).max().unwrap_or(0);
    for rule in rules::all() {
        println!(
            "{:width$}  {:4}  {}",
            rule.id,
            if rule.race { "race" } else { "" },
            rule.checks
        );
    }
    println!(
        "{} rules; a race rule is checked only on concurrent calls (a waiver of it may say `race = true`)",
        rules::all().len()
    );
    ExitCode::SUCCESS
}
