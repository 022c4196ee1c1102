//! Expectations files: a duplicate entry is named as such, and a large file
//! is read in time linear in its size.

use crate::support::cli;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_duplicate_entry_is_an_error_naming_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expected.toml");
    let entry = "[[expected]]\nscenario = \"RID1 On Success 1: x\"\noutcome = \"failed\"\nreason = \"r\"\n\n";
    std::fs::write(&file, format!("{entry}{entry}")).unwrap();
    let output = cli::run(&["--list", "--expectations", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("expected.toml:6: entry 2: duplicates entry 1 (line 1)"),
        "{err}"
    );
}

/// Entries of about 100 bytes each, `bytes` in all.
fn big_file(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 200);
    let mut i = 0;
    while text.len() < bytes {
        writeln!(
            text,
            "[[expected]]\nscenario = \"scenario number {i}\"\noutcome = \"failed\"\nreason = \"listed\"\n"
        )
        .unwrap();
        i += 1;
    }
    text
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_large_file_is_read_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expected.toml");
    // 4 MB: the quadratic line lookup took minutes here (debug build).
    std::fs::write(&file, big_file(4 << 20)).unwrap();
    let start = Instant::now();
    let output = cli::run(&["--list", "--expectations", file.to_str().unwrap()]);
    let elapsed = start.elapsed();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");
}

/// A feature file of one scenario.
const ONE_SCENARIO: &str =
    "features/generated/use-case-transport-get-identitydeletionprocesses.feature";

#[test]
fn the_console_lists_a_bounded_number_of_problems() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expected.toml");
    // 200 entries for scenarios the run does not have: 200 problems.
    std::fs::write(&file, big_file(200 * 80)).unwrap();
    let entries = std::fs::read_to_string(&file)
        .unwrap()
        .matches("[[expected]]")
        .count();
    let output = cli::run(&[
        "-q",
        "--features",
        ONE_SCENARIO,
        "--expectations",
        file.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let console = cli::stdout(&output);
    let listed = console
        .lines()
        .filter(|l| l.starts_with("  UNMATCHED"))
        .count();
    let max = enmeshed_conformance::run::MAX_LISTED;
    assert_eq!(listed, max, "{console}");
    assert!(
        console.contains(&format!("  … {} more", entries - max)),
        "{console}"
    );
}

/// Runs the binary with `args` and returns its peak resident memory in KiB
/// (from `wait4`, for this child alone).
// The child is reaped by `wait4` (which `Child::wait` cannot give the usage of).
#[allow(clippy::zombie_processes)]
fn peak_kib(args: &[&str]) -> i64 {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = i32::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value to be overwritten.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waiting for our own child, with valid out-pointers.
    assert_eq!(unsafe { libc::wait4(pid, &mut status, 0, &mut usage) }, pid);
    usage.ru_maxrss
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn memory_for_an_expectations_file_is_a_small_multiple_of_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("expected.toml");
    let bytes = 4 << 20;
    std::fs::write(&file, big_file(bytes)).unwrap();
    let list = ["run", "--list", "--features", ONE_SCENARIO];
    let without = peak_kib(&list);
    let mut with = list.to_vec();
    with.extend(["--expectations", file.to_str().unwrap()]);
    let with = peak_kib(&with);
    let used = (with - without) * 1024;
    // The whole-document parse took 26 times the file (a 16 MB file: 436 MB).
    let size = i64::try_from(bytes).unwrap();
    assert!(
        used < 8 * size,
        "{} MiB for a {} MiB file",
        used >> 20,
        bytes >> 20
    );
    // The update (every entry removed: none names a test case of the suite)
    // copies the file piece by piece; it took 28 times the file.
    let run = ["run", "--no-fuzz", "-q", "--features", ONE_SCENARIO];
    let without = peak_kib(&run);
    let mut update = run.to_vec();
    update.extend([
        "--expectations",
        file.to_str().unwrap(),
        "--update-expectations",
    ]);
    let used = (peak_kib(&update) - without) * 1024;
    assert!(
        used < 10 * size,
        "the update: {} MiB for a {} MiB file",
        used >> 20,
        bytes >> 20
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "",
        "every entry removed"
    );
}
