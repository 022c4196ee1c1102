//! The Node example (examples/node), written from PROTOCOL.md alone, passes
//! `smoke`, the whole suite and a seeded fuzz: the protocol document is
//! enough for a new implementation. Node 20 must be on PATH (`.ci/run`
//! checks it); without it this test fails, it does not skip.

#[path = "support/cli.rs"]
mod cli;

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
