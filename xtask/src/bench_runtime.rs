//! `cargo xtask bench-runtime`: the real runtime's figures in BENCHMARKS.md,
//! measured by a command instead of copied by hand. Times the gated `run`
//! against `adapters/nmshd-runtime` (release build, excluded from the time),
//! datawallet on and off, with the default fuzz budget and with `--no-fuzz`,
//! and prints a Markdown table headed by the date, the commit and the load
//! average at the start and the end. It needs
//! Node 20 and `npm ci` in the adapter's directory. No test asserts a time.

use crate::pipeline::PipelineError;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The adapter command, as the docs give it.
const ADAPTER_CMD: &str = "node adapters/nmshd-runtime/adapter.js";
/// The adapter's expectations file (the gate).
const EXPECTATIONS: &str = "adapters/nmshd-runtime/expectations.toml";

/// One row of the table: what ran, and its wall times (sorted).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `on` or `off`.
    pub datawallet: &'static str,
    /// Whether the fuzz properties ran (the default budget).
    pub fuzz: bool,
    /// The wall time of each run, shortest first.
    pub samples: Vec<Duration>,
}

/// Times `runs` gated runs in each datawallet mode, with and without fuzzing,
/// each with `--jobs jobs`, and renders the table.
pub fn run(workspace: &Path, runs: u32, jobs: u16) -> Result<String, PipelineError> {
    let binary = crate::bench_scale::release_binary(workspace)?;
    let load_before = load_average();
    let mut rows = Vec::new();
    for datawallet in ["on", "off"] {
        for fuzz in [true, false] {
            let mut samples = Vec::new();
            for _ in 0..runs.max(1) {
                let mut command = Command::new(&binary);
                command
                    .args([
                        "run",
                        "--quiet",
                        "--timeout",
                        "30",
                        "--adapter-cmd",
                        ADAPTER_CMD,
                    ])
                    .args(["--expectations", EXPECTATIONS, "--jobs", &jobs.to_string()])
                    .env("NMSHD_DATAWALLET", datawallet)
                    .current_dir(workspace)
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped());
                if !fuzz {
                    command.arg("--no-fuzz");
                }
                let start = Instant::now();
                let output = command.output().map_err(|e| {
                    PipelineError::Other(format!("cannot run {}: {e}", binary.display()))
                })?;
                samples.push(start.elapsed());
                if !output.status.success() {
                    return Err(PipelineError::Other(format!(
                        "the gated run (datawallet {datawallet}) failed:\n{}{}",
                        String::from_utf8_lossy(&output.stdout),
                        String::from_utf8_lossy(&output.stderr)
                    )));
                }
            }
            samples.sort();
            rows.push(Row {
                datawallet,
                fuzz,
                samples,
            });
        }
    }
    let stamp = format!(
        "{}, load average {} at the start and {} at the end",
        stamp(workspace),
        load_before,
        load_average()
    );
    Ok(render(&stamp, jobs, &rows))
}

/// The 1-minute load average (`/proc/loadavg`), or `unknown`: the machine
/// may be shared, so the table says how busy it was.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// `date, commit`: `date -u` and `git rev-parse --short HEAD` (with
/// `-dirty` when the work tree has changes), or `unknown`.
fn stamp(workspace: &Path) -> String {
    let output = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .current_dir(workspace)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let date = output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown".into());
    let commit =
        output("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty = output("git", &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty());
    format!(
        "{date}, commit {commit}{}",
        if dirty { "-dirty" } else { "" }
    )
}

/// The Markdown table of `rows`, headed by `stamp`.
pub fn render(stamp: &str, jobs: u16, rows: &[Row]) -> String {
    let secs = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    let mut text = format!(
        "Gated `run` against the real runtime (`cargo xtask bench-runtime`, --jobs {jobs}), {stamp}:\n\n\
         | datawallet | fuzzing | runs | median | min | max |\n|---|---|---|---|---|---|\n"
    );
    for row in rows {
        let Some((first, last)) = row.samples.first().zip(row.samples.last()) else {
            continue;
        };
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            row.datawallet,
            if row.fuzz {
                "default budget"
            } else {
                "`--no-fuzz`"
            },
            row.samples.len(),
            secs(row.samples[row.samples.len() / 2]),
            secs(*first),
            secs(*last),
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_the_stamp_and_each_mode_with_median_min_and_max() {
        let ms = Duration::from_millis;
        let rows = [
            Row {
                datawallet: "on",
                fuzz: true,
                samples: vec![ms(20_000), ms(23_000), ms(25_500)],
            },
            Row {
                datawallet: "off",
                fuzz: false,
                samples: vec![ms(4_260)],
            },
        ];
        let table = render("2026-12-07 04:45 UTC, commit abc1234", 2, &rows);
        assert!(
            table.contains("--jobs 2), 2026-12-07 04:45 UTC, commit abc1234:"),
            "{table}"
        );
        assert!(
            table.contains("| on | default budget | 3 | 23.0 s | 20.0 s | 25.5 s |"),
            "{table}"
        );
        assert!(
            table.contains("| off | `--no-fuzz` | 1 | 4.3 s | 4.3 s | 4.3 s |"),
            "{table}"
        );
    }
}
