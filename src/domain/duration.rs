//! How every report writes a length of time: in days when it is a whole
//! number of them (grace periods are), always with the exact milliseconds, so
//! an expected and an actual length read in one unit.

use chrono::TimeDelta;

/// `delta` for a report: `14 days (1209600000 ms)`, `1 day (86400000 ms)`,
/// `14 days + 2 ms (1209600002 ms)`, `250 ms`; a part of a millisecond is
/// kept as a fraction (`1.5 ms`), and a negative length keeps its sign.
pub fn format_duration(delta: TimeDelta) -> String {
    let sign = if delta < TimeDelta::zero() { "-" } else { "" };
    let delta = delta.abs();
    let ms = delta.num_milliseconds();
    let sub_ms = (delta - TimeDelta::milliseconds(ms))
        .num_nanoseconds()
        .unwrap_or(0);
    let exact = if sub_ms == 0 {
        format!("{sign}{ms} ms")
    } else {
        let fraction = format!("{sub_ms:06}");
        format!("{sign}{ms}.{} ms", fraction.trim_end_matches('0'))
    };
    let day_ms = TimeDelta::days(1).num_milliseconds();
    let days = ms / day_ms;
    if days == 0 {
        return exact;
    }
    let unit = if days == 1 { "day" } else { "days" };
    let rest = ms % day_ms;
    let rest = match (rest, sub_ms) {
        (0, 0) => String::new(),
        _ => format!(
            " + {}",
            format_duration(delta - TimeDelta::days(days)).trim_start_matches('-')
        ),
    };
    format!("{sign}{days} {unit}{rest} ({exact})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_read_in_days_with_the_exact_milliseconds() {
        assert_eq!(
            format_duration(TimeDelta::days(14)),
            "14 days (1209600000 ms)"
        );
        assert_eq!(
            format_duration(TimeDelta::seconds(1_296_000)),
            "15 days (1296000000 ms)"
        );
        assert_eq!(format_duration(TimeDelta::days(1)), "1 day (86400000 ms)");
        assert_eq!(
            format_duration(TimeDelta::days(14) + TimeDelta::milliseconds(2)),
            "14 days + 2 ms (1209600002 ms)"
        );
        assert_eq!(format_duration(TimeDelta::milliseconds(250)), "250 ms");
        assert_eq!(format_duration(TimeDelta::zero()), "0 ms");
        assert_eq!(format_duration(TimeDelta::microseconds(1500)), "1.5 ms");
        assert_eq!(
            format_duration(-TimeDelta::days(2)),
            "-2 days (-172800000 ms)"
        );
        assert_eq!(
            format_duration(TimeDelta::days(1) + TimeDelta::nanoseconds(1)),
            "1 day + 0.000001 ms (86400000.000001 ms)"
        );
    }
}
