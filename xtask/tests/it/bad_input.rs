//! Every kind of bad page gets a located error, exit code 1 and no output.

use crate::common;
use common::*;

/// Runs `gen` on a directory holding the good page plus `bad` and checks the
/// error names `bad`'s file and `line` (and `column`), exit 1, nothing written.
fn assert_rejected(name: &str, bad: &[u8], line: usize, column: Option<usize>, message: &str) {
    let good = good_page();
    let dir = spec_dir(&[("a-good-page.md", &good), (name, bad)]);
    let out = dir.path().join("out");
    let output = xtask(&[
        "gen",
        "--spec",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    let location = match column {
        Some(c) => format!("{name}:{line}:{c}: "),
        None => format!("{name}:{line}: "),
    };
    assert!(
        stderr.contains(&location),
        "expected `{location}` in: {stderr}"
    );
    assert!(
        stderr.contains(message),
        "expected `{message}` in: {stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!out.exists(), "output directory was created");
    assert!(stdout.is_empty(), "stdout: {stdout}");
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("bad").join(name)).expect("fixture")
}

#[test]
fn empty_file() {
    assert_rejected("empty.md", &fixture("empty.md"), 1, None, "file is empty");
}

#[test]
fn no_opening_fence() {
    assert_rejected(
        "no-opening-fence.md",
        &fixture("no-opening-fence.md"),
        1,
        None,
        "no opening `---`",
    );
}

#[test]
fn no_closing_fence() {
    assert_rejected(
        "no-closing-fence.md",
        &fixture("no-closing-fence.md"),
        1,
        None,
        "no closing `---`",
    );
}

#[test]
fn yaml_syntax_error() {
    assert_rejected(
        "yaml-syntax-error.md",
        &fixture("yaml-syntax-error.md"),
        9,
        Some(13),
        "invalid YAML front matter",
    );
}

#[test]
fn duplicate_key() {
    assert_rejected(
        "duplicate-key.md",
        &fixture("duplicate-key.md"),
        8,
        Some(1),
        "duplicate mapping key: title",
    );
}

#[test]
fn properties_not_a_list() {
    assert_rejected(
        "properties-not-a-list.md",
        &fixture("properties-not-a-list.md"),
        12,
        Some(3),
        "`properties` must be a list of single-key maps",
    );
}

#[test]
fn properties_item_with_two_keys() {
    assert_rejected(
        "properties-multi-key-map.md",
        &fixture("properties-multi-key-map.md"),
        13,
        Some(5),
        "item 2 has 2 keys",
    );
}

#[test]
fn outcome_sections_without_id() {
    assert_rejected("no-id.md", &fixture("no-id.md"), 12, None, "but no id");
}

#[test]
fn outcome_sections_without_title() {
    assert_rejected(
        "no-title.md",
        &fixture("no-title.md"),
        11,
        None,
        "but no title",
    );
}

#[test]
fn outcome_sections_without_function() {
    assert_rejected(
        "no-function.md",
        &fixture("no-function.md"),
        16,
        None,
        "but no function",
    );
}

#[test]
fn non_utf8_bytes() {
    let mut page = good_page();
    // Line 5 is the title line; put an invalid byte after `title: "`.
    let at = page
        .windows(8)
        .position(|w| w == b"title: \"")
        .expect("title")
        + 8;
    page.insert(at, 0xff);
    assert_rejected("latin1.md", &page, 5, Some(9), "invalid UTF-8");
}

#[test]
fn file_over_one_mebibyte() {
    let mut page = good_page();
    page.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    assert_rejected(
        "huge.md",
        &page,
        1,
        None,
        "larger than the limit of 1048576 bytes",
    );
}
