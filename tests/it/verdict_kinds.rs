//! Each fault under the right kind of verdict: a well-framed answer whose
//! content breaks a documented rule is FAILED under that rule's id, never
//! ERRORED PROTOCOL (PROTOCOL.md, "FAILED or PROTOCOL: where the line is").

use crate::support::cli;

use std::process::Output;

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs the features against `fixture`; every scenario that does not pass
/// must be FAILED under `rule`, and none ERRORED.
fn only_failures_under(fixture: &str, tags: &str, rule: &str) {
    let adapter = format!("python3 tests/fixtures/adapters/{fixture}");
    let output = cli::run(&["--adapter-cmd", &adapter, "--tags", tags]);
    let text = text(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    let failed: Vec<&str> = text.lines().filter(|l| l.starts_with("FAILED ")).collect();
    assert!(!failed.is_empty(), "{text}");
    for line in &failed {
        assert!(line.contains(&format!("FAILED [{rule}]")), "{line}");
    }
    assert!(!text.contains("ERRORED"), "{text}");
    assert!(!text.contains("PROTOCOL"), "{text}");
}

#[test]
fn a_null_for_an_unset_field_is_failed_under_its_rule_not_a_protocol_fault() {
    only_failures_under("null_fields.py", "@RID1 or @RID2", "DTO.unset-field-absent");
}

#[test]
fn an_event_without_the_whole_process_is_failed_under_event_data() {
    only_failures_under("partial_event.py", "@requires.events", "EVENT.data");
}
