//! Daylight-saving changes (and other changes of a zone's UTC offset), as
//! UTC instants, read from the IANA tz database (`chrono-tz`): where a grace
//! period counted in local days instead of 24-hour days goes wrong.
//!
//! The zones, and why each (docs/domain.md#daylight-saving-changes):
//! [`ZONES`]. A grace period of N days is N × 24 h in UTC in every one of
//! them; the scenarios of `features/manual/grace-period.feature` cross a
//! change of each (a unit test checks their instants against this module),
//! and the fixed time table of [`super::calendar`] holds both edges of every
//! change of each, for the calendar check and the fuzzer's clock jumps.

use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// A zone the suite moves clocks across, and why it is a hard case.
#[derive(Debug, Clone, Copy)]
pub struct Zone {
    /// The IANA zone.
    pub tz: Tz,
    /// Why the suite uses it.
    pub why: &'static str,
}

/// The zones whose offset changes the suite uses.
pub const ZONES: [Zone; 6] = [
    Zone {
        tz: chrono_tz::Europe::Berlin,
        why: "today's European rules: summer time from the last Sunday of March to the last Sunday of October, 01:00 UTC",
    },
    Zone {
        tz: chrono_tz::America::New_York,
        why: "today's North American rules: second Sunday of March to first Sunday of November, at local 02:00",
    },
    Zone {
        tz: chrono_tz::Australia::Sydney,
        why: "southern hemisphere: summer time from October to April, so a period around the new year is all in summer time",
    },
    Zone {
        tz: chrono_tz::Australia::Lord_Howe,
        why: "a change of half an hour (UTC+10:30 / UTC+11), which whole-hour arithmetic gets wrong",
    },
    Zone {
        tz: chrono_tz::Europe::Moscow,
        why: "rules changed within the last 15 years: permanent UTC+4 from March 2011, back to UTC+3 in October 2014, no daylight saving since",
    },
    Zone {
        tz: chrono_tz::Asia::Kolkata,
        why: "the control: UTC+5:30 all year, no change at all",
    },
];

/// The zone's offset from UTC at `t`, in seconds.
pub fn offset_seconds(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// A change of a zone's UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// The first instant of the new offset.
    pub at: DateTime<Utc>,
    /// The offset before it, in seconds.
    pub before: i32,
    /// The offset from it on, in seconds.
    pub after: i32,
}

/// The changes of `tz`'s offset after `from` and up to `to`, in order.
///
/// Found by comparing the offsets a day apart and bisecting to the second
/// where they differ: the tz database's own transition instants, whatever
/// the rule that made them (changes of a zone are months apart).
pub fn transitions(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    let mut found = Vec::new();
    let mut t = from;
    let mut offset = offset_seconds(tz, t);
    while t < to {
        let next = (t + TimeDelta::days(1)).min(to);
        let next_offset = offset_seconds(tz, next);
        if next_offset != offset {
            // In whole seconds (the database's instants are): the offset is
            // `offset` at `lo` and not at `hi`.
            let (mut lo, mut hi) = (t.timestamp(), next.timestamp());
            let second = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or(next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_seconds(tz, second(mid)) == offset {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            found.push(Transition {
                at: second(hi),
                before: offset,
                after: next_offset,
            });
        }
        t = next;
        offset = next_offset;
    }
    found
}

/// The changes of every zone of [`ZONES`] in `year`, as sorted UTC instants.
pub fn switches(year: i32) -> Vec<DateTime<Utc>> {
    let (Some(start), Some(end)) = (year_start(year), year_start(year + 1)) else {
        return Vec::new();
    };
    let mut all: Vec<DateTime<Utc>> = ZONES
        .iter()
        .flat_map(|zone| transitions(zone.tz, start, end))
        .map(|t| t.at)
        .filter(|at| at.year() == year)
        .collect();
    all.sort();
    all.dedup();
    all
}

fn year_start(year: i32) -> Option<DateTime<Utc>> {
    let naive = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(0, 0, 0)?;
    Some(Utc.from_utc_datetime(&naive))
}

/// The instant `offset_ms` from the first switch after `now` that lies
/// after `now` (when it would not, the offset is taken from the next switch).
pub fn near_next_switch(now: DateTime<Utc>, offset_ms: i64) -> Option<DateTime<Utc>> {
    let mut switch = next_switch_after(now)?;
    loop {
        let target = switch + chrono::TimeDelta::milliseconds(offset_ms);
        if target > now {
            return Some(target);
        }
        switch = next_switch_after(switch)?;
    }
}

/// The first switch of any zone of [`ZONES`] after `t` (looking up to the
/// end of the next year).
pub fn next_switch_after(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (t.year()..=t.year() + 1)
        .flat_map(switches)
        .find(|s| *s > t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{format_timestamp, parse_timestamp};

    fn at(text: &str) -> DateTime<Utc> {
        parse_timestamp(text).unwrap()
    }

    fn zone(name: &str) -> Tz {
        ZONES
            .iter()
            .find(|z| z.tz.name() == name)
            .unwrap_or_else(|| panic!("{name} is not one of the zones"))
            .tz
    }

    #[test]
    fn the_2026_switches_are_the_known_ones() {
        let (start, end) = (at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"));
        let mut got: Vec<String> = ["Europe/Berlin", "America/New_York"]
            .into_iter()
            .flat_map(|name| transitions(zone(name), start, end))
            .map(|t| format_timestamp(t.at))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                "2026-03-08T07:00:00.000Z",
                "2026-03-29T01:00:00.000Z",
                "2026-10-25T01:00:00.000Z",
                "2026-11-01T06:00:00.000Z"
            ]
        );
        let after = at("2026-11-29T00:00:00Z");
        assert_eq!(
            next_switch_after(after).map(format_timestamp).as_deref(),
            Some("2027-03-14T07:00:00.000Z")
        );
    }

    #[test]
    fn each_zone_has_the_changes_that_make_it_a_hard_case() {
        let span = |name: &str, from: &str, to: &str| -> Vec<(String, i32, i32)> {
            transitions(zone(name), at(from), at(to))
                .into_iter()
                .map(|t| (format_timestamp(t.at), t.before, t.after))
                .collect()
        };
        // Southern hemisphere: summer time ends in April and starts in October.
        assert_eq!(
            span(
                "Australia/Sydney",
                "2026-01-01T00:00:00Z",
                "2027-01-01T00:00:00Z"
            ),
            [
                ("2026-04-04T16:00:00.000Z".to_owned(), 11 * 3600, 10 * 3600),
                ("2026-10-03T16:00:00.000Z".to_owned(), 10 * 3600, 11 * 3600),
            ]
        );
        // Half an hour.
        assert_eq!(
            span(
                "Australia/Lord_Howe",
                "2026-01-01T00:00:00Z",
                "2027-01-01T00:00:00Z"
            ),
            [
                (
                    "2026-04-04T15:00:00.000Z".to_owned(),
                    11 * 3600,
                    10 * 3600 + 1800
                ),
                (
                    "2026-10-03T15:30:00.000Z".to_owned(),
                    10 * 3600 + 1800,
                    11 * 3600
                ),
            ]
        );
        // Moscow: the last two changes of its rules, and none since.
        assert_eq!(
            span(
                "Europe/Moscow",
                "2011-01-01T00:00:00Z",
                "2030-01-01T00:00:00Z"
            ),
            [
                ("2011-03-26T23:00:00.000Z".to_owned(), 3 * 3600, 4 * 3600),
                ("2014-10-25T22:00:00.000Z".to_owned(), 4 * 3600, 3 * 3600),
            ]
        );
        // The control.
        assert_eq!(
            span(
                "Asia/Kolkata",
                "2000-01-01T00:00:00Z",
                "2030-01-01T00:00:00Z"
            ),
            []
        );
        // The fuzzer's jumps reach the southern and half-hour changes too.
        let next = near_next_switch(at("2026-03-30T00:00:00Z"), 0).map(format_timestamp);
        assert_eq!(next.as_deref(), Some("2026-04-04T15:00:00.000Z"));
    }

    /// A grace period of `days` from `start` counted in the zone's local
    /// calendar (same local time, `days` dates later): the bug the
    /// scenarios catch.
    fn local_calendar_end(tz: Tz, start: DateTime<Utc>, days: i64) -> DateTime<Utc> {
        let local = start.with_timezone(&tz).naive_local() + TimeDelta::days(days);
        tz.from_local_datetime(&local)
            .earliest()
            .map_or(start, |t| t.with_timezone(&Utc))
    }

    #[test]
    fn local_days_miss_24_hours_by_the_change_in_every_zone_but_the_control() {
        for zone in ZONES {
            let all = transitions(
                zone.tz,
                at("2010-01-01T00:00:00Z"),
                at("2031-01-01T00:00:00Z"),
            );
            if zone.tz == chrono_tz::Asia::Kolkata {
                assert!(all.is_empty(), "{}", zone.tz.name());
                let start = at("2026-03-28T12:00:00Z");
                assert_eq!(
                    local_calendar_end(zone.tz, start, 2),
                    start + TimeDelta::days(2)
                );
                continue;
            }
            assert!(!all.is_empty(), "{}", zone.tz.name());
            for t in all {
                let start = t.at - TimeDelta::hours(12);
                let exact = start + TimeDelta::days(2);
                let local = local_calendar_end(zone.tz, start, 2);
                assert_eq!(
                    (exact - local).num_seconds(),
                    i64::from(t.after - t.before),
                    "{} at {}",
                    zone.tz.name(),
                    t.at
                );
            }
        }
    }

    /// The `grace-period.feature` scenarios across a change: each names a
    /// zone of [`ZONES`], and every zone has one.
    #[test]
    fn the_scenarios_cross_a_change_of_their_zone_by_exactly_n_times_24_hours() {
        let feature = crate::suite::FEATURES
            .iter()
            .find(|f| f.path.ends_with("manual/grace-period.feature"))
            .expect("the grace-period feature is embedded");
        let mut covered = Vec::new();
        for scenario in feature.text.split("  Scenario: ").skip(1) {
            let title = scenario.lines().next().unwrap_or_default();
            let Some(zone) = ZONES.iter().find(|z| title.contains(z.tz.name())) else {
                continue;
            };
            let value = |prefix: &str| -> &str {
                let line = scenario
                    .lines()
                    .find(|l| l.contains(prefix))
                    .unwrap_or_else(|| panic!("{title}: no `{prefix}`"));
                line[line.find(prefix).unwrap() + prefix.len()..]
                    .split_whitespace()
                    .next()
                    .unwrap()
            };
            let start = at(value("clock is set to "));
            let days: i64 = value("`lengthOfGracePeriodInDays` ").parse().unwrap();
            let end = at(value("`gracePeriodEndsAt` is "));
            assert_eq!(end - start, TimeDelta::days(days), "{title}");
            let crossed = transitions(zone.tz, start, end);
            if zone.tz == chrono_tz::Asia::Kolkata {
                assert!(crossed.is_empty(), "{title}");
            } else {
                assert_eq!(crossed.len(), 1, "{title}: crosses one change of its zone");
            }
            covered.push(zone.tz);
        }
        for zone in ZONES {
            assert!(
                covered.contains(&zone.tz),
                "no scenario for {}",
                zone.tz.name()
            );
        }
    }
}
