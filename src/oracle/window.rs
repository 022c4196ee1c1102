//! Time windows: where an instant the implementation reports must lie.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use std::fmt;
use std::future::Future;

/// A closed interval of instants; measured windows are widened to whole
/// milliseconds, exact ones keep full (nanosecond) precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The earliest allowed instant.
    pub earliest: DateTime<Utc>,
    /// The latest allowed instant.
    pub latest: DateTime<Utc>,
}

fn floor_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(t)
}

fn ceil_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    let floor = floor_ms(t);
    if floor == t {
        t
    } else {
        floor + TimeDelta::milliseconds(1)
    }
}

impl Window {
    /// Exactly one instant.
    pub fn exact(at: DateTime<Utc>) -> Self {
        Self {
            earliest: at,
            latest: at,
        }
    }

    /// The window from `earliest` to `latest`, widened to whole milliseconds.
    pub fn between(earliest: DateTime<Utc>, latest: DateTime<Utc>) -> Self {
        Self {
            earliest: floor_ms(earliest),
            latest: ceil_ms(latest.max(earliest)),
        }
    }

    /// Whether `at` lies in the window.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.earliest <= at && at <= self.latest
    }

    /// The window moved by `by`.
    pub fn shifted(&self, by: TimeDelta) -> Self {
        Self {
            earliest: self.earliest + by,
            latest: self.latest + by,
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (
            crate::domain::format_instant(self.earliest),
            crate::domain::format_instant(self.latest),
        );
        if a == b {
            write!(f, "exactly {a:?}")
        } else {
            write!(f, "a timestamp from {a:?} to {b:?}")
        }
    }
}

/// Makes the call `start` creates and measures the window of real time it
/// took. The call is created inside the window: an implementation may read
/// its clock as soon as its future is made.
pub async fn measure<F: Future>(start: impl FnOnce() -> F) -> (Window, F::Output) {
    let before = Utc::now();
    let output = start().await;
    let after = Utc::now();
    (Window::between(before, after), output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_timestamp;

    fn at(text: &str) -> DateTime<Utc> {
        parse_timestamp(text).unwrap()
    }

    #[test]
    fn windows_widen_to_whole_milliseconds() {
        let w = Window::between(
            at("2026-01-01T00:00:00.0004Z"),
            at("2026-01-01T00:00:00.0016Z"),
        );
        assert_eq!(w.earliest, at("2026-01-01T00:00:00.000Z"));
        assert_eq!(w.latest, at("2026-01-01T00:00:00.002Z"));
        assert!(w.contains(at("2026-01-01T00:00:00.001Z")));
        assert!(!w.contains(at("2026-01-01T00:00:00.003Z")));
        assert_eq!(
            w.shifted(TimeDelta::milliseconds(1)).earliest,
            at("2026-01-01T00:00:00.001Z")
        );
    }
}
