//! Writing one use case as one Gherkin feature.

use super::capability_tags;
use super::escape::{after_keyword, free_line, one_line, tag};
use super::header::header_line;
use super::precondition;
use super::steps::scenario_steps;
use crate::spec::{SectionKind, UseCase};
use std::fmt::Write as _;

/// A feature file produced from one use-case page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFeature {
    /// The output file name (`<page stem>.feature`).
    pub file_name: String,
    /// The page's file name.
    pub source: String,
    /// The use-case id, when the page has one.
    pub id: Option<String>,
    /// The complete file text.
    pub text: String,
    /// How many scenarios the text holds (one per outcome bullet).
    pub scenarios: usize,
}

/// The feature file name for a page file name: `.md` becomes `.feature`.
pub fn feature_file_name(page: &str) -> String {
    let stem = page.strip_suffix(".md").unwrap_or(page);
    format!("{stem}.feature")
}

/// Renders `use_case`, or `None` when it has no outcome bullet.
pub fn render(use_case: &UseCase) -> Option<GeneratedFeature> {
    if !use_case.body.has_outcomes() {
        return None;
    }
    let id = use_case.id().unwrap_or("NOID");
    let mut text = String::new();
    let mut scenarios = 0;
    // Writing to a String cannot fail.
    let _ = writeln!(text, "{}", header_line(&use_case.file_name));
    let tags: Vec<String> = std::iter::once(tag("", id))
        .chain(
            ["component", "layer", "facade", "function"]
                .into_iter()
                .filter_map(|key| use_case.property(key).map(|v| tag(key, v))),
        )
        .collect();
    let _ = writeln!(text, "{}", tags.join(" "));
    let _ = writeln!(
        text,
        "Feature: {}",
        after_keyword(use_case.title.as_deref().unwrap_or(id))
    );
    if let Some(description) = use_case.property("description") {
        let _ = writeln!(text, "  {}", free_line(description));
    }
    let derivation_comments = precondition::comment_lines(use_case);
    for section in use_case
        .body
        .sections
        .iter()
        .filter(|s| s.kind.is_outcome())
    {
        if section.bullets.is_empty() {
            continue;
        }
        let _ = writeln!(text, "\n  Rule: {}", section.kind.title());
        for (index, bullet) in section.bullets.iter().enumerate() {
            let bullet_text = one_line(&bullet.full_text());
            let steps = scenario_steps(use_case, &section.kind, &bullet_text);
            let _ = writeln!(text);
            if let Some(tags) = capability_tags::tag_line(&steps) {
                let _ = writeln!(text, "    {tags}");
            }
            let _ = writeln!(
                text,
                "    Scenario: {}",
                after_keyword(&format!(
                    "{id} {} {}: {bullet_text}",
                    section.kind.title(),
                    index + 1
                ))
            );
            if section.kind == SectionKind::OnSuccess {
                for comment in &derivation_comments {
                    let _ = writeln!(text, "      {comment}");
                }
            }
            for (keyword, step) in steps {
                let _ = writeln!(text, "      {} {}", keyword.as_str(), after_keyword(&step));
            }
            scenarios += 1;
        }
    }
    Some(GeneratedFeature {
        file_name: feature_file_name(&use_case.file_name),
        source: use_case.file_name.clone(),
        id: use_case.id().map(str::to_owned),
        text,
        scenarios,
    })
}
