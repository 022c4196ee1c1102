//! Failures point at the documentation: a generated scenario that fails
//! (`fixtures/adapters/wrong_message.py` breaks RID1's failure bullet) is
//! named with the published page and the line of its bullet
//! (`spec/use-cases/<page>.md:LINE`) next to its feature location in every
//! sink: the console, JUnit (in the message: the format has no `file`
//! attribute), the annotations (`file=…,line=…`), the summary, the results
//! file and the HTML report. That line of the page is the bullet.

use crate::support::cli::{FAILING, WRONG_MESSAGE, binary, run, stdout};
use std::path::Path;

/// The failing generated scenario: RID1's failure bullet.
fn scenario() -> &'static str {
    FAILING[0]
}

/// `spec/use-cases/<page>.md:LINE` split, checked to be the scenario's
/// bullet: the page line is a list item whose text is the scenario's
/// bullet text (its name after `RID1 On Failure 1: `).
fn check_is_the_bullet(doc: &str) -> (String, usize) {
    let (page, line) = doc.rsplit_once(':').expect("page:line");
    assert!(
        page.starts_with("spec/use-cases/") && page.ends_with(".md"),
        "{doc}"
    );
    let line: usize = line.parse().expect("a line number");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(page)).unwrap();
    let at = text.lines().nth(line - 1).expect("the page has the line");
    let bullet = scenario().split_once(": ").unwrap().1;
    assert_eq!(at.strip_prefix("- "), Some(bullet), "{doc}: {at:?}");
    (page.to_owned(), line)
}

/// Runs the scenarios named by `name` against [`WRONG_MESSAGE`] with
/// `extra` arguments and `--results RESULTS`: the console (the run fails)
/// and the results file.
fn failing_run(name: &str, results: &Path, extra: &[&str]) -> (String, serde_json::Value) {
    let mut args = vec![
        "--name",
        name,
        "--results",
        results.to_str().unwrap(),
        "--adapter-cmd",
        WRONG_MESSAGE,
    ];
    args.extend_from_slice(extra);
    let output = run(&args);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let file = serde_json::from_str(&std::fs::read_to_string(results).unwrap()).unwrap();
    (out, file)
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_failing_generated_scenario_names_its_bullet_in_every_sink() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let summary = dir.path().join("summary.md");
    let results = dir.path().join("results.json");
    let html = dir.path().join("report.html");
    let (out, file) = failing_run(
        "^RID1 On Failure 1: ",
        &results,
        &[
            "--annotations",
            "--junit",
            junit.to_str().unwrap(),
            "--summary",
            summary.to_str().unwrap(),
        ],
    );

    // The results file records it; that line of the page is the bullet.
    let cases = file["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1, "{file}");
    assert_eq!(cases[0]["name"], scenario());
    let doc = cases[0]["docLocation"]
        .as_str()
        .expect("docLocation")
        .to_owned();
    let (page, line) = check_is_the_bullet(&doc);
    let location = cases[0]["location"].as_str().unwrap();
    assert!(
        location.starts_with("embedded:features/generated/"),
        "{location}"
    );
    let both = format!("{location}; documented at {doc}");

    // The console: the failed step's place, the headline's example and the
    // per-scenario line.
    assert!(
        out.lines().any(|l| l
            .trim_start()
            .starts_with("at embedded:features/generated/")
            && l.ends_with(&format!("; documented at {doc}"))),
        "{out}"
    );
    assert!(
        out.contains(&format!("  e.g. {} ({both})", scenario())),
        "{out}"
    );
    assert!(
        out.contains(&format!("FAILED {} ({both}):", scenario())),
        "{out}"
    );

    // The annotation sits on the page line.
    let annotation = out
        .lines()
        .find(|l| l.starts_with("::error "))
        .expect("an annotation");
    let properties = annotation
        .strip_prefix("::error ")
        .and_then(|r| r.split_once("::"))
        .unwrap()
        .0;
    assert!(
        properties.ends_with(&format!(",file={page},line={line}")),
        "{annotation}"
    );
    assert!(
        annotation.contains(&format!(". Clearest example: {}: right code", scenario())),
        "{annotation}"
    );

    // JUnit: in the failure's message and the system-out.
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(&format!(
            "message=\"right code, wrong message (documented at {doc})\""
        )),
        "{xml}"
    );
    assert!(xml.contains(&format!("\ndocumented at {doc}\n")), "{xml}");

    // The summary: the headline's example and the failed scenario's row.
    let md = std::fs::read_to_string(&summary).unwrap();
    let cell = format!("`{location}`; documented at `{doc}`");
    assert_eq!(md.matches(&cell).count(), 2, "{md}");

    // The HTML report, from the results file.
    let report = binary(&[
        "report",
        "--output",
        html.to_str().unwrap(),
        results.to_str().unwrap(),
    ]);
    assert!(report.status.success(), "{}", stdout(&report));
    let page_html = std::fs::read_to_string(&html).unwrap();
    let shown = format!("documented at <code>{doc}</code>");
    assert!(page_html.matches(&shown).count() >= 2, "{page_html}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_hand_written_scenario_names_only_its_feature_location() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.json");
    let (out, file) = failing_run(&format!("^{}$", FAILING[2]), &results, &[]);
    let case = &file["cases"][0];
    assert_eq!(case["name"], FAILING[2]);
    // Its `# Source:` cites no page line: no docLocation, the feature location only.
    assert!(case.get("docLocation").is_none(), "{case}");
    assert!(!out.contains("documented at"), "{out}");
    let location = case["location"].as_str().unwrap();
    assert!(out.contains(&format!("({location}):")), "{out}");
}
