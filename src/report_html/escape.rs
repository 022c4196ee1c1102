//! HTML escaping: every text in the report (the implementation's above all)
//! goes through [`esc`] (the HTML sink of `crate::sanitize`) or
//! [`inline_code`].

/// `text` as HTML, safe in element content and in quoted attribute values:
/// [`crate::sanitize::html::text`] (markup escaped, hidden and bidirectional
/// controls written visibly).
pub fn esc(text: &str) -> String {
    crate::sanitize::html::text(text)
}

/// The docs' own words: escaped, with `` `code` `` spans as `<code>`.
pub fn inline_code(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unpaired backtick: keep the text as written.
        return esc(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(part))
            } else {
                esc(part)
            }
        })
        .collect()
}

/// A fragment id from any text: ASCII letters, digits and `-`.
pub fn anchor(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{1b}[31mb\u{202e}"), "a\\x1b[31mb\\u{202e}");
        assert_eq!(
            inline_code("the `status` of <b>"),
            "the <code>status</code> of &lt;b&gt;"
        );
        assert_eq!(inline_code("a ` b"), "a ` b");
        assert_eq!(anchor("RID1 x"), "RID1-x");
    }
}
