//! Progress of a long fuzz run on standard error: cases done of the total
//! and the time elapsed, drawn by `indicatif` (at most ten times a second,
//! cut to the terminal's width, cleared at the end) and only when standard
//! error is a terminal: CI logs and pipes get nothing.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::time::Duration;

/// Redraws per second at most.
const REFRESH_HZ: u8 = 10;

/// The progress line of one property; cleared when dropped.
#[derive(Debug)]
pub struct Progress {
    label: &'static str,
    total: u32,
    bar: ProgressBar,
}

/// The text of the line after `done` of `total` cases (tries past the total
/// are shrinking).
fn line(label: &str, total: u64, done: u64, elapsed: Duration) -> String {
    if done <= total {
        format!(
            "{label}: {done}/{total} cases, {:.1} s",
            elapsed.as_secs_f64()
        )
    } else {
        format!(
            "{label}: shrinking a failure ({} tries), {:.1} s",
            done - total,
            elapsed.as_secs_f64()
        )
    }
}

impl Progress {
    /// Progress of `label` over `total` cases (silent unless stderr is a terminal).
    pub fn new(label: &'static str, total: u32) -> Self {
        Self::with_target(label, total, ProgressDrawTarget::stderr_with_hz(REFRESH_HZ))
    }

    /// Progress drawn to `target` (hidden targets draw nothing).
    fn with_target(label: &'static str, total: u32, target: ProgressDrawTarget) -> Self {
        let cases = u64::from(total);
        let style = ProgressStyle::with_template("{line:.wide}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .with_key(
                "line",
                move |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = out.write_str(&line(label, cases, state.pos(), state.elapsed()));
                },
            );
        let bar = ProgressBar::with_draw_target(Some(cases), target).with_style(style);
        Self { label, total, bar }
    }

    /// The line after `done` cases (tries past the total are shrinking).
    pub fn line(&self, done: u64, elapsed: Duration) -> String {
        line(self.label, u64::from(self.total), done, elapsed)
    }

    /// One more case ran.
    pub fn tick(&self) {
        self.bar.inc(1);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
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

    #[test]
    fn the_bar_counts_the_cases_and_draws_nothing_when_hidden() {
        let progress = Progress::with_target("model", 3, ProgressDrawTarget::hidden());
        for _ in 0..5 {
            progress.tick();
        }
        assert_eq!(progress.bar.position(), 5);
        assert_eq!(progress.bar.length(), Some(3));
        assert!(progress.bar.is_hidden());
    }

    /// A terminal that records what is written to it.
    #[derive(Debug, Clone, Default)]
    struct Recorder(std::sync::Arc<std::sync::Mutex<String>>);

    impl indicatif::TermLike for Recorder {
        fn width(&self) -> u16 {
            80
        }
        fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> std::io::Result<()> {
            self.write_str(&format!("{s}\n"))
        }
        fn write_str(&self, s: &str) -> std::io::Result<()> {
            self.0.lock().unwrap().push_str(s);
            Ok(())
        }
        fn clear_line(&self) -> std::io::Result<()> {
            self.write_str("<clear>")
        }
        fn flush(&self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_terminal_gets_the_line_and_is_cleared_at_the_end() {
        let term = Recorder::default();
        // The first draws fit in the rate limiter's burst (20), so what is
        // drawn does not depend on timing.
        let target = ProgressDrawTarget::term_like_with_hz(Box::new(term.clone()), 1);
        let progress = Progress::with_target("model", 4, target);
        progress.tick();
        progress.tick();
        progress.bar.tick();
        let drawn = term.0.lock().unwrap().clone();
        assert!(drawn.contains("model: 2/4 cases, "), "{drawn:?}");
        drop(progress);
        let after = term.0.lock().unwrap().clone();
        assert!(after.ends_with("<clear>"), "{after:?}");
    }
}
