//! `cargo xtask bench-scale`: the suite's inputs at scale, against the
//! reference implementation (release build, excluded from the times):
//!
//! - one feature file of N scenarios: listed (discovery and parsing) and run;
//! - an expectations file of M MB: read, and checked against the results of
//!   those N scenarios (every entry names one of them).
//!
//! Feature parsing and expectations matching must stay linear: these sizes
//! took minutes when they were quadratic.

use crate::pipeline::PipelineError;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn other(message: String) -> PipelineError {
    PipelineError::Other(message)
}

/// Builds the debug binary of the suite and returns its path (honouring `CARGO_TARGET_DIR`).
pub fn debug_binary(workspace: &Path) -> Result<PathBuf, PipelineError> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--package", "enmeshed-conformance"])
        .current_dir(workspace)
        .status()
        .map_err(|e| other(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(other("cargo build failed".into()));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from);
    Ok(target.join("debug/enmeshed-conformance"))
}

/// Builds the release binary and returns its path (honouring `CARGO_TARGET_DIR`).
pub fn release_binary(workspace: &Path) -> Result<PathBuf, PipelineError> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--release",
            "--quiet",
            "--package",
            "enmeshed-conformance",
        ])
        .current_dir(workspace)
        .status()
        .map_err(|e| other(format!("cannot run cargo: {e}")))?;
    if !status.success() {
        return Err(other("cargo build --release failed".into()));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace.join("target"), PathBuf::from);
    Ok(target.join("release/enmeshed-conformance"))
}

/// One feature file of `scenarios` scenarios (three steps each, all passing).
pub fn feature(scenarios: usize) -> String {
    let mut text = String::from("Feature: Scale\n");
    for i in 0..scenarios {
        let _ = write!(
            text,
            "\n  @RID1\n  Scenario: scale {i}\n    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 3\n    Then the call succeeds\n    And its `gracePeriodEndsAt` is 3 days after its `createdAt`\n"
        );
    }
    text
}

/// An expectations file of about `bytes` bytes; entry `i` names scenario `scale i`.
fn expectations(bytes: usize) -> (String, usize) {
    let mut text = String::with_capacity(bytes + 300);
    let mut entries = 0;
    while text.len() < bytes {
        let _ = write!(
            text,
            "[[expected]]\nid = \"RID1\"\nscenario = \"scale {entries}\"\noutcome = \"failed\"\nmessage = \"a listed failure\"\nreason = \"benchmark entry {entries}\"\n\n"
        );
        entries += 1;
    }
    (text, entries)
}

/// Times `binary ARGS`, which must exit with `code`.
fn timed(binary: &Path, args: &[&str], code: i32) -> Result<Duration, PipelineError> {
    let start = Instant::now();
    let output = Command::new(binary)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| other(format!("cannot run {}: {e}", binary.display())))?;
    let elapsed = start.elapsed();
    if output.status.code() != Some(code) {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let tail: String = stdout.lines().rev().take(5).collect::<Vec<_>>().join("\n");
        return Err(other(format!(
            "`{}` exited with {:?}, not {code}:\n{stderr}\n{tail}",
            args.join(" "),
            output.status.code()
        )));
    }
    Ok(elapsed)
}

/// Runs the benchmark; returns the report lines.
pub fn run(
    workspace: &Path,
    scenarios: usize,
    expectation_bytes: usize,
) -> Result<String, PipelineError> {
    let binary = release_binary(workspace)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!(
        "enmeshed-bench-scale-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| other(format!("{}: {e}", dir.display())))?;
    let result = measure(&binary, &dir, scenarios, expectation_bytes);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn measure(
    binary: &Path,
    dir: &Path,
    scenarios: usize,
    expectation_bytes: usize,
) -> Result<String, PipelineError> {
    let feature_path = dir.join("scale.feature");
    let feature_text = feature(scenarios);
    enmeshed_conformance::fsio::write_file(&feature_path, feature_text.as_bytes())
        .map_err(|e| other(format!("{}: {e}", feature_path.display())))?;
    let (expectations_text, entries) = expectations(expectation_bytes);
    let expectations_path = dir.join("expected.toml");
    enmeshed_conformance::fsio::write_file(&expectations_path, expectations_text.as_bytes())
        .map_err(|e| other(format!("{}: {e}", expectations_path.display())))?;
    let features = feature_path.to_string_lossy().into_owned();
    let expected = expectations_path.to_string_lossy().into_owned();
    let mb = |bytes: usize| bytes as f64 / 1e6;
    let s = |d: Duration| d.as_secs_f64();

    let list = timed(binary, &["run", "--list", "--features", &features], 0)?;
    let run = timed(binary, &["run", "--features", &features], 0)?;
    let load = timed(
        binary,
        &[
            "run",
            "--list",
            "--features",
            &features,
            "--expectations",
            &expected,
        ],
        0,
    )?;
    // Every entry names a scenario that passes: each is reported STALE, so the gate fails.
    let results_path = dir.join("scale.json");
    let results = results_path.to_string_lossy().into_owned();
    let checked = timed(
        binary,
        &[
            "run",
            "--features",
            &features,
            "--expectations",
            &expected,
            "--results",
            &results,
        ],
        1,
    )?;
    let html_path = dir.join("scale.html");
    let html = html_path.to_string_lossy().into_owned();
    let report = timed(binary, &["report", &results, "--output", &html], 0)?;
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    Ok(format!(
        "one feature file of {scenarios} scenarios ({:.1} MB):\n  \
         run --list (discovery, parsing, listing): {:.2} s\n  \
         run (against the reference implementation): {:.2} s\n\
         an expectations file of {entries} entries ({:.1} MB):\n  \
         run --list --expectations (reading it as well): {:.2} s\n  \
         run --expectations (and checking {scenarios} results against it, writing --results): {:.2} s\n\
         the results file ({:.1} MB) as one HTML report ({:.2} MB):\n  \
         report: {:.2} s",
        mb(feature_text.len()),
        s(list),
        s(run),
        mb(expectations_text.len()),
        s(load),
        s(checked),
        mb(size(&results_path)),
        mb(size(&html_path)),
        s(report),
    ))
}
