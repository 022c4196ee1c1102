//! `gen` never loses or overwrites what it did not write: an empty page set
//! is an error, temporary files never follow planted links, and a failed
//! write changes nothing and leaves no temporary file.

use crate::common;
use common::*;
use std::path::Path;

fn run(cmd: &str, spec: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        cmd,
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    xtask(&args)
}

/// File names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A spec directory with `n` good pages and an output directory generated from it.
fn generated(n: usize) -> (tempfile::TempDir, tempfile::TempDir) {
    let good = good_page();
    let pages: Vec<(String, &[u8])> = (0..n)
        .map(|i| (format!("page-{i}.md"), good.as_slice()))
        .collect();
    let refs: Vec<(&str, &[u8])> = pages.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    let spec = spec_dir(&refs);
    let out = tempfile::tempdir().unwrap();
    let first = run("gen", spec.path(), out.path(), &[]);
    assert!(first.status.success(), "{}", text(&first).1);
    (spec, out)
}

#[test]
fn a_spec_directory_without_pages_is_an_error_and_deletes_nothing() {
    let (spec, out) = generated(2);
    let before = names(out.path());
    // The parent of the pages, as in `--spec spec` for `spec/use-cases`.
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir(empty.path().join("use-cases")).unwrap();
    for cmd in ["gen", "check"] {
        let output = run(cmd, empty.path(), out.path(), &[]);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{cmd}: {stdout}");
        assert!(
            stderr.contains("holds no use-case page (*.md)"),
            "{cmd}: {stderr}"
        );
        assert!(!stderr.contains("run: cargo xtask gen"), "{cmd}: {stderr}");
    }
    assert_eq!(names(out.path()), before);
    drop(spec);
}

#[test]
fn a_select_that_matches_no_page_is_an_error_and_deletes_nothing() {
    let (spec, out) = generated(2);
    let before = names(out.path());
    let output = run(
        "gen",
        spec.path(),
        out.path(),
        &["--select", "tech category=Nothing"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).1.contains("no page of"),
        "{}",
        text(&output).1
    );
    assert_eq!(names(out.path()), before);
}

#[test]
fn a_planted_temporary_link_is_never_written_through() {
    let (spec, out) = generated(1);
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let feature = out.path().join("page-0.feature");
    std::fs::remove_file(&feature).unwrap();
    std::os::unix::fs::symlink(&victim, out.path().join(".page-0.feature.tmp")).unwrap();
    let output = run("gen", spec.path(), out.path(), &[]);
    assert!(output.status.success(), "{}", text(&output).1);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(std::fs::read_to_string(&feature).unwrap().starts_with("#"));
}

#[test]
fn an_output_that_cannot_be_replaced_changes_nothing_and_leaves_no_temporary_file() {
    let (spec, out) = generated(5);
    // Make every file stale, then block the third one with a directory.
    for name in names(out.path()) {
        let path = out.path().join(&name);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("{text}# edited\n")).unwrap();
    }
    let blocked = out.path().join("page-2.feature");
    std::fs::remove_file(&blocked).unwrap();
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("keep"), "x").unwrap();
    let before: Vec<(String, Option<String>)> = names(out.path())
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(out.path().join(&n)).ok();
            (n, text)
        })
        .collect();
    let output = run("gen", spec.path(), out.path(), &[]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    let after: Vec<(String, Option<String>)> = names(out.path())
        .into_iter()
        .map(|n| {
            let text = std::fs::read_to_string(out.path().join(&n)).ok();
            (n, text)
        })
        .collect();
    assert_eq!(after, before, "the output directory changed");
}
