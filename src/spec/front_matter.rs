//! Splitting a page into its YAML front matter and its Markdown body.

use super::SpecError;
use std::path::Path;

/// A page cut at its `---` fences.
#[derive(Debug)]
pub struct Split<'a> {
    /// The text between the fences.
    pub yaml: &'a str,
    /// The 1-based file line on which `yaml` starts.
    pub yaml_first_line: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// The 1-based file line on which `body` starts.
    pub body_first_line: usize,
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\r', '\n']).trim_end() == "---"
}

/// Splits `text` at the opening `---` on line 1 and the next `---` line.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, SpecError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SpecError::new(
            path,
            1,
            None,
            "file is empty: a use-case page starts with a `---` line",
        ));
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if !is_fence(first) {
        return Err(SpecError::new(
            path,
            1,
            None,
            "no opening `---`: a use-case page must start with its front matter",
        ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        if is_fence(line) {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_first_line: 2,
                body: &text[offset + line.len()..],
                body_first_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(SpecError::new(
        path,
        1,
        None,
        format!(
            "no closing `---`: the front matter opened on line 1 is never closed (file has {line_no} lines)"
        ),
    ))
}
