//! ISO-8601 UTC timestamps as the DTO carries them.

use chrono::{DateTime, SecondsFormat, Utc};

/// Formats `t` as ISO-8601 UTC with milliseconds, e.g. `2026-01-02T03:04:05.678Z`.
pub fn format_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Formats `t` as ISO-8601 UTC at its full precision: three fractional
/// digits, or six or nine when the instant needs them (a clock finer than
/// milliseconds), e.g. `2026-01-02T03:04:05.678901Z`. The suite writes
/// `setClock` instants and the instants in its messages so.
pub fn format_instant(t: DateTime<Utc>) -> String {
    let nanos = t.timestamp_subsec_nanos();
    let format = if nanos.is_multiple_of(1_000_000) {
        SecondsFormat::Millis
    } else if nanos.is_multiple_of(1_000) {
        SecondsFormat::Micros
    } else {
        SecondsFormat::Nanos
    };
    t.to_rfc3339_opts(format, true)
}

/// Parses an ISO-8601 / RFC 3339 timestamp with any offset, as UTC.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The most fractional digits a timestamp may have (nanoseconds). The runtime
/// writes 3, the Backbone up to 7 (trailing zeros trimmed), Java's
/// `Instant.toString()` none when the fraction is zero: any of them is
/// accepted, and instants are compared at full precision.
pub const MAX_FRACTION_DIGITS: usize = 9;

/// The documented timestamp rule, as the messages and PROTOCOL.md state it.
pub const TIMESTAMP_RULE: &str = "an RFC 3339 (ISO-8601) date-time in UTC written with `Z`, with 0 to 9 fractional digits, e.g. `2026-01-02T03:04:05.678Z`";

/// Parses a timestamp under [`TIMESTAMP_RULE`]: RFC 3339, in UTC, with `Z`.
/// The runtime writes `Date.toISOString()`; an offset such as `+00:00` names
/// the same instant but is not the documented form.
pub fn parse_utc_timestamp(text: &str) -> Result<DateTime<Utc>, String> {
    let at = parse_timestamp(text)
        .ok_or_else(|| format!("{text:?} is not an RFC 3339 (ISO-8601) date-time"))?;
    if !text.ends_with('Z') {
        return Err(format!("{text:?} is not written in UTC with `Z`"));
    }
    let digits = text
        .rsplit_once('.')
        .map_or(0, |(_, fraction)| fraction.len() - 1);
    if digits > MAX_FRACTION_DIGITS {
        return Err(format!(
            "{text:?} has {digits} fractional digits, more than {MAX_FRACTION_DIGITS}"
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_milliseconds() {
        let t = parse_timestamp("2026-01-02T03:04:05.678+01:00").unwrap();
        assert_eq!(format_timestamp(t), "2026-01-02T02:04:05.678Z");
        assert_eq!(format_instant(t), "2026-01-02T02:04:05.678Z");
        for (text, written) in [
            ("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000Z"),
            ("2026-01-02T03:04:05.6789Z", "2026-01-02T03:04:05.678900Z"),
            (
                "2026-01-02T03:04:05.000000001Z",
                "2026-01-02T03:04:05.000000001Z",
            ),
        ] {
            assert_eq!(format_instant(parse_timestamp(text).unwrap()), written);
        }
        assert_eq!(parse_timestamp("yesterday"), None);
        assert!(parse_utc_timestamp("2026-01-02T02:04:05.678Z").is_ok());
        assert!(parse_utc_timestamp("2026-01-02T02:04:05.678+00:00").is_err());
        assert!(parse_utc_timestamp("2026-01-02").is_err());
        // Any precision from none to nanoseconds: the Backbone writes 7 digits.
        assert!(parse_utc_timestamp("2026-01-02T02:04:05Z").is_ok());
        assert_eq!(
            parse_utc_timestamp("2026-01-02T02:04:05.6781234Z").map(|t| t.timestamp_subsec_nanos()),
            Ok(678_123_400)
        );
        assert!(parse_utc_timestamp("2026-01-02T02:04:05.123456789Z").is_ok());
        assert!(parse_utc_timestamp("2026-01-02T02:04:05.1234567891Z").is_err());
    }
}
