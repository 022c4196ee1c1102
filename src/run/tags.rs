//! `--tags` expressions, parsed within bounds: cucumber's parser and its
//! evaluation recurse once per level, so an expression nested 20,000 deep
//! would overflow the stack.

use cucumber::gherkin::tagexpr::TagOperation;

/// The deepest nesting of parentheses a `--tags` expression may have.
pub const MAX_TAG_NESTING: usize = 64;
/// The most operators (`and`, `or`, `not`) a `--tags` expression may have.
pub const MAX_TAG_OPERATORS: usize = 256;

/// Parses `--tags`, within [`MAX_TAG_NESTING`] and [`MAX_TAG_OPERATORS`]
/// (the parser and the evaluation recurse once per level: an expression
/// nested 20,000 deep would overflow the stack).
pub fn parse(text: &str) -> Result<TagOperation, String> {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_TAG_NESTING {
        return Err(format!(
            "the tag expression nests {deepest} levels of parentheses; at most {MAX_TAG_NESTING} are allowed"
        ));
    }
    let operators = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| matches!(*w, "and" | "or" | "not"))
        .count();
    if operators > MAX_TAG_OPERATORS {
        return Err(format!(
            "the tag expression has {operators} operators (and, or, not); at most {MAX_TAG_OPERATORS} are allowed"
        ));
    }
    text.parse::<TagOperation>()
        .map_err(|e| format!("not a tag expression: {e}"))
}
