//! A vendor's run prints what `enmeshed-conformance run` prints, through the
//! one call the command line prints with (`RunResult::print`): the gate's
//! lines, the annotations when asked for, the closing lines with the verdict
//! last; `--quiet` leaves out only what it leaves out on the command line.

use crate::support::mutant::{Mutant, Mutation};
use enmeshed_conformance::prelude::*;

/// What `result` prints with `printing`: standard output and standard error.
fn printed(result: &RunResult, printing: Printing) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    result.print(printing, &mut out, &mut err).unwrap();
    (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_result_prints_the_gate_the_annotations_on_request_and_the_verdict_last() {
    let dir = tempfile::tempdir().unwrap();
    let expectations = dir.path().join("expectations.toml");
    std::fs::write(&expectations, "").unwrap();
    let result = Run::new(Arc::new(Mutant::new(Mutation::GracePeriodEndsAtMissing)))
        .tags("@RID1")
        .unwrap()
        .fuzz(None)
        .console(false)
        .expectations(&expectations)
        .execute()
        .await
        .unwrap();
    assert_eq!(result.verdict(), RunVerdict::Failed);
    let annotations = result.annotations();
    assert!(!annotations.is_empty());

    let (plain, err) = printed(&result, Printing::default());
    assert_eq!(err, "", "every report was written");
    let mut expected = result.gate_lines();
    expected.extend(result.closing_lines(false));
    assert_eq!(plain.lines().collect::<Vec<_>>(), expected, "{plain}");
    assert!(
        plain.lines().last().unwrap().starts_with("gate: "),
        "{plain}"
    );
    assert!(!plain.contains("::error"), "{plain}");

    // The annotations, escaped for the workflow log, between the gate's
    // lines and the closing lines; nothing else changes.
    let (annotated, _) = printed(
        &result,
        Printing {
            quiet: false,
            annotations: true,
        },
    );
    let mut expected = result.gate_lines();
    expected.extend(annotations.iter().cloned());
    expected.extend(result.closing_lines(false));
    assert_eq!(annotated.lines().collect::<Vec<_>>(), expected);

    let (quiet, _) = printed(
        &result,
        Printing {
            quiet: true,
            annotations: false,
        },
    );
    assert_eq!(quiet.lines().last(), plain.lines().last());
    assert!(quiet.lines().count() <= plain.lines().count());
}
