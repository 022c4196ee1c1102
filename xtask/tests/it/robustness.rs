//! No input makes the parser panic, and every page that parses yields a
//! feature that parses back to exactly one scenario per bullet.

use crate::common;
use proptest::prelude::*;
use std::path::Path;
use xtask::generate::render;
use xtask::pipeline::verify;
use xtask::spec::parse_page;

/// Text that could break Gherkin or the page format if it were not escaped.
const NASTY: &[&str] = &[
    "\n",
    "\r\n",
    "#",
    "@tag",
    "|",
    "\"\"\"",
    "```",
    "Scenario: x",
    "Rule: y",
    "Given ",
    "Then ",
    "Feature: z",
    "Examples:",
    "Background:",
    "* ",
    "---",
    "- ",
    "  - ",
    "## On Failure\n",
    "## On Success\n",
    "{% link a.md %}",
    "{{properties.description}}",
    "{: .x}",
    "<br>",
    "`",
    "\"",
    ":",
    " if ",
    " unless ",
    "\t",
    "\\",
    "<x>",
    "\u{feff}",
    "é",
    "\u{2028}",
    "&amp;",
    "[a](b)",
    "  ",
];

fn nasty_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(NASTY).prop_map(str::to_owned),
            "[a-zA-Z ]{0,8}",
            any::<char>().prop_map(String::from),
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

/// Checks the contract for any input: Ok, or an error located inside the page.
fn parse_and_check(bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse_page(Path::new("page.md"), bytes) {
        Ok(page) => {
            if let Some(feature) = render(&page) {
                let bullets: usize = page
                    .body
                    .sections
                    .iter()
                    .filter(|s| s.kind.is_outcome())
                    .map(|s| s.bullets.len())
                    .sum();
                prop_assert_eq!(feature.scenarios, bullets);
                if let Err(e) = verify(&feature) {
                    return Err(TestCaseError::fail(format!("{e}\n---\n{}", feature.text)));
                }
            }
        }
        Err(e) => {
            let lines = bytes.split(|&b| b == b'\n').count().max(1);
            prop_assert!(
                e.line >= 1 && e.line <= lines,
                "line {} of {lines}: {e}",
                e.line
            );
            prop_assert!(!e.message.is_empty());
        }
    }
    Ok(())
}

fn page_with(title: &str, description: &str, success: &[String], failure: &[String]) -> String {
    let bullets = |items: &[String]| items.iter().map(|b| format!("- {b}\n")).collect::<String>();
    format!(
        "---\ntitle: {}\nproperties:\n  - id: X1\n  - function: doIt\n  - description: {}\n  - precondition: {}\n---\n\n## On Success\n\n{}\n## On Failure\n\n{}",
        quote(title),
        quote(description),
        quote(description),
        bullets(success),
        bullets(failure)
    )
}

/// A YAML double-quoted string.
fn quote(s: &str) -> String {
    let escaped: String = s
        .chars()
        .map(|c| match c {
            '"' => "\\\"".to_owned(),
            '\\' => "\\\\".to_owned(),
            c if c.is_control() || c == '\u{2028}' || c == '\u{feff}' => {
                format!("\\u{:04x}", c as u32)
            }
            c => c.to_string(),
        })
        .collect();
    format!("\"{escaped}\"")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_and_check(&bytes)?;
    }

    #[test]
    fn random_text_after_a_fence_never_panics(text in nasty_text()) {
        parse_and_check(format!("---\n{text}").as_bytes())?;
        parse_and_check(format!("---\n{text}\n---\n{text}").as_bytes())?;
    }

    #[test]
    fn mutated_pages_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), nasty_text()), 1..6)
    ) {
        let mut page = common::good_page();
        for (at, len, insert) in edits {
            let start = at.index(page.len() + 1);
            let end = (start + len.index(8)).min(page.len());
            page.splice(start..end, insert.into_bytes());
        }
        parse_and_check(&page)?;
    }

    #[test]
    fn nasty_bullets_give_exactly_one_scenario_each(
        title in nasty_text(),
        description in nasty_text(),
        success in prop::collection::vec(nasty_text(), 0..4),
        failure in prop::collection::vec(nasty_text(), 1..4),
    ) {
        let page = page_with(&format!("T {title}"), &description, &success, &failure);
        // The front matter is well-formed whatever the text: the page must parse.
        let parsed = parse_page(Path::new("page.md"), page.as_bytes());
        prop_assert!(parsed.is_ok(), "{:?}\n{page}", parsed.err());
        parse_and_check(page.as_bytes())?;
    }
}
