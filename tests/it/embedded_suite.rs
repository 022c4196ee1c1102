//! The suite is built into the binary: a copy of it, run from an empty
//! directory far from the source tree, runs the whole suite against the
//! Python example; a vendor repository's own `features/` directory does not
//! change what runs; `features export` writes the same suite out.

use crate::support::cli;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BINARY: &str = env!("CARGO_BIN_EXE_enmeshed-conformance");

/// A copy of the binary and of the Python example in a fresh directory, as
/// `cargo install` leaves it: nothing of the source tree is reachable.
struct Installed {
    _root: tempfile::TempDir,
    binary: PathBuf,
    work: PathBuf,
}

fn installed() -> Installed {
    let root = tempfile::tempdir().unwrap();
    let bin = root.path().join("bin");
    let work = root.path().join("work");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let binary = bin.join("enmeshed-conformance");
    std::fs::copy(BINARY, &binary).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python/enmeshed_idp.py"),
        work.join("enmeshed_idp.py"),
    )
    .unwrap();
    Installed {
        _root: root,
        binary,
        work,
    }
}

impl Installed {
    fn run(&self, args: &[&str]) -> Output {
        // A child that another test thread forks while the copy is still open
        // for writing holds it briefly ("Text file busy"): try again.
        for _ in 0..50 {
            match Command::new(&self.binary)
                .args(args)
                .current_dir(&self.work)
                .env_remove("CARGO_MANIFEST_DIR")
                .output()
            {
                Ok(output) => return output,
                Err(e) if e.raw_os_error() == Some(26) => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => panic!("the copied binary does not start: {e}"),
            }
        }
        panic!("the copied binary stays busy")
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The number of scenarios the embedded suite holds, from `--list`.
fn listed(output: &Output) -> Vec<String> {
    cli::stdout(output)
        .lines()
        .filter(|l| l.starts_with("embedded:features/"))
        .map(str::to_owned)
        .collect()
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn an_installed_binary_runs_the_whole_suite_from_an_empty_directory() {
    let suite = installed();
    let output = suite.run(&[
        "run",
        "--adapter-cmd",
        "python3 enmeshed_idp.py",
        "--junit",
        "report.xml",
    ]);
    let out = cli::stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}\n{}", stderr(&output));
    assert!(out.contains(" passed, 0 failed, 0 skipped"), "{out}");
    let junit = std::fs::read_to_string(suite.work.join("report.xml")).unwrap();
    assert!(
        junit.contains("name=\"spec.digest\" value=\"embedded:sha256:"),
        "{junit}"
    );
    assert!(
        junit.contains("embedded:features/manual/dto.feature"),
        "{junit}"
    );

    let list = suite.run(&["run", "--list"]);
    assert_eq!(list.status.code(), Some(0));
    let scenarios = listed(&list);
    assert!(
        scenarios
            .iter()
            .any(|l| l.starts_with("embedded:features/generated/"))
    );
    assert!(
        scenarios
            .iter()
            .any(|l| l.starts_with("embedded:features/manual/"))
    );
    assert!(
        out.contains(&format!("{} passed", scenarios.len())),
        "{out}"
    );

    let coverage = suite.run(&["coverage"]);
    let report = cli::stdout(&coverage);
    assert_eq!(
        coverage.status.code(),
        Some(0),
        "{report}{}",
        stderr(&coverage)
    );
    assert!(
        report.contains("outcome bullets executable: 11/11"),
        "{report}"
    );
}

#[test]
fn a_vendor_features_directory_does_not_change_what_runs() {
    let suite = installed();
    let before = listed(&suite.run(&["run", "--list"]));
    // cucumber-js keeps its features in ./features: a vendor repository has one.
    let own = suite.work.join("features");
    std::fs::create_dir_all(own.join("manual")).unwrap();
    std::fs::write(
        own.join("vendor.feature"),
        "Feature: vendor\n  Scenario: the vendor's own\n    Given something only the vendor knows\n",
    )
    .unwrap();
    std::fs::write(own.join("manual/dto.feature"), "Feature: not the suite's\n").unwrap();
    let after = suite.run(&["run", "--list"]);
    assert_eq!(listed(&after), before);
    let run = suite.run(&["run", "--no-fuzz"]);
    let out = cli::stdout(&run);
    assert_eq!(run.status.code(), Some(0), "{out}");
    assert!(!out.contains("vendor"), "{out}");
    assert!(
        out.contains(&format!("{} passed, 0 failed", before.len())),
        "{out}"
    );
}

#[test]
fn the_exported_features_are_the_embedded_suite() {
    let suite = installed();
    let export = suite.run(&["features", "export", "exported"]);
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    assert!(suite.work.join("exported/manual/dto.feature").is_file());
    assert!(suite.work.join("exported/generated").is_dir());

    let again = suite.run(&["features", "export", "exported"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = suite.run(&["features", "export", "exported", "--force"]);
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));

    let digest = |args: &[&str]| {
        let output = suite.run(args);
        assert_eq!(output.status.code(), Some(0), "{}", cli::stdout(&output));
        let summary = std::fs::read_to_string(suite.work.join("summary.md")).unwrap();
        let start = summary.find("sha256:").unwrap();
        (
            summary[start..start + 71].to_owned(),
            summary.contains("`embedded:sha256:"),
        )
    };
    let embedded = digest(&["run", "--no-fuzz", "--summary", "summary.md"]);
    let exported = digest(&[
        "run",
        "--no-fuzz",
        "--features",
        "exported",
        "--summary",
        "summary.md",
    ]);
    assert_eq!(embedded.0, exported.0, "the export is the embedded suite");
    assert!(embedded.1 && !exported.1);
}
