//! `coverage --spec DIR` with no page is an error, not a green `0/0`.

use crate::support::cli;

#[test]
fn a_spec_directory_without_pages_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = cli::binary(&["coverage", "--spec", dir.path().to_str().unwrap()]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("holds no use-case page (*.md)"), "{err}");
    assert!(!cli::stdout(&output).contains("0/0"));
}
