//! The conformance run of a Rust implementation, in process: what
//! `enmeshed-conformance run --expectations … --junit … --summary …` does,
//! through the library. `cargo run` runs it; the exit code is the verdict's
//! (0 passed, 1 failed, 2 bad usage, 3 incomplete).
//!
//! Arguments (all optional): `--seed S` (reproduce a fuzz run), `--out DIR`
//! (where the reports go; default `target/conformance`).

mod store;

use enmeshed_conformance::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;

#[tokio::main(crate = "enmeshed_conformance::prelude::tokio")]
async fn main() -> ExitCode {
    let mut seed = None;
    let mut out = PathBuf::from("target/conformance");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--seed", Some(s)) if s.parse::<u64>().is_ok() => seed = s.parse().ok(),
            ("--out", Some(dir)) => out = PathBuf::from(dir),
            _ => {
                eprintln!("usage: rust-vendor-example [--seed S] [--out DIR]");
                return ExitCode::from(2);
            }
        }
    }
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::from(2);
    }
    let expectations = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("expectations.toml");
    let mut run = Run::new(Arc::new(Blocking(store::InMemory::default())))
        .expectations(expectations)
        .junit(out.join("junit.xml"))
        .json(out.join("cucumber.json"))
        .summary(out.join("summary.md"));
    if let Some(seed) = seed {
        run = run.seed(seed);
    }
    let result = match run.execute().await {
        Ok(result) => result,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    println!("reports: {}", out.display());
    // What `enmeshed-conformance run` prints after the features (annotations
    // when GITHUB_ACTIONS=true); the last line is the verdict
    // (`gate: N passed, N failed, N skipped`).
    if let Err(e) = result.print_to_console() {
        eprintln!("error: cannot print the result: {e}");
    }
    ExitCode::from(result.exit_code())
}
