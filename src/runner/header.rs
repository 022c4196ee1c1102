//! The first lines of a run, printed before the features run, like the
//! header pytest prints: what is tested (implementation and version), with
//! what (suite and protocol version, the features and their digest), what
//! the implementation offers and what its missing capabilities skip, how
//! many scenarios are selected, and the fuzz budget with its seed.

use super::features::{Features, is_capability_skip};
use super::properties::FuzzBudget;
use crate::adapter::{Capability, ImplementationInfo};
use crate::protocol::PROTOCOL_VERSION;
use cucumber::gherkin;
use std::fmt;

/// How the run fuzzes after the features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuzzPlan {
    /// With this budget and seed.
    Budget(FuzzBudget),
    /// No fuzzing was asked for.
    Off,
    /// The filters (`--tags`, `--name`) leave the properties out.
    NotSelected,
}

/// What a run is about to test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The implementation's name and version.
    pub implementation: String,
    /// Where the features come from: the built-in suite or the paths given.
    pub features: String,
    /// How many feature files.
    pub feature_files: usize,
    /// Their digest.
    pub spec_digest: String,
    /// The capabilities the implementation offers.
    pub offered: Vec<Capability>,
    /// The capabilities it lacks, each with the selected scenarios it skips.
    pub missing: Vec<(Capability, usize)>,
    /// Scenarios the filters select (capability skips included).
    pub selected: usize,
    /// Of those, the ones skipped for a missing capability.
    pub skipped: usize,
    /// The fuzzing after the features.
    pub fuzz: FuzzPlan,
}

impl Header {
    /// The header of a run of `features` (parsed, with the capability skips
    /// marked) of which `selects` picks the scenarios.
    pub fn new(
        info: &ImplementationInfo,
        source: &Features,
        parsed: &[&gherkin::Feature],
        spec_digest: &str,
        selects: impl Fn(&gherkin::Feature, Option<&gherkin::Rule>, &gherkin::Scenario) -> bool,
        fuzz: FuzzPlan,
    ) -> Self {
        let offered: Vec<Capability> = info.capabilities.iter().copied().collect();
        let mut missing: Vec<(Capability, usize)> = Capability::ALL
            .into_iter()
            .filter(|c| !info.has(*c))
            .map(|c| (c, 0))
            .collect();
        let (mut selected, mut skipped) = (0, 0);
        for feature in parsed {
            let scenarios = feature.scenarios.iter().map(|s| (None, s)).chain(
                feature
                    .rules
                    .iter()
                    .flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s))),
            );
            for (rule, scenario) in scenarios {
                if !selects(feature, rule, scenario) {
                    continue;
                }
                selected += 1;
                if !is_capability_skip(scenario) {
                    continue;
                }
                skipped += 1;
                let tags: Vec<&String> = feature
                    .tags
                    .iter()
                    .chain(rule.iter().flat_map(|r| &r.tags))
                    .chain(&scenario.tags)
                    .collect();
                for (capability, count) in &mut missing {
                    if tags.iter().any(|t| **t == capability.tag()) {
                        *count += 1;
                    }
                }
            }
        }
        Self {
            implementation: format!("{} {}", info.name, info.version),
            features: match source {
                Features::Embedded => "the built-in suite".to_owned(),
                Features::Paths(paths) => paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            feature_files: parsed.len(),
            spec_digest: spec_digest.to_owned(),
            offered,
            missing,
            selected,
            skipped,
            fuzz,
        }
    }
}

fn list(capabilities: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = capabilities.collect();
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let title = format!(" enmeshed-conformance {} ", super::SUITE_VERSION);
        writeln!(f, "{title:=^78}")?;
        writeln!(f, "testing: {}", self.implementation)?;
        writeln!(
            f,
            "suite: enmeshed-conformance {}, protocol version {PROTOCOL_VERSION}; features: {} ({} files, {})",
            super::SUITE_VERSION,
            self.features,
            self.feature_files,
            self.spec_digest
        )?;
        writeln!(
            f,
            "capabilities offered: {}; missing: {}",
            list(self.offered.iter().map(ToString::to_string)),
            list(self.missing.iter().map(|(c, n)| format!(
                "{c} (skips {n} scenario{})",
                if *n == 1 { "" } else { "s" }
            )))
        )?;
        writeln!(
            f,
            "scenarios: {} selected, {} to run, {} skipped for a missing capability",
            self.selected,
            self.selected - self.skipped,
            self.skipped
        )?;
        match self.fuzz {
            FuzzPlan::Budget(b) => write!(
                f,
                "fuzz: {} sequences, {} cases per concurrency property, seed {} (rerun with --seed {})",
                b.cases, b.concurrency_cases, b.seed, b.seed
            )?,
            FuzzPlan::Off => write!(f, "fuzz: off")?,
            FuzzPlan::NotSelected => write!(f, "fuzz: not selected by the filters")?,
        }
        write!(f, "\n{}", "=".repeat(78))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::features::{FeatureFiles, FeatureSource, discover};

    fn parsed(info: &ImplementationInfo) -> Vec<gherkin::Feature> {
        let parser = FeatureFiles::for_implementation(info);
        discover(&Features::Embedded)
            .unwrap()
            .iter()
            .map(|s: &FeatureSource| parser.read(s).unwrap())
            .collect()
    }

    #[test]
    fn the_header_counts_the_scenarios_each_missing_capability_skips() {
        let info = ImplementationInfo {
            name: "x".into(),
            version: "9".into(),
            capabilities: [Capability::Events].into_iter().collect(),
        };
        let features = parsed(&info);
        let refs: Vec<&gherkin::Feature> = features.iter().collect();
        let all = Header::new(
            &info,
            &Features::Embedded,
            &refs,
            "d",
            |_, _, _| true,
            FuzzPlan::Off,
        );
        let needs = |tag: &str| {
            let mut n = 0;
            for f in &features {
                for (rule, s) in f.scenarios.iter().map(|s| (None, s)).chain(
                    f.rules
                        .iter()
                        .flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s))),
                ) {
                    let tags = f
                        .tags
                        .iter()
                        .chain(rule.iter().flat_map(|r| &r.tags))
                        .chain(&s.tags);
                    if tags.clone().any(|t| t == tag) {
                        n += 1;
                    }
                }
            }
            n
        };
        let clock = needs("requires.clock");
        assert!(clock > 0);
        assert_eq!(all.offered, [Capability::Events]);
        assert_eq!(
            all.missing,
            [
                (Capability::Clock, clock),
                (Capability::Devices, needs("requires.devices")),
                (Capability::SetClock, needs("requires.setClock"))
            ]
        );
        assert!(all.skipped >= clock && all.skipped < all.selected);
        let text = all.to_string();
        assert!(text.contains("testing: x 9"), "{text}");
        assert!(
            text.contains(&format!("missing: clock (skips {clock} scenarios)")),
            "{text}"
        );
        assert!(text.contains("fuzz: off"), "{text}");
        // A filter that selects nothing counts nothing.
        let none = Header::new(
            &info,
            &Features::Embedded,
            &refs,
            "d",
            |_, _, _| false,
            FuzzPlan::NotSelected,
        );
        assert_eq!((none.selected, none.skipped), (0, 0));
        assert!(none.missing.iter().all(|(_, n)| *n == 0));
    }
}
