//! Making arbitrary page text safe to stand in a Gherkin file.
//!
//! Everything is written on one line (newlines folded). Text that starts a
//! line on its own (a description) must not read as a keyword, tag, comment,
//! table row or doc string, so it is prefixed when it would.

/// Words that start a structural Gherkin line.
const LINE_STARTS: &[&str] = &[
    "#",
    "@",
    "|",
    "\"\"\"",
    "```",
    "*",
    "Feature:",
    "Business Need:",
    "Ability:",
    "Rule:",
    "Background:",
    "Scenario:",
    "Scenario Outline:",
    "Scenario Template:",
    "Example:",
    "Examples:",
    "Scenarios:",
    "Given",
    "When",
    "Then",
    "And",
    "But",
];

/// Folds white space (newlines included) to single spaces and trims.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A free-text line (a feature description) that cannot be mistaken for structure.
pub fn free_line(text: &str) -> String {
    let line = one_line(text);
    if LINE_STARTS.iter().any(|start| line.starts_with(start)) {
        format!("Description: {line}")
    } else {
        line
    }
}

/// Text after a keyword (a name or a step): one line, never empty.
pub fn after_keyword(text: &str) -> String {
    let line = one_line(text);
    if line.is_empty() {
        "(empty)".to_owned()
    } else {
        line
    }
}

/// A tag made of `@`, a prefix and a value with every character outside
/// `[A-Za-z0-9_.-]` replaced by `_`.
pub fn tag(prefix: &str, value: &str) -> String {
    let safe: String = one_line(value)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = if safe.is_empty() {
        "none".to_owned()
    } else {
        safe
    };
    if prefix.is_empty() {
        format!("@{safe}")
    } else {
        format!("@{prefix}.{safe}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_never_read_as_structure() {
        assert_eq!(free_line("# not a comment"), "Description: # not a comment");
        assert_eq!(
            free_line("Scenario: sneaky\nGiven x"),
            "Description: Scenario: sneaky Given x"
        );
        assert_eq!(free_line("Plain text"), "Plain text");
    }

    #[test]
    fn tags_are_safe() {
        assert_eq!(tag("", "RID1"), "@RID1");
        assert_eq!(
            tag("tech", "Identity handling (old)"),
            "@tech.Identity_handling__old_"
        );
        assert_eq!(tag("x", "  "), "@x.none");
    }
}
