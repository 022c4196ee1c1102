//! A gate that holds for racy defects (issue 26, item 5). Against a defect
//! that shows only under concurrency or timing, one `--update-expectations`
//! writes a file that passes the next 10 gates of the unchanged
//! implementation; a second defect beside it (`--second-defect`: a default
//! grace period of 15 days) still fails the gate. The fixtures
//! (`tests/fixtures/adapters/`): `insert_race.py` (check-then-insert with
//! the lock let go in between), `second_clock.py` (`gracePeriodEndsAt` from a
//! second read of a running clock, 10 to 30 ms late), `first_page.py` (the
//! Active check reads only the first page: bursts reach it as the race goes).
//! Their races are decided the same way at the gate's level (the suite's
//! concurrent calls meet inside the 5 ms gap; the late read is always over
//! the 5 ms tolerance), so these tests are not flaky; what varies (which
//! race rule a burst trips, the values in the messages) the gate must not
//! depend on. Also: an implementation that answers `errored` to everything
//! never passes a gate, and an entry for one fault kind does not accept
//! another.

use crate::support::cli;

fn fixture(script: &str, second_defect: bool) -> String {
    format!(
        "python3 tests/fixtures/adapters/{script}{}",
        if second_defect {
            " --second-defect"
        } else {
            ""
        }
    )
}

/// `run --update-expectations` of the file at `path` against `adapter`.
fn update(adapter: &str, path: &str) -> std::process::Output {
    let update = cli::binary(&[
        "run",
        "--quiet",
        "--adapter-cmd",
        adapter,
        "--expectations",
        path,
        "--update-expectations",
    ]);
    assert_eq!(update.status.code(), Some(0), "{}", cli::stdout(&update));
    update
}

/// Updates an expectations file against `script` once, then runs 10 gates
/// against it unchanged (each must pass) and one against it with a second
/// defect (it must fail, naming a failure nothing expected). Returns the file.
fn holds_for(script: &str, race_entries: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.toml");
    let path = file.to_str().unwrap();
    let adapter = fixture(script, false);
    update(&adapter, path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("\nmessage = "), "no message text: {text}");
    assert_eq!(text.contains("race = true"), race_entries, "{text}");
    for round in 1..=10 {
        let gate = cli::binary(&[
            "run",
            "--quiet",
            "--adapter-cmd",
            &adapter,
            "--expectations",
            path,
        ]);
        assert_eq!(
            gate.status.code(),
            Some(0),
            "{script}, gate {round}:\n{}\n{text}",
            cli::stdout(&gate)
        );
    }
    let second = fixture(script, true);
    let gate = cli::binary(&[
        "run",
        "--quiet",
        "--adapter-cmd",
        &second,
        "--expectations",
        path,
    ]);
    let out = cli::stdout(&gate);
    assert_eq!(
        gate.status.code(),
        Some(1),
        "{script} --second-defect:\n{out}"
    );
    assert!(
        out.contains("UNEXPECTED failed: ") || out.contains("MISMATCH "),
        "{script} --second-defect:\n{out}"
    );
    text
}

#[test]
#[ignore = "slow (about 4 minutes: an update with replays and 11 gates against a Python fixture): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_check_then_insert_race_gets_the_same_gate_every_time() {
    let text = holds_for("insert_race.py", true);
    // Every concurrent test case lost the race in the update, each under its race rule.
    for case in [
        "32 concurrent initiates on one Identity: exactly one succeeds",
        "fuzz: concurrent initiates",
        "fuzz: bursts",
    ] {
        assert!(
            text.contains(&format!("scenario = \"{case}\"")),
            "{case}: {text}"
        );
    }
}

#[test]
#[ignore = "slow (about 2 minutes: an update and 11 gates against a Python fixture): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_grace_period_from_a_second_clock_read_gets_the_same_gate_every_time() {
    let text = holds_for("second_clock.py", false);
    assert!(text.contains("rule = \"RID1.gracePeriodEndsAt\""), "{text}");
}

#[test]
#[ignore = "slow (over a second: an update and 11 gates against a Python fixture): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_first_page_active_check_gets_the_same_gate_every_time() {
    let text = holds_for("first_page.py", false);
    assert!(text.contains("scenario = \"fuzz: model\""), "{text}");
}

#[test]
#[ignore = "slow (over a second: whole runs against a Python fixture that restarts at every request): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn errored_everywhere_never_passes_and_an_errored_entry_is_no_crash() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("e.toml");
    let path = file.to_str().unwrap();
    let errored = fixture("errored_everywhere.py", false);
    update(&errored, path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("fault = \"DECLINED\""), "{text}");
    std::fs::write(&file, text.replace("TODO: say why", "Known: say why")).unwrap();
    // Every failure listed, every reason written: still no pass.
    let gate = cli::binary(&[
        "run",
        "--quiet",
        "--strict",
        "--adapter-cmd",
        &errored,
        "--expectations",
        path,
    ]);
    let out = cli::stdout(&gate);
    assert_eq!(gate.status.code(), Some(1), "{out}");
    assert!(out.contains(", 0 problems"), "{out}");
    assert!(out.contains("NOTHING CONFORMED"), "{out}");
    // The same entry does not accept a CRASH (the file cut to the one test
    // case the run selects, so that no other entry is unmatched).
    let text = std::fs::read_to_string(&file).unwrap();
    let rid4: String = text
        .split("[[expected]]")
        .filter(|entry| entry.contains("scenario = \"RID4 On Success 1"))
        .map(|entry| format!("[[expected]]{entry}"))
        .collect();
    assert!(rid4.contains("fault = \"DECLINED\""), "{text}");
    std::fs::write(&file, rid4).unwrap();
    let crash = format!("{errored} --crash");
    let gate = cli::binary(&[
        "run",
        "--quiet",
        "--no-fuzz",
        "--adapter-cmd",
        &crash,
        "--expectations",
        path,
        "--name",
        "^RID4 On Success 1",
    ]);
    let out = cli::stdout(&gate);
    assert_eq!(gate.status.code(), Some(1), "{out}");
    assert!(
        out.contains("MISMATCH")
            && out.contains("expected to be errored with DECLINED, it errored with CRASH"),
        "{out}"
    );
}
