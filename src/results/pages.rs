//! The published pages in the results file, and the trace from a generated
//! scenario back to its bullet (the generator writes one scenario per outcome
//! bullet, in page order, as `coverage` relies on too).

use super::{BulletRef, Page, PageBullet, PageSection};
use crate::spec::parse_page;
use std::path::Path;

/// Generated scenarios by (feature file name, scenario name) → their bullet
/// ([`crate::generate::Trace`], as the results file records it).
#[derive(Debug, Clone, Copy)]
pub struct Trace {
    built_in: &'static crate::generate::Trace,
}

impl Default for Trace {
    fn default() -> Self {
        Self {
            built_in: crate::generate::Trace::built_in(),
        }
    }
}

impl Trace {
    /// The bullet of scenario `name` in the feature file named `file_name`.
    pub fn bullet(&self, file_name: &str, name: &str) -> Option<BulletRef> {
        self.built_in.bullet(file_name, name).map(|b| BulletRef {
            page: b.page.clone(),
            section: b.section.clone(),
            line: b.line,
        })
    }
}

/// The pages built into the binary, each with its outcome bullets, and the
/// trace of their generated scenarios. A page that does not parse is left
/// out (`cargo xtask check` keeps the built-in pages parsing).
pub fn page_records() -> (Vec<Page>, Trace) {
    let mut pages = Vec::new();
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
        pages.push(Page {
            use_case: id.to_owned(),
            title: page.title.clone().unwrap_or_default(),
            file: page.file_name.clone(),
            description: page.property("description").map(str::to_owned),
            sections,
        });
    }
    (pages, Trace::default())
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
        assert_eq!(trace.built_in.len(), bullets);
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
