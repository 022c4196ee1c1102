//! A value the implementation sent is quoted in messages and reports only as
//! an excerpt with its length: a 1 MB field must not blow up the console,
//! JUnit or JSON reports.

use std::process::Command;

#[test]
#[ignore = "slow (over a second): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_huge_wrong_shaped_result_is_excerpted_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("junit.xml");
    let json = dir.path().join("report.json");
    let output = Command::new(env!("CARGO_BIN_EXE_enmeshed-conformance"))
        .args([
            "run",
            "--no-fuzz",
            "--adapter-cmd",
            "python3 tests/fixtures/adapters/huge_field.py",
            "--tags",
            "@RID1",
            "--junit",
            junit.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        out.contains("the result of `initiate` has the wrong shape"),
        "{}",
        &out[..out.len().min(4000)]
    );
    assert!(
        out.contains("… (1048002 bytes)"),
        "{}",
        &out[..out.len().min(4000)]
    );
    const LIMIT: u64 = 512 * 1024;
    assert!(
        (output.stdout.len() as u64) < LIMIT,
        "console: {} bytes",
        output.stdout.len()
    );
    for report in [&junit, &json] {
        let size = std::fs::metadata(report).unwrap().len();
        assert!(size < LIMIT, "{}: {size} bytes", report.display());
    }
}
