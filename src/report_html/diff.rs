//! Expected against actual, with the differences marked.

use super::escape::esc;
use similar::{ChangeTag, TextDiff};
use std::time::Duration;

/// The longest the character diff of one pair may take; past it the diff is
/// coarser, never slower.
const DIFF_DEADLINE: Duration = Duration::from_millis(50);

/// `text` cut into tokens: runs of letters and digits, runs of white space,
/// and every other character alone (so JSON punctuation lines up).
fn tokens(text: &str) -> Vec<&str> {
    let class = |c: char| {
        if c.is_alphanumeric() {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut last: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if i > start && (k == 2 || last != Some(k)) {
            out.push(&text[start..i]);
            start = i;
        }
        last = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// `expected` and `actual` as escaped HTML, the words and signs only one of
/// them has wrapped in `<mark>` (deleted from expected, inserted in actual).
pub fn highlight(expected: &str, actual: &str) -> (String, String) {
    let (old, new) = (tokens(expected), tokens(actual));
    let diff = TextDiff::configure()
        .timeout(DIFF_DEADLINE)
        .diff_slices(&old, &new);
    let mut left = String::new();
    let mut right = String::new();
    let run = |out: &mut String, marked: bool, open: &mut bool, text: &str| {
        if marked != *open {
            out.push_str(if marked { "<mark>" } else { "</mark>" });
            *open = marked;
        }
        out.push_str(&esc(text));
    };
    let (mut left_open, mut right_open) = (false, false);
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                run(&mut left, false, &mut left_open, text);
                run(&mut right, false, &mut right_open, text);
            }
            ChangeTag::Delete => run(&mut left, true, &mut left_open, text),
            ChangeTag::Insert => run(&mut right, true, &mut right_open, text),
        }
    }
    if left_open {
        left.push_str("</mark>");
    }
    if right_open {
        right.push_str("</mark>");
    }
    (left, right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_differences_are_marked_and_everything_is_escaped() {
        let (left, right) = highlight(r#"{"status":"Cancelled"}"#, r#"{"status":"Active<"}"#);
        assert!(left.contains("<mark>"), "{left}");
        assert!(right.contains("&lt;</mark>"), "{right}");
        assert!(left.starts_with("{&quot;status&quot;:&quot;"), "{left}");
        let (left, right) = highlight(
            r#"{"message":"There is already an active one."}"#,
            r#"{"message":"Already active."}"#,
        );
        assert!(
            left.contains("<mark>There is already an</mark> active<mark> one</mark>"),
            "{left}"
        );
        assert!(right.contains("<mark>Already</mark> active."), "{right}");
        assert_eq!(tokens("a1 b,c"), ["a1", " ", "b", ",", "c"]);
        let (same, same2) = highlight("abc", "abc");
        assert_eq!((same.as_str(), same2.as_str()), ("abc", "abc"));
    }
}
