//! The JUnit report as CI tools read it: valid against the JUnit schema
//! (`tests/fixtures/junit/junit.xsd`, at least as strict as the Jenkins
//! xunit plugin's junit-4.xsd; checked with libxml2's xmllint as
//! WebAssembly, `tools/junit-xsd`, so no system package is needed), counts
//! that add up, faults as `<error type="KIND">`, conformance failures as
//! `<failure type="RULE">`, reasons in every `<skipped>`, stable names, the
//! feature file as a property, and a gate that passes with expected
//! failures reads green.

use crate::support::{cli, npm};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cli::{FAILING, WRONG_MESSAGE, run, stdout};

/// The validator's directory (its package-lock.json pins xmllint-wasm).
fn validator_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/junit-xsd")
}

/// Installs the validator with `npm ci` when it is missing; fails, never
/// skips, naming the command when that fails.
fn ensure_validator() {
    npm::ensure_installed(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        "tools/junit-xsd",
        "node_modules/xmllint-wasm/package.json",
    );
}

/// Validates `xml` against the schema: `Ok` or xmllint's errors.
fn check(xml: &Path) -> Result<(), String> {
    ensure_validator();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit/junit.xsd");
    let output = Command::new("node")
        .arg(validator_dir().join("validate.cjs"))
        .arg(&schema)
        .arg(xml)
        .output()
        .expect("node is required for this test (Node 20, as README lists)");
    match output.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(String::from_utf8_lossy(&output.stderr).into_owned()),
        _ => panic!(
            "the validator did not run: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

/// Asserts that `xml` is valid against the schema.
fn validate(xml: &Path) {
    if let Err(errors) = check(xml) {
        panic!(
            "{} is not valid JUnit XML:\n{errors}\n{}",
            xml.display(),
            std::fs::read_to_string(xml).unwrap_or_default()
        );
    }
}

/// The value of attribute `name` in the first `<element` of `xml`.
fn attribute(xml: &str, element: &str, name: &str) -> usize {
    let start = xml
        .find(&format!("<{element} "))
        .unwrap_or_else(|| panic!("no <{element}> in {xml}"));
    let tag = &xml[start..start + xml[start..].find('>').unwrap()];
    let key = format!(" {name}=\"");
    let at = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"));
    let rest = &tag[at + key.len()..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

/// Counts (tests, failures, errors, skipped) of the test cases, checked
/// against the root element's and every suite's attributes.
fn counts(xml: &str) -> (usize, usize, usize, usize) {
    let tests = xml.matches("<testcase ").count();
    let failures = xml.matches("<failure ").count();
    let errors = xml.matches("<error ").count();
    let skipped = xml.matches("<skipped>").count();
    assert_eq!(attribute(xml, "testsuites", "tests"), tests, "{xml}");
    assert_eq!(attribute(xml, "testsuites", "failures"), failures, "{xml}");
    assert_eq!(attribute(xml, "testsuites", "errors"), errors, "{xml}");
    let mut sums = (0, 0, 0, 0);
    for suite in xml.split("<testsuite ").skip(1) {
        let suite = format!(
            "<testsuite {}",
            &suite[..suite.find("</testsuite>").unwrap()]
        );
        let own = (
            suite.matches("<testcase ").count(),
            suite.matches("<failure ").count(),
            suite.matches("<error ").count(),
            suite.matches("<skipped>").count(),
        );
        assert_eq!(
            (
                attribute(&suite, "testsuite", "tests"),
                attribute(&suite, "testsuite", "failures"),
                attribute(&suite, "testsuite", "errors"),
                attribute(&suite, "testsuite", "skipped"),
            ),
            own,
            "{suite}"
        );
        sums = (
            sums.0 + own.0,
            sums.1 + own.1,
            sums.2 + own.2,
            sums.3 + own.3,
        );
    }
    assert_eq!(sums, (tests, failures, errors, skipped));
    (tests, failures, errors, skipped)
}

fn last_line(output: &Output) -> String {
    stdout(output).lines().last().unwrap_or_default().to_owned()
}

fn junit_run(dir: &Path, args: &[&str]) -> (Output, String) {
    let junit = dir.join("junit.xml");
    let mut all = args.to_vec();
    all.extend(["--junit", junit.to_str().unwrap()]);
    let output = run(&all);
    validate(&junit);
    (output, std::fs::read_to_string(&junit).unwrap())
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_green_run_is_valid_with_stable_names_and_the_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let (output, xml) = junit_run(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let (tests, failures, errors, skipped) = counts(&xml);
    assert!(tests >= 40, "{xml}");
    assert_eq!((failures, errors, skipped), (0, 0, 0));
    for case in xml.split("<testcase ").skip(1) {
        let head = &case[..case.find('>').unwrap()];
        assert!(head.contains(" classname=\""), "{head}");
        // No file positions in a test case's name: editing a file renames nothing.
        let name = &head[head.find("name=\"").unwrap() + 6..];
        let name = &name[..name.find('"').unwrap()];
        assert!(!name.contains(".feature:"), "{name}");
    }
    assert!(
        xml.contains("classname=\"Initiate IdentityDeletionProcess.On Success\" ",)
            || xml.contains("classname=\"Initiate IdentityDeletionProcess.On Failure\" "),
        "feature name and rule name: {xml}"
    );
    assert!(
        xml.contains("<system-out>location: embedded:features/"),
        "the location is kept in <system-out>"
    );
    assert!(xml.contains("<property name=\"spec.digest\" value=\"embedded:sha256:"));
    // The feature file is a property of its suite, not a `file` attribute
    // (which the strict readers reject).
    assert!(xml.contains("<property name=\"file\" value=\"embedded:features/"));
    assert!(!xml.contains(" file="), "{xml}");
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn the_schema_is_at_least_as_strict_as_junit_4_xsd() {
    let dir = tempfile::tempdir().unwrap();
    let (_, xml) = junit_run(
        dir.path(),
        &[
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/no_capabilities.py",
        ],
    );
    // What junit-4.xsd rejects, the schema rejects too: a `file` attribute
    // on <testsuite>, any attribute on <skipped>, an unknown attribute on
    // <testcase>, and a test case without a name.
    let first_reason = &xml[xml.find("<skipped>").unwrap() + 9..xml.find("</skipped>").unwrap()];
    let cases = [
        (
            "file",
            xml.replacen("<testsuite ", "<testsuite file=\"a.feature\" ", 1),
        ),
        (
            "message",
            xml.replacen(
                &format!("<skipped>{first_reason}</skipped>"),
                &format!("<skipped message=\"{first_reason}\"/>"),
                1,
            ),
        ),
        (
            "line",
            xml.replacen("<testcase ", "<testcase line=\"3\" ", 1),
        ),
        (
            "name",
            xml.replacen("<testcase name=", "<testcase title=", 1),
        ),
    ];
    for (attribute, bad) in cases {
        assert_ne!(bad, xml, "the mutation of `{attribute}` changed nothing");
        let path = dir.path().join("bad.xml");
        std::fs::write(&path, &bad).unwrap();
        let errors = check(&path).expect_err(attribute);
        assert!(
            errors.contains(&format!("'{attribute}'")),
            "{attribute}: {errors}"
        );
    }
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn failures_carry_the_rule_and_undefined_steps_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (output, xml) = junit_run(dir.path(), &["--adapter-cmd", WRONG_MESSAGE]);
    assert_eq!(output.status.code(), Some(1));
    let (_, failures, errors, _) = counts(&xml);
    assert_eq!((failures, errors), (6, 0), "{xml}");
    assert!(xml.contains("<failure type=\"RID1."), "{xml}");
    assert!(xml.contains("actual:"), "{xml}");
    assert!(!xml.contains("Step Panicked") && !xml.contains("src/steps/"));
    assert_eq!(last_line(&output), "86 passed, 6 failed, 0 skipped");

    let feature = dir.path().join("scratch.feature");
    std::fs::write(
        &feature,
        "Feature: Scratch\n  Scenario: Undefined\n    When the Identity calls initiateIdentityDeletionProcess\n    Then the moon is made of cheese\n",
    )
    .unwrap();
    let (output, xml) = junit_run(dir.path(), &["--features", feature.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(counts(&xml), (1, 0, 1, 0), "{xml}");
    assert!(
        xml.contains("<error type=\"UNDEFINED\" message=\"the suite has no step for this phrase: `Then the moon is made of cheese (line 4)`\""),
        "{xml}"
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_timeout_is_an_error_of_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    let (output, xml) = junit_run(
        dir.path(),
        &[
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/hang.py",
            "--timeout",
            "1",
            "--name",
            "^RID4 On Success",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let (tests, failures, errors, _) = counts(&xml);
    assert!(tests >= 1 && errors == tests && failures == 0, "{xml}");
    assert!(xml.contains("<error type=\"TIMEOUT\""), "{xml}");
}

#[test]
fn capability_skips_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let (output, xml) = junit_run(
        dir.path(),
        &[
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/no_capabilities.py",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    let (_, failures, errors, skipped) = counts(&xml);
    assert_eq!((failures, errors, skipped), (0, 0, 35), "{xml}");
    assert!(
        xml.contains("<skipped>SKIPPED: enmeshed-conformance without capabilities lacks the `clock` capability this scenario needs</skipped>")
            || xml.contains("lacks the `clock` capability this scenario needs</skipped>"),
        "{xml}"
    );
    assert!(
        !xml.contains("<skipped/>") && !xml.contains("<skipped></skipped>"),
        "{xml}"
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn expected_failures_read_as_skipped_and_the_last_line_is_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let listed: String = FAILING
        .iter()
        .map(|s| {
            format!(
                "[[expected]]\nscenario = {}\noutcome = \"failed\"\nreason = \"known: wrong message\"\n\n",
                toml_string(s)
            )
        })
        .collect();
    let expectations = dir.path().join("expectations.toml");
    std::fs::write(&expectations, &listed).unwrap();
    let (output, xml) = junit_run(
        dir.path(),
        &[
            "--adapter-cmd",
            WRONG_MESSAGE,
            "--expectations",
            expectations.to_str().unwrap(),
        ],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert_eq!(counts(&xml), (92, 0, 0, 6), "{xml}");
    assert_eq!(
        xml.matches("<skipped>expected failure: known: wrong message</skipped>")
            .count(),
        6,
        "{xml}"
    );
    assert!(xml.contains("expected by the expectations file: entry 1 (line 1)"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[lines.len() - 1],
        "gate: 86 passed, 0 failed, 6 skipped"
    );
    assert_eq!(
        lines[lines.len() - 2],
        "86 passed, 6 failed (6 expected: 6 listed, 0 waived), 0 skipped — gate: PASSED"
    );

    // A stale entry (the scenario passes) and one that matches nothing fail
    // the gate, and the report.
    let stale = format!(
        "{listed}[[expected]]\nscenario = \"RID3 On Success 1: Returns the IdentityDeletionProcess corresponding to the provided `id`.\"\noutcome = \"failed\"\nreason = \"stale\"\n\n[[expected]]\nscenario = \"no such scenario\"\noutcome = \"failed\"\nreason = \"unmatched\"\n"
    );
    std::fs::write(&expectations, stale).unwrap();
    let (output, xml) = junit_run(
        dir.path(),
        &[
            "--adapter-cmd",
            WRONG_MESSAGE,
            "--expectations",
            expectations.to_str().unwrap(),
        ],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let (tests, failures, errors, skipped) = counts(&xml);
    assert_eq!((failures, errors, skipped), (2, 0, 6), "{xml}");
    assert!(
        xml.contains("<failure type=\"EXPECTATIONS.unmatched\""),
        "{xml}"
    );
    assert!(
        xml.contains("<failure type=\"EXPECTATIONS.stale\""),
        "{xml}"
    );
    assert_eq!(
        last_line(&output),
        format!("gate: {} passed, 2 failed, 6 skipped", tests - 8)
    );
}

#[test]
fn the_report_of_an_implementation_that_never_started_is_valid_too() {
    let dir = tempfile::tempdir().unwrap();
    let (output, xml) = junit_run(
        dir.path(),
        &["--adapter-cmd", "no-such-program-enmeshed-conformance"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(counts(&xml), (1, 0, 1, 0), "{xml}");
    assert!(xml.contains("<error type=\"USAGE\""), "{xml}");
}
