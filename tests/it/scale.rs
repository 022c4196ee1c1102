//! One feature file of many scenarios costs about what the same scenarios
//! split over many files cost: nothing in parsing or running is quadratic in
//! the scenarios of one file (gherkin's line lookups and cucumber's JSON
//! writer were).

use crate::support::cli;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

const SCENARIOS: usize = 4000;

fn scenarios(range: std::ops::Range<usize>) -> String {
    let mut text = String::from("Feature: Scale\n");
    for i in range {
        write!(
            text,
            "\n  Scenario: scale {i}\n    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 3\n    Then the call succeeds\n"
        )
        .unwrap();
    }
    text
}

fn timed_run(dir: &Path) -> Duration {
    let start = Instant::now();
    let output = cli::run(&["--features", dir.to_str().unwrap()]);
    let elapsed = start.elapsed();
    let out = cli::stdout(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        &out[out.len().saturating_sub(2000)..]
    );
    assert!(out.ends_with(&format!("{SCENARIOS} passed, 0 failed, 0 skipped\n")));
    elapsed
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn one_big_file_costs_about_what_many_small_files_cost() {
    let one = tempfile::tempdir().unwrap();
    std::fs::write(one.path().join("all.feature"), scenarios(0..SCENARIOS)).unwrap();
    let many = tempfile::tempdir().unwrap();
    for part in 0..40 {
        let range = part * SCENARIOS / 40..(part + 1) * SCENARIOS / 40;
        std::fs::write(
            many.path().join(format!("part-{part}.feature")),
            scenarios(range),
        )
        .unwrap();
    }
    let split = timed_run(many.path());
    let whole = timed_run(one.path());
    // Quadratic, one file took more than five times as long here.
    assert!(
        whole < split * 2 + Duration::from_secs(1),
        "one file: {whole:?}, split over 40 files: {split:?}"
    );
}
