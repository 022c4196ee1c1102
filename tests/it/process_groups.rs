//! No process of an implementation's group outlives `run`, `fuzz`, `smoke`
//! or `coverage`, also when it is started through a launcher that does not
//! `exec` and when it starts helpers; an exit is a CRASH with its status even
//! while a helper holds the output; a closed output is a CRASH, not a
//! TIMEOUT, also with a short `--timeout`.
//!
//! Helpers that leave the group (`setsid()`, `setpgid(0, 0)`, a daemon whose
//! parent is gone) are ended too, at the end of a run and on SIGTERM; an
//! implementation stuck in a handler dies with a SIGKILLed suite (its
//! parent-death signal). Linux only: the kernel facilities these rely on.
//!
//! Each test gives the binary (and so every process it starts) a unique
//! marker in the environment and looks for it in `/proc/*/environ`, so tests
//! running in parallel never see each other's processes.

use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const MARKER: &str = "ENMESHED_CONFORMANCE_TEST_MARKER";

fn unique_marker(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{test}-{}-{nanos}", std::process::id())
}

/// The state letter of a `/proc/…/stat` file (`None` when it is gone).
fn state(stat: &std::path::Path) -> Option<char> {
    let stat = std::fs::read_to_string(stat).ok()?;
    stat[stat.rfind(')')? + 1..].trim_start().chars().next()
}

/// The `/proc` directory that shows process `dir`'s memory: its own when it
/// runs, a live thread's (`task/TID`) when only its main thread has exited
/// (state Z, the process lives on: its own `environ` reads empty); `None` for
/// a zombie.
fn live_view(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    if !matches!(state(&dir.join("stat"))?, 'Z' | 'X') {
        return Some(dir.to_path_buf());
    }
    std::fs::read_dir(dir.join("task"))
        .ok()?
        .filter_map(Result::ok)
        .map(|task| task.path())
        .find(|task| state(&task.join("stat")).is_some_and(|s| !matches!(s, 'Z' | 'X')))
}

/// Running processes whose environment holds `marker`: pid and command line.
/// A zombie does not count; a process whose main thread exited while another
/// thread runs on does.
fn carrying(marker: &str) -> Vec<(i32, String)> {
    let needle = format!("{MARKER}={marker}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Some(view) = live_view(&entry.path()) else {
            continue;
        };
        let Ok(environ) = std::fs::read(view.join("environ")) else {
            continue;
        };
        if environ.split(|&b| b == 0).any(|v| v == needle.as_bytes()) {
            let cmdline = std::fs::read(view.join("cmdline")).unwrap_or_default();
            found.push((pid, String::from_utf8_lossy(&cmdline).replace('\0', " ")));
        }
    }
    found
}

/// Asserts that no process carries `marker` (allowing a moment for KILLed
/// processes to go); kills the survivors so that a failure leaves no litter.
fn assert_none_survives(marker: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut survivors = carrying(marker);
    while !survivors.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        survivors = carrying(marker);
    }
    for (pid, _) in &survivors {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    }
    assert!(
        survivors.is_empty(),
        "{what}: processes outlived the suite: {survivors:?}"
    );
}

/// Runs the binary with `args` and a fresh marker; returns its output, the
/// time it took, and the marker.
fn binary(test: &str, args: &[&str]) -> (Output, Duration, String) {
    let marker = unique_marker(test);
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .env(MARKER, &marker)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    (output, start.elapsed(), marker)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const HELPER: &str = "sh tests/fixtures/adapters/launcher_with_helper.sh";

#[test]
fn run_leaves_no_helper_behind() {
    let (output, _, marker) = binary("run", &["run", "--no-fuzz", "--adapter-cmd", HELPER]);
    let out = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}{}",
        text(&output.stderr)
    );
    assert!(out.contains(" passed, 0 failed, 0 skipped"), "{out}");
    assert_none_survives(&marker, "run");
}

#[test]
fn fuzz_leaves_no_helper_behind() {
    let (output, _, marker) = binary(
        "fuzz",
        &[
            "fuzz",
            "--adapter-cmd",
            HELPER,
            "--cases",
            "5",
            "--concurrency-cases",
            "2",
        ],
    );
    let out = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}{}",
        text(&output.stderr)
    );
    assert_none_survives(&marker, "fuzz");
}

#[test]
fn smoke_leaves_no_helper_behind() {
    let (output, _, marker) = binary("smoke", &["smoke", "--adapter-cmd", HELPER]);
    let out = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.ends_with("the adapter works; run `run` to check conformance\n"));
    assert_none_survives(&marker, "smoke");
}

#[test]
fn coverage_leaves_no_helper_behind() {
    let (output, _, marker) = binary("coverage", &["coverage", "--adapter-cmd", HELPER]);
    let out = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}{}",
        text(&output.stderr)
    );
    assert!(
        out.contains("passing against enmeshed-conformance Python example"),
        "{out}"
    );
    assert_none_survives(&marker, "coverage");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_stuck_implementation_behind_a_launcher_is_ended_at_every_restart() {
    let (output, _, marker) = binary(
        "stuck",
        &[
            "run",
            "--no-fuzz",
            "--adapter-cmd",
            "sh tests/fixtures/adapters/launcher_stuck.sh",
            "--timeout",
            "1",
        ],
    );
    let out = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(out.contains("TIMEOUT: no reply to `getActive`"), "{out}");
    assert_none_survives(&marker, "run against a stuck launcher");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn an_exit_is_a_crash_with_its_status_while_a_helper_holds_the_output() {
    let (output, elapsed, marker) = binary(
        "exit",
        &[
            "run",
            "--no-fuzz",
            "--adapter-cmd",
            "sh tests/fixtures/adapters/exit_with_helper.sh",
            "--timeout",
            "120",
        ],
    );
    let out = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("CRASH: the implementation exited (exit status: 3) while another process still holds its output open"),
        "{out}"
    );
    assert!(
        out.contains("| fatal: simulated crash in the middle of the run"),
        "{out}"
    );
    assert!(!out.contains("TIMEOUT"), "{out}");
    // Each crash is reported at the close grace (2 s), never at the 120 s
    // timeout: the whole run (about a dozen crashes) stays well below one timeout.
    assert!(elapsed < Duration::from_secs(119), "took {elapsed:?}");
    assert_none_survives(&marker, "run against an exit with a helper");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_closed_output_is_a_crash_even_with_a_short_timeout() {
    let (output, _, marker) = binary(
        "closed",
        &[
            "run",
            "--no-fuzz",
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/close_output.py",
            "--timeout",
            "1",
        ],
    );
    let out = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("CRASH: the implementation closed its output (it did not exit within 250ms and was killed)"),
        "{out}"
    );
    assert!(!out.contains("TIMEOUT"), "{out}");
    assert_none_survives(&marker, "run against a closed output");
}

const ESCAPING: &str = "python3 tests/fixtures/adapters/escape_helpers.py";

#[test]
fn helpers_that_leave_the_group_do_not_outlive_the_run() {
    let (output, _, marker) = binary("escape", &["run", "--no-fuzz", "--adapter-cmd", ESCAPING]);
    let out = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}{}",
        text(&output.stderr)
    );
    assert!(out.contains(" passed, 0 failed, 0 skipped"), "{out}");
    assert_none_survives(&marker, "run with helpers that left the group");
}

/// `smoke` (the shortest command) ends the implementation's group and sweeps
/// the strays as every command does.
#[test]
fn helpers_whose_main_thread_exited_do_not_outlive_the_command() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let witness = dir.path().join("zombie-leaders");
    let marker = unique_marker("zombie-leader");
    let output = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args([
            "smoke",
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/zombie_leader_helpers.py",
        ])
        .env(MARKER, &marker)
        .env("ZOMBIE_LEADERS", &witness)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    let out = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{out}{}",
        text(&output.stderr)
    );
    assert!(out.ends_with("the adapter works; run `run` to check conformance\n"));
    // Both helpers (the setsid one and the daemon) were zombie leaders while smoke went on.
    let seen = std::fs::read_to_string(&witness).expect("the implementation wrote its witness");
    let states: Vec<&str> = seen.lines().filter_map(|l| l.split(' ').next()).collect();
    assert_eq!(states, ["zombie-leader", "zombie-leader"], "{seen}");
    assert_none_survives(&marker, "smoke with helpers whose main thread exited");
}

/// Starts the binary with `args`, a fresh marker, `STUCK_FLAG` and
/// `ZOMBIE_LEADERS` (files in the returned directory: `stuck`,
/// `zombie-leaders`); waits (bounded) until the implementation says it is
/// stuck in a handler.
fn start_until_stuck(
    test: &str,
    args: &[&str],
) -> (std::process::Child, String, tempfile::TempDir) {
    let marker = unique_marker(test);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let flag = dir.path().join("stuck");
    let child = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args(args)
        .env(MARKER, &marker)
        .env("STUCK_FLAG", &flag)
        .env("ZOMBIE_LEADERS", dir.path().join("zombie-leaders"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !flag.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(flag.exists(), "{test}: the implementation never got stuck");
    (child, marker, dir)
}

#[test]
fn an_implementation_stuck_in_a_handler_dies_with_a_sigkilled_suite() {
    let (mut suite, marker, _dir) = start_until_stuck(
        "sigkill",
        &[
            "run",
            "--no-fuzz",
            "--timeout",
            "300",
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/stuck_in_handler.py",
        ],
    );
    assert!(
        carrying(&marker)
            .iter()
            .any(|(_, cmd)| cmd.contains("stuck_in_handler.py")),
        "the implementation runs before the suite is killed"
    );
    suite.kill().expect("SIGKILL the suite");
    let status = suite.wait().expect("the suite is reaped");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9)
    );
    assert_none_survives(&marker, "a SIGKILLed suite");
}

#[test]
fn helpers_that_leave_the_group_are_ended_when_the_suite_is_terminated() {
    let (suite, marker, _dir) = start_until_stuck(
        "sigterm",
        &[
            "run",
            "--no-fuzz",
            "--timeout",
            "300",
            "--adapter-cmd",
            ESCAPING,
        ],
    );
    assert!(
        carrying(&marker).len() >= 4,
        "the implementation and its three helpers run: {:?}",
        carrying(&marker)
    );
    let pid = suite.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(sent.is_ok_and(|s| s.success()), "SIGTERM sent");
    let output = suite.wait_with_output().expect("the suite ends");
    assert_eq!(output.status.code(), Some(128 + 15));
    assert_none_survives(&marker, "a terminated suite");
}

/// A pseudo-terminal: the master end (the test's side) and the slave end.
fn open_pty() -> (std::fs::File, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd as _;
    let (mut master, mut slave) = (-1, -1);
    // SAFETY: openpty writes two descriptors through the valid out pointers;
    // the name, termios and window size pointers may be null.
    let opened = unsafe {
        libc::openpty(
            &raw mut master,
            &raw mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both are fresh descriptors that nothing else owns.
    unsafe {
        (
            std::fs::File::from_raw_fd(master),
            std::os::fd::OwnedFd::from_raw_fd(slave),
        )
    }
}

/// The suite runs on a pseudo-terminal as its controlling terminal (as in
/// an interactive shell); the implementation tries to write to `/dev/tty`
/// and to become the terminal's foreground group. It cannot: it has no
/// controlling terminal. The terminal's Ctrl-C reaches the suite: exit 130,
/// nothing of the implementation on the terminal, no survivor, no report.
#[test]
fn the_implementation_cannot_reach_the_terminal_and_ctrl_c_reaches_the_suite() {
    use std::io::{Read as _, Write as _};
    use std::os::unix::process::CommandExt as _;
    let marker = unique_marker("terminal");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (flag, witness, reports) = (
        dir.path().join("stuck"),
        dir.path().join("tty"),
        dir.path().join("reports"),
    );
    std::fs::create_dir(&reports).expect("the reports directory");
    let (mut master, slave) = open_pty();
    let mut command = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"));
    command
        .args(["run", "--no-fuzz", "--timeout", "300", "--adapter-cmd"])
        .arg("python3 tests/fixtures/adapters/terminal_grab.py")
        .arg("--junit")
        .arg(reports.join("junit.xml"))
        .arg("--results")
        .arg(reports.join("results.json"))
        .env(MARKER, &marker)
        .env("STUCK_FLAG", &flag)
        .env("TTY_WITNESS", &witness)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(slave.try_clone().expect("the terminal"))
        .stdout(slave.try_clone().expect("the terminal"))
        .stderr(slave);
    // SAFETY: runs in the forked child before exec and calls only setsid(2)
    // and ioctl(2), which are async-signal-safe: the suite leads a session
    // whose controlling terminal is the pseudo-terminal (its stdin).
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() == -1 || libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut suite = command.spawn().expect("the binary starts");
    drop(command); // closes the test's copies of the slave end
    let mut terminal = master.try_clone().expect("the master end");
    let (screen_tx, screen) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut seen, mut buffer) = (Vec::new(), [0_u8; 4096]);
        // Ends with EIO once no process holds the slave end.
        while let Ok(n @ 1..) = terminal.read(&mut buffer) {
            seen.extend_from_slice(&buffer[..n]);
        }
        let _ = screen_tx.send(seen);
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while !flag.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(flag.exists(), "the implementation never got stuck");
    master.write_all(b"\x03").expect("Ctrl-C typed");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut status = suite.try_wait().expect("the suite");
    while status.is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        status = suite.try_wait().expect("the suite");
    }
    if status.is_none() {
        let _ = suite.kill();
        let _ = suite.wait();
    }
    assert_none_survives(&marker, "a suite interrupted on its terminal");
    let screen = screen
        .recv_timeout(Duration::from_secs(10))
        .map(|s| String::from_utf8_lossy(&s).into_owned())
        .unwrap_or_default();
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(130),
        "Ctrl-C ends the suite: {screen}"
    );
    assert!(!screen.contains("hijacked"), "{screen}");
    assert!(!screen.contains("terminal-grab"), "{screen}");
    let tried = std::fs::read_to_string(&witness).expect("the implementation wrote its witness");
    assert_eq!(
        tried,
        format!("open /dev/tty: {}\n", libc::ENXIO),
        "no controlling terminal"
    );
    let left: Vec<_> = std::fs::read_dir(&reports)
        .expect("the reports directory")
        .collect();
    assert!(left.is_empty(), "no report, whole or half: {left:?}");
}

#[test]
fn helpers_whose_main_thread_exited_are_ended_when_the_suite_is_interrupted() {
    let (suite, marker, dir) = start_until_stuck(
        "zombie-leader-sigint",
        &[
            "run",
            "--no-fuzz",
            "--timeout",
            "300",
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/zombie_leader_helpers.py",
        ],
    );
    let seen = std::fs::read_to_string(dir.path().join("zombie-leaders"))
        .expect("the implementation wrote its witness");
    let states: Vec<&str> = seen.lines().filter_map(|l| l.split(' ').next()).collect();
    assert_eq!(states, ["zombie-leader", "zombie-leader"], "{seen}");
    let pid = suite.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status();
    assert!(sent.is_ok_and(|s| s.success()), "SIGINT sent");
    let output = suite.wait_with_output().expect("the suite ends");
    assert_eq!(output.status.code(), Some(128 + 2));
    assert_none_survives(&marker, "an interrupted suite with zombie-leader helpers");
}
