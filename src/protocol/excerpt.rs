//! Excerpts of what an implementation sent, for messages and reports: the
//! start of the value and its length, never the whole of it (a reply line
//! may be up to 1 MiB, and a message may be copied into several reports).

use crate::verdict::{Failure, Fault, Verdict};
use serde_json::Value;
use std::io::Write;

/// How many bytes of a value an excerpt keeps.
pub const EXCERPT_BYTES: usize = 200;

/// The most bytes of an expected or actual value, a failure's summary or a
/// fault's message that any sink (console, JUnit, Cucumber JSON, Markdown
/// summary, expectations update) receives: 4 KiB, the real size stated.
pub const VALUE_BYTES: usize = 4096;

/// `text` if it has at most [`VALUE_BYTES`] bytes, else its start (cut at a
/// character boundary) followed by `… (N bytes)`, at most [`VALUE_BYTES`]
/// bytes in all: applying it again changes nothing.
pub fn excerpt_value(text: &str) -> String {
    if text.len() <= VALUE_BYTES {
        return text.to_owned();
    }
    let suffix = format!("… ({} bytes)", text.len());
    let mut end = VALUE_BYTES - suffix.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{suffix}", &text[..end])
}

/// Like [`excerpt_value`], but keeping the start and the end of `text` (a
/// fault's message ends with the implementation's last stderr lines, the
/// likeliest to say why): at most [`VALUE_BYTES`] bytes in all, the middle
/// replaced by `… (N bytes, middle cut) …`. Applying it again changes nothing.
pub fn excerpt_ends(text: &str) -> String {
    if text.len() <= VALUE_BYTES {
        return text.to_owned();
    }
    let marker = format!("\n… ({} bytes, middle cut) …\n", text.len());
    let half = (VALUE_BYTES - marker.len()) / 2;
    let mut head = half;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - half;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}{marker}{}", &text[..head], &text[tail..])
}

/// `verdict` with every text the implementation may have supplied (a
/// failure's summary, expected and actual values; a fault's message and
/// context) cut by [`excerpt_value`]: what every sink receives. Applied where
/// a verdict is made (`ConformanceWorld::fail`, the fuzz properties, the
/// tally's suite faults).
pub fn excerpt_verdict(verdict: Verdict) -> Verdict {
    match verdict {
        Verdict::Failed(failure) => Verdict::Failed(Failure {
            rule: failure.rule,
            observed: failure.observed,
            summary: excerpt_value(&failure.summary),
            expected: failure.expected.as_deref().map(excerpt_value),
            actual: failure.actual.as_deref().map(excerpt_value),
        }),
        Verdict::Errored(fault) => Verdict::Errored(Fault {
            kind: fault.kind,
            context: excerpt_value(&fault.context),
            message: excerpt_ends(&fault.message),
        }),
    }
}

/// `text` if it is short, else its first [`EXCERPT_BYTES`] bytes (cut at a
/// character boundary) followed by `… (N bytes)`.
pub fn excerpt(text: &str) -> String {
    if text.len() <= EXCERPT_BYTES {
        return text.to_owned();
    }
    let mut end = EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}

/// [`excerpt`] of bytes that may not be UTF-8 (invalid sequences are replaced).
pub fn excerpt_bytes(bytes: &[u8]) -> String {
    if bytes.len() <= EXCERPT_BYTES {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let start = String::from_utf8_lossy(&bytes[..EXCERPT_BYTES + 4]);
    let mut end = EXCERPT_BYTES.min(start.len());
    while !start.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &start[..end], bytes.len())
}

/// [`excerpt`] of a JSON value as compact JSON, without building the whole
/// text: only the start is kept, the rest is counted.
pub fn excerpt_json(value: &Value) -> String {
    let mut sink = Head::default();
    // Writing to `Head` never fails.
    let _ = serde_json::to_writer(&mut sink, value);
    if sink.total <= EXCERPT_BYTES {
        return String::from_utf8_lossy(&sink.head).into_owned();
    }
    let start = String::from_utf8_lossy(&sink.head);
    let mut end = EXCERPT_BYTES.min(start.len());
    while !start.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &start[..end], sink.total)
}

/// A writer that keeps the first bytes and counts all of them.
#[derive(Default)]
struct Head {
    head: Vec<u8>,
    total: usize,
}

impl Write for Head {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = (EXCERPT_BYTES + 4).saturating_sub(self.head.len());
        self.head.extend_from_slice(&buf[..room.min(buf.len())]);
        self.total += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_kept_whole() {
        assert_eq!(excerpt("abc"), "abc");
        assert_eq!(excerpt_bytes(b"abc"), "abc");
        assert_eq!(excerpt_json(&serde_json::json!({"a": 1})), r#"{"a":1}"#);
    }

    #[test]
    fn values_are_cut_to_their_bound_once() {
        assert_eq!(excerpt_value("abc"), "abc");
        let long = "é".repeat(10_000);
        let cut = excerpt_value(&long);
        assert!(cut.len() <= VALUE_BYTES, "{}", cut.len());
        assert!(cut.ends_with("… (20000 bytes)"), "{cut}");
        assert_eq!(excerpt_value(&cut), cut);
        let stderr = format!("CRASH: closed\n{}fatal: the cause", "flood\n".repeat(2000));
        let cut = excerpt_ends(&stderr);
        assert!(cut.len() <= VALUE_BYTES, "{}", cut.len());
        assert!(cut.starts_with("CRASH: closed\nflood"), "{cut}");
        assert!(cut.ends_with("flood\nfatal: the cause"), "{cut}");
        let marker = format!("… ({} bytes, middle cut) …", stderr.len());
        assert!(cut.contains(&marker), "{cut}");
        assert_eq!(excerpt_ends(&cut), cut);
    }

    #[test]
    fn long_values_keep_their_start_and_say_their_length() {
        let long = "é".repeat(600_000); // 1_200_000 bytes
        let text = excerpt(&long);
        assert!(text.ends_with("… (1200000 bytes)"), "{text}");
        assert!(text.len() < EXCERPT_BYTES + 30, "{}", text.len());
        let text = excerpt_bytes(long.as_bytes());
        assert!(text.ends_with("… (1200000 bytes)"), "{text}");
        assert!(text.starts_with("éé"));
        let value = serde_json::json!({ "id": "x".repeat(1_048_000) });
        let text = excerpt_json(&value);
        assert!(text.starts_with(r#"{"id":"xxx"#), "{text}");
        assert!(text.ends_with("… (1048009 bytes)"), "{text}");
        assert!(text.len() < EXCERPT_BYTES + 30);
    }
}
