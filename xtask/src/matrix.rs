//! `cargo xtask matrix OUT_DIR`: the suite against our four implementations
//! (the reference, the Python example, the Node example, and the real
//! `@nmshd/runtime` gated by its expectations file), each run's results file
//! and report, and the matrix of all four.

use crate::pipeline::PipelineError;
use enmeshed_conformance::{fsio, results};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fuzz seed of every run of the matrix, so the matrix is reproducible.
pub const SEED: &str = "20261129";

/// One implementation of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct Implementation {
    /// The name of its files in the output directory.
    pub name: &'static str,
    /// `--adapter-cmd` (`None`: the reference implementation in process).
    pub adapter_cmd: Option<&'static str>,
    /// `--expectations`, relative to the workspace.
    pub expectations: Option<&'static str>,
    /// `--timeout` in seconds, when the default is too short.
    pub timeout: Option<&'static str>,
    /// A file that must exist before the run, and the command that makes it.
    pub needs: Option<(&'static str, &'static str)>,
}

/// The four implementations, in the matrix's column order.
pub const IMPLEMENTATIONS: [Implementation; 4] = [
    Implementation {
        name: "reference",
        adapter_cmd: None,
        expectations: None,
        timeout: None,
        needs: None,
    },
    Implementation {
        name: "python",
        adapter_cmd: Some("python3 examples/python/enmeshed_idp.py"),
        expectations: None,
        timeout: None,
        needs: None,
    },
    Implementation {
        name: "node",
        adapter_cmd: Some("node examples/node/enmeshed_idp.js"),
        expectations: None,
        timeout: None,
        needs: None,
    },
    Implementation {
        name: "nmshd-runtime",
        adapter_cmd: Some("node adapters/nmshd-runtime/adapter.js"),
        expectations: Some("adapters/nmshd-runtime/expectations/7.0.0.toml"),
        timeout: Some("30"),
        needs: Some((
            "adapters/nmshd-runtime/node_modules/@nmshd/runtime",
            "(cd adapters/nmshd-runtime && npm ci)",
        )),
    },
];

fn other(message: String) -> PipelineError {
    PipelineError::Other(message)
}

/// Builds the suite's binary (the dev profile `cargo test` builds too) and
/// returns its path (honouring `CARGO_TARGET_DIR`).
pub fn binary(workspace: &Path) -> Result<PathBuf, PipelineError> {
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

/// The `run` arguments of `implementation`, writing its results to `results`.
pub fn run_args(implementation: &Implementation, results: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["run", "--quiet", "--seed", SEED, "--results"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    args.push(results.display().to_string());
    if let Some(cmd) = implementation.adapter_cmd {
        args.extend(["--adapter-cmd".to_owned(), cmd.to_owned()]);
    }
    if let Some(timeout) = implementation.timeout {
        args.extend(["--timeout".to_owned(), timeout.to_owned()]);
    }
    if let Some(file) = implementation.expectations {
        args.extend(["--expectations".to_owned(), file.to_owned()]);
    }
    args
}

/// The most bytes of a run's console kept in its `<name>.log` (the rest is
/// read and dropped, so the run never blocks on a full pipe).
pub const MAX_LOG_BYTES: usize = 64 * 1024 * 1024;

/// Runs the matrix into `out_dir` (created if missing): per implementation
/// `<name>.json` (results), `<name>.log` (console) and `<name>.html`
/// (its report); then `matrix.html`. Every file is written through the
/// library's safe writer (never through a link planted in `out_dir`). A run
/// that fails is data for the matrix; a run that writes no results file
/// (a broken implementation, a crashed suite) gets one of its own, one
/// errored test case saying so: a failed column, never a lost matrix.
pub fn run(workspace: &Path, out_dir: &Path) -> Result<String, PipelineError> {
    for implementation in &IMPLEMENTATIONS {
        if let Some((file, fix)) = implementation.needs
            && !workspace.join(file).exists()
        {
            return Err(other(format!(
                "{} needs {file}; run first: {fix}",
                implementation.name
            )));
        }
    }
    let binary = binary(workspace)?;
    run_with(&binary, workspace, out_dir, &IMPLEMENTATIONS)
}

/// [`run`] with a given suite binary and implementations.
pub fn run_with(
    binary: &Path,
    workspace: &Path,
    out_dir: &Path,
    implementations: &[Implementation],
) -> Result<String, PipelineError> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| other(format!("cannot create {}: {e}", out_dir.display())))?;
    let out_dir = std::fs::canonicalize(out_dir)
        .map_err(|e| other(format!("cannot resolve {}: {e}", out_dir.display())))?;
    let dir = fsio::Dir::open(&out_dir).map_err(|e| other(e.to_string()))?;
    let mut summary = String::new();
    let mut results_files = Vec::new();
    for implementation in implementations {
        let results = out_dir.join(format!("{}.json", implementation.name));
        let log_name = format!("{}.log", implementation.name);
        let log_path = out_dir.join(&log_name);
        // A stale file from an earlier matrix must not stand in for this run.
        let _ = std::fs::remove_file(&results);
        let started = std::time::Instant::now();
        let mut command = Command::new(binary);
        command
            .args(run_args(implementation, &results))
            .current_dir(workspace);
        let (status, log) = console_of(command)
            .map_err(|e| other(format!("cannot run {}: {e}", binary.display())))?;
        dir.write(&log_name, &log)
            .map_err(|e| other(e.to_string()))?;
        let exit = status
            .code()
            .map_or_else(|| "signal".to_owned(), |c| c.to_string());
        let note = if results.exists() {
            String::new()
        } else {
            let failed = results::not_run(
                implementation.adapter_cmd.unwrap_or(implementation.name),
                enmeshed_conformance::verdict::FaultKind::Adapter(
                    enmeshed_conformance::adapter::AdapterFault::Crash,
                ),
                &format!(
                    "the run against {} wrote no results file (exit {exit}); see {}",
                    implementation.name,
                    log_path.display()
                ),
                "-",
            );
            results::write(&results, &failed).map_err(other)?;
            ", wrote no results file: a failed column".to_owned()
        };
        let _ = writeln!(
            summary,
            "{}: exit {exit} in {:.1} s ({}){note}",
            implementation.name,
            started.elapsed().as_secs_f64(),
            results.display()
        );
        report(
            binary,
            workspace,
            std::slice::from_ref(&results),
            &out_dir.join(format!("{}.html", implementation.name)),
        )?;
        results_files.push(results);
    }
    let matrix = out_dir.join("matrix.html");
    report(binary, workspace, &results_files, &matrix)?;
    let _ = write!(summary, "matrix: {}", matrix.display());
    Ok(summary)
}

/// Runs `command` with its standard output and error into one pipe, and
/// returns its exit status and what it printed (at most [`MAX_LOG_BYTES`]).
fn console_of(mut command: Command) -> std::io::Result<(std::process::ExitStatus, Vec<u8>)> {
    use std::io::Read as _;
    let (reader, writer) = std::io::pipe()?;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer)
        .spawn()?;
    // The command holds the pipe's write ends: dropped, reading ends when
    // the child's (and its children's) are closed.
    drop(command);
    let mut log = Vec::new();
    let mut reader = reader;
    let mut buffer = [0u8; 64 * 1024];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                let room = MAX_LOG_BYTES.saturating_sub(log.len());
                log.extend_from_slice(&buffer[..n.min(room)]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        }
    }
    Ok((child.wait()?, log))
}

fn report(
    binary: &Path,
    workspace: &Path,
    results: &[PathBuf],
    html: &Path,
) -> Result<(), PipelineError> {
    let output = Command::new(binary)
        .arg("report")
        .args(results)
        .arg("--output")
        .arg(html)
        .current_dir(workspace)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| other(format!("cannot run {}: {e}", binary.display())))?;
    if !output.status.success() {
        return Err(other(format!(
            "report {} failed: {}",
            html.display(),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_is_gated_and_the_others_are_not() {
        let names: Vec<&str> = IMPLEMENTATIONS.iter().map(|i| i.name).collect();
        assert_eq!(names, ["reference", "python", "node", "nmshd-runtime"]);
        let runtime = run_args(&IMPLEMENTATIONS[3], Path::new("r.json"));
        assert!(runtime.windows(2).any(|w| w
            == [
                "--expectations",
                "adapters/nmshd-runtime/expectations/7.0.0.toml"
            ]));
        let reference = run_args(&IMPLEMENTATIONS[0], Path::new("r.json"));
        assert!(
            !reference
                .iter()
                .any(|a| a == "--adapter-cmd" || a == "--expectations")
        );
        assert!(reference.windows(2).any(|w| w == ["--results", "r.json"]));
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        for i in &IMPLEMENTATIONS {
            for file in i
                .adapter_cmd
                .iter()
                .flat_map(|c| c.split(' ').skip(1))
                .chain(i.expectations)
            {
                assert!(root.join(file).is_file(), "{file}");
            }
        }
    }
}
