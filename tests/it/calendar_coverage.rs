//! Coverage that does not depend on the day (issue 26, item 4): a defect
//! that shows only in the week-based-year window around the new year, or
//! only on a leap day, is caught by `run` whatever the date of the run,
//! because the calendar check and `features/manual/calendar.feature` set
//! stopped clocks to the fixed instants of `oracle::calendar`.

use crate::support::{cli, mutant};

use enmeshed_conformance::adapter::Adapter;
use enmeshed_conformance::fuzz::calendar;
use enmeshed_conformance::oracle::Waivers;
use enmeshed_conformance::outcome::Outcome;
use enmeshed_conformance::reference::ReferenceImplementation;
use enmeshed_conformance::runner::{self, RunOptions};
use enmeshed_conformance::verdict::Verdict;
use mutant::{Mutant, Mutation};
use std::path::PathBuf;
use std::sync::Arc;

/// The rules a wrongly written timestamp of an initiate or cancel fails.
const TIMESTAMP_RULES: [&str; 3] = [
    "RID1.createdAt",
    "RID1.gracePeriodEndsAt",
    "RID2.cancelledAt",
];

async fn calendar_verdict(adapter: &dyn Adapter) -> Result<(), Verdict> {
    calendar::check(adapter, &Arc::new(Waivers::default())).await
}

#[tokio::test]
async fn the_calendar_check_passes_the_reference_and_the_unmutated_copy() {
    let reference = ReferenceImplementation::new();
    assert_eq!(calendar_verdict(&reference).await, Ok(()));
    assert_eq!(calendar_verdict(&Mutant::new(Mutation::None)).await, Ok(()));
}

#[tokio::test]
async fn the_calendar_check_catches_week_year_and_leap_day_defects_under_a_timestamp_rule() {
    for (mutation, instant) in [
        (Mutation::WeekBasedYear, "2020-12-31"),
        (Mutation::LeapDayRollsOver, "2000-02-29"),
    ] {
        match calendar_verdict(&Mutant::new(mutation)).await {
            Err(Verdict::Failed(f)) => {
                assert!(
                    TIMESTAMP_RULES.contains(&f.rule.as_str()),
                    "{mutation:?}: {f}"
                );
                assert!(f.summary.contains(instant), "{mutation:?}: {f}");
            }
            other => panic!("{mutation:?} not caught: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_calendar_feature_catches_both_defects_and_passes_the_reference() {
    let feature =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features/manual/calendar.feature");
    let failed = |adapter: Arc<dyn Adapter>| {
        let feature = feature.clone();
        async move {
            let mut options = RunOptions::new(vec![feature]);
            options.console = false;
            let report = runner::run(adapter, &options)
                .await
                .expect("the run starts");
            let t = &report.tally;
            assert_eq!(t.count(Outcome::Errored) + t.count(Outcome::Undefined), 0);
            assert!(t.count(Outcome::Passed) + t.count(Outcome::Failed) >= 7);
            t.count(Outcome::Failed)
        }
    };
    assert_eq!(failed(Arc::new(ReferenceImplementation::new())).await, 0);
    assert!(failed(Arc::new(Mutant::new(Mutation::WeekBasedYear))).await >= 2);
    assert!(failed(Arc::new(Mutant::new(Mutation::LeapDayRollsOver))).await >= 2);
}

/// `run` against a Python implementation that writes the ISO week-based
/// year, or rolls 29 February over into March: `fuzz: calendar` fails under
/// a timestamp rule at a fixed instant, on any day.
#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn run_catches_the_python_week_year_and_leap_day_fixtures_on_any_day() {
    for (fixture, instant) in [
        ("week_year.py", "2020-12-31"),
        ("leap_day.py", "2000-02-29"),
    ] {
        let command = format!("python3 tests/fixtures/adapters/{fixture}");
        let output = cli::binary(&["run", "--quiet", "--adapter-cmd", &command]);
        let out = cli::stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{fixture}:\n{out}");
        let line = out
            .lines()
            .find(|l| l.starts_with("FAILED fuzz: calendar"))
            .unwrap_or_else(|| panic!("{fixture}: the calendar check did not fail:\n{out}"));
        assert!(
            TIMESTAMP_RULES
                .iter()
                .any(|r| line.contains(&format!("[{r}]")))
                && line.contains(instant),
            "{fixture}: {line}"
        );
        assert!(
            out.lines().any(
                |l| l.starts_with("FAILED ") && l.contains("calendar.feature")
                    || l.starts_with("FAILED A process")
                    || l.starts_with("FAILED A grace period")
            ),
            "{fixture}: no scenario of calendar.feature failed:\n{out}"
        );
    }
}
