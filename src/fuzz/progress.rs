//! Progress of a long fuzz run on standard error: cases done of the total
//! and the time elapsed, redrawn in place at most ten times a second, and
//! only when standard error is a terminal (CI logs and pipes get nothing).

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The progress line of one property; cleared when dropped.
#[derive(Debug)]
pub struct Progress {
    label: &'static str,
    total: u32,
    start: Instant,
    state: Option<Mutex<(u64, Option<Instant>)>>,
}

impl Progress {
    /// Progress of `label` over `total` cases (silent unless stderr is a terminal).
    pub fn new(label: &'static str, total: u32) -> Self {
        let tty = std::io::stderr().is_terminal();
        Self {
            label,
            total,
            start: Instant::now(),
            state: tty.then(|| Mutex::new((0, None))),
        }
    }

    /// The line after `done` cases (tries past the total are shrinking).
    pub fn line(&self, done: u64, elapsed: Duration) -> String {
        let total = u64::from(self.total);
        if done <= total {
            format!(
                "{}: {done}/{total} cases, {:.1} s",
                self.label,
                elapsed.as_secs_f64()
            )
        } else {
            format!(
                "{}: shrinking a failure ({} tries), {:.1} s",
                self.label,
                done - total,
                elapsed.as_secs_f64()
            )
        }
    }

    /// One more case ran.
    pub fn tick(&self) {
        let Some(state) = &self.state else { return };
        let mut state = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.0 += 1;
        let now = Instant::now();
        if state
            .1
            .is_some_and(|last| now.duration_since(last) < Duration::from_millis(100))
        {
            return;
        }
        state.1 = Some(now);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{}", self.line(state.0, self.start.elapsed()));
        let _ = err.flush();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        let Some(state) = &self.state else { return };
        let drawn = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .1
            .is_some();
        if drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_cases_done_of_the_total_then_shrinking() {
        let progress = Progress::new("model", 256);
        assert_eq!(
            progress.line(37, Duration::from_millis(12_340)),
            "model: 37/256 cases, 12.3 s"
        );
        assert_eq!(
            progress.line(260, Duration::from_secs(2)),
            "model: shrinking a failure (4 tries), 2.0 s"
        );
    }
}
