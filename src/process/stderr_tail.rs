//! The last lines the child wrote to stderr, bounded in count and length.

use std::collections::VecDeque;

/// How many stderr lines are kept.
pub const KEPT_LINES: usize = 20;
/// How long a kept stderr line may be, in bytes.
pub const KEPT_LINE_BYTES: usize = 1024;

/// A bounded tail of stderr lines.
#[derive(Debug, Default)]
pub struct StderrTail {
    lines: VecDeque<String>,
    /// Lines seen in all.
    pub total: u64,
}

impl StderrTail {
    /// Keeps `line`, dropping the oldest beyond [`KEPT_LINES`].
    pub fn push(&mut self, line: &[u8]) {
        let line = &line[..line.len().min(KEPT_LINE_BYTES)];
        self.lines
            .push_back(String::from_utf8_lossy(line).into_owned());
        if self.lines.len() > KEPT_LINES {
            self.lines.pop_front();
        }
        self.total += 1;
    }

    /// The kept lines, for an error message.
    pub fn render(&self) -> String {
        if self.lines.is_empty() {
            return "stderr was empty".to_owned();
        }
        let skipped = self.total.saturating_sub(self.lines.len() as u64);
        let mut out = format!("last {} stderr lines", self.lines.len());
        if skipped > 0 {
            out.push_str(&format!(" ({skipped} earlier lines dropped)"));
        }
        out.push(':');
        for line in &self.lines {
            out.push_str("\n  | ");
            out.push_str(line);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_bounded_tail() {
        let mut tail = StderrTail::default();
        for i in 0..100 {
            tail.push(format!("line {i}").as_bytes());
        }
        tail.push(&[b'x'; 5000]);
        let text = tail.render();
        assert!(
            text.starts_with("last 20 stderr lines (81 earlier lines dropped):"),
            "{text}"
        );
        assert!(!text.contains("line 80\n") && text.contains("line 99"));
        assert!(text.len() < 20 * (KEPT_LINE_BYTES + 8) + 100);
    }
}
