//! Files in and out: every file the suite writes goes through the safe
//! writer (never through a link, never half-made, nothing left behind),
//! output paths are checked before anything runs (exit 2 naming both
//! files), every input file is read with bounds, and tag expressions are
//! bounded.

use crate::support::cli;

use cli::binary;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn s(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// Runs the binary, killing it (and failing) if it has not ended in 60 s:
/// a FIFO or device input must not hang the suite.
fn bounded(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn updating_expectations_never_writes_through_a_planted_link() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    let d = dir.path().join("d");
    std::fs::create_dir(&d).unwrap();
    // The name the old code wrote to, planted as a link to the victim.
    std::os::unix::fs::symlink("../victim", d.join("exp.toml.tmp")).unwrap();
    let expectations = d.join("exp.toml");
    let output = cli::run(&[
        "-q",
        "--expectations",
        s(&expectations),
        "--update-expectations",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::symlink_metadata(&expectations).unwrap().is_file());
    assert!(d.join("exp.toml.tmp").is_symlink());
    assert_eq!(
        names(&d),
        ["exp.toml", "exp.toml.tmp"],
        "no temporary file is left"
    );

    // A link in the expectations file's place is refused before the run.
    std::fs::remove_file(&expectations).unwrap();
    std::os::unix::fs::symlink("../victim", &expectations).unwrap();
    let output = cli::run(&[
        "-q",
        "--expectations",
        s(&expectations),
        "--update-expectations",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("symbolic link"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn features_export_never_follows_a_linked_directory() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let export = dir.path().join("suite");
    std::fs::create_dir(&export).unwrap();
    std::os::unix::fs::symlink(outside.path(), export.join("generated")).unwrap();
    for force in [&[][..], &["--force"]] {
        let mut args = vec!["features", "export", s(&export)];
        args.extend_from_slice(force);
        let output = binary(&args);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("symbolic link"),
            "{}",
            stderr(&output)
        );
    }
    assert!(names(outside.path()).is_empty(), "nothing written outside");
    assert_eq!(names(&export), ["generated"], "nothing written at all");
}

#[test]
fn an_output_that_is_an_input_or_another_output_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let expectations = dir.path().join("e.toml");
    std::fs::write(&expectations, "# known failures\n").unwrap();
    for flag in ["--junit", "--summary", "--json"] {
        let output = cli::run(&["--expectations", s(&expectations), flag, s(&expectations)]);
        assert_eq!(output.status.code(), Some(2), "{flag}: {}", stderr(&output));
        let message = stderr(&output);
        assert!(
            message.contains(flag) && message.contains("--expectations"),
            "{message}"
        );
        assert!(
            output.stdout.is_empty(),
            "nothing ran: {}",
            cli::stdout(&output)
        );
    }
    assert_eq!(
        std::fs::read_to_string(&expectations).unwrap(),
        "# known failures\n"
    );

    let same = dir.path().join("x");
    let output = cli::run(&["--junit", s(&same), "--json", s(&same)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--junit") && stderr(&output).contains("--json"),
        "{}",
        stderr(&output)
    );
    assert!(!same.exists());

    // A feature file as output, also when the implementation cannot start.
    let feature = dir.path().join("dto.feature");
    std::fs::copy("features/manual/dto.feature", &feature).unwrap();
    let original = std::fs::read_to_string(&feature).unwrap();
    for adapter in [
        &[][..],
        &[
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/handshake_exit.py",
        ],
    ] {
        let mut args = vec!["--features", s(&feature), "--junit", s(&feature)];
        args.extend_from_slice(adapter);
        let output = cli::run(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{adapter:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("feature file"),
            "{}",
            stderr(&output)
        );
        assert_eq!(std::fs::read_to_string(&feature).unwrap(), original);
    }
}

#[test]
fn the_fuzz_regression_file_is_checked_before_the_fuzzer_starts() {
    let dir = tempfile::tempdir().unwrap();
    let expectations = dir.path().join("e.toml");
    std::fs::write(&expectations, "").unwrap();
    let output = binary(&[
        "fuzz",
        "--expectations",
        s(&expectations),
        "--regressions",
        s(&expectations),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("--regressions") && stderr(&output).contains("--expectations"),
        "{}",
        stderr(&output)
    );
    let output = binary(&["fuzz", "--regressions", s(&dir.path().join("no/r.txt"))]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "the fuzzer did not start");
}

#[test]
fn an_output_in_a_missing_directory_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["--summary", "--junit", "--json"] {
        let path = dir.path().join("nodir/x.md");
        let output = cli::run(&[flag, s(&path)]);
        assert_eq!(output.status.code(), Some(2), "{flag}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("does not exist"),
            "{}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "nothing ran");
    }
    assert_eq!(names(dir.path()), Vec::<String>::new());
}

#[test]
fn an_interrupted_run_leaves_no_report() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("stuck");
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args([
            "run",
            "--no-fuzz",
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/stuck_marked.py",
            "--timeout",
            "120",
            "--junit",
            s(&reports.join("junit.xml")),
            "--json",
            s(&reports.join("report.json")),
            "--summary",
            s(&reports.join("summary.md")),
        ])
        .env("STUCK_MARKER", &marker)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the run never reached getActive");
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The run is under way: no report exists yet.
    assert_eq!(names(&reports), Vec::<String>::new());
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: signalling our own child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(
        names(&reports),
        Vec::<String>::new(),
        "no report, no temporary file"
    );
}

#[test]
fn an_expectations_file_that_is_a_fifo_or_a_device_is_refused_without_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("exp.toml");
    let name = std::ffi::CString::new(s(&fifo)).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
    for path in [s(&fifo), "/dev/zero"] {
        let output = bounded(&["run", "--no-fuzz", "--expectations", path]);
        assert_eq!(output.status.code(), Some(2), "{path}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("not a regular file"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn a_deeply_nested_tag_expression_is_bad_usage() {
    for expression in [
        format!("{}@a{}", "(".repeat(20_000), ")".repeat(20_000)),
        format!("{}@a", "not ".repeat(20_000)),
    ] {
        let output = bounded(&["run", "--list", "--tags", &expression]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        let message = stderr(&output);
        assert!(
            message.contains("--tags") && message.contains("at most"),
            "{message}"
        );
        assert!(message.len() < 300, "a short message: {message}");
    }
    let output = binary(&[
        "run",
        "--list",
        "--tags",
        &format!("{}@RID1{}", "(".repeat(64), ")".repeat(64)),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A feature file of one scenario.
const ONE_SCENARIO: &str =
    "features/generated/use-case-transport-get-identitydeletionprocesses.feature";

/// A copy of the Python example in a directory of its own, as an
/// implementation's script: `(dir, script, --adapter-cmd)`.
fn own_script() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("enmeshed_idp.py");
    std::fs::copy("examples/python/enmeshed_idp.py", &script).unwrap();
    let command = format!("python3 {}", s(&script));
    (dir, script, command)
}

#[test]
fn no_output_overwrites_the_implementations_own_files() {
    let (_dir, script, command) = own_script();
    let original = std::fs::read(&script).unwrap();
    for flag in ["--junit", "--summary", "--json", "--results"] {
        let output = cli::run(&["--adapter-cmd", &command, flag, s(&script)]);
        assert_eq!(output.status.code(), Some(2), "{flag}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(flag) && stderr(&output).contains("--adapter-cmd"),
            "{flag}: {}",
            stderr(&output)
        );
        assert!(
            output.stdout.is_empty(),
            "{flag}: the adapter never started"
        );
    }
    // The updated expectations file, and the fuzzer's regression file.
    let output = cli::run(&[
        "--adapter-cmd",
        &command,
        "--expectations",
        s(&script),
        "--update-expectations",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let output = binary(&[
        "fuzz",
        "--adapter-cmd",
        &command,
        "--regressions",
        s(&script),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "the fuzzer did not start");
    assert_eq!(
        std::fs::read(&script).unwrap(),
        original,
        "the script is whole"
    );
}

#[test]
fn no_output_overwrites_the_running_suite_binary() {
    // The binary under another name (a hard link: the same file), in the
    // target directory so that the link can be made.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let binary_link = dir.path().join("enmeshed-conformance");
    std::fs::hard_link(env!("CARGO_BIN_EXE_enmeshed-conformance"), &binary_link).unwrap();
    for flag in ["--summary", "--junit"] {
        let output = Command::new(&binary_link)
            .args(["run", "--no-fuzz", flag, s(&binary_link)])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flag}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("the running suite binary"),
            "{}",
            stderr(&output)
        );
    }
    let output = Command::new(&binary_link)
        .args(["fuzz", "--regressions", s(&binary_link)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let linked = std::fs::metadata(&binary_link).unwrap();
    let built = std::fs::metadata(env!("CARGO_BIN_EXE_enmeshed-conformance")).unwrap();
    use std::os::unix::fs::MetadataExt as _;
    assert_eq!(linked.ino(), built.ino(), "the binary was not replaced");
}

#[tokio::test]
async fn a_rust_vendors_run_never_overwrites_its_own_binary() {
    use enmeshed_conformance::prelude::*;
    // A Rust vendor's implementation is the running binary: this test's.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let binary_link = dir.path().join("vendor-tests");
    std::fs::hard_link(std::env::current_exe().unwrap(), &binary_link).unwrap();
    let error = Run::new(Arc::new(ReferenceImplementation::new()))
        .fuzz(None)
        .console(false)
        .junit(&binary_link)
        .execute()
        .await
        .unwrap_err();
    assert_eq!(error.exit_code(), 2, "{error}");
    assert!(
        error.to_string().contains("the running suite binary"),
        "{error}"
    );
}

#[test]
fn a_report_never_keeps_set_id_or_sticky_bits() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    std::fs::write(&junit, "old").unwrap();
    std::fs::set_permissions(&junit, std::fs::Permissions::from_mode(0o4777)).unwrap();
    let output = cli::run(&["-q", "--features", ONE_SCENARIO, "--junit", s(&junit)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mode = std::fs::metadata(&junit).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o777, "plain bits kept, set-id and sticky bits gone");
}

#[test]
fn the_summary_appends_to_githubs_step_summary_and_replaces_any_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let step = dir.path().join("step_summary");
    let other = dir.path().join("summary.md");
    for file in [&step, &other] {
        std::fs::write(file, "## An earlier command of the step\n").unwrap();
    }
    let run = |summary: &Path, adapter: &[&str]| {
        let mut args = vec![
            "run",
            "--no-fuzz",
            "-q",
            "--features",
            ONE_SCENARIO,
            "--summary",
            s(summary),
        ];
        args.extend_from_slice(adapter);
        Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
            .args(&args)
            .env("GITHUB_STEP_SUMMARY", &step)
            .env_remove("GITHUB_ACTIONS")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    let output = run(&step, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&step).unwrap();
    assert!(
        text.starts_with("## An earlier command of the step\n\n## enmeshed-conformance: passed"),
        "{text}"
    );
    // A start failure's summary is appended too.
    let output = run(
        &step,
        &[
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/handshake_exit.py",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = std::fs::read_to_string(&step).unwrap();
    assert!(
        text.starts_with("## An earlier command of the step\n"),
        "{text}"
    );
    assert!(
        text.contains("passed") && text.contains("## enmeshed-conformance: ERRORED"),
        "{text}"
    );
    let output = run(&other, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&other).unwrap();
    assert!(
        text.starts_with("## enmeshed-conformance: passed"),
        "{text}"
    );
}

/// The code of a source file that is not its tests (the `#[cfg(test)]`
/// module at its end) or comments.
fn code_of(text: &str) -> String {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn rust_files(dir: &Path, into: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

#[test]
fn no_file_is_written_outside_the_safe_writer() {
    // Every way of creating or writing a file that the standard library,
    // tokio and libc offer; only src/fsio may use them.
    const WRITERS: [&str; 12] = [
        "File::create",
        "File::options",
        "fs::write(",
        "fs::copy(",
        "OpenOptions",
        ".write(true)",
        ".append(true)",
        ".create(true)",
        ".create_new(true)",
        "O_CREAT",
        "O_WRONLY",
        "O_RDWR",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("xtask/src"), &mut files);
    assert!(files.len() > 50, "the sources were found: {}", files.len());
    let mut found = Vec::new();
    for file in &files {
        if file.starts_with(root.join("src/fsio")) {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for writer in WRITERS {
            if code.contains(writer) {
                found.push(format!("{}: {writer}", file.display()));
            }
        }
    }
    // A reader may open a file with `OpenOptions` for reading only: the
    // docs checkout's pages (no write, append or create flag).
    found.retain(|f| !(f.contains("xtask/src/sync/checkout.rs") && f.ends_with("OpenOptions")));
    assert!(
        found.is_empty(),
        "write files through enmeshed_conformance::fsio (the safe writer), not directly:\n{}",
        found.join("\n")
    );
}

#[test]
fn an_output_directory_replaced_by_a_link_during_the_run_is_not_followed() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let reports = root.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args([
            "run",
            "--no-fuzz",
            "-q",
            "--features",
            ONE_SCENARIO,
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/swap_dir.py",
            "--junit",
            s(&reports.join("junit.xml")),
            "--results",
            s(&reports.join("results.json")),
        ])
        .env("SWAP_DIR", &reports)
        .env("SWAP_TO", outside.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(reports.is_symlink(), "the fixture swapped the directory");
    assert!(
        names(outside.path()).is_empty(),
        "nothing went through the link"
    );
    assert_eq!(
        names(&root.path().join("reports.orig")),
        ["junit.xml", "results.json"],
        "the reports are in the directory that was checked"
    );
}

#[test]
fn the_html_report_never_overwrites_its_results_or_the_suite_binary() {
    use enmeshed_conformance::adapter::AdapterFault;
    use enmeshed_conformance::verdict::FaultKind;
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let results = dir.path().join("r.json");
    let file = enmeshed_conformance::results::not_run(
        "x",
        FaultKind::Adapter(AdapterFault::Crash),
        "m",
        "-",
    );
    enmeshed_conformance::results::write(&results, &file).unwrap();
    let binary_link = dir.path().join("enmeshed-conformance");
    std::fs::hard_link(env!("CARGO_BIN_EXE_enmeshed-conformance"), &binary_link).unwrap();
    for (output, names) in [
        (&results, "the results file"),
        (&binary_link, "the running suite binary"),
    ] {
        let run = Command::new(&binary_link)
            .args(["report", s(&results), "--output", s(output)])
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert!(stderr(&run).contains(names), "{}", stderr(&run));
    }
    use std::os::unix::fs::MetadataExt as _;
    let linked = std::fs::metadata(&binary_link).unwrap();
    let built = std::fs::metadata(env!("CARGO_BIN_EXE_enmeshed-conformance")).unwrap();
    assert_eq!(linked.ino(), built.ino(), "the binary was not replaced");
    assert!(
        enmeshed_conformance::results::load(&results).is_ok(),
        "the results file is whole"
    );
}
