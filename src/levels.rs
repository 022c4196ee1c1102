//! Rule levels: where a rule of the suite comes from.
//!
//! Every test case and every rule id carries one [`Level`], from the most
//! authoritative to the least:
//!
//! - [`Level::Published`]: a scenario generated from a bullet of a published
//!   use-case page (a generated feature, no derived precondition);
//! - [`Level::Derived`]: a generated scenario whose precondition the generator
//!   derived from the page by its documented rules (`# Derived precondition`,
//!   see `generate::precondition`);
//! - [`Level::DocumentedElsewhere`]: a hand-written scenario whose `# Source:`
//!   cites an enmeshed documentation page (`docs _docs_…`) or a section of
//!   docs/domain.md whose fact rests on the documentation
//!   ([`DOCUMENTED_DOMAIN_SECTIONS`]);
//! - [`Level::Platform`]: taken from the runtime's or the Backbone's sources,
//!   not from the documentation (every other hand-written scenario, and a
//!   scenario of unknown origin).
//!
//! The level is computed when a feature file is parsed and carried as the tag
//! `@level.<name>` ([`Level::tag`]), so `--level`, `--tags`, the reports and the
//! expectations read it like any tag. A user-written `@level.*` tag is
//! dropped: the level follows from the source, never from a claim.
//!
//! The oracle's rule ids get their level from [`rule_level`], a table keyed by
//! rule id (the `RID*` rows stand for each of `RID1`–`RID5`).

use cucumber::gherkin;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a rule comes from; ordered from the most authoritative (`Published`)
/// to the least (`Platform`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "cli", value(rename_all = "kebab-case"))]
pub enum Level {
    /// Generated from a bullet of a published page.
    Published,
    /// Derived from a page by the generator's documented rules.
    Derived,
    /// Hand-written from docs/domain.md, citing the enmeshed documentation.
    DocumentedElsewhere,
    /// Taken from the runtime's or Backbone's sources, not from the docs.
    Platform,
}

/// The prefix of the level tags.
pub const TAG_PREFIX: &str = "level.";

impl Level {
    /// Every level, most authoritative first.
    pub const ALL: [Level; 4] = [
        Level::Published,
        Level::Derived,
        Level::DocumentedElsewhere,
        Level::Platform,
    ];

    /// The level's name (`published`, `derived`, `documented-elsewhere`, `platform`).
    pub const fn name(self) -> &'static str {
        match self {
            Level::Published => "published",
            Level::Derived => "derived",
            Level::DocumentedElsewhere => "documented-elsewhere",
            Level::Platform => "platform",
        }
    }

    /// What the level means, in one sentence (for reports and `--help`).
    pub const fn meaning(self) -> &'static str {
        match self {
            Level::Published => "generated from a bullet of a published use-case page",
            Level::Derived => {
                "derived from a published page by the generator's documented rules (preconditions from failure conditions)"
            }
            Level::DocumentedElsewhere => {
                "hand-written from docs/domain.md, citing the enmeshed documentation"
            }
            Level::Platform => {
                "taken from the runtime's or the Backbone's sources, not from the documentation"
            }
        }
    }

    /// The scenario tag (without `@`): `level.published`, …
    pub fn tag(self) -> String {
        format!("{TAG_PREFIX}{}", self.name())
    }

    /// The level a tag names, if it is a level tag.
    pub fn from_tag(tag: &str) -> Option<Level> {
        tag.strip_prefix(TAG_PREFIX)?.parse().ok()
    }

    /// The level among `tags` (the last level tag wins; `None` without one).
    pub fn of_tags<'a>(tags: impl IntoIterator<Item = &'a String>) -> Option<Level> {
        tags.into_iter().filter_map(|t| Level::from_tag(t)).last()
    }

    /// Whether this level is at `floor` or more authoritative.
    pub fn at_or_above(self, floor: Level) -> bool {
        self <= floor
    }

    /// The cucumber tag expression selecting the levels at or above `floor`.
    pub fn tag_expression(floor: Level) -> String {
        Level::ALL
            .iter()
            .filter(|l| l.at_or_above(floor))
            .map(|l| format!("@{}", l.tag()))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown level {s:?}; the levels are {}",
                    Level::ALL.map(Level::name).join(", ")
                )
            })
    }
}

/// The docs/domain.md sections whose facts rest on the enmeshed documentation
/// (their "Sources:" paragraph cites a docs page first); a hand-written
/// scenario citing one of them is `documented-elsewhere`.
pub const DOCUMENTED_DOMAIN_SECTIONS: &[&str] =
    &["at-most-one-active-process", "reading-processes"];

/// The marker of a derived precondition in a generated scenario.
pub const DERIVED_MARKER: &str = "# Derived precondition";

/// The level a `# Source:` comment gives a hand-written scenario.
pub fn source_level(source: &str) -> Level {
    let cites_docs_page = source.contains("docs _docs_") || source.contains("docs, the ");
    let cites_documented_section = DOCUMENTED_DOMAIN_SECTIONS
        .iter()
        .any(|s| source.contains(&format!("docs/domain.md#{s}")));
    if cites_docs_page || cites_documented_section {
        Level::DocumentedElsewhere
    } else {
        Level::Platform
    }
}

/// Where a scenario of a feature file comes from, read from the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Its level.
    pub level: Level,
    /// The `# Source:` comment of a hand-written scenario (`as above` resolved).
    pub source: Option<String>,
    /// The page line its `# Source:` cites ([`cited_page_line`]).
    pub cites: Option<String>,
}

/// The origins of the scenarios of one feature file's text: the text split
/// into lines once, so a file of many scenarios is read in linear time.
#[derive(Debug, Clone)]
pub struct Origins {
    lines: Vec<String>,
    generated: bool,
}

impl Origins {
    /// The origins of the scenarios of `text`.
    pub fn new(text: &str) -> Self {
        Self {
            lines: text.lines().map(str::to_owned).collect(),
            generated: crate::generate::source_of(text).is_some(),
        }
    }

    /// Whether the file's text is `text` (line by line).
    pub fn text_is(&self, text: &str) -> bool {
        self.lines.iter().map(String::as_str).eq(text.lines())
    }

    /// The origin of the scenario whose keyword is on 1-based `line`: a
    /// generated file (it starts with the generator's header) gives
    /// `published`, or `derived` when the scenario carries a derived
    /// precondition; a hand-written one is judged by its `# Source:`
    /// comment, the comment above it (`as above` names the one before).
    pub fn of(&self, line: usize) -> Origin {
        if self.generated {
            let derived = self
                .lines
                .iter()
                .skip(line)
                .map(|l| l.trim())
                .take_while(|l| l.is_empty() || l.starts_with('#'))
                .any(|l| l.starts_with(DERIVED_MARKER));
            return Origin {
                level: if derived {
                    Level::Derived
                } else {
                    Level::Published
                },
                source: None,
                cites: None,
            };
        }
        let source = source_comment(&self.lines, line);
        Origin {
            cites: source.as_deref().and_then(cited_page_line),
            level: source.as_deref().map_or(Level::Platform, source_level),
            source,
        }
    }
}

/// The page line a `# Source:` comment cites, `spec/use-cases/<page>.md:LINE`
/// (the first one), for a hand-written scenario that restates a bullet.
pub fn cited_page_line(source: &str) -> Option<String> {
    const PREFIX: &str = "spec/use-cases/";
    source.match_indices(PREFIX).find_map(|(at, _)| {
        let rest = &source[at..];
        let (page, after) = rest.split_once(".md:")?;
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        let valid_page = page[PREFIX.len()..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        (valid_page
            && !page[PREFIX.len()..].is_empty()
            && digits.parse::<usize>().is_ok_and(|n| n > 0))
        .then(|| format!("{page}.md:{digits}"))
    })
}

/// The origin of the scenario on 1-based `line` of `text` (see [`Origins::of`]).
pub fn scenario_origin(text: &str, line: usize) -> Origin {
    Origins::new(text).of(line)
}

/// The `# Source:` comment of the scenario on `line`, with `as above` replaced
/// by the source it refers to (and its own addition kept).
fn source_comment(lines: &[String], line: usize) -> Option<String> {
    let own = comment_above(lines, line.saturating_sub(1))?;
    let Some(rest) = own.strip_prefix("as above") else {
        return Some(own);
    };
    // The scenario before names the source "as above" refers to.
    let earlier = lines[..line.saturating_sub(1).min(lines.len())]
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, l)| {
            let t = l.trim_start();
            t.starts_with("Scenario") || t.starts_with("Example")
        })
        .find_map(|(i, _)| source_comment(lines, i + 1))?;
    Some(format!("{earlier}{rest}"))
}

/// The `# Source:` text in the comment and tag lines right above index `end` (exclusive).
fn comment_above(lines: &[String], end: usize) -> Option<String> {
    lines[..end.min(lines.len())]
        .iter()
        .rev()
        .map(|l| l.trim())
        .take_while(|l| l.starts_with('#') || l.starts_with('@'))
        .find_map(|l| l.strip_prefix("# Source:").map(|s| s.trim().to_owned()))
}

/// Tags every scenario of `feature` (parsed from `text`, Outlines not yet
/// expanded) with its level, dropping user-written level tags.
pub fn tag_feature(feature: &mut gherkin::Feature, text: &str) {
    let forged = |tags: &mut Vec<String>| tags.retain(|t| !t.starts_with(TAG_PREFIX));
    forged(&mut feature.tags);
    let scenarios = feature
        .scenarios
        .iter_mut()
        .chain(feature.rules.iter_mut().flat_map(|r| {
            r.tags.retain(|t| !t.starts_with(TAG_PREFIX));
            r.scenarios.iter_mut()
        }));
    let origins = Origins::new(text);
    for scenario in scenarios {
        forged(&mut scenario.tags);
        let origin = origins.of(scenario.position.line);
        scenario.tags.push(origin.level.tag());
    }
}

/// The level of an oracle rule id (`RID2.status`, `DTO.id-format`, …), from
/// [`RULE_LEVELS`]; a rule the table does not know is `platform`.
pub fn rule_level(rule: &str) -> Level {
    let key = match rule.split_once('.') {
        Some((area, aspect))
            if area.len() == 4
                && area.starts_with("RID")
                && area[3..].chars().all(|c| c.is_ascii_digit()) =>
        {
            format!("RID*.{aspect}")
        }
        _ => rule.to_owned(),
    };
    RULE_LEVELS
        .iter()
        .find(|(id, _)| *id == key)
        .map_or(Level::Platform, |(_, level)| *level)
}

/// The level of each rule id the oracle, the steps and the fuzzer report.
/// `RID*` stands for each use case `RID1`–`RID5`. What the pages' bullets
/// state (the call succeeds or fails, the status, the returned process, the
/// list) is `published`; at most one Active process (the RID4 page) is
/// `documented-elsewhere`; error codes and messages, DTO fields, events and
/// the protocol come from the runtime's and Backbone's sources: `platform`.
pub const RULE_LEVELS: &[(&str, Level)] = &[
    ("RID*.succeeds", Level::Published),
    ("RID*.must-fail", Level::Published),
    ("RID*.answer", Level::Published),
    ("RID*.status", Level::Published),
    ("RID*.stored", Level::Published),
    ("RID*.same", Level::Published),
    ("RID*.complete", Level::Published),
    ("RID*.id", Level::Published),
    ("RID*.order", Level::Platform),
    ("RID*.concurrent-one-winner", Level::DocumentedElsewhere),
    ("RID*.concurrent-losers", Level::DocumentedElsewhere),
    ("RID*.concurrent-loser-code", Level::Platform),
    ("INVARIANT.one-active", Level::DocumentedElsewhere),
    ("RID*.createdAt", Level::Platform),
    ("RID*.createdByDevice", Level::Platform),
    ("RID*.gracePeriodEndsAt", Level::Platform),
    ("RID*.cancelledAt", Level::Platform),
    ("RID*.cancelledByDevice", Level::Platform),
    ("DTO.timestamp-utc", Level::Platform),
    ("DTO.id-format", Level::Platform),
    ("DTO.id-unique", Level::Platform),
    ("EVENT.none-without-change", Level::Platform),
    ("EVENT.data", Level::Platform),
    ("EVENT.once", Level::Platform),
    ("PROTOCOL.unknown-kind", Level::Platform),
];

/// The level of a fuzz property or protocol check (test cases that are not
/// scenarios), by the property's name as `runner::properties` names it.
pub fn property_level(property: &str) -> Level {
    if property.contains("concurrent") || property.contains("burst") {
        // At most one Active process, also under concurrent calls.
        Level::DocumentedElsewhere
    } else {
        // The model property judges every rule, platform ones too; the
        // protocol check is the suite's own protocol.
        Level::Platform
    }
}

/// `tags` restricted to the scenarios of the levels at or above `level`
/// (`--level`); `None` keeps `tags` as they are.
pub fn restrict(
    tags: Option<cucumber::gherkin::tagexpr::TagOperation>,
    level: Option<Level>,
) -> Option<cucumber::gherkin::tagexpr::TagOperation> {
    use cucumber::gherkin::tagexpr::TagOperation;
    let Some(level) = level else { return tags };
    let levels = Level::ALL
        .into_iter()
        .filter(|l| l.at_or_above(level))
        .map(|l| TagOperation::Tag(l.tag()))
        .reduce(|a, b| TagOperation::Or(Box::new(a), Box::new(b)))?;
    Some(match tags {
        Some(tags) => TagOperation::And(Box::new(tags), Box::new(levels)),
        None => levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_citing_a_page_line_names_it() {
        assert_eq!(
            cited_page_line("docs/domain.md#errors; spec/use-cases/use-case-x.md:57 (the bullet)"),
            Some("spec/use-cases/use-case-x.md:57".to_owned())
        );
        for no_line in [
            "docs _docs_use-cases/use-case-x.md (introduction)",
            "spec/use-cases/use-case-x.md",
            "spec/use-cases/use-case-x.md:0",
            "spec/use-cases/.md:3",
            "spec/use-cases/a b.md:3",
        ] {
            assert_eq!(cited_page_line(no_line), None, "{no_line}");
        }
        let text = "Feature: f\n\n  # Source: spec/use-cases/use-case-x.md:12\n  @RID1\n  Scenario: s\n    Given x\n";
        assert_eq!(
            scenario_origin(text, 5).cites.as_deref(),
            Some("spec/use-cases/use-case-x.md:12")
        );
    }

    #[test]
    fn levels_order_and_parse() {
        assert!(Level::Published.at_or_above(Level::Derived));
        assert!(!Level::Platform.at_or_above(Level::Derived));
        for level in Level::ALL {
            assert_eq!(level.name().parse::<Level>(), Ok(level));
            assert_eq!(Level::from_tag(&level.tag()), Some(level));
        }
        assert!(
            "required"
                .parse::<Level>()
                .unwrap_err()
                .contains("published")
        );
        assert_eq!(
            Level::tag_expression(Level::Derived),
            "@level.published or @level.derived"
        );
    }

    #[test]
    fn generated_scenarios_are_published_or_derived() {
        let text = format!(
            "{}\nFeature: f\n  Rule: On Success\n    Scenario: a\n      {DERIVED_MARKER} (the page has none): x\n      Given x\n\n    Scenario: b\n      Given y\n",
            crate::generate::header_line("p.md")
        );
        assert_eq!(scenario_origin(&text, 4).level, Level::Derived);
        assert_eq!(scenario_origin(&text, 8).level, Level::Published);
    }

    #[test]
    fn hand_written_scenarios_follow_their_source() {
        let text = "Feature: f\n\n  # Source: docs/domain.md#errors; runtime RuntimeErrors.ts\n  @requires.clock\n  Scenario: a\n    Given x\n\n  # Source: as above (more)\n  Scenario: b\n    Given x\n\n  # Source: docs/domain.md#life-cycle; docs _docs_use-cases/x.md\n  Scenario: c\n    Given x\n\n  # Source: docs/domain.md#reading-processes\n  Scenario: d\n    Given x\n\n  Scenario: e\n    Given x\n";
        let a = scenario_origin(text, 5);
        assert_eq!(a.level, Level::Platform);
        assert_eq!(
            a.source.as_deref(),
            Some("docs/domain.md#errors; runtime RuntimeErrors.ts")
        );
        let b = scenario_origin(text, 9);
        assert_eq!(
            b.source.as_deref(),
            Some("docs/domain.md#errors; runtime RuntimeErrors.ts (more)")
        );
        assert_eq!(scenario_origin(text, 13).level, Level::DocumentedElsewhere);
        assert_eq!(scenario_origin(text, 17).level, Level::DocumentedElsewhere);
        assert_eq!(
            scenario_origin(text, 20),
            Origin {
                level: Level::Platform,
                source: None,
                cites: None
            }
        );
    }

    #[test]
    fn every_embedded_scenario_gets_exactly_one_level_and_both_kinds_of_feature_are_present() {
        let mut seen = std::collections::BTreeSet::new();
        for file in crate::suite::FEATURES {
            let mut feature =
                gherkin::Feature::parse(file.text, gherkin::GherkinEnv::default()).unwrap();
            tag_feature(&mut feature, file.text);
            for scenario in feature
                .scenarios
                .iter()
                .chain(feature.rules.iter().flat_map(|r| &r.scenarios))
            {
                let levels: Vec<_> = scenario
                    .tags
                    .iter()
                    .filter_map(|t| Level::from_tag(t))
                    .collect();
                assert_eq!(levels.len(), 1, "{}: {:?}", scenario.name, scenario.tags);
                seen.insert(levels[0]);
            }
        }
        assert_eq!(seen.len(), 4, "every level has scenarios: {seen:?}");
    }

    #[test]
    fn documented_domain_sections_exist() {
        let domain = include_str!("../docs/domain.md");
        for section in DOCUMENTED_DOMAIN_SECTIONS {
            let heading = domain
                .lines()
                .filter_map(|l| l.strip_prefix("## "))
                .map(|h| h.to_ascii_lowercase().replace(' ', "-"))
                .any(|h| h == *section);
            assert!(heading, "docs/domain.md has no section #{section}");
        }
    }

    #[test]
    fn rule_ids_map_to_levels() {
        assert_eq!(rule_level("RID2.status"), Level::Published);
        assert_eq!(rule_level("RID2.cancelledAt"), Level::Platform);
        assert_eq!(
            rule_level("RID1.concurrent-one-winner"),
            Level::DocumentedElsewhere
        );
        assert_eq!(rule_level("DTO.id-format"), Level::Platform);
        assert_eq!(rule_level("RIDX.status"), Level::Platform);
        assert_eq!(
            rule_level("INVARIANT.one-active"),
            Level::DocumentedElsewhere
        );
    }
}
