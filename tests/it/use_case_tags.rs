//! Tags that select what they say: every scenario, generated or hand-written,
//! carries the tag of each use case it calls (`@RID1` … `@RID5`), and
//! `run --list --tags @RIDn` lists exactly those scenarios.

use crate::support::cli;

use enmeshed_conformance::domain::Function;
use enmeshed_conformance::runner::features::{feature_files, parse_feature};
use enmeshed_conformance::vocabulary::{self, Phrase, StepKind};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The use cases a scenario's When steps (and the Then steps that make a
/// call of their own) are about.
fn use_cases_called(steps: &[cucumber::gherkin::Step]) -> BTreeSet<&'static str> {
    let mut called = BTreeSet::new();
    for step in steps {
        let kind = match step.ty {
            cucumber::gherkin::StepType::Given => StepKind::Given,
            cucumber::gherkin::StepType::When => StepKind::When,
            cucumber::gherkin::StepType::Then => StepKind::Then,
        };
        let phrase = vocabulary::parse(kind, &step.value)
            .unwrap_or_else(|e| panic!("{}: {e}", step.value))
            .unwrap_or_else(|| panic!("no phrase for {:?}", step.value));
        let functions: &[Function] = match &phrase {
            Phrase::Calls(f, _) | Phrase::CallsConcurrently(f, _) | Phrase::CallsFrom(f, _) => {
                std::slice::from_ref(f)
            }
            Phrase::CallsGetMutated(_) | Phrase::GetReturnsSame => &[Function::Get],
            Phrase::CallsBurst(_) => &[Function::Initiate, Function::Cancel],
            Phrase::GetActiveReturnsSame => &[Function::GetActive],
            _ => &[],
        };
        called.extend(functions.iter().map(|f| f.use_case()));
    }
    called
}

struct Tagged {
    name: String,
    tags: BTreeSet<String>,
}

/// Every scenario of the built-in suite with its effective tags (feature,
/// rule and scenario), checked against the use cases it calls.
fn scenarios() -> Vec<Tagged> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features");
    let mut all = Vec::new();
    let mut untagged = Vec::new();
    for path in feature_files(&[root]).expect("the features are found") {
        let feature = parse_feature(&path).expect("the feature parses");
        let plain = feature.scenarios.iter().map(|s| (&[][..], s));
        let ruled = feature
            .rules
            .iter()
            .flat_map(|r| r.scenarios.iter().map(move |s| (&r.tags[..], s)));
        for (rule_tags, scenario) in plain.chain(ruled) {
            let tags: BTreeSet<String> = feature
                .tags
                .iter()
                .chain(rule_tags)
                .chain(&scenario.tags)
                .map(|t| t.trim_start_matches('@').to_owned())
                .collect();
            let called = use_cases_called(&scenario.steps);
            let missing: Vec<_> = called.iter().filter(|u| !tags.contains(**u)).collect();
            let any_use_case = tags.iter().any(|t| t.starts_with("RID"));
            if !missing.is_empty() || !any_use_case {
                untagged.push(format!(
                    "{}: {:?} (calls {called:?}, tagged {tags:?})",
                    path.display(),
                    scenario.name
                ));
            }
            all.push(Tagged {
                name: scenario.name.clone(),
                tags,
            });
        }
    }
    assert!(
        untagged.is_empty(),
        "scenarios without the tag of a use case they call:\n{}",
        untagged.join("\n")
    );
    all
}

#[test]
fn every_scenario_carries_the_tags_of_the_use_cases_it_calls() {
    let all = scenarios();
    let manual = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features/manual");
    assert!(manual.is_dir());
    // Hand-written scenarios are among them, so the check is not about generated ones only.
    assert!(
        all.iter()
            .any(|s| s.tags.contains("manual") && s.tags.contains("RID1")),
        "no hand-written scenario is tagged @RID1"
    );
}

#[test]
fn list_with_a_use_case_tag_lists_every_scenario_about_it() {
    let all = scenarios();
    for use_case in ["RID1", "RID2", "RID3", "RID4", "RID5"] {
        let expected: Vec<&Tagged> = all.iter().filter(|s| s.tags.contains(use_case)).collect();
        let output = cli::run(&["--list", "--tags", &format!("@{use_case}")]);
        let text = cli::stdout(&output);
        assert_eq!(output.status.code(), Some(0), "{text}");
        assert!(
            text.trim_end()
                .ends_with(&format!("{} scenarios", expected.len())),
            "@{use_case}: expected {} scenarios:\n{text}",
            expected.len()
        );
        for scenario in &expected {
            assert!(
                text.contains(&scenario.name),
                "@{use_case} does not list {:?}:\n{text}",
                scenario.name
            );
        }
        // Hand-written scenarios are listed too, not only the page's bullets.
        assert!(
            expected.iter().any(|s| s.tags.contains("manual")),
            "no hand-written scenario is about {use_case}"
        );
    }
}
