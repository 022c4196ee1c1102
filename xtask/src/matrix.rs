//! `cargo xtask matrix OUT_DIR`: the suite against our four implementations
//! (the reference, the Python example, the Node example, and the real
//! `@nmshd/runtime` gated by its expectations file), each run's results file
//! and report, and the matrix of all four.

use crate::pipeline::PipelineError;
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
        expectations: Some("adapters/nmshd-runtime/expectations.toml"),
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

/// Runs the matrix into `out_dir` (created if missing): per implementation
/// `<name>.json` (results), `<name>.log` (console) and `<name>.html`
/// (its report); then `matrix.html`. A run that fails is data for the
/// matrix; a run that writes no results file is an error.
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
    std::fs::create_dir_all(out_dir)
        .map_err(|e| other(format!("cannot create {}: {e}", out_dir.display())))?;
    let out_dir = std::fs::canonicalize(out_dir)
        .map_err(|e| other(format!("cannot resolve {}: {e}", out_dir.display())))?;
    let binary = binary(workspace)?;
    let mut summary = String::new();
    let mut results_files = Vec::new();
    for implementation in &IMPLEMENTATIONS {
        let results = out_dir.join(format!("{}.json", implementation.name));
        let log_path = out_dir.join(format!("{}.log", implementation.name));
        // A stale file from an earlier matrix must not stand in for this run.
        let _ = std::fs::remove_file(&results);
        let log = std::fs::File::create(&log_path)
            .map_err(|e| other(format!("cannot create {}: {e}", log_path.display())))?;
        let err = log
            .try_clone()
            .map_err(|e| other(format!("cannot write {}: {e}", log_path.display())))?;
        let started = std::time::Instant::now();
        let status = Command::new(&binary)
            .args(run_args(implementation, &results))
            .current_dir(workspace)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err)
            .status()
            .map_err(|e| other(format!("cannot run {}: {e}", binary.display())))?;
        if !results.exists() {
            return Err(other(format!(
                "the run against {} wrote no results file (exit {status}); see {}",
                implementation.name,
                log_path.display()
            )));
        }
        let _ = writeln!(
            summary,
            "{}: exit {} in {:.1} s ({})",
            implementation.name,
            status
                .code()
                .map_or_else(|| "signal".to_owned(), |c| c.to_string()),
            started.elapsed().as_secs_f64(),
            results.display()
        );
        report(
            &binary,
            workspace,
            std::slice::from_ref(&results),
            &out_dir.join(format!("{}.html", implementation.name)),
        )?;
        results_files.push(results);
    }
    let matrix = out_dir.join("matrix.html");
    report(&binary, workspace, &results_files, &matrix)?;
    let _ = write!(summary, "matrix: {}", matrix.display());
    Ok(summary)
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
        assert!(
            runtime
                .windows(2)
                .any(|w| w == ["--expectations", "adapters/nmshd-runtime/expectations.toml"])
        );
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
