//! The Markdown body of a page: its introduction and its level-2 sections.

use super::liquid;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The sections a use-case page may have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionKind {
    /// `## Parameters`: the arguments of the function.
    Parameters,
    /// `## On Success`: outcomes of a successful call.
    OnSuccess,
    /// `## On Failure`: conditions under which the call fails.
    OnFailure,
    /// Any other level-2 heading, kept by its title.
    Other(String),
}

impl SectionKind {
    fn from_title(title: &str) -> Self {
        match title.trim().to_ascii_lowercase().as_str() {
            "parameters" => Self::Parameters,
            "on success" => Self::OnSuccess,
            "on failure" => Self::OnFailure,
            _ => Self::Other(title.trim().to_owned()),
        }
    }

    /// Whether the section lists outcomes (success or failure).
    pub fn is_outcome(&self) -> bool {
        matches!(self, Self::OnSuccess | Self::OnFailure)
    }

    /// The heading as the pages write it.
    pub fn title(&self) -> &str {
        match self {
            Self::Parameters => "Parameters",
            Self::OnSuccess => "On Success",
            Self::OnFailure => "On Failure",
            Self::Other(title) => title,
        }
    }
}

/// One list item of a section, with its nested items.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bullet {
    /// The item's own text on one line: continuation lines folded in, inline
    /// code kept with its backticks, link text kept, markup dropped.
    pub text: String,
    /// 1-based page line where the item starts.
    pub line: usize,
    /// Nested sub-items.
    pub children: Vec<Bullet>,
}

impl Bullet {
    /// The text with the nested items appended (`text: a; b`), on one line.
    pub fn full_text(&self) -> String {
        if self.children.is_empty() {
            return self.text.clone();
        }
        let children: Vec<String> = self
            .children
            .iter()
            .map(|c| c.full_text().trim_end_matches([';', ',']).to_owned())
            .collect();
        let head = self.text.trim_end_matches(':');
        format!("{head}: {}", children.join("; "))
    }
}

/// A level-2 section of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Which section it is.
    pub kind: SectionKind,
    /// 1-based page line of the heading.
    pub line: usize,
    /// Its top-level list items.
    pub bullets: Vec<Bullet>,
}

/// The parsed body of a page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    /// The text before the first level-2 heading, folded to one line per paragraph.
    pub introduction: Vec<String>,
    /// The level-2 sections in page order.
    pub sections: Vec<Section>,
}

impl Body {
    /// Whether any outcome section has at least one bullet.
    pub fn has_outcomes(&self) -> bool {
        self.sections
            .iter()
            .any(|s| s.kind.is_outcome() && !s.bullets.is_empty())
    }

    /// The first section of `kind`, if any.
    pub fn section(&self, kind: &SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| &s.kind == kind)
    }
}

/// Collapses white space runs to single spaces and trims.
fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Maps byte offsets of the body to page lines.
struct Lines {
    starts: Vec<usize>,
    first_line: usize,
}

impl Lines {
    fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { starts, first_line }
    }

    fn line_of(&self, offset: usize) -> usize {
        let index = self.starts.partition_point(|&s| s <= offset);
        self.first_line + index.saturating_sub(1)
    }
}

/// Parses `body` (which starts on page line `first_line`).
pub fn parse(body: &str, first_line: usize, description: Option<&str>) -> Body {
    let resolved: String = body
        .split_inclusive('\n')
        .map(|line| {
            let (content, newline) = match line.strip_suffix('\n') {
                Some(content) => (content, "\n"),
                None => (line, ""),
            };
            liquid::resolve_line(content, description) + newline
        })
        .collect();
    let lines = Lines::new(&resolved, first_line);

    let mut out = Body::default();
    let mut intro = String::new();
    let mut heading: Option<(HeadingLevel, usize, String)> = None;
    let mut items: Vec<Bullet> = Vec::new();

    for (event, range) in Parser::new_ext(&resolved, Options::empty()).into_offset_iter() {
        let text: Option<&str> = match &event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((*level, lines.line_of(range.start), String::new()));
                None
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, line, title)) = heading.take()
                    && level == HeadingLevel::H2
                {
                    out.sections.push(Section {
                        kind: SectionKind::from_title(&fold(&title)),
                        line,
                        bullets: Vec::new(),
                    });
                }
                None
            }
            Event::Start(Tag::Item) => {
                items.push(Bullet {
                    line: lines.line_of(range.start),
                    ..Bullet::default()
                });
                None
            }
            Event::End(TagEnd::Item) => {
                if let Some(mut item) = items.pop() {
                    item.text = fold(&item.text);
                    if let Some(parent) = items.last_mut() {
                        parent.children.push(item);
                    } else if let Some(section) = out.sections.last_mut() {
                        section.bullets.push(item);
                    } else {
                        intro.push_str(&item.text);
                        intro.push('\n');
                    }
                }
                None
            }
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {
                if items.is_empty() && heading.is_none() && out.sections.is_empty() {
                    intro.push('\n');
                }
                Some(" ")
            }
            Event::Text(t) => Some(t.as_ref()),
            Event::Code(_) => Some(&resolved[range.clone()]),
            Event::SoftBreak | Event::HardBreak | Event::Html(_) | Event::InlineHtml(_) => {
                Some(" ")
            }
            _ => None,
        };
        let Some(text) = text else { continue };
        if let Some((_, _, title)) = heading.as_mut() {
            title.push_str(text);
        } else if let Some(item) = items.last_mut() {
            item.text.push_str(text);
        } else if out.sections.is_empty() {
            intro.push_str(text);
        }
    }
    out.introduction = intro
        .split('\n')
        .map(fold)
        .filter(|p| !p.is_empty())
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets_keep_code_fold_continuations_and_nest() {
        let body = "\n## On Failure\n\n- No X can be made if `\"Active\"` is\n  set [here](a.md#b).<br>Really.\n- Parent:\n  - child one\n  - child `two`\n";
        let parsed = parse(body, 10, None);
        let section = &parsed.sections[0];
        assert_eq!(section.kind, SectionKind::OnFailure);
        assert_eq!(section.line, 11);
        assert_eq!(section.bullets.len(), 2);
        assert_eq!(
            section.bullets[0].text,
            "No X can be made if `\"Active\"` is set here. Really."
        );
        assert_eq!(section.bullets[0].line, 13);
        assert_eq!(section.bullets[1].line, 15);
        assert_eq!(section.bullets[1].children.len(), 2);
        assert_eq!(
            section.bullets[1].full_text(),
            "Parent: child one; child `two`"
        );
    }

    #[test]
    fn introduction_resolves_liquid() {
        let body = "\n{{properties.description}}\n\n{% include properties_list.html %}\n\nSee [it]({% link _docs/x.md %}#y).\n{: .notice--info}\n";
        let parsed = parse(body, 1, Some("Do a thing"));
        assert_eq!(parsed.introduction, vec!["Do a thing", "See it."]);
        assert!(parsed.sections.is_empty());
    }
}
