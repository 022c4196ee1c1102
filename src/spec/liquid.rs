//! Resolving the Liquid and kramdown markup of a page body before Markdown parsing.
//!
//! Every rewrite stays on its line, so Markdown source lines remain page lines.

/// Rewrites one body line:
/// - `{{properties.description}}` becomes the `description` property;
/// - `{% link PATH %}` (also `{%link PATH%}`) becomes `PATH`, so that the
///   Markdown link around it parses and its text stays;
/// - any other `{% … %}` tag, such as `{% include … %}`, is dropped;
/// - a kramdown attribute line such as `{: .notice--info}` is emptied.
pub fn resolve_line(line: &str, description: Option<&str>) -> String {
    let trimmed = line.trim();
    if trimmed.starts_with("{:") && trimmed.ends_with('}') {
        return String::new();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let tag = rest.find("{%");
        let output = rest.find("{{");
        let (start, is_tag) = match (tag, output) {
            (Some(t), Some(o)) if o < t => (o, false),
            (Some(t), _) => (t, true),
            (None, Some(o)) => (o, false),
            (None, None) => break,
        };
        let close = if is_tag { "%}" } else { "}}" };
        let Some(len) = rest[start + 2..].find(close) else {
            break;
        };
        let inner = rest[start + 2..start + 2 + len].trim();
        out.push_str(&rest[..start]);
        if is_tag {
            if let Some(target) = inner.strip_prefix("link") {
                out.push_str(target.trim());
            }
        } else if inner == "properties.description" {
            out.push_str(description.unwrap_or_default());
        } else {
            out.push_str(&rest[start..start + 2 + len + 2]);
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::resolve_line;

    #[test]
    fn link_tags_become_their_target() {
        assert_eq!(
            resolve_line(
                "see [X]({% link _docs/a.md %}#x) and [Y]({%link b.md%})",
                None
            ),
            "see [X](_docs/a.md#x) and [Y](b.md)"
        );
    }

    #[test]
    fn description_placeholder_and_includes() {
        assert_eq!(
            resolve_line("{{properties.description}}", Some("Do it")),
            "Do it"
        );
        assert_eq!(resolve_line("{{ properties.description }}", None), "");
        assert_eq!(resolve_line("{% include properties_list.html %}", None), "");
        assert_eq!(resolve_line("{{ page.other }}", None), "{{ page.other }}");
    }

    #[test]
    fn kramdown_attribute_lines_are_emptied() {
        assert_eq!(resolve_line("{: .notice--info}", None), "");
        assert_eq!(resolve_line("text {: not alone", None), "text {: not alone");
    }

    #[test]
    fn unclosed_markup_is_kept() {
        assert_eq!(resolve_line("a {% b", None), "a {% b");
    }
}
