//! Text for XML 1.0: the one function every XML sink passes implementation
//! text through before `quick-xml` escapes the markup characters.
//!
//! XML 1.0 cannot carry most control characters at all, not even as
//! character references (`&#1;` is an error), so a report that copied them
//! would be rejected by every reader. They are replaced by `U+FFFD`, as are
//! DEL and the C1 controls (allowed, but "discouraged" by XML 1.0 §2.2 and
//! only legal as references in XML 1.1) and the non-characters `U+FFFE` and
//! `U+FFFF`. Tab, line feed and carriage return stay; the writer escapes a
//! carriage return (and, in attributes, tabs and line feeds) so a reader
//! gets them back unchanged.

use std::borrow::Cow;

/// What replaces a character XML 1.0 cannot carry.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Whether `c` is kept as it is in XML 1.0 text.
pub fn is_allowed(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{FFFE}' | '\u{FFFF}' => false,
        // Rust's `char` has no surrogates; everything else is an XML 1.0 `Char`.
        _ => true,
    }
}

/// `text` with every character XML 1.0 cannot carry replaced by
/// [`REPLACEMENT`]; borrowed when there was none.
pub fn safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if is_allowed(c) { c } else { REPLACEMENT })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `Char` production of XML 1.0 (§2.2), written out independently.
    fn xml10_char(c: char) -> bool {
        let u = c as u32;
        matches!(u, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
    }

    #[test]
    fn every_character_comes_out_as_an_xml_1_0_character() {
        for u in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(u) else { continue };
            let out = safe(c.encode_utf8(&mut [0; 4])).into_owned();
            let kept = out.chars().eq(std::iter::once(c));
            assert!(out.chars().all(xml10_char), "U+{u:04X} gave {out:?}");
            assert_eq!(out.chars().count(), 1, "one character for one: U+{u:04X}");
            // Only controls and the two non-characters are replaced.
            let control = u < 0x20 && !matches!(u, 0x9 | 0xA | 0xD);
            let replaced = control || (0x7F..=0x9F).contains(&u) || u == 0xFFFE || u == 0xFFFF;
            assert_eq!(kept, !replaced, "U+{u:04X}");
        }
    }

    #[test]
    fn clean_text_is_borrowed_and_hostile_text_replaced_in_place() {
        assert!(matches!(
            safe("plain <text> & \"quotes\"\n\ttab"),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            safe("nul\u{0}esc\u{1b}[31mbell\u{7}del\u{7f}csi\u{9b}ffff\u{FFFF}é"),
            "nul\u{FFFD}esc\u{FFFD}[31mbell\u{FFFD}del\u{FFFD}csi\u{FFFD}ffff\u{FFFD}é"
        );
    }
}
