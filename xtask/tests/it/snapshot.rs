//! Snapshots of generated features.

use crate::common;
use common::*;
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
