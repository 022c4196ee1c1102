//! `gen` and `check` on scratch directories, through the binary.

use crate::common;
use common::*;
use std::path::Path;

fn gen_args<'a>(spec: &'a Path, out: &'a Path) -> Vec<&'a str> {
    vec![
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]
}

fn run(cmd: &str, spec: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![cmd];
    args.extend(gen_args(spec, out));
    args.extend_from_slice(extra);
    xtask(&args)
}

#[test]
fn gen_writes_one_feature_per_executable_page_and_is_deterministic() {
    let good = good_page();
    let no_outcome =
        b"---\ntitle: \"Just docs\"\nproperties:\n  - id: TST9\n---\n\nSome text.\n".to_vec();
    let spec = spec_dir(&[("b-page.md", &good), ("a-docs.md", &no_outcome)]);
    let out = tempfile::tempdir().unwrap();
    let first = run("gen", spec.path(), out.path(), &[]);
    let (stdout, stderr) = text(&first);
    assert!(first.status.success(), "{stderr}");
    assert!(
        stdout.contains("pages read: 2, features written: 1 (4 scenarios), skipped (no outcome section): 1, warnings: 0"),
        "{stdout}"
    );
    let written = std::fs::read(out.path().join("b-page.feature")).unwrap();
    assert!(!out.path().join("a-docs.feature").exists());
    let again = run("gen", spec.path(), out.path(), &[]);
    assert!(again.status.success());
    assert!(text(&again).0.contains("files changed: 0"));
    assert_eq!(
        std::fs::read(out.path().join("b-page.feature")).unwrap(),
        written
    );
    assert!(!written.contains(&b'\r'));
}

#[test]
fn check_reports_stale_missing_and_orphaned_with_the_fix() {
    let good = good_page();
    let spec = spec_dir(&[("page.md", &good), ("other.md", &good)]);
    let out = tempfile::tempdir().unwrap();
    assert!(run("gen", spec.path(), out.path(), &[]).status.success());
    assert!(run("check", spec.path(), out.path(), &[]).status.success());

    // Stale: edit a generated file.
    let page_feature = out.path().join("page.feature");
    let edited = std::fs::read_to_string(&page_feature)
        .unwrap()
        .replace("Frobnicate Widget", "Frob");
    std::fs::write(&page_feature, edited).unwrap();
    // Missing: delete one. Orphaned: its page is gone.
    std::fs::remove_file(out.path().join("other.feature")).unwrap();
    std::fs::copy(
        out.path().join("page.feature"),
        out.path().join("gone.feature"),
    )
    .unwrap();
    let gone = std::fs::read_to_string(out.path().join("gone.feature"))
        .unwrap()
        .replacen("page.md", "gone.md", 1);
    std::fs::write(out.path().join("gone.feature"), gone).unwrap();

    let check = run("check", spec.path(), out.path(), &[]);
    let (_, stderr) = text(&check);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("stale: page.feature"), "{stderr}");
    assert!(
        stderr.contains("-Feature: Frob\n+Feature: Frobnicate Widget"),
        "{stderr}"
    );
    assert!(stderr.contains("missing: other.feature"), "{stderr}");
    assert!(
        stderr.contains("orphaned: gone.feature (its page gone.md"),
        "{stderr}"
    );
    assert!(stderr.contains("run: cargo xtask gen --spec '"), "{stderr}");

    // The printed fix works.
    assert!(run("gen", spec.path(), out.path(), &[]).status.success());
    assert!(!out.path().join("gone.feature").exists());
    assert!(run("check", spec.path(), out.path(), &[]).status.success());
}

#[test]
fn gen_never_touches_a_file_without_the_header() {
    let good = good_page();
    let spec = spec_dir(&[("page.md", &good)]);
    let out = tempfile::tempdir().unwrap();
    let mine = "Feature: hand-written\n";
    std::fs::write(out.path().join("page.feature"), mine).unwrap();
    std::fs::write(out.path().join("mine.feature"), mine).unwrap();
    let output = run("gen", spec.path(), out.path(), &[]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("refusing to overwrite"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(out.path().join("page.feature")).unwrap(),
        mine
    );

    std::fs::remove_file(out.path().join("page.feature")).unwrap();
    assert!(run("gen", spec.path(), out.path(), &[]).status.success());
    // A hand-written file that is not in the way stays.
    assert_eq!(
        std::fs::read_to_string(out.path().join("mine.feature")).unwrap(),
        mine
    );
    let check = run("check", spec.path(), out.path(), &[]);
    assert!(check.status.success(), "{}", text(&check).1);
}

#[test]
fn one_bad_page_means_nothing_is_written() {
    let good = good_page();
    let spec = spec_dir(&[("page.md", &good), ("zz-bad.md", b"no front matter\n")]);
    let out = tempfile::tempdir().unwrap();
    let output = run("gen", spec.path(), out.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn select_picks_pages_by_property_and_orphans_the_rest() {
    let good = String::from_utf8(good_page()).unwrap();
    let other = good.replace("tech category: Widgets", "tech category: Gadgets");
    let spec = spec_dir(&[
        ("widget.md", good.as_bytes()),
        ("gadget.md", other.as_bytes()),
    ]);
    let out = tempfile::tempdir().unwrap();
    assert!(run("gen", spec.path(), out.path(), &[]).status.success());
    let output = run(
        "gen",
        spec.path(),
        out.path(),
        &["--select", "tech category=Gadgets"],
    );
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("features written: 1") && stdout.contains("not selected: 1"),
        "{stdout}"
    );
    assert!(out.path().join("gadget.feature").exists());
    assert!(!out.path().join("widget.feature").exists());

    let bad = xtask(&["gen", "--select", "no-equals-sign"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).1.contains("is not KEY=VALUE"));
}

#[test]
fn duplicate_ids_warn_and_names_do_not_collide() {
    let good = good_page();
    let spec = spec_dir(&[("one.md", &good), ("two.md", &good)]);
    let out = tempfile::tempdir().unwrap();
    let output = run("gen", spec.path(), out.path(), &[]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success());
    assert!(
        stderr.contains("warning: use-case id TST1 is used by 2 pages: one.md, two.md"),
        "{stderr}"
    );
    assert!(stdout.contains("warnings: 1"), "{stdout}");
    assert!(out.path().join("one.feature").exists() && out.path().join("two.feature").exists());
}
