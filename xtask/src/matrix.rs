//! `cargo xtask matrix OUT_DIR`: the suite against our implementations (the
//! reference, the Python example, the Node example) and every version of the
//! real `@nmshd/runtime` that `adapters/nmshd-runtime/versions.json` lists
//! (oldest first, each gated by its own expectations file), each run's
//! results file and report, and the matrix of all, with the runtime's rule
//! history across its versions (`report --series`).

use crate::pipeline::PipelineError;
use enmeshed_conformance::{fsio, results, version_order};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fuzz seed of every run of the matrix, so the matrix is reproducible.
pub const SEED: &str = "20261129";

/// The runtime versions the matrix judges, relative to the workspace: the
/// one list (read at run time, never copied into code).
pub const RUNTIME_VERSIONS: &str = "adapters/nmshd-runtime/versions.json";

/// The runtime adapter's folder, relative to the workspace.
const RUNTIME_DIR: &str = "adapters/nmshd-runtime";

/// The name of the runtime's series in the matrix's rule history.
pub const RUNTIME_SERIES: &str = "@nmshd/runtime";

/// `--timeout` of every runtime column: the real runtime starts slower than
/// the default allows.
const RUNTIME_TIMEOUT: &str = "30";

/// One column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implementation {
    /// The name of its files in the output directory.
    pub name: String,
    /// `--adapter-cmd` (`None`: the reference implementation in process).
    pub adapter_cmd: Option<String>,
    /// `--expectations`, relative to the workspace.
    pub expectations: Option<String>,
    /// `--timeout` in seconds, when the default is too short.
    pub timeout: Option<String>,
    /// A version of a product (`RUNTIME_SERIES`): the product and the
    /// version, a column of the rule history.
    pub series: Option<(String, String)>,
    /// Why the run cannot start (not installed, a documented skip): the
    /// column is a skipped one saying so, never a pass nor a missing column.
    pub cannot_run: Option<String>,
}

impl Implementation {
    /// A column that runs `adapter_cmd` (`None`: the reference) ungated.
    pub fn plain(name: &str, adapter_cmd: Option<&str>) -> Self {
        Implementation {
            name: name.to_owned(),
            adapter_cmd: adapter_cmd.map(str::to_owned),
            expectations: None,
            timeout: None,
            series: None,
            cannot_run: None,
        }
    }
}

/// One entry of `versions.json` (its other fields are the adapter's).
#[derive(Debug, Clone, serde::Deserialize)]
struct RuntimeVersion {
    /// The version (`6.60.5`).
    version: String,
    /// The package it is installed under in `node_modules`.
    package: String,
    /// Its expectations file, relative to the workspace.
    expectations: String,
    /// A documented skip: why the adapter cannot drive this version.
    #[serde(default)]
    skip: Option<String>,
}

/// `versions.json`: the list (its other fields are the adapter's).
#[derive(Debug, serde::Deserialize)]
struct RuntimeVersions {
    /// The version the adapter runs without `--runtime`.
    #[serde(default)]
    default: Option<String>,
    versions: Vec<RuntimeVersion>,
}

/// The matrix's columns: the reference and the two examples, then one per
/// runtime version of [`RUNTIME_VERSIONS`] in version order.
pub fn implementations(workspace: &Path) -> Result<Vec<Implementation>, PipelineError> {
    let mut columns = vec![
        Implementation::plain("reference", None),
        Implementation::plain("python", Some("python3 examples/python/enmeshed_idp.py")),
        Implementation::plain("node", Some("node examples/node/enmeshed_idp.js")),
    ];
    columns.extend(runtime_versions(workspace)?.1);
    Ok(columns)
}

/// [`RUNTIME_VERSIONS`] read from `workspace`: the default version and the
/// runtime's columns in version order (see [`runtime_columns`]).
pub fn runtime_versions(workspace: &Path) -> Result<(String, Vec<Implementation>), PipelineError> {
    let path = workspace.join(RUNTIME_VERSIONS);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| other(format!("cannot read {}: {e}", path.display())))?;
    let at = |e: String| other(format!("{}: {e}", path.display()));
    let list: RuntimeVersions = serde_json::from_str(&text).map_err(|e| at(e.to_string()))?;
    let columns = runtime_columns(&text, workspace).map_err(at)?;
    let default = list
        .default
        .ok_or_else(|| at("no `default` version".to_owned()))?;
    if !columns
        .iter()
        .any(|c| c.series.as_ref().is_some_and(|(_, v)| *v == default))
    {
        return Err(at(format!("the default version {default} is not listed")));
    }
    Ok((default, columns))
}

/// The runtime's columns from the text of [`RUNTIME_VERSIONS`], in version
/// order: each runs the adapter with `--runtime VERSION` and that version's
/// expectations, or says why it cannot (a documented skip; its package or
/// expectations file missing under `workspace`).
pub fn runtime_columns(text: &str, workspace: &Path) -> Result<Vec<Implementation>, String> {
    let list: RuntimeVersions = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if list.versions.is_empty() {
        return Err("no runtime version listed".to_owned());
    }
    let mut versions = list.versions;
    versions.sort_by(|a, b| version_order::compare(&a.version, &b.version));
    let mut columns: Vec<Implementation> = Vec::with_capacity(versions.len());
    for v in versions {
        // The version names files: nothing that could leave the folder or hide.
        if v.version.is_empty()
            || v.version.starts_with(['.', '-'])
            || !v
                .version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
        {
            return Err(format!(
                "version {:?}: a version is letters, digits and . - + _",
                v.version
            ));
        }
        let name = format!("nmshd-runtime-{}", v.version);
        if columns.iter().any(|c| c.name == name) {
            return Err(format!("version {} is listed twice", v.version));
        }
        let package = Path::new(RUNTIME_DIR).join("node_modules").join(&v.package);
        let cannot_run = if let Some(reason) = v.skip {
            Some(format!("documented in {RUNTIME_VERSIONS}: {reason}"))
        } else if !workspace.join(&package).is_dir() {
            Some(format!(
                "not installed: {} is missing; run first: (cd {RUNTIME_DIR} && npm ci)",
                package.display()
            ))
        } else if !workspace.join(&v.expectations).is_file() {
            Some(format!(
                "its expectations file {} is missing",
                v.expectations
            ))
        } else {
            None
        };
        columns.push(Implementation {
            name,
            adapter_cmd: Some(format!(
                "node {RUNTIME_DIR}/adapter.js --runtime {}",
                v.version
            )),
            expectations: Some(v.expectations),
            timeout: Some(RUNTIME_TIMEOUT.to_owned()),
            series: Some((RUNTIME_SERIES.to_owned(), v.version)),
            cannot_run,
        });
    }
    Ok(columns)
}

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
    args.extend(gate_args(implementation));
    args
}

/// The options that say what `implementation` is and how it is gated:
/// `--adapter-cmd`, `--timeout` and `--expectations`, where it has them.
pub fn gate_args(implementation: &Implementation) -> Vec<String> {
    let mut args = Vec::new();
    if let Some(cmd) = &implementation.adapter_cmd {
        args.extend(["--adapter-cmd".to_owned(), cmd.clone()]);
    }
    if let Some(timeout) = &implementation.timeout {
        args.extend(["--timeout".to_owned(), timeout.clone()]);
    }
    if let Some(file) = &implementation.expectations {
        args.extend(["--expectations".to_owned(), file.clone()]);
    }
    args
}

/// The most bytes of a run's console kept in its `<name>.log` (the rest is
/// read and dropped, so the run never blocks on a full pipe).
pub const MAX_LOG_BYTES: usize = 64 * 1024 * 1024;

/// Runs the matrix into `out_dir` (created if missing): the columns of
/// [`implementations`], each version of the runtime that cannot run a
/// skipped column saying why.
pub fn run(workspace: &Path, out_dir: &Path) -> Result<String, PipelineError> {
    let columns = implementations(workspace)?;
    let binary = binary(workspace)?;
    run_with(&binary, workspace, out_dir, &columns)
}

/// The results file of a column that never ran the suite: one test case,
/// [`results::NOT_RUN_CASE`], errored (`skipped: false`: the run was tried)
/// or skipped with `why`; a version of a series carries its version, so the
/// rule history places it.
fn not_run_file(implementation: &Implementation, why: &str, skipped: bool) -> results::ResultsFile {
    let mut file = results::not_run(
        implementation
            .adapter_cmd
            .as_deref()
            .unwrap_or(&implementation.name),
        enmeshed_conformance::verdict::FaultKind::Adapter(
            enmeshed_conformance::adapter::AdapterFault::Crash,
        ),
        why,
        "-",
    );
    if let Some((_, version)) = &implementation.series {
        file.implementation.version.clone_from(version);
    }
    if skipped && let Some(case) = file.cases.first_mut() {
        case.verdict = results::CaseVerdict::Skipped;
        case.fault = None;
        case.skip_reason = case.message.take();
    }
    file
}

/// Runs the matrix into `out_dir` (created if missing): per implementation
/// `<name>.json` (results), `<name>.log` (console) and `<name>.html`
/// (its report); then `matrix.html`, with the rule history of each series
/// of versions. Every file is written through the
/// library's safe writer (never through a link planted in `out_dir`). A run
/// that fails is data for the matrix; a run that writes no results file
/// (a broken implementation, a crashed suite) gets one of its own, one
/// errored test case saying so: a failed column, never a lost matrix. A
/// column that cannot run gets a skipped one with its reason.
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
    // Each series' name and its results files, in column order.
    let mut series: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for implementation in implementations {
        let results = out_dir.join(format!("{}.json", implementation.name));
        let log_name = format!("{}.log", implementation.name);
        let log_path = out_dir.join(&log_name);
        // A stale file from an earlier matrix must not stand in for this run.
        let _ = std::fs::remove_file(&results);
        let started = std::time::Instant::now();
        let line = if let Some(why) = &implementation.cannot_run {
            dir.write(&log_name, format!("not run: {why}\n").as_bytes())
                .map_err(|e| other(e.to_string()))?;
            results::write(&results, &not_run_file(implementation, why, true)).map_err(other)?;
            format!("not run, {why}")
        } else {
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
                keep_version(implementation, &results)?
            } else {
                let why = format!(
                    "the run against {} wrote no results file (exit {exit}); see {}",
                    implementation.name,
                    log_path.display()
                );
                results::write(&results, &not_run_file(implementation, &why, false))
                    .map_err(other)?;
                ", wrote no results file: a failed column".to_owned()
            };
            format!("exit {exit}{note}")
        };
        let _ = writeln!(
            summary,
            "{}: {line} in {:.1} s ({})",
            implementation.name,
            started.elapsed().as_secs_f64(),
            results.display()
        );
        report(
            binary,
            workspace,
            std::slice::from_ref(&results),
            &[],
            &out_dir.join(format!("{}.html", implementation.name)),
        )?;
        if let Some((product, _)) = &implementation.series {
            match series.iter_mut().find(|(name, _)| name == product) {
                Some((_, files)) => files.push(results.clone()),
                None => series.push((product.clone(), vec![results.clone()])),
            }
        }
        results_files.push(results);
    }
    let matrix = out_dir.join("matrix.html");
    // One `--series NAME=FILE` per file: a path may hold a comma.
    let series: Vec<String> = series
        .into_iter()
        .flat_map(|(name, files)| {
            files
                .into_iter()
                .map(move |f| format!("{name}={}", f.display()))
        })
        .collect();
    report(binary, workspace, &results_files, &series, &matrix)?;
    let _ = write!(summary, "matrix: {}", matrix.display());
    Ok(summary)
}

/// A version of a series whose run did not start (the suite wrote a
/// not-run results file, its version `-`) gets its version back, so the
/// rule history places it; a run whose implementation reported another
/// version than its column's is a note of the summary.
fn keep_version(implementation: &Implementation, results: &Path) -> Result<String, PipelineError> {
    let Some((_, version)) = &implementation.series else {
        return Ok(String::new());
    };
    let mut file = results::load(results).map_err(other)?;
    if file.implementation.version == "-"
        && file
            .cases
            .first()
            .is_some_and(|c| c.name == results::NOT_RUN_CASE)
    {
        file.implementation.version.clone_from(version);
        results::write(results, &file).map_err(other)?;
    } else if &file.implementation.version != version {
        // The implementation's text is data on the console.
        return Ok(format!(
            ", but the implementation reported version {:?}",
            enmeshed_conformance::sanitize::terminal::text(&file.implementation.version)
        ));
    }
    Ok(String::new())
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
    series: &[String],
    html: &Path,
) -> Result<(), PipelineError> {
    let output = Command::new(binary)
        .arg("report")
        .args(results)
        .args(series.iter().flat_map(|s| ["--series", s.as_str()]))
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
    fn the_runtime_versions_are_gated_and_the_others_are_not() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let columns = implementations(root).expect("the columns");
        let names: Vec<&str> = columns.iter().take(3).map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["reference", "python", "node"]);
        let reference = run_args(&columns[0], Path::new("r.json"));
        assert!(
            !reference
                .iter()
                .any(|a| a == "--adapter-cmd" || a == "--expectations")
        );
        assert!(reference.windows(2).any(|w| w == ["--results", "r.json"]));
        for column in &columns[3..] {
            let (product, version) = column.series.clone().expect("a runtime version");
            assert_eq!(product, RUNTIME_SERIES);
            let args = run_args(column, Path::new("r.json"));
            assert!(
                args.windows(2).any(|w| w[0] == "--adapter-cmd"
                    && w[1]
                        == format!("node adapters/nmshd-runtime/adapter.js --runtime {version}")),
                "{args:?}"
            );
            assert!(
                args.windows(2).any(|w| w == ["--timeout", "30"]),
                "{args:?}"
            );
            let expectations = column.expectations.as_deref().expect("gated");
            assert!(
                args.windows(2)
                    .any(|w| w == ["--expectations", expectations])
            );
        }
        for i in &columns {
            for file in i
                .adapter_cmd
                .iter()
                .flat_map(|c| c.split(' ').skip(1).take(1))
            {
                assert!(root.join(file).is_file(), "{file}");
            }
        }
    }

    #[test]
    fn the_default_version_must_be_given_and_listed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(RUNTIME_VERSIONS);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let listed = r#"{"version": "6.60.5", "package": "p", "expectations": "e.toml"}"#;
        let write = |default: &str| {
            let text = format!(r#"{{{default} "versions": [{listed}]}}"#);
            std::fs::write(&file, text).unwrap();
        };
        write(r#""default": "6.60.5","#);
        let (default, columns) = runtime_versions(dir.path()).expect("a good list");
        assert_eq!(default, "6.60.5");
        assert_eq!(columns.len(), 1);
        write("");
        let error = runtime_versions(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("versions.json: no `default` version"),
            "{error}"
        );
        write(r#""default": "7.0.0","#);
        let error = runtime_versions(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("the default version 7.0.0 is not listed"),
            "{error}"
        );
    }
}
