//! `cargo xtask bench-runtime`: the real runtime's figures in BENCHMARKS.md,
//! measured by a command instead of copied by hand. Times the gated `run`
//! against `adapters/nmshd-runtime` (release build, excluded from the time),
//! datawallet on and off, with the default fuzz budget and with `--no-fuzz`,
//! and prints a Markdown table headed by the date, the commit and the load
//! average at the start and the end. By default
//! it times the adapter's default version; `--all-versions` times the gated
//! run (default fuzz budget) of every version of
//! `adapters/nmshd-runtime/versions.json`, each with its own expectations. It
//! needs Node 20 and `npm ci` in the adapter's directory. No test asserts a
//! time.

use crate::matrix::{Implementation, runtime_versions};
use crate::pipeline::PipelineError;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One row of the table: what ran, and its wall times (sorted).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The runtime version.
    pub version: String,
    /// `on` or `off`.
    pub datawallet: &'static str,
    /// Whether the fuzz properties ran (the default budget).
    pub fuzz: bool,
    /// The wall time of each run, shortest first.
    pub samples: Vec<Duration>,
}

/// Times `runs` gated runs in each datawallet mode, each with `--jobs jobs`:
/// of the default version with and without fuzzing, or (`all_versions`) of
/// every runnable version with the default fuzz budget; renders the table.
/// A version that cannot run (not installed, a documented skip) is an error
/// naming why, so no row goes missing unnoticed.
pub fn run(
    workspace: &Path,
    runs: u32,
    jobs: u16,
    all_versions: bool,
) -> Result<String, PipelineError> {
    let (default, columns) = runtime_versions(workspace)?;
    let version_of = |c: &Implementation| c.series.as_ref().map(|(_, v)| v.clone());
    let chosen: Vec<&Implementation> = columns
        .iter()
        .filter(|c| all_versions || version_of(c).as_deref() == Some(default.as_str()))
        .collect();
    if let Some((column, why)) = chosen
        .iter()
        .find_map(|c| c.cannot_run.as_ref().map(|why| (c, why)))
    {
        return Err(PipelineError::Other(format!(
            "{} cannot run: {why}",
            column.name
        )));
    }
    let binary = crate::bench_scale::release_binary(workspace)?;
    let fuzz_modes: &[bool] = if all_versions {
        &[true]
    } else {
        &[true, false]
    };
    let load_before = load_average();
    let mut rows = Vec::new();
    for column in chosen {
        let version = version_of(column).unwrap_or_default();
        for datawallet in ["on", "off"] {
            for &fuzz in fuzz_modes {
                let mut samples = Vec::new();
                for _ in 0..runs.max(1) {
                    samples.push(time_one(
                        workspace, &binary, column, datawallet, fuzz, jobs,
                    )?);
                }
                samples.sort();
                rows.push(Row {
                    version: version.clone(),
                    datawallet,
                    fuzz,
                    samples,
                });
            }
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

/// The wall time of one gated run of `column`, which must pass.
fn time_one(
    workspace: &Path,
    binary: &Path,
    column: &Implementation,
    datawallet: &str,
    fuzz: bool,
    jobs: u16,
) -> Result<Duration, PipelineError> {
    let mut command = Command::new(binary);
    command
        .args(["run", "--quiet", "--jobs", &jobs.to_string()])
        .args(crate::matrix::gate_args(column))
        .env("NMSHD_DATAWALLET", datawallet)
        .current_dir(workspace)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !fuzz {
        command.arg("--no-fuzz");
    }
    let start = Instant::now();
    let output = command
        .output()
        .map_err(|e| PipelineError::Other(format!("cannot run {}: {e}", binary.display())))?;
    let took = start.elapsed();
    if !output.status.success() {
        return Err(PipelineError::Other(format!(
            "the gated run of {} (datawallet {datawallet}) failed:\n{}{}",
            column.name,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(took)
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
         | version | datawallet | fuzzing | runs | median | min | max |\n|---|---|---|---|---|---|---|\n"
    );
    for row in rows {
        let Some((first, last)) = row.samples.first().zip(row.samples.last()) else {
            continue;
        };
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            row.version,
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
                version: "7.0.0".into(),
                datawallet: "on",
                fuzz: true,
                samples: vec![ms(20_000), ms(23_000), ms(25_500)],
            },
            Row {
                version: "6.60.5".into(),
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
            table.contains("| 7.0.0 | on | default budget | 3 | 23.0 s | 20.0 s | 25.5 s |"),
            "{table}"
        );
        assert!(
            table.contains("| 6.60.5 | off | `--no-fuzz` | 1 | 4.3 s | 4.3 s | 4.3 s |"),
            "{table}"
        );
    }
}
