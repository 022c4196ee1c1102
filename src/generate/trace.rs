//! From a generated scenario back to the bullet it tests: the published page
//! built into the binary and the page line of the bullet
//! (`spec/use-cases/<page>.md:LINE`), so every report of a failure points
//! at the sentence of the documentation it broke. The generator writes one
//! scenario per outcome bullet, in page order (as `coverage` relies on too);
//! the trace renders each built-in page and parses the feature back, so the
//! scenario names are exactly the ones the runner sees.

use crate::spec::parse_page;
use cucumber::gherkin::{Feature, GherkinEnv};
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// The published bullet a generated scenario was generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulletSource {
    /// The page's path in this repository (`spec/use-cases/<page>.md`).
    pub path: &'static str,
    /// The page's file name.
    pub page: String,
    /// The section (`On Success`, `On Failure`).
    pub section: String,
    /// The 1-based page line of the bullet.
    pub line: usize,
}

impl BulletSource {
    /// `spec/use-cases/<page>.md:LINE`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.path, self.line)
    }
}

/// `path:line` of a page line: how every sink names the documentation.
pub fn page_location(path: &str, line: usize) -> String {
    format!("{path}:{line}")
}

/// Generated scenarios by (feature file name, scenario name) → their bullet.
#[derive(Debug, Default, Clone)]
pub struct Trace {
    by_scenario: HashMap<(String, String), BulletSource>,
    texts: HashMap<String, String>,
    /// Per feature file name: each scenario's keyword line and its bullet, in file order.
    by_line: HashMap<String, Vec<(usize, BulletSource)>>,
}

impl Trace {
    /// The trace of the pages built into the binary (computed once). A page
    /// that does not parse is left out (`cargo xtask check` keeps the
    /// built-in pages parsing).
    pub fn built_in() -> &'static Trace {
        static TRACE: OnceLock<Trace> = OnceLock::new();
        TRACE.get_or_init(|| {
            let mut trace = Trace::default();
            for file in crate::suite::SPEC_PAGES {
                trace.add(file.path, file.text);
            }
            trace
        })
    }

    fn add(&mut self, path: &'static str, text: &str) {
        let Ok(page) = parse_page(Path::new(path), text.as_bytes()) else {
            return;
        };
        let Some(feature) = super::render(&page) else {
            return;
        };
        let Ok(parsed) = Feature::parse(&feature.text, GherkinEnv::default()) else {
            return;
        };
        self.texts
            .insert(feature.file_name.clone(), feature.text.clone());
        let bullets = page
            .body
            .sections
            .iter()
            .filter(|s| s.kind.is_outcome())
            .flat_map(|s| s.bullets.iter().map(move |b| (s.kind.title(), b.line)));
        let scenarios = parsed.rules.iter().flat_map(|r| &r.scenarios);
        let mut by_line = Vec::new();
        for ((section, line), scenario) in bullets.zip(scenarios) {
            let bullet = BulletSource {
                path,
                page: page.file_name.clone(),
                section: section.to_owned(),
                line,
            };
            by_line.push((scenario.position.line, bullet.clone()));
            self.by_scenario
                .insert((feature.file_name.clone(), scenario.name.clone()), bullet);
        }
        self.by_line.insert(feature.file_name.clone(), by_line);
    }

    /// The bullet of scenario `name` in the feature file named `file_name`.
    pub fn bullet(&self, file_name: &str, name: &str) -> Option<&BulletSource> {
        self.by_scenario
            .get(&(file_name.to_owned(), name.to_owned()))
    }

    /// The bullet of the scenario that holds `line` of the built-in
    /// generated feature `embedded:features/generated/<file>` (a step's
    /// place, as cucumber's console names it: `path:line:column` or
    /// `path:line`). Only the built-in files: their text is the one generated
    /// from the built-in pages.
    pub fn bullet_at(&self, location: &str) -> Option<&BulletSource> {
        let rest = location.strip_prefix(crate::suite::EMBEDDED_PREFIX)?;
        let rest = rest.strip_prefix("features/generated/")?;
        let mut parts = rest.split(':');
        let file_name = parts.next()?;
        let line: usize = parts.next()?.parse().ok()?;
        self.by_line
            .get(file_name)?
            .iter()
            .take_while(|(start, _)| *start <= line)
            .last()
            .map(|(_, bullet)| bullet)
    }

    /// The text of the feature file named `file_name` as generated from the
    /// built-in page: a file that differs (a page changed since the binary
    /// was built) is not traced, so no report points at a wrong line.
    pub fn feature_text(&self, file_name: &str) -> Option<&str> {
        self.texts.get(file_name).map(String::as_str)
    }

    /// How many scenarios it traces.
    pub fn len(&self) -> usize {
        self.by_scenario.len()
    }

    /// Whether it traces no scenario.
    pub fn is_empty(&self) -> bool {
        self.by_scenario.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_scenario_points_at_the_line_of_its_bullet() {
        let trace = Trace::built_in();
        assert!(!trace.is_empty());
        let mut traced = 0;
        for feature in crate::suite::FEATURES
            .iter()
            .filter(|f| f.path.starts_with("features/generated/"))
        {
            assert_eq!(
                trace.feature_text(feature.file_name()),
                Some(feature.text),
                "{} is generated from the built-in page",
                feature.path
            );
            let parsed = Feature::parse(feature.text, GherkinEnv::default()).unwrap();
            for scenario in parsed.rules.iter().flat_map(|r| &r.scenarios) {
                let bullet = trace
                    .bullet(feature.file_name(), &scenario.name)
                    .unwrap_or_else(|| panic!("{}: {} is traced", feature.path, scenario.name));
                let page = crate::suite::SPEC_PAGES
                    .iter()
                    .find(|p| p.path == bullet.path)
                    .unwrap();
                let line = page.text.lines().nth(bullet.line - 1).unwrap();
                // The scenario is named `RIDn <section> <k>: <bullet text>`;
                // the page line is that bullet (its first line).
                let text = line
                    .strip_prefix("- ")
                    .unwrap_or_else(|| panic!("{line:?}"));
                let (_, named) = scenario.name.split_once(": ").unwrap();
                assert!(named.starts_with(text), "{}: {line:?}", bullet.location());
                assert!(bullet.location().starts_with("spec/use-cases/"));
                traced += 1;
            }
        }
        assert_eq!(traced, trace.len());
    }

    #[test]
    fn a_step_of_a_built_in_generated_feature_is_traced_by_its_line() {
        let trace = Trace::built_in();
        let file = "use-case-transport-initiate-identitydeletionprocess.feature";
        let feature = crate::suite::FEATURES
            .iter()
            .find(|f| f.file_name() == file)
            .unwrap();
        let parsed = Feature::parse(feature.text, GherkinEnv::default()).unwrap();
        for scenario in parsed.rules.iter().flat_map(|r| &r.scenarios) {
            let by_name = trace.bullet(file, &scenario.name).unwrap();
            let step = scenario.steps.last().unwrap().position.line;
            let at = format!("embedded:features/generated/{file}:{step}:7");
            assert_eq!(trace.bullet_at(&at), Some(by_name), "{at}");
        }
        // Before the first scenario, a hand-written file, a file on disk: none.
        for at in [
            format!("embedded:features/generated/{file}:1:1"),
            "embedded:features/manual/cancel.feature:9:5".to_owned(),
            format!("features/generated/{file}:22:7"),
        ] {
            assert_eq!(trace.bullet_at(&at), None, "{at}");
        }
    }

    #[test]
    fn an_unknown_scenario_or_file_is_not_traced() {
        let trace = Trace::built_in();
        let file = "use-case-transport-cancel-identitydeletionprocess.feature";
        assert!(
            trace
                .bullet(file, "RID2 On Success 9: no such bullet")
                .is_none()
        );
        assert!(trace.bullet("other.feature", "RID2 On Success 1").is_none());
    }
}
