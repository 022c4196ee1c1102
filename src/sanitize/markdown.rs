//! Implementation text for the Markdown summary (`--summary`, a CI step
//! summary): always one line, so it cannot start a heading, a list or a
//! table row; every character with a meaning inside a line is
//! backslash-escaped ([`SPECIAL`]: `|` cannot end a table cell, and `#`,
//! `*`, `_`, `` ` ``, `<`, `[`, `&`, `$` have no meaning), and so is a
//! leading `-`, `+`, `=` or list number; control characters are written
//! visibly (`\x1b`). Other punctuation (`-`, `.`, `:`) stays as it is, so
//! names and versions read as themselves.

use super::{is_hidden_control, visible};

/// The most characters of one table cell; longer text is cut and says its size.
pub const MAX_CELL_CHARS: usize = 300;

/// `text` as literal Markdown on one line: line breaks become `; `.
pub fn inline(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(escape)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The characters escaped wherever they stand (CommonMark and GitHub's
/// extensions: emphasis, strikethrough, code, links, images, HTML,
/// entities, tables, headings, math).
pub const SPECIAL: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '&', '|', '~', '#', '!', '$',
];

fn escape(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 4);
    // A list marker, a setext underline or a thematic break at the start.
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let numbered = digits > 0
        && line[digits..].starts_with(['.', ')'])
        && line[digits + 1..]
            .chars()
            .next()
            .is_none_or(char::is_whitespace);
    if line.starts_with(['-', '+', '=']) {
        out.push('\\');
    }
    for (i, c) in line.char_indices() {
        if (numbered && i == digits) || SPECIAL.contains(&c) {
            out.push('\\');
            out.push(c);
        } else if c == '\t' {
            out.push(' ');
        } else if is_hidden_control(c) {
            out.push_str(&visible(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// A table cell: [`inline`] of at most [`MAX_CELL_CHARS`] characters of
/// `text`; a longer text is cut and ends with `… (N bytes)`.
pub fn cell(text: &str) -> String {
    match text.char_indices().nth(MAX_CELL_CHARS) {
        None => inline(text),
        Some((end, _)) => format!("{}… ({} bytes)", inline(&text[..end]), text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::HOSTILE;

    /// What a Markdown renderer sees in `markdown`: headings, table rows
    /// beyond the first, HTML, raw control characters.
    fn structure(markdown: &str) -> Vec<String> {
        use pulldown_cmark::{Event, Parser, Tag};
        Parser::new(markdown)
            .filter_map(|event| match event {
                Event::Start(Tag::Heading { .. }) => Some("heading".to_owned()),
                Event::Start(Tag::List(_)) => Some("list".to_owned()),
                Event::Start(Tag::BlockQuote(_)) => Some("quote".to_owned()),
                Event::Rule => Some("rule".to_owned()),
                Event::Start(Tag::Emphasis | Tag::Strong) => Some("emphasis".to_owned()),
                Event::Html(h) | Event::InlineHtml(h) => Some(format!("html {h}")),
                Event::Code(c) => Some(format!("code {c}")),
                Event::Start(Tag::Link { .. }) => Some("link".to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn no_hostile_string_adds_structure_and_each_reads_as_its_text() {
        for hostile in HOSTILE {
            let safe = cell(hostile);
            assert!(!safe.contains('\n') && !safe.contains('\u{1b}'), "{safe:?}");
            let page = format!("| | |\n|---|---|\n| name | {safe} |\n");
            assert!(
                structure(&page).is_empty(),
                "{hostile:?}: {:?}",
                structure(&page)
            );
            // The table keeps one row of two cells.
            let rows: Vec<&str> = page.lines().collect();
            assert_eq!(rows.len(), 3);
            let unescaped_pipes = rows[2]
                .char_indices()
                .filter(|&(i, c)| c == '|' && (i == 0 || rows[2].as_bytes()[i - 1] != b'\\'))
                .count();
            assert_eq!(unescaped_pipes, 3, "{}", rows[2]);
        }
        assert_eq!(inline("a|b\n# c"), "a\\|b; \\# c");
        assert_eq!(
            inline("- x\n1. y\nv1.0.0-rc: ok"),
            "\\- x; 1\\. y; v1.0.0-rc: ok"
        );
        assert_eq!(inline("1.0.0"), "1.0.0");
        for start in ["- x", "+ x", "1. x", "2) x", "= x", "---", "# x", "> x"] {
            let item = format!("- {}\n", inline(start));
            assert!(
                structure(&item).len() <= 1,
                "{start}: {:?}",
                structure(&item)
            );
        }
    }

    #[test]
    fn long_cells_are_cut_and_say_their_size() {
        let long = "é".repeat(1000);
        let safe = cell(&long);
        assert!(safe.ends_with("… (2000 bytes)"), "{safe}");
        assert_eq!(safe.chars().filter(|&c| c == 'é').count(), MAX_CELL_CHARS);
    }
}
