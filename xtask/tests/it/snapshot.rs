//! Snapshots of generated features.

use crate::common;
use common::*;
use enmeshed_conformance::vocabulary::StepKind;
use xtask::generate::render;
use xtask::spec::read_page;

#[test]
fn rid1_feature() {
    let page = read_page(
        &workspace().join("spec/use-cases/use-case-transport-initiate-identitydeletionprocess.md"),
    )
    .expect("RID1 parses");
    let feature = render(&page).expect("RID1 has outcomes");
    insta::assert_snapshot!("rid1", feature.text);
}

#[test]
fn fixture_page_exercises_every_rule() {
    let page = read_page(&fixtures().join("good-page.md")).expect("fixture parses");
    assert_eq!(page.property("layer"), Some("Test Layer"));
    assert_eq!(page.property("comments"), None);
    assert_eq!(
        page.body.introduction,
        [
            "Frobnicate a Widget that has status 'Idle'",
            "Read about Widgets first. Then frobnicate."
        ]
    );
    assert!(page.other_keys.iter().any(|(k, _)| k == "custom_key"));
    let feature = render(&page).expect("fixture has outcomes");
    insta::assert_snapshot!("fixture", feature.text);
}

/// A synthesized use-case page: `id`, `function`, the `## Parameters` bullets
/// and the outcome bullets. Only the properties the generator reads.
fn synthesized(
    id: &str,
    function: &str,
    parameters: &[&str],
    success: &[&str],
    failure: &[&str],
) -> String {
    let mut page = format!(
        "---\ntitle: \"{id} page\"\ntype: use-case\nproperties:\n  - id: {id}\n  - component: Runtime\n  - layer: Transport\n  - facade: IdentityDeletionProcessFacade\n  - function: {function}\n  - actor: Identity\n  - precondition:\n---\n\nIntroduction.\n"
    );
    for (title, bullets) in [
        ("Parameters", parameters),
        ("On Success", success),
        ("On Failure", failure),
    ] {
        if !bullets.is_empty() {
            page.push_str(&format!("\n## {title}\n\n"));
            for bullet in bullets {
                page.push_str(&format!("- {bullet}\n"));
            }
        }
    }
    page
}

/// Every bullet shape of the enmeshed use-case pages that the vocabulary
/// covers (the IdentityDeletionProcess pages), each in a page of its own
/// shape, and the condition shapes the generator splits (`while`, `If C, X`,
/// `unless`): the generated features read as a person would write them, and
/// every step of the covered shapes is executable (exactly one definition).
#[test]
fn every_covered_bullet_shape_reads_as_written_by_hand() {
    const ID: &str = "`id` of the IdentityDeletionProcess.";
    let pages = [
        synthesized(
            "RID1",
            "initiateIdentityDeletionProcess",
            &[],
            &[
                "Creates an IdentityDeletionProcess with `\"Active\"` as `status`.",
                "Returns the initiated IdentityDeletionProcess.",
            ],
            &[
                "No IdentityDeletionProcess can be initiated if there is already an active IdentityDeletionProcess, i.e. an IdentityDeletionProcess with `\"Active\"` as `status`, for this Identity.",
            ],
        ),
        synthesized(
            "RID2",
            "cancelIdentityDeletionProcess",
            &[],
            &[
                "Changes the `status` of the IdentityDeletionProcess from `\"Active\"` to `\"Cancelled\"`.",
                "Returns the cancelled IdentityDeletionProcess.",
            ],
            &[
                "No IdentityDeletionProcess can be cancelled if none has `\"Active\"` as `status` for this Identity.",
            ],
        ),
        synthesized(
            "RID3",
            "getIdentityDeletionProcess",
            &[ID],
            &["Returns the IdentityDeletionProcess corresponding to the provided `id`."],
            &[
                "No IdentityDeletionProcess can be returned if none exists with the given `id` for this Identity.",
            ],
        ),
        synthesized(
            "RID4",
            "getActiveIdentityDeletionProcess",
            &[],
            &["Returns the active IdentityDeletionProcess."],
            &["No IdentityDeletionProcess can be returned if none is active for this Identity."],
        ),
        synthesized(
            "RID5",
            "getIdentityDeletionProcesses",
            &[],
            &["Returns a list with all IdentityDeletionProcesses of your Identity."],
            &[],
        ),
        // The condition shapes: `while`, a leading `If`, `unless`.
        synthesized(
            "RID4",
            "getActiveIdentityDeletionProcess",
            &[],
            &["Returns the active IdentityDeletionProcess."],
            &["No IdentityDeletionProcess can be returned while none is active for this Identity."],
        ),
        synthesized(
            "RID4",
            "getActiveIdentityDeletionProcess",
            &[],
            &["Returns the active IdentityDeletionProcess."],
            &["If none is active for this Identity, no IdentityDeletionProcess can be returned."],
        ),
        synthesized(
            "RID2",
            "cancelIdentityDeletionProcess",
            &[],
            &["Returns the cancelled IdentityDeletionProcess."],
            &[
                "No IdentityDeletionProcess can be cancelled unless the Identity has an IdentityDeletionProcess with `\"Active\"` as `status`.",
            ],
        ),
    ];
    let mut all = String::new();
    for (i, text) in pages.iter().enumerate() {
        let path = std::path::PathBuf::from(format!("shape-{i}.md"));
        let page = xtask::spec::parse_page(&path, text.as_bytes()).expect("the page parses");
        let feature = render(&page).expect("the page has outcomes");
        for line in feature.text.lines().map(str::trim) {
            let Some((keyword, step)) = line.split_once(' ') else {
                continue;
            };
            let kind = match keyword {
                "Given" => StepKind::Given,
                "When" => StepKind::When,
                "Then" | "And" => StepKind::Then,
                _ => continue,
            };
            // A keyword is followed by a lower-case word or a name, never a stray capital.
            let first = step.split_whitespace().next().unwrap_or_default();
            assert!(
                !(first.len() > 1
                    && first.starts_with(|c: char| c.is_ascii_uppercase())
                    && first[1..].chars().all(|c| c.is_ascii_lowercase())),
                "a stray capital: {line}"
            );
            assert!(!step.starts_with("none ") && !step.ends_with('.'), "{line}");
            // `unless` is the one shape the vocabulary does not execute.
            if !step.starts_with("it is not the case that") {
                assert_eq!(
                    enmeshed_conformance::vocabulary::matching(kind, step).len(),
                    1,
                    "not exactly one definition: {line}"
                );
            }
        }
        all.push_str(&feature.text);
        all.push('\n');
    }
    insta::assert_snapshot!("covered_bullet_shapes", all);
}
