//! The published pages in the results file, and the trace from a generated
//! scenario back to its bullet (the generator writes one scenario per outcome
//! bullet, in page order, as `coverage` relies on too).

use super::{BulletRef, Page, PageBullet, PageSection};
use crate::spec::parse_page;
use cucumber::gherkin::{Feature, GherkinEnv};
use std::collections::HashMap;
use std::path::Path;

/// Generated scenarios by (feature file name, scenario name) → their bullet.
#[derive(Debug, Default, Clone)]
pub struct Trace {
    by_scenario: HashMap<(String, String), BulletRef>,
}

impl Trace {
    /// The bullet of scenario `name` in the feature file named `file_name`.
    pub fn bullet(&self, file_name: &str, name: &str) -> Option<&BulletRef> {
        self.by_scenario
            .get(&(file_name.to_owned(), name.to_owned()))
    }
}

/// The pages built into the binary, each with its outcome bullets, and the
/// trace of their generated scenarios. A page that does not parse is left
/// out (`cargo xtask check` keeps the built-in pages parsing).
pub fn page_records() -> (Vec<Page>, Trace) {
    let mut pages = Vec::new();
    let mut trace = Trace::default();
    for file in crate::suite::SPEC_PAGES {
        let Ok(page) = parse_page(Path::new(file.path), file.text.as_bytes()) else {
            continue;
        };
        let Some(id) = page.id() else { continue };
        let sections: Vec<PageSection> = page
            .body
            .sections
            .iter()
            .filter(|s| s.kind.is_outcome() && !s.bullets.is_empty())
            .map(|s| PageSection {
                name: s.kind.title().to_owned(),
                bullets: s
                    .bullets
                    .iter()
                    .map(|b| PageBullet {
                        line: b.line,
                        text: b.full_text(),
                    })
                    .collect(),
            })
            .collect();
        if let Some(feature) = crate::generate::render(&page)
            && let Ok(parsed) = Feature::parse(&feature.text, GherkinEnv::default())
        {
            let page_file = &page.file_name;
            let bullets = sections.iter().flat_map(|s| {
                s.bullets.iter().map(move |b| BulletRef {
                    page: page_file.clone(),
                    section: s.name.clone(),
                    line: b.line,
                })
            });
            let scenarios = parsed.rules.iter().flat_map(|r| &r.scenarios);
            for (bullet, scenario) in bullets.zip(scenarios) {
                trace
                    .by_scenario
                    .insert((feature.file_name.clone(), scenario.name.clone()), bullet);
            }
        }
        pages.push(Page {
            use_case: id.to_owned(),
            title: page.title.clone().unwrap_or_default(),
            file: page.file_name.clone(),
            description: page.property("description").map(str::to_owned),
            sections,
        });
    }
    (pages, trace)
}

/// The trace alone (see [`page_records`]).
pub fn trace() -> Trace {
    page_records().1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bullet_of_every_page_traces_to_a_generated_scenario() {
        let (pages, trace) = page_records();
        assert_eq!(pages.len(), crate::suite::SPEC_PAGES.len());
        let bullets: usize = pages
            .iter()
            .flat_map(|p| &p.sections)
            .map(|s| s.bullets.len())
            .sum();
        assert_eq!(trace.by_scenario.len(), bullets);
        let bullet = trace
            .bullet(
                "use-case-transport-cancel-identitydeletionprocess.feature",
                "RID2 On Success 1: Changes the `status` of the IdentityDeletionProcess from `\"Active\"` to `\"Cancelled\"`.",
            )
            .unwrap();
        assert_eq!(bullet.section, "On Success");
        assert_eq!(
            bullet.page,
            "use-case-transport-cancel-identitydeletionprocess.md"
        );
        assert!(bullet.line > 40, "{bullet:?}");
    }
}
