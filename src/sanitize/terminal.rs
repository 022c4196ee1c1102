//! Implementation text for the console.
//!
//! Every control character but newline and tab (ESC and so every CSI and
//! OSC sequence, NUL, carriage return, backspace, DEL, the C1 controls such
//! as the one-byte CSI `\x9b`) and the bidirectional overrides are written
//! visibly (`\x1b`), so a name or message can neither colour, move, retitle
//! nor rewrite the terminal. A line whose text starts (after blanks) with
//! `::` would be read by GitHub Actions as a workflow command (`::error::`,
//! `::add-mask::`, …): it is written with a backslash before the first
//! colon. The legacy form `##[` gets one before its bracket.

use super::{is_hidden_control, visible};

/// `text` for the console, keeping its line breaks (see the module
/// documentation).
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        push_line(&mut out, line);
    }
    out
}

/// `text` for the console as one line: its line breaks are written `\n`.
pub fn line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_line(&mut out, &text.replace('\n', "\\n"));
    out
}

fn push_line(out: &mut String, line: &str) {
    let blanks = line.len() - line.trim_start_matches([' ', '\t']).len();
    let (lead, rest) = line.split_at(blanks);
    out.push_str(lead);
    if rest.starts_with("::") {
        out.push('\\');
    }
    let mut rest = rest;
    while let Some(at) = rest.find("##[") {
        push_visible(out, &rest[..at + 2]);
        out.push_str("\\[");
        rest = &rest[at + 3..];
    }
    push_visible(out, rest);
}

fn push_visible(out: &mut String, text: &str) {
    for c in text.chars() {
        if is_hidden_control(c) {
            out.push_str(&visible(c));
        } else {
            out.push(c);
        }
    }
}

/// Whether `text` could act on a terminal or a GitHub Actions log: a hidden
/// control character, or a line starting (after blanks) with `::` or
/// holding `##[`.
pub fn is_unsafe(text: &str) -> bool {
    text.chars().any(is_hidden_control)
        || text
            .split('\n')
            .any(|l| l.trim_start_matches([' ', '\t']).starts_with("::") || l.contains("##["))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::HOSTILE;

    #[test]
    fn every_hostile_string_becomes_inert_and_keeps_its_printable_text() {
        for hostile in HOSTILE {
            for safe in [text(hostile), line(hostile)] {
                assert!(!is_unsafe(&safe), "{hostile:?} -> {safe:?}");
                assert!(!safe.contains('\u{1b}') && !safe.contains('\r'), "{safe:?}");
            }
            assert!(!line(hostile).contains('\n'));
        }
        assert_eq!(text("\u{1b}[31mred"), "\\x1b[31mred");
        assert_eq!(text("a\n  ::error::x"), "a\n  \\::error::x");
        assert_eq!(line("a\n::error::x"), "a\\n::error::x");
        assert_eq!(text("x ##[error]y"), "x ##\\[error]y");
        assert_eq!(text("\u{9b}2J \u{202e}"), "\\x9b2J \\u{202e}");
        assert_eq!(text("plain: text\n\tindented"), "plain: text\n\tindented");
    }
}
