//! The Node example (examples/node), written from PROTOCOL.md alone, passes
//! `smoke`, the whole suite and a seeded fuzz: the protocol document is
//! enough for a new implementation. Node 20 must be on PATH (`.ci/run`
//! checks it); without it this test fails, it does not skip.

use crate::support::cli;

const ADAPTER: &str = "node examples/node/enmeshed_idp.js";

fn require_node() {
    let found = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "node (20 or later) is required for this test and was not found on PATH"
    );
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn the_node_example_passes_smoke_run_and_fuzz() {
    require_node();
    let smoke = cli::binary(&["smoke", "--adapter-cmd", ADAPTER]);
    assert_eq!(smoke.status.code(), Some(0), "{}", cli::stdout(&smoke));
    let run = cli::run(&["--adapter-cmd", ADAPTER]);
    let out = cli::stdout(&run);
    assert_eq!(run.status.code(), Some(0), "{out}");
    assert!(
        out.contains("implementation: enmeshed-conformance Node example 1.0.0"),
        "{out}"
    );
    assert!(out.contains(" passed, 0 failed, 0 skipped"), "{out}");
    let fuzz = cli::binary(&[
        "fuzz",
        "--adapter-cmd",
        ADAPTER,
        "--cases",
        "64",
        "--seed",
        "7",
    ]);
    assert_eq!(fuzz.status.code(), Some(0), "{}", cli::stdout(&fuzz));
}

/// The Node example as an implementation of protocol version 1's first
/// revision would be: no `setClock`, no `newDevice`, and only the
/// capabilities that revision had (`clock`, `events`). Protocol evolution
/// (PROTOCOL.md, "Evolution") must give it a verdict, not errors: it passes,
/// and the scenarios of the later requests are skipped with the reason.
fn first_revision_copy(dir: &std::path::Path) -> String {
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/node/enmeshed_idp.js"),
    )
    .unwrap();
    let mut text = source.replace(
        r#"capabilities: ["clock", "events", "devices", "setClock"]"#,
        r#"capabilities: ["clock", "events"]"#,
    );
    assert_ne!(text, source, "the example's capability list changed");
    for handler in ["setClock(request) {", "newDevice(request) {"] {
        let start = text
            .find(&format!("  {handler}"))
            .unwrap_or_else(|| panic!("the example has no `{handler}`"));
        let end = start
            + text[start..]
                .find("\n  },\n")
                .expect("the handler ends with `  },`")
            + "\n  },\n".len();
        text.replace_range(start..end, "");
    }
    assert!(!text.contains("setClock(request)") && !text.contains("newDevice(request)"));
    let path = dir.join("first_revision.js");
    std::fs::write(&path, text).unwrap();
    format!("node {}", path.display())
}

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn an_implementation_of_the_first_revision_gets_a_verdict_with_later_scenarios_skipped() {
    require_node();
    let dir = tempfile::tempdir().unwrap();
    let adapter = first_revision_copy(dir.path());
    let run = cli::run(&["--adapter-cmd", &adapter]);
    let out = cli::stdout(&run);
    assert_eq!(run.status.code(), Some(0), "{out}");
    assert!(out.contains(" passed, 0 failed, "), "{out}");
    assert!(!out.contains(" 0 skipped"), "{out}");
    for capability in ["setClock", "devices"] {
        assert!(
            out.contains(&format!(
                "lacks the `{capability}` capability this scenario needs"
            )),
            "no scenario skipped for `{capability}`: {out}"
        );
    }
    assert!(!out.contains("ERRORED"), "{out}");
    let fuzz = cli::binary(&[
        "fuzz",
        "--adapter-cmd",
        &adapter,
        "--cases",
        "64",
        "--seed",
        "7",
    ]);
    assert_eq!(fuzz.status.code(), Some(0), "{}", cli::stdout(&fuzz));
}
