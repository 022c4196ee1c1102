//! Implementation text inside a GitHub Actions workflow command (the
//! suite's own `::error title=…::…` annotations).
//!
//! GitHub's escaping for a command's data (`%` → `%25`, carriage return →
//! `%0D`, newline → `%0A`) and, in a property such as `title`, also `:` →
//! `%3A` and `,` → `%2C`; every other control character (see
//! [`super::is_hidden_control`]) is written visibly (`\x1b`), as on the
//! console. The result holds no line break, so one text can never start a
//! second workflow command. Lengths are bounded ([`MAX_DATA`],
//! [`MAX_PROPERTY`] characters before escaping).

use super::{is_hidden_control, visible};

/// The most characters of a command's data kept (the rest becomes `…`).
pub const MAX_DATA: usize = 1000;
/// The most characters of a property's value kept (the rest becomes `…`).
pub const MAX_PROPERTY: usize = 100;

/// `text` as a workflow command's data (after the closing `::`).
pub fn data(text: &str) -> String {
    escape(text, MAX_DATA, false)
}

/// `text` as the value of a workflow command's property (`title=`).
pub fn property(text: &str) -> String {
    escape(text, MAX_PROPERTY, true)
}

fn escape(text: &str, max: usize, property: bool) -> String {
    let mut out = String::with_capacity(text.len().min(max * 3));
    let mut chars = text.chars();
    for c in chars.by_ref().take(max) {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' if property => out.push_str("%3A"),
            ',' if property => out.push_str("%2C"),
            c if is_hidden_control(c) => out.push_str(&visible(c)),
            c => out.push(c),
        }
    }
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::HOSTILE;

    #[test]
    fn no_hostile_string_can_break_out_of_a_command() {
        for hostile in HOSTILE {
            for safe in [data(hostile), property(hostile)] {
                assert!(
                    !safe.contains(['\n', '\r', '\u{1b}', '\u{0}', '\u{9b}', '\u{202e}']),
                    "{hostile:?} -> {safe:?}"
                );
            }
            assert!(!property(hostile).contains([':', ',']), "{hostile:?}");
        }
        assert_eq!(data("100%\r\nx::y"), "100%25%0D%0Ax::y");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
        assert_eq!(data("\u{1b}[31m\ttab"), "\\x1b[31m\ttab");
        assert_eq!(
            data("line\n::add-mask::secret"),
            "line%0A::add-mask::secret"
        );
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(MAX_DATA + 5);
        assert_eq!(data(&long).chars().count(), MAX_DATA + 1);
        assert!(data(&long).ends_with('…'));
        assert_eq!(
            property(&"y".repeat(MAX_PROPERTY)),
            "y".repeat(MAX_PROPERTY)
        );
    }
}
