//! Daylight-saving changes of common time zones, as UTC instants: where a
//! grace period counted in local days instead of 24-hour days goes wrong.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc, Weekday};

/// The `nth` (1-based) `weekday` of `month` in `year`, or the last one when `nth` is 0.
fn weekday_of_month(year: i32, month: u32, weekday: Weekday, nth: u32) -> Option<NaiveDate> {
    let days: Vec<NaiveDate> = (1..=31)
        .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .filter(|d| d.weekday() == weekday)
        .collect();
    if nth == 0 {
        days.last().copied()
    } else {
        days.get(usize::try_from(nth - 1).ok()?).copied()
    }
}

fn at(date: Option<NaiveDate>, hour: u32) -> Option<DateTime<Utc>> {
    let naive = date?.and_hms_opt(hour, 0, 0)?;
    Some(Utc.from_utc_datetime(&naive))
}

/// The switches of `year`: Europe/Berlin (last Sunday of March and of
/// October, 01:00 UTC) and America/New_York (second Sunday of March,
/// 07:00 UTC; first Sunday of November, 06:00 UTC).
pub fn switches(year: i32) -> Vec<DateTime<Utc>> {
    let mut all: Vec<DateTime<Utc>> = [
        at(weekday_of_month(year, 3, Weekday::Sun, 0), 1),
        at(weekday_of_month(year, 10, Weekday::Sun, 0), 1),
        at(weekday_of_month(year, 3, Weekday::Sun, 2), 7),
        at(weekday_of_month(year, 11, Weekday::Sun, 1), 6),
    ]
    .into_iter()
    .flatten()
    .collect();
    all.sort();
    all
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

/// The first switch after `t`.
pub fn next_switch_after(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (t.year()..=t.year() + 1)
        .flat_map(switches)
        .find(|s| *s > t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_timestamp;

    #[test]
    fn the_2026_switches_are_the_known_ones() {
        let got: Vec<String> = switches(2026)
            .into_iter()
            .map(crate::domain::format_timestamp)
            .collect();
        assert_eq!(
            got,
            [
                "2026-03-08T07:00:00.000Z",
                "2026-03-29T01:00:00.000Z",
                "2026-10-25T01:00:00.000Z",
                "2026-11-01T06:00:00.000Z"
            ]
        );
        let after = parse_timestamp("2026-11-29T00:00:00Z").unwrap();
        assert_eq!(
            next_switch_after(after)
                .map(crate::domain::format_timestamp)
                .as_deref(),
            Some("2027-03-14T07:00:00.000Z")
        );
    }
}
