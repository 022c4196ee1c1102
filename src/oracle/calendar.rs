//! The fixed table of instants where calendars and clocks go wrong: the
//! suite's time coverage, the same whatever day it runs on.
//!
//! Every entry is an absolute UTC instant, computed from constants and the
//! IANA tz database ([`super::dst`]), never from the machine's clock:
//! - every change of UTC offset of every zone of [`super::dst::ZONES`] in
//!   [`DST_YEARS`] (and Europe/Moscow's rule changes of 2011 and 2014), each
//!   at both edges of the skipped or repeated local time: `t - |Δ|`,
//!   `t - 1 ms`, `t`, `t + |Δ| - 1 ms` and `t + |Δ|`, where `t` is the first
//!   instant of the new offset and `Δ` the change;
//! - year ends (the last millisecond of a year and the first of the next),
//!   the end of every month of a common year, leap days (29 February of a
//!   leap year, and the end of February of 2100, which is not one);
//! - the week-based-year trap: days whose ISO 8601 week-based year (`%G`,
//!   Java's `YYYY`) or US week-based year differs from the calendar year.
//!
//! `run` sets a fresh Identity's stopped clock to every entry and judges an
//! initiate and a cancel there (`fuzz::calendar`); the model property's
//! clock jumps land only on entries ([`jump_target`]), and with the
//! `setClock` capability every fuzzed Identity's clock starts at [`START`].

use super::dst::{ZONES, transitions};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use std::sync::LazyLock;

/// The years whose offset changes of every zone are in the table.
pub const DST_YEARS: [i32; 1] = [2026];
/// Europe/Moscow's rule changes (permanent UTC+4 in March 2011, back to
/// UTC+3 in October 2014), in the table besides [`DST_YEARS`].
pub const MOSCOW_YEARS: [i32; 2] = [2011, 2014];
/// The common year whose month ends are in the table.
pub const MONTH_END_YEAR: i32 = 2027;

/// Where a fuzzed Identity's clock starts when the implementation offers
/// `setClock`: before every entry of the table, so the model property's
/// jumps can reach all of them.
pub fn start() -> DateTime<Utc> {
    instant(2000, 1, 1, 0, 0, 0, 0)
}

/// The start of the fuzzer's clocks (see [`start`]), as a static.
pub static START: LazyLock<DateTime<Utc>> = LazyLock::new(start);

/// What kind of trap an entry of the table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Local time skips forward here (summer time starts, or a rule moves the zone east).
    SkippedTime,
    /// Local time repeats here (summer time ends, or a rule moves the zone west).
    RepeatedTime,
    /// The end of a year.
    YearEnd,
    /// The end of a month.
    MonthEnd,
    /// A leap day, or the end of February of a year that is not a leap year.
    LeapDay,
    /// A day whose week-based year is not its calendar year.
    WeekYear,
}

/// One instant of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The instant.
    pub at: DateTime<Utc>,
    /// The kind of trap.
    pub kind: Kind,
    /// What it is, in words (for failure messages).
    pub what: String,
}

fn instant(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|date| date.and_hms_milli_opt(h, mi, s, ms))
        .map(|naive| Utc.from_utc_datetime(&naive))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn day_start(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0)
        .map(|naive| Utc.from_utc_datetime(&naive))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The year of the US week (Sunday to Saturday) `date` lies in: the year of
/// its Saturday, since week 1 is the one holding 1 January.
pub fn us_week_year(date: NaiveDate) -> i32 {
    let to_saturday = 6 - i64::from(date.weekday().num_days_from_sunday());
    (date + TimeDelta::days(to_saturday)).year()
}

/// Whether `date`'s ISO or US week-based year differs from its calendar year.
pub fn week_year_differs(date: NaiveDate) -> bool {
    date.iso_week().year() != date.year() || us_week_year(date) != date.year()
}

fn offset_changes(marks: &mut Vec<Mark>) {
    let years = DST_YEARS
        .iter()
        .flat_map(|y| ZONES.iter().map(move |z| (*y, z.tz)))
        .chain(MOSCOW_YEARS.iter().map(|y| (*y, chrono_tz::Europe::Moscow)));
    for (year, tz) in years {
        for t in transitions(
            tz,
            instant(year, 1, 1, 0, 0, 0, 0),
            instant(year + 1, 1, 1, 0, 0, 0, 0),
        ) {
            let change = i64::from(t.after - t.before);
            let size = TimeDelta::seconds(change.abs());
            let kind = if change > 0 {
                Kind::SkippedTime
            } else {
                Kind::RepeatedTime
            };
            let one = TimeDelta::milliseconds(1);
            for (at, edge) in [
                (t.at - size, "the change's size before"),
                (t.at - one, "the last millisecond before"),
                (t.at, "the first instant after"),
                (t.at + size - one, "the change's size after, less 1 ms"),
                (t.at + size, "the change's size after"),
            ] {
                marks.push(Mark {
                    at,
                    kind,
                    what: format!(
                        "{} changes from UTC{:+} s to UTC{:+} s at {}: {edge}",
                        tz.name(),
                        t.before,
                        t.after,
                        crate::domain::format_timestamp(t.at)
                    ),
                });
            }
        }
    }
}

fn calendar_marks(marks: &mut Vec<Mark>) {
    let last_ms =
        |date: NaiveDate| day_start(date) + TimeDelta::days(1) - TimeDelta::milliseconds(1);
    let mut push = |at: DateTime<Utc>, kind: Kind, what: &str| {
        marks.push(Mark {
            at,
            kind,
            what: what.to_owned(),
        });
    };
    push(
        instant(2026, 12, 31, 23, 59, 59, 999),
        Kind::YearEnd,
        "the last millisecond of 2026",
    );
    push(
        instant(2027, 1, 1, 0, 0, 0, 0),
        Kind::YearEnd,
        "the first instant of 2027",
    );
    push(
        instant(2028, 12, 31, 23, 59, 59, 999),
        Kind::YearEnd,
        "the last millisecond of a leap year (day 366)",
    );
    for month in 1..=12u32 {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(MONTH_END_YEAR + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(MONTH_END_YEAR, month + 1, 1)
        };
        let Some(next) = next else { continue };
        let Some(last) = next.pred_opt() else {
            continue;
        };
        push(
            last_ms(last),
            Kind::MonthEnd,
            "the last millisecond of a month",
        );
        push(
            day_start(next),
            Kind::MonthEnd,
            "the first instant of a month",
        );
    }
    push(
        instant(2028, 2, 28, 23, 59, 59, 999),
        Kind::LeapDay,
        "the eve of a leap day",
    );
    push(
        instant(2028, 2, 29, 0, 0, 0, 0),
        Kind::LeapDay,
        "the first instant of a leap day",
    );
    push(
        instant(2028, 2, 29, 12, 0, 0, 0),
        Kind::LeapDay,
        "noon of a leap day",
    );
    push(
        instant(2028, 2, 29, 23, 59, 59, 999),
        Kind::LeapDay,
        "the last millisecond of a leap day",
    );
    push(
        instant(2028, 3, 1, 0, 0, 0, 0),
        Kind::LeapDay,
        "the day after a leap day",
    );
    push(
        instant(2000, 2, 29, 12, 0, 0, 0),
        Kind::LeapDay,
        "the leap day of 2000 (divisible by 400)",
    );
    push(
        instant(2100, 2, 28, 23, 59, 59, 999),
        Kind::LeapDay,
        "the end of February 2100 (not a leap year)",
    );
    push(
        instant(2100, 3, 1, 0, 0, 0, 0),
        Kind::LeapDay,
        "1 March 2100, the day after 28 February",
    );
    for (date, what) in [
        (
            (2020, 12, 31),
            "ISO week-based year 2020 ends on 3 January 2021",
        ),
        ((2021, 1, 3), "3 January 2021 is in ISO week 53 of 2020"),
        ((2024, 12, 30), "30 December 2024 is in ISO week 1 of 2025"),
        ((2025, 12, 29), "29 December 2025 is in ISO week 1 of 2026"),
        ((2025, 12, 31), "31 December 2025 is in ISO week 1 of 2026"),
        ((2026, 12, 27), "27 December 2026 is in US week 1 of 2027"),
        ((2026, 12, 31), "31 December 2026 is in US week 1 of 2027"),
        ((2027, 1, 1), "1 January 2027 is in ISO week 53 of 2026"),
        ((2027, 1, 3), "3 January 2027 is in ISO week 53 of 2026"),
    ] {
        let Some(day) = NaiveDate::from_ymd_opt(date.0, date.1, date.2) else {
            continue;
        };
        push(day_start(day) + TimeDelta::hours(12), Kind::WeekYear, what);
        if day.weekday() == Weekday::Sun || day.day() == 31 || day.day() == 1 {
            push(last_ms(day), Kind::WeekYear, what);
        }
    }
}

fn build() -> Vec<Mark> {
    let mut marks = Vec::new();
    offset_changes(&mut marks);
    calendar_marks(&mut marks);
    marks.sort_by(|a, b| a.at.cmp(&b.at).then(a.kind.cmp(&b.kind)));
    marks.dedup_by(|a, b| a.at == b.at);
    marks
}

static TABLE: LazyLock<Vec<Mark>> = LazyLock::new(build);

/// The table, sorted by instant, each instant once.
pub fn table() -> &'static [Mark] {
    &TABLE
}

/// Where a clock jump from `now` lands: the `which`-th (modulo their number)
/// of the table's instants later than `now`, moved by `offset_ms` (kept only
/// when it stays later than `now`); `None` when no entry is later.
pub fn jump_target(now: DateTime<Utc>, which: usize, offset_ms: i64) -> Option<DateTime<Utc>> {
    let later: Vec<DateTime<Utc>> = table()
        .iter()
        .map(|m| m.at)
        .filter(|at| *at > now)
        .collect();
    let at = *later.get(which % later.len().max(1))?;
    let moved = at + TimeDelta::milliseconds(offset_ms);
    Some(if moved > now { moved } else { at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::format_timestamp;

    #[test]
    fn every_zone_with_changes_has_skipped_and_repeated_time_at_both_edges() {
        let instants: std::collections::BTreeSet<DateTime<Utc>> =
            table().iter().map(|m| m.at).collect();
        for zone in ZONES {
            let years: &[i32] = if zone.tz == chrono_tz::Europe::Moscow {
                &MOSCOW_YEARS
            } else {
                &DST_YEARS
            };
            let changes: Vec<_> = years
                .iter()
                .flat_map(|y| {
                    transitions(
                        zone.tz,
                        instant(*y, 1, 1, 0, 0, 0, 0),
                        instant(y + 1, 1, 1, 0, 0, 0, 0),
                    )
                })
                .collect();
            if zone.tz == chrono_tz::Asia::Kolkata {
                assert!(changes.is_empty(), "the control zone has no change");
                continue;
            }
            assert!(
                changes.iter().any(|t| t.after > t.before),
                "{}: no skipped time",
                zone.tz.name()
            );
            assert!(
                changes.iter().any(|t| t.after < t.before),
                "{}: no repeated time",
                zone.tz.name()
            );
            for t in changes {
                let size = TimeDelta::seconds(i64::from(t.after - t.before).abs());
                let one = TimeDelta::milliseconds(1);
                for edge in [
                    t.at - size,
                    t.at - one,
                    t.at,
                    t.at + size - one,
                    t.at + size,
                ] {
                    assert!(
                        instants.contains(&edge),
                        "{}: {edge} missing",
                        zone.tz.name()
                    );
                }
            }
        }
    }

    #[test]
    fn the_edges_straddle_the_change() {
        // Europe/Berlin, 29 March 2026: 01:00 UTC, local 02:00 to 03:00 skipped.
        let berlin: Vec<String> = table()
            .iter()
            .filter(|m| m.what.starts_with("Europe/Berlin") && m.kind == Kind::SkippedTime)
            .map(|m| format_timestamp(m.at))
            .collect();
        assert_eq!(
            berlin,
            [
                "2026-03-29T00:00:00.000Z",
                "2026-03-29T00:59:59.999Z",
                "2026-03-29T01:00:00.000Z",
                "2026-03-29T01:59:59.999Z",
                "2026-03-29T02:00:00.000Z"
            ]
        );
        // Lord Howe's half hour: the repeated half hour of April.
        assert!(
            table()
                .iter()
                .any(|m| format_timestamp(m.at) == "2026-04-04T14:30:00.000Z"
                    && m.what.starts_with("Australia/Lord_Howe"))
        );
    }

    #[test]
    fn every_week_year_entry_is_a_trap_and_the_calendar_kinds_are_all_there() {
        for mark in table().iter().filter(|m| m.kind == Kind::WeekYear) {
            assert!(week_year_differs(mark.at.date_naive()), "{mark:?}");
        }
        assert!(!week_year_differs(
            instant(2026, 12, 26, 12, 0, 0, 0).date_naive()
        ));
        for kind in [Kind::YearEnd, Kind::MonthEnd, Kind::LeapDay, Kind::WeekYear] {
            assert!(table().iter().any(|m| m.kind == kind), "{kind:?}");
        }
        assert!(
            table()
                .iter()
                .any(|m| m.at.month() == 2 && m.at.day() == 29 && m.at.year() == 2028)
        );
        assert!(
            table().iter().all(|m| m.at > start()),
            "START precedes the table"
        );
    }

    #[test]
    fn the_table_is_sorted_unique_and_the_same_on_every_call() {
        assert!(table().windows(2).all(|w| w[0].at < w[1].at));
        assert_eq!(build(), table());
    }

    #[test]
    fn jumps_go_forward_to_an_entry_of_the_table() {
        let now = instant(2026, 12, 7, 3, 0, 0, 0);
        let first_later = table().iter().find(|m| m.at > now).map(|m| m.at);
        assert_eq!(jump_target(now, 0, 0), first_later);
        assert_eq!(
            jump_target(now, 0, -1_000_000_000_000),
            first_later,
            "never backwards"
        );
        let last = table().last().map(|m| m.at).unwrap();
        assert_eq!(jump_target(last, 3, 0), None);
        let t = jump_target(now, 1, 250).unwrap();
        assert!(t > now);
        assert!(
            table()
                .iter()
                .any(|m| m.at + TimeDelta::milliseconds(250) == t)
        );
    }

    /// Every instant `features/manual/calendar.feature` sets a clock to is an
    /// entry of the table, so the feature and the table stay in line.
    #[test]
    fn the_calendar_feature_sets_clocks_only_to_entries_of_the_table() {
        let feature = crate::suite::FEATURES
            .iter()
            .find(|f| f.path.ends_with("manual/calendar.feature"))
            .expect("the calendar feature is embedded");
        let prefix = "the Identity's clock is set to ";
        let mut set = 0;
        for line in feature.text.lines() {
            let Some(at) = line.split(prefix).nth(1) else {
                continue;
            };
            let at = crate::domain::parse_timestamp(at.trim()).expect("an instant");
            assert!(
                table().iter().any(|m| m.at == at),
                "{at} is not in the table"
            );
            set += 1;
        }
        assert!(set >= 6, "{set} clocks set");
    }
}
