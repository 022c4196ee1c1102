//! ISO-8601 UTC timestamps as the DTO carries them.

use chrono::{DateTime, SecondsFormat, Utc};

/// Formats `t` as ISO-8601 UTC with milliseconds, e.g. `2026-01-02T03:04:05.678Z`.
pub fn format_timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses an ISO-8601 / RFC 3339 timestamp with any offset, as UTC.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_milliseconds() {
        let t = parse_timestamp("2026-01-02T03:04:05.678+01:00").unwrap();
        assert_eq!(format_timestamp(t), "2026-01-02T02:04:05.678Z");
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
