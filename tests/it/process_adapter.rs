//! The process adapter end to end, through the binary: the Python example
//! passes `run`, `smoke` and `fuzz`; every misbehaving fixture is classified
//! (TIMEOUT, CRASH, PROTOCOL), the run finishes, exits 1, and leaves no
//! process behind.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const EXAMPLE: &str = "examples/python/enmeshed_idp.py";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn require_python() {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "python3 is required for the process adapter tests and was not found on PATH"
    );
}

fn binary(args: &[&str]) -> (Output, Duration) {
    require_python();
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    (output, start.elapsed())
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Processes whose command line mentions `needle` (read from /proc).
fn processes_running(needle: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .chars()
                .all(|c| c.is_ascii_digit())
        })
        // Only this checkout's processes: the machine may be running other
        // checkouts' tests with the same fixture paths.
        .filter(|e| std::fs::read_link(e.path().join("cwd")).is_ok_and(|cwd| cwd == root()))
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
        .filter(|cmdline| cmdline.contains(needle))
        .collect()
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn the_python_example_passes_the_whole_suite() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    // A marker argument unique to this run (the example ignores it), so that
    // another test running the example is never taken for a survivor.
    let marker = format!(
        "marker-example-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    )
    .replace(' ', "_");
    let (output, _) = binary(&[
        "run",
        "--adapter-cmd",
        &format!("python3 {EXAMPLE} {marker}"),
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}\n{}", stderr(&output));
    assert!(
        out.contains("implementation: enmeshed-conformance Python example 1.0.0"),
        "{out}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with(" passed, 0 failed, 0 skipped"),
        "{out}"
    );
    assert!(
        processes_running(&marker).is_empty(),
        "the example outlived the run"
    );
}

#[test]
fn smoke_says_the_example_works() {
    let (output, _) = binary(&["smoke", "--adapter-cmd", &format!("python3 {EXAMPLE}")]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("ok  handshake: enmeshed-conformance Python example 1.0.0, protocol 1, capabilities [clock, events, devices, setClock]"), "{out}");
    assert!(
        out.contains("ok  an unknown request kind: answered `errored`"),
        "{out}"
    );
    assert!(
        out.ends_with("the adapter works; run `run` to check conformance\n"),
        "{out}"
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn fuzz_passes_against_the_example() {
    let (output, _) = binary(&[
        "fuzz",
        "--adapter-cmd",
        &format!("python3 {EXAMPLE}"),
        "--cases",
        "40",
        "--concurrency-cases",
        "8",
    ]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(
        out.contains("fuzz: passed: 40 operation sequences"),
        "{out}"
    );
}

/// Runs the suite against a fixture, checks the run finished, exited 1 and
/// reported `label` (in the console and the JUnit file); returns the console.
fn faulty_run(fixture: &str, extra: &[&str], label: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let script = format!("tests/fixtures/adapters/{fixture}.py");
    let mut command = format!("python3 {script}");
    for arg in extra {
        command.push_str(&format!(" '{arg}'"));
    }
    // A marker unique to this run, so that a parallel test using the same
    // script can never be mistaken for a survivor of this one.
    let marker = format!(
        "marker-{fixture}-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    )
    .replace(' ', "_");
    command.push_str(&format!(" {marker}"));
    let (output, elapsed) = binary(&[
        "run",
        "--no-fuzz",
        "--adapter-cmd",
        &command,
        "--timeout",
        "1",
        "--junit",
        junit.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{fixture}: {out}\n{}",
        stderr(&output)
    );
    assert!(
        out.contains("ERRORED ") && out.contains(&format!("{label}: ")),
        "{fixture}: no {label} in {out}"
    );
    assert!(
        out.contains("errored: the implementation could not be judged"),
        "{out}"
    );
    assert!(
        finished_with_summary(&out),
        "{fixture}: the run did not finish with a summary: {out}"
    );
    assert!(
        elapsed < Duration::from_secs(90),
        "{fixture} took {elapsed:?}"
    );
    let xml = std::fs::read_to_string(&junit).expect("the JUnit file is written");
    assert!(
        xml.contains(label),
        "{fixture}: no {label} in the JUnit file"
    );
    assert!(
        processes_running(&marker).is_empty(),
        "{fixture} outlived the run"
    );
    out
}

fn finished_with_summary(out: &str) -> bool {
    let last = out.lines().last().unwrap_or_default();
    last.contains(" passed, ") && last.contains(" failed, ") && last.ends_with(" skipped")
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_hang_is_a_timeout() {
    let out = faulty_run("hang", &[], "TIMEOUT");
    assert!(out.contains("no reply to `getActive`"), "{out}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_crash_mid_run_names_the_exit_status_and_stderr() {
    let out = faulty_run("crash_midway", &[], "CRASH");
    assert!(out.contains("exit status: 3"), "{out}");
    assert!(
        out.contains("| fatal: simulated crash in the middle of the run"),
        "{out}"
    );
    // Later scenarios ran on a fresh process.
    assert!(!out.contains(" 0 passed, "), "{out}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn garbage_is_a_protocol_error() {
    let out = faulty_run("garbage", &[], "PROTOCOL");
    assert!(
        out.contains("not JSON") && out.contains("<html>this is not JSON</html>"),
        "{out}"
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn an_unknown_seq_is_a_protocol_error() {
    let out = faulty_run("unknown_seq", &[], "PROTOCOL");
    assert!(out.contains("reply for unknown seq"), "{out}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_duplicate_reply_is_a_protocol_error() {
    let out = faulty_run("duplicate", &[], "PROTOCOL");
    assert!(out.contains("duplicate reply for seq"), "{out}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_stderr_flood_neither_deadlocks_nor_grows_without_bound() {
    let out = faulty_run("stderr_flood", &[], "CRASH");
    assert!(out.contains("exit status: 4"), "{out}");
    assert!(
        out.contains("last 20 stderr lines (") && out.contains("earlier lines dropped)"),
        "{out}"
    );
    assert!(
        out.contains("| fatal: out of patience after 150 requests"),
        "{out}"
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn slow_only_sometimes_is_a_timeout_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("slow-once");
    let out = faulty_run("sometimes_slow", &[marker.to_str().unwrap()], "TIMEOUT");
    assert!(marker.exists());
    let errored: usize = out.lines().filter(|l| l.starts_with("ERRORED ")).count();
    assert_eq!(
        errored, 1,
        "only the slow scenario errors; the restarted process serves the rest: {out}"
    );
}

#[test]
fn exiting_during_the_handshake_is_a_crash_at_start() {
    let (output, elapsed) = binary(&[
        "run",
        "--no-fuzz",
        "--adapter-cmd",
        "python3 tests/fixtures/adapters/handshake_exit.py",
        "--timeout",
        "5",
    ]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot start the implementation"), "{err}");
    assert!(
        err.contains("CRASH: during the handshake") && err.contains("exit status: 2"),
        "{err}"
    );
    assert!(
        err.contains("| cannot open the implementation's database"),
        "{err}"
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "the crash was only noticed at the timeout: {elapsed:?}"
    );
}

#[test]
fn an_unsupported_protocol_version_is_refused() {
    // A marker argument unique to this run (the fixture ignores it): other
    // tests of this binary run the same fixture in parallel.
    let marker = format!(
        "marker-bad-version-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    )
    .replace(' ', "_");
    let (output, _) = binary(&[
        "run",
        "--no-fuzz",
        "--adapter-cmd",
        &format!("python3 tests/fixtures/adapters/bad_version.py {marker}"),
    ]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("PROTOCOL: during the handshake: the implementation speaks protocol version 99, this suite speaks version 1"), "{err}");
    assert!(processes_running(&marker).is_empty());

    let (output, _) = binary(&[
        "smoke",
        "--adapter-cmd",
        "python3 tests/fixtures/adapters/bad_version.py",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("the adapter is broken: start: PROTOCOL"),
        "{}",
        stdout(&output)
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn smoke_tells_a_broken_harness() {
    let (output, _) = binary(&[
        "smoke",
        "--adapter-cmd",
        "python3 tests/fixtures/adapters/hang.py",
        "--timeout",
        "1",
    ]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("the adapter is broken: getActive: TIMEOUT"),
        "{out}"
    );
    // A program that does not exist is bad usage, not a broken harness.
    let (output, _) = binary(&["smoke", "--adapter-cmd", "no-such-program-anywhere"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the program `no-such-program-anywhere` is not on PATH"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_adapter_command_line_is_refused() {
    let (output, _) = binary(&["run", "--adapter-cmd", "python3 'unclosed"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unclosed single quote"),
        "{}",
        stderr(&output)
    );
    let (output, _) = binary(&["run", "--adapter-cmd", "x", "--timeout", "-1"]);
    assert_eq!(output.status.code(), Some(2));
}

/// The seconds `slow_start.py` sleeps before it reads the handshake: clearly
/// longer than `--timeout 1`, clearly shorter than `--startup-timeout 60`, so
/// that no load on the machine can change the outcome.
const SLOW_START_SECS: &str = "3";

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_slow_start_is_not_a_broken_adapter() {
    let (output, _) = binary(&[
        "run",
        "--no-fuzz",
        "--tags",
        "@RID1",
        "--adapter-cmd",
        &format!("python3 tests/fixtures/adapters/slow_start.py {SLOW_START_SECS}"),
        "--timeout",
        "1",
        "--startup-timeout",
        "60",
    ]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}\n{}", stderr(&output));
    assert!(
        out.contains("implementation: enmeshed-conformance Python example 1.0.0"),
        "{out}"
    );
    assert!(
        out.lines()
            .last()
            .unwrap_or_default()
            .ends_with(" passed, 0 failed, 0 skipped"),
        "{out}"
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_start_longer_than_the_startup_timeout_is_the_handshake_timeout() {
    // `--timeout` is far longer than the start: only `--startup-timeout` can end it.
    let (output, _) = binary(&[
        "run",
        "--no-fuzz",
        "--adapter-cmd",
        &format!("python3 tests/fixtures/adapters/slow_start.py {SLOW_START_SECS}"),
        "--timeout",
        "600",
        "--startup-timeout",
        "1",
    ]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("TIMEOUT: during the handshake: no reply to `start` (seq 1) within 1s"),
        "{err}"
    );
    assert!(
        err.contains("within --startup-timeout 1 s; if it starts slowly, raise --startup-timeout"),
        "{err}"
    );
}
