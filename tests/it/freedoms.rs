//! Every freedom PROTOCOL.md and docs/domain.md grant an implementation,
//! exercised. `fixtures/adapters/variant.py` is a conforming implementation
//! whose every freedom (a knob) is chosen by a seed; the whole suite (`run`,
//! features and fuzz, and `fuzz`) passes it for every seed of [`SEEDS`], with
//! nothing errored or undefined. The quick tests pin one knob each where the
//! suite once failed a legal implementation (issue 26). PROTOCOL.md's table
//! "Freedoms" names each knob and the test that exercises it; a test keeps the
//! table, the variant's knobs and these tests in line.

use crate::support::cli::{binary, stdout};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

const VARIANT: &str = "tests/fixtures/adapters/variant.py";

/// The seeds the whole suite runs against: as many as the knob with the most
/// values has values (10, `fraction`) and more, so that every value of every
/// knob is chosen by at least one seed (checked by
/// [`the_seeds_cover_every_value_of_every_knob`]).
const SEEDS: std::ops::Range<u64> = 0..16;

fn python(args: &[&str]) -> String {
    let output = Command::new("python3")
        .arg(VARIANT)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 is required for the freedoms tests and was not found on PATH");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).expect("the variant writes UTF-8")
}

/// The variant's knobs and their values.
fn knob_values() -> BTreeMap<String, Vec<String>> {
    serde_json::from_str(&python(&["--values"])).expect("--values prints JSON")
}

/// The command line of the variant with `seed` (`base`: every knob as the
/// Python example), `pinned` knobs on top.
fn variant(seed: &str, pinned: &[&str]) -> String {
    let mut command = format!("python3 {VARIANT} {seed}");
    for knob in pinned {
        command.push(' ');
        command.push_str(knob);
    }
    command
}

/// Asserts that `output` is a clean pass: exit 0, nothing failed, errored or
/// undefined, something passed.
fn assert_clean(output: &Output, what: &str) {
    let out = stdout(output);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{what}:\n{out}\n{err}");
    for word in ["FAILED", "ERRORED", "UNDEFINED"] {
        assert!(!out.contains(word), "{what}: {word}\n{out}");
    }
    assert!(
        out.lines().any(|l| {
            l.contains(" passed, 0 failed, 0 skipped") && !l.starts_with("0 passed")
                || l.starts_with("fuzz: passed")
        }),
        "{what}: nothing passed\n{out}"
    );
}

/// `run` of the scenarios whose name matches `name` (no fuzzing) against the
/// variant with `seed` and `pinned` knobs.
fn run_scenarios(seed: &str, pinned: &[&str], name: &str) -> Output {
    binary(&[
        "run",
        "--no-fuzz",
        "--adapter-cmd",
        &variant(seed, pinned),
        "--name",
        name,
    ])
}

#[test]
fn ids_of_digits_only_are_legal() {
    // A zero-padded database sequence: `IDP00000000000000001`. The scenario
    // that flips a letter's case once errored with "no letter to flip".
    let output = run_scenarios("base", &["ids=digits"], "case flipped|existing id");
    assert_clean(&output, "ids=digits");
    assert!(stdout(&output).contains("passed, 0 failed"));
}

#[test]
fn a_grace_period_ending_up_to_5_ms_late_is_legal() {
    // The daylight-saving scenarios once demanded the exact instant, and the
    // boundary scenarios cancelled 1 ms after the nominal end.
    let output = run_scenarios(
        "base",
        &["grace_extra=5ms", "clock=ns"],
        "Europe/Berlin|1 ms after|after the grace period fails",
    );
    assert_clean(&output, "grace_extra=5ms");
}

/// A feature that stops a clock at the implementation's own (finer than
/// millisecond) instant, then sets it absolutely near a daylight-saving
/// change: the fuzzer's clock jump that once failed `RID1.createdAt`.
const SUB_MS_CLOCK: &str = "\
Feature: A clock finer than milliseconds

  Scenario: A stopped clock set near a daylight-saving change
    Given the Identity's clock is stopped
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    And the Identity has cancelled its active IdentityDeletionProcess
    And the Identity's clock is set 0 ms from the next daylight-saving change
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then the call succeeds
    And Returns the initiated IdentityDeletionProcess.

  Scenario: A stopped clock moved past the end of the grace period
    Given the Identity's clock is stopped
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    And the grace period of the IdentityDeletionProcess with `\"Active\"` as `status` is already over, i.e. the current time is later than its `gracePeriodEndsAt`.
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.platform.validation.device.gracePeriodHasAlreadyExpired`
";

#[test]
fn clocks_of_micro_and_nanosecond_precision_are_legal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clock.feature"), SUB_MS_CLOCK).unwrap();
    let features = dir.path().to_str().unwrap();
    // Nanoseconds, with a grace end between milliseconds; microseconds and
    // the other combinations: every_seed_passes_the_whole_suite.
    {
        let pinned = ["clock=ns", "grace_extra=2.5ms"];
        let output = binary(&[
            "run",
            "--no-fuzz",
            "--features",
            features,
            "--adapter-cmd",
            &variant("base", &pinned),
        ]);
        assert_clean(&output, &pinned.join(" "));
        assert!(
            stdout(&output).contains("2 passed, 0 failed"),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
#[ignore = "slow (the whole suite against 16 seeds, minutes): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn every_seed_passes_the_whole_suite() {
    let mut failures = Vec::new();
    for seed in SEEDS {
        let command = variant(&seed.to_string(), &[]);
        let run = binary(&["run", "--adapter-cmd", &command]);
        // `run` fuzzes with the suite's fixed seed; `fuzz` adds sequences of
        // a fixed seed of each variant's own.
        let fuzz_seed = (1000 + seed).to_string();
        let fuzz = binary(&[
            "fuzz",
            "--adapter-cmd",
            &command,
            "--seed",
            &fuzz_seed,
            "--cases",
            "24",
            "--concurrency-cases",
            "4",
        ]);
        for (what, output) in [("run", run), ("fuzz", fuzz)] {
            let clean = std::panic::catch_unwind(|| {
                assert_clean(&output, &format!("{what} against seed {seed}"));
            });
            if let Err(e) = clean {
                let knobs = python(&["--knobs", &seed.to_string()]);
                failures.push(format!(
                    "{what} against seed {seed} ({}): {}",
                    knobs.trim(),
                    e.downcast_ref::<String>().cloned().unwrap_or_default()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_seeds_cover_every_value_of_every_knob() {
    let values = knob_values();
    let seeds: Vec<String> = SEEDS.map(|s| s.to_string()).collect();
    let mut args = vec!["--knobs"];
    args.extend(seeds.iter().map(String::as_str));
    let mut chosen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in python(&args).lines() {
        let knobs: BTreeMap<String, Value> = serde_json::from_str(line).unwrap();
        for (knob, value) in knobs {
            if let Value::String(value) = value {
                chosen.entry(knob).or_default().insert(value);
            }
        }
    }
    assert!(values.len() >= 10, "{values:?}");
    for (knob, all) in &values {
        let missing: Vec<&String> = all
            .iter()
            .filter(|v| !chosen.get(knob).is_some_and(|c| c.contains(*v)))
            .collect();
        assert!(
            missing.is_empty(),
            "no seed of {SEEDS:?} chooses {knob}={missing:?}"
        );
    }
}

/// The rows of PROTOCOL.md's freedoms table: (knob, the tests named).
fn freedoms_table() -> Vec<(String, Vec<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("PROTOCOL.md")).unwrap();
    let section = text
        .split("\n## Freedoms\n")
        .nth(1)
        .expect("PROTOCOL.md has a section \"Freedoms\"");
    let section = section.split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| freedom"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 4, "a row of four cells: {l}");
            let knob = cells[2].trim_matches('`').to_owned();
            let tests = cells[3]
                .trim_end_matches(" |")
                .split(", ")
                .map(|t| t.trim_matches('`').to_owned())
                .collect();
            (knob, tests)
        })
        .collect()
}

#[test]
fn the_freedoms_table_names_every_knob_and_a_test_that_exists() {
    let rows = freedoms_table();
    let knobs: BTreeSet<String> = knob_values().into_keys().collect();
    let in_table: BTreeSet<String> = rows.iter().map(|(k, _)| k.clone()).collect();
    assert_eq!(
        in_table, knobs,
        "PROTOCOL.md's freedoms table and the variant's knobs differ"
    );
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/freedoms.rs"))
            .unwrap();
    for (knob, tests) in rows {
        assert!(!tests.is_empty(), "{knob}: no test named");
        for test in tests {
            let name = test
                .strip_prefix("freedoms::")
                .unwrap_or_else(|| panic!("{knob}: {test} is not a test of tests/it/freedoms.rs"));
            assert!(
                source.contains(&format!("fn {name}()")),
                "{knob}: no test {test}"
            );
        }
    }
}
