//! Reading the feature files, and turning scenarios that need a capability
//! the implementation lacks into reported skips.

use crate::adapter::{Capability, ImplementationInfo};
use crate::vocabulary::required_capabilities;
use cucumber::gherkin::{self, GherkinEnv, Step, StepType};
use cucumber::parser;
use futures::stream;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The tag marking a scenario skipped for a missing capability (the only
/// skip the run tolerates).
pub const SKIPPED_FOR_CAPABILITY_TAG: &str = "skipped.capability";

/// The `.feature` files under each of `roots` (a file or a directory, searched
/// recursively), sorted per root; a missing root is an error.
pub fn feature_files(roots: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for root in roots {
        if root.is_file() {
            files.push(root.clone());
            continue;
        }
        if !root.is_dir() {
            return Err(format!("features path {} does not exist", root.display()));
        }
        let mut found = Vec::new();
        collect(root, &mut found).map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
    Ok(())
}

/// The cucumber parser of this suite: reads the given files, tags every
/// scenario that needs a capability with `@requires.<capability>`, and
/// rewrites the scenarios the implementation cannot run into an explained skip.
#[derive(Debug, Clone)]
pub struct FeatureFiles {
    /// What the implementation can do.
    pub capabilities: BTreeSet<Capability>,
    /// The implementation's name, for the skip reason.
    pub implementation: String,
}

impl FeatureFiles {
    /// The parser for the implementation described by `info`.
    pub fn for_implementation(info: &ImplementationInfo) -> Self {
        Self {
            capabilities: info.capabilities.clone(),
            implementation: info.name.clone(),
        }
    }

    fn rewrite(&self, feature: &mut gherkin::Feature) {
        let feature_tags = feature.tags.clone();
        for scenario in &mut feature.scenarios {
            self.rewrite_scenario(&feature_tags, &[], scenario);
        }
        for rule in &mut feature.rules {
            for scenario in &mut rule.scenarios {
                self.rewrite_scenario(&feature_tags, &rule.tags, scenario);
            }
        }
    }

    fn rewrite_scenario(
        &self,
        feature_tags: &[String],
        rule_tags: &[String],
        scenario: &mut gherkin::Scenario,
    ) {
        let tags = feature_tags.iter().chain(rule_tags).chain(&scenario.tags);
        let needed = required_capabilities(tags, scenario.steps.iter().map(|s| s.value.as_str()));
        // A scenario whose steps need a capability carries its tag, so that tag
        // expressions such as `not @requires.clock` select it like a tagged one.
        for capability in &needed {
            let tag = capability.tag();
            let inherited = feature_tags.iter().chain(rule_tags).any(|t| *t == tag);
            if !inherited && !scenario.tags.contains(&tag) {
                scenario.tags.push(tag);
            }
        }
        let missing: Vec<&str> = needed
            .difference(&self.capabilities)
            .map(|c| c.name())
            .collect();
        if missing.is_empty() {
            return;
        }
        let position = scenario
            .steps
            .first()
            .map_or(scenario.position, |s| s.position);
        let span = scenario.steps.first().map_or(scenario.span, |s| s.span);
        scenario.steps = vec![Step {
            keyword: "Given ".to_owned(),
            ty: StepType::Given,
            value: format!(
                "SKIPPED: {} lacks the `{}` capability this scenario needs",
                self.implementation,
                missing.join("`, `")
            ),
            docstring: None,
            table: None,
            span,
            position,
        }];
        scenario.tags.push(SKIPPED_FOR_CAPABILITY_TAG.to_owned());
    }
}

impl cucumber::Parser<Vec<PathBuf>> for FeatureFiles {
    type Cli = cucumber::cli::Empty;
    type Output = stream::Iter<std::vec::IntoIter<parser::Result<gherkin::Feature>>>;

    fn parse(self, input: Vec<PathBuf>, _cli: Self::Cli) -> Self::Output {
        let features: Vec<_> = input
            .into_iter()
            .map(|path| {
                gherkin::Feature::parse_path(&path, GherkinEnv::default())
                    .map(|mut feature| {
                        self.rewrite(&mut feature);
                        feature
                    })
                    .map_err(parser::Error::from)
            })
            .collect();
        stream::iter(features)
    }
}

/// Whether a scenario was rewritten into a capability skip.
pub fn is_capability_skip(scenario: &gherkin::Scenario) -> bool {
    scenario
        .tags
        .iter()
        .any(|t| t == SKIPPED_FOR_CAPABILITY_TAG)
}
