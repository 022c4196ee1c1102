//! Feature discovery and parsing: each real file once (links to a directory
//! or its parent neither loop nor duplicate), only regular files of bounded
//! size, Scenario Outlines expanded, user tags cannot forge a capability
//! skip, and a report never overwrites an input feature.

use crate::support::cli;

use cli::stdout;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const OUTLINE: &str = "\
Feature: Outlines
  Scenario Outline: A grace period of <days> days
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` <days>
    Then the call succeeds
    And its `gracePeriodEndsAt` is <days> days after its `createdAt`

    Examples:
      | days |
      | 0    |
      | 3    |
      | 30   |
";

/// Runs the binary with `args`, killing it (and failing) after `limit`.
fn bounded(args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`{}` did not finish within {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn list(dir: &Path) -> Output {
    bounded(
        &["run", "--list", "--features", dir.to_str().unwrap()],
        Duration::from_secs(60),
    )
}

fn write_outline(dir: &Path) {
    std::fs::write(dir.join("outline.feature"), OUTLINE).unwrap();
}

#[test]
fn links_to_the_directory_itself_neither_loop_nor_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    write_outline(dir.path());
    symlink(".", dir.path().join("a")).unwrap();
    symlink(".", dir.path().join("b")).unwrap();
    let output = list(dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).ends_with("\n3 scenarios\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_link_to_the_parent_does_not_duplicate_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    write_outline(dir.path());
    std::fs::create_dir(dir.path().join("manual")).unwrap();
    std::fs::write(dir.path().join("manual/also.feature"), OUTLINE).unwrap();
    symlink("..", dir.path().join("manual/upstream")).unwrap();
    symlink("outline.feature", dir.path().join("same-file.feature")).unwrap();
    let output = list(dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).ends_with("\n6 scenarios\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_fifo_named_like_a_feature_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    write_outline(dir.path());
    let fifo = dir.path().join("x.feature");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for args in [
        vec![
            "run",
            "--no-fuzz",
            "--features",
            dir.path().to_str().unwrap(),
        ],
        vec!["run", "--no-fuzz", "--features", fifo.to_str().unwrap()],
    ] {
        let output = bounded(&args, Duration::from_secs(60));
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("x.feature is not a regular file"),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn a_feature_linked_to_dev_zero_is_an_error_not_an_endless_read() {
    let dir = tempfile::tempdir().unwrap();
    symlink("/dev/zero", dir.path().join("z.feature")).unwrap();
    let output = bounded(
        &[
            "run",
            "--no-fuzz",
            "--features",
            dir.path().to_str().unwrap(),
        ],
        Duration::from_secs(60),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("z.feature is not a regular file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn scenario_outlines_are_expanded_and_run() {
    let dir = tempfile::tempdir().unwrap();
    write_outline(dir.path());
    let output = bounded(
        &[
            "run",
            "--no-fuzz",
            "--features",
            dir.path().to_str().unwrap(),
        ],
        Duration::from_secs(120),
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}{}", stderr(&output));
    assert!(out.ends_with("3 passed, 0 failed, 0 skipped\n"), "{out}");
}

#[test]
fn a_user_written_capability_skip_tag_does_not_hide_an_undefined_step() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("forged.feature"),
        "Feature: Forged\n  @skipped.capability\n  Scenario: Hidden\n    Given a step nobody defined\n",
    )
    .unwrap();
    let output = bounded(
        &[
            "run",
            "--no-fuzz",
            "--features",
            dir.path().to_str().unwrap(),
        ],
        Duration::from_secs(120),
    );
    let out = stdout(&output);
    // Not a skip: the undefined step is reported as the suite's gap (exit 3).
    assert_eq!(output.status.code(), Some(3), "{out}");
    assert!(out.contains("UNDEFINED Hidden"), "{out}");
    assert!(!out.contains("0 passed, 0 failed, 1 skipped"), "{out}");
}

#[test]
fn a_report_path_that_is_an_input_feature_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_outline(dir.path());
    let feature = dir.path().join("outline.feature");
    for flag in ["--junit", "--json", "--summary"] {
        let output = bounded(
            &[
                "run",
                "--no-fuzz",
                "--features",
                dir.path().to_str().unwrap(),
                flag,
                feature.to_str().unwrap(),
            ],
            Duration::from_secs(60),
        );
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("is the same file as feature file"),
            "{}",
            stderr(&output)
        );
        assert_eq!(std::fs::read_to_string(&feature).unwrap(), OUTLINE);
    }
}
