//! Implementation text for the HTML report: `&`, `<`, `>`, `"` and `'`
//! escaped (safe in element content and in quoted attribute values), and
//! every hidden control ([`super::is_hidden_control`]: control characters
//! but tab and newline, and the format characters: bidirectional
//! embeddings, overrides, isolates and marks, zero-width characters, …)
//! written visibly (`\x1b`, `\u{202e}`), as on the console. So a name can
//! neither add markup nor reorder or hide the text around it: a U+202E in
//! the implementation's name cannot make the heading read "… PASSED".

use super::{is_hidden_control, visible};

/// `text` as HTML text (see the module documentation).
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_hidden_control(c) => out.push_str(&visible(c)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::HOSTILE;

    #[test]
    fn every_hostile_string_is_inert_html_and_keeps_its_printable_text() {
        for hostile in HOSTILE {
            let safe = text(hostile);
            assert!(
                !safe.chars().any(is_hidden_control),
                "{hostile:?} -> {safe:?}"
            );
            assert!(!safe.contains(['<', '>', '"', '\'']), "{safe:?}");
            // Every `&` starts one of the five entities.
            for (at, _) in safe.match_indices('&') {
                let rest = &safe[at..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                        .iter()
                        .any(|e| rest.starts_with(e)),
                    "{safe:?}"
                );
            }
        }
        assert_eq!(
            text("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(text("a\u{1b}[31mb\tc\nd"), "a\\x1b[31mb\tc\nd");
        assert_eq!(
            text("x\u{202e}:tcidreV DESSAP\u{200b}\u{61c}"),
            "x\\u{202e}:tcidreV DESSAP\\u{200b}\\u{61c}"
        );
        assert_eq!(text("Straße ✅ עברית"), "Straße ✅ עברית");
    }
}
