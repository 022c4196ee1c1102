//! `cargo xtask bench-suite` and `bench-fuzz`: wall time of whole
//! `enmeshed-conformance` invocations against the reference implementation,
//! build excluded.

use crate::pipeline::PipelineError;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Builds the release binary, then times `runs` invocations of `enmeshed-conformance ARGS`.
pub fn run(workspace: &Path, runs: u32, args: &[String]) -> Result<String, PipelineError> {
    let binary = crate::bench_scale::release_binary(workspace)?;
    let mut samples: Vec<Duration> = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let output = Command::new(&binary)
            .args(args)
            .current_dir(workspace)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| PipelineError::Other(format!("cannot run {}: {e}", binary.display())))?;
        samples.push(start.elapsed());
        if !output.status.success() {
            return Err(PipelineError::Other(format!(
                "the run failed:\n{}",
                String::from_utf8_lossy(&output.stdout)
            )));
        }
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    Ok(format!(
        "runs: {}, wall time per run: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        samples.len(),
        ms(samples[samples.len() / 2]),
        ms(samples[0]),
        ms(samples[samples.len() - 1])
    ))
}
