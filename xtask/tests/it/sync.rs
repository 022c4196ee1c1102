//! `cargo xtask sync` through the binary, on fixture checkouts built in a
//! temporary directory from the project's own fixture pages.

use crate::common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const COMMIT_A: &str = "1111111111111111111111111111111111111111";
const WIDGET: &str = "use-case-test-frobnicate-widget.md";
const GADGET: &str = "use-case-test-polish-gadget.md";

/// The good fixture page.
fn widget() -> String {
    String::from_utf8(good_page()).unwrap()
}

/// A second page: another id, function and tech category.
fn gadget() -> String {
    widget()
        .replace("id: TST1", "id: TST2")
        .replace("Frobnicate Widget", "Polish Gadget")
        .replace("function: frobnicateWidget", "function: polishGadget")
        .replace("tech category: Widgets", "tech category: Gadgets")
}

/// Runs git in `dir`; it must succeed. Returns its output.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Commits everything in the checkout; returns the new HEAD.
fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--allow-empty", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A docs checkout (a git repository on `main`) with `pages` in
/// `_docs_use-cases/`, committed.
fn checkout(pages: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pages_dir = dir.path().join("_docs_use-cases");
    std::fs::create_dir_all(&pages_dir).unwrap();
    for (name, text) in pages {
        std::fs::write(pages_dir.join(name), text).unwrap();
    }
    git(dir.path(), &["init", "-q", "-b", "main"]);
    commit_all(dir.path(), "pages");
    dir
}

/// The commit the checkout is at.
fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"])
}

/// A scratch workspace: `spec/use-cases` (with `pages`), `features/generated`.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new(pages: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("spec/use-cases")).unwrap();
        std::fs::create_dir_all(dir.path().join("features/generated")).unwrap();
        for (name, text) in pages {
            std::fs::write(dir.path().join("spec/use-cases").join(name), text).unwrap();
        }
        Self { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn sync(&self, from: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
        let spec = self.path("spec/use-cases");
        let record = self.path("spec/SOURCE.toml");
        let out = self.path("features/generated");
        let mut args = vec![
            "sync",
            "--from",
            from.to_str().unwrap(),
            "--spec",
            spec.to_str().unwrap(),
            "--record",
            record.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let output = xtask(&args);
        let (stdout, stderr) = text(&output);
        assert!(!stderr.contains("panicked"), "{stderr}");
        (output.status.code(), stdout, stderr)
    }

    /// Every file below the workspace with its bytes.
    fn tree(&self) -> BTreeMap<String, Vec<u8>> {
        fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, files);
                } else {
                    let rel = path.strip_prefix(root).unwrap().display().to_string();
                    files.insert(rel, std::fs::read(&path).unwrap());
                }
            }
        }
        let mut files = BTreeMap::new();
        walk(self.dir.path(), self.dir.path(), &mut files);
        files
    }
}

#[test]
fn sync_adds_selected_pages_records_the_source_and_regenerates() {
    let docs = checkout(&[(WIDGET, &widget()), (GADGET, &gadget())]);
    let ws = Workspace::new(&[]);
    let (code, stdout, stderr) = ws.sync(docs.path(), &["--select", "tech category=Widgets"]);
    assert_eq!(code, Some(0), "{stderr}");
    let commit = head(docs.path());
    assert!(
        stdout.contains(&format!(
            "at commit {commit} (read with git: HEAD → refs/heads/main)"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("pages: 1 added, 0 changed, 0 removed, 0 unchanged"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("added   {WIDGET} (6 bullets)")),
        "{stdout}"
    );
    assert!(
        stdout.contains("On Failure (line 64): + No Widget can be frobnicated"),
        "{stdout}"
    );
    assert!(stdout.contains("source record: written"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(ws.path("spec/use-cases").join(WIDGET)).unwrap(),
        widget(),
        "copied byte for byte"
    );
    assert!(!ws.path("spec/use-cases").join(GADGET).exists());
    let record = std::fs::read_to_string(ws.path("spec/SOURCE.toml")).unwrap();
    let digest = xtask::sync::digest(widget().as_bytes());
    assert!(
        record.contains(&format!("commit = \"{commit}\"")),
        "{record}"
    );
    assert!(
        record.contains(&format!("\"{WIDGET}\" = \"{digest}\"")),
        "{record}"
    );
    assert!(record.contains("path = \"_docs_use-cases/\""), "{record}");
    let feature = std::fs::read_to_string(
        ws.path("features/generated/use-case-test-frobnicate-widget.feature"),
    )
    .unwrap();
    assert!(
        feature.starts_with(
            "# Generated by `cargo xtask gen` from use-case-test-frobnicate-widget.md"
        )
    );
}

#[test]
fn a_second_sync_on_the_same_checkout_changes_nothing() {
    let docs = checkout(&[(WIDGET, &widget()), (GADGET, &gadget())]);
    let ws = Workspace::new(&[]);
    let (code, _, stderr) = ws.sync(docs.path(), &["--select", "tech category=Widgets"]);
    assert_eq!(code, Some(0), "{stderr}");
    let before = ws.tree();
    for extra in [&[][..], &["--select", "tech category=Widgets"][..]] {
        let (code, stdout, stderr) = ws.sync(docs.path(), extra);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stdout.contains("pages: 0 added, 0 changed, 0 removed, 1 unchanged"),
            "{stdout}"
        );
        assert!(stdout.contains("source record: unchanged"), "{stdout}");
        assert!(stdout.trim_end().ends_with("nothing changed"), "{stdout}");
        assert_eq!(ws.tree(), before);
    }
}

#[test]
fn changed_pages_report_properties_and_bullets_per_section_and_the_new_commit() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = Workspace::new(&[(WIDGET, &widget())]);
    let (code, _, stderr) = ws.sync(docs.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");

    let edited = widget()
        .replace(
            "  - precondition: The Identity has a Widget with `\"Idle\"` as `status`.\n",
            "  - precondition:\n",
        )
        .replace("and keeps everything else.", "and keeps the rest.")
        .replace(
            "- The Widget is too | cold.",
            "- No Widget can be frobnicated if there is no Widget.",
        );
    let edited = format!("{edited}- No Widget can be frobnicated if it is not idle.\n");
    let commit_a = head(docs.path());
    std::fs::write(docs.path().join("_docs_use-cases").join(WIDGET), &edited).unwrap();
    let commit_b = commit_all(docs.path(), "edit");

    let (code, stdout, stderr) = ws.sync(docs.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    for expected in [
        "pages: 0 added, 1 changed, 0 removed, 0 unchanged",
        &format!("changed {WIDGET}"),
        "property precondition: ~ The Identity has a Widget",
        "→ (empty)",
        "On Success (line 56): ~ Sets the `status` of the Widget to `\"Frobnicated\"`, and keeps everything else.",
        "→ Sets the `status` of the Widget to `\"Frobnicated\"`, and keeps the rest.",
        "On Failure (line 65): ~ The Widget is too | cold.",
        "On Failure (line 66): + No Widget can be frobnicated if it is not idle.",
        &format!("source record: updated, commit {commit_a} → {commit_b}"),
        "(files changed: 1)",
    ] {
        assert!(
            stdout.contains(expected),
            "expected `{expected}` in:\n{stdout}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(ws.path("spec/use-cases").join(WIDGET)).unwrap(),
        edited
    );
    let feature = std::fs::read_to_string(
        ws.path("features/generated/use-case-test-frobnicate-widget.feature"),
    )
    .unwrap();
    assert!(
        feature.contains("Given there is a Widget"),
        "the emptied precondition is derived: {feature}"
    );
}

#[test]
fn pages_gone_from_the_checkout_are_removed_with_their_features() {
    let docs = checkout(&[(WIDGET, &widget()), (GADGET, &gadget())]);
    let ws = Workspace::new(&[(WIDGET, &widget()), (GADGET, &gadget())]);
    let (code, _, stderr) = ws.sync(docs.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        ws.path("features/generated/use-case-test-polish-gadget.feature")
            .exists()
    );
    std::fs::remove_file(docs.path().join("_docs_use-cases").join(GADGET)).unwrap();
    commit_all(docs.path(), "remove the gadget");
    // Removal must be asked for.
    assert_refused(
        &ws,
        docs.path(),
        &[],
        &format!(
            "no longer has 1 of the pages in {}: {GADGET}; to remove them and their features, run again with --allow-removal",
            ws.path("spec/use-cases").display()
        ),
    );
    let (code, stdout, stderr) = ws.sync(docs.path(), &["--allow-removal"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!("removed {GADGET} (6 bullets)")),
        "{stdout}"
    );
    assert!(
        stdout.contains("On Success (line 56): - Sets the `status`"),
        "{stdout}"
    );
    assert!(!ws.path("spec/use-cases").join(GADGET).exists());
    assert!(
        !ws.path("features/generated/use-case-test-polish-gadget.feature")
            .exists()
    );
    let record = std::fs::read_to_string(ws.path("spec/SOURCE.toml")).unwrap();
    assert!(!record.contains(GADGET), "{record}");
}

/// Runs a sync that must fail: exit 1, `message` in stderr, nothing written,
/// no temporary file left.
fn assert_refused(ws: &Workspace, from: &Path, extra: &[&str], message: &str) {
    let before = ws.tree();
    let (code, stdout, stderr) = ws.sync(from, extra);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert!(
        stderr.contains(message),
        "expected `{message}` in: {stderr}"
    );
    assert_eq!(ws.tree(), before, "a failed sync changed files");
}

/// A workspace whose sync would change a page (so that a refusal is visible).
fn stale_workspace() -> Workspace {
    Workspace::new(&[(WIDGET, &widget().replace("Then frobnicate.", "Then stop."))])
}

#[test]
fn a_missing_checkout_is_refused() {
    let ws = stale_workspace();
    let missing = ws.path("no-such-checkout");
    assert_refused(&ws, &missing, &[], "does not exist or is not a directory");
}

#[test]
fn a_checkout_without_the_pages_directory_is_refused() {
    let ws = stale_workspace();
    let docs = tempfile::tempdir().unwrap();
    assert_refused(
        &ws,
        docs.path(),
        &["--commit", COMMIT_A],
        "has no _docs_use-cases/ directory",
    );
}

#[test]
fn a_page_that_does_not_parse_is_refused_with_its_line() {
    let broken = widget().replace("title: \"Frobnicate Widget\"", "title: \"Frobnicate Widget");
    let docs = checkout(&[(WIDGET, &broken)]);
    let ws = stale_workspace();
    assert_refused(
        &ws,
        docs.path(),
        &[],
        &format!("_docs_use-cases/{WIDGET}:9:13: invalid YAML front matter"),
    );
    // With --select every page of the checkout is read, so a broken one stops it too.
    let docs = checkout(&[(WIDGET, &widget()), (GADGET, "---\nno closing fence\n")]);
    assert_refused(
        &ws,
        docs.path(),
        &["--select", "tech category=Widgets"],
        &format!("{GADGET}:1"),
    );
}

#[test]
fn a_checkout_without_a_commit_needs_commit() {
    let docs = checkout(&[(WIDGET, &widget())]);
    std::fs::remove_dir_all(docs.path().join(".git")).unwrap();
    let ws = stale_workspace();
    assert_refused(&ws, docs.path(), &[], "pass --commit SHA");
    let (code, _, stderr) = ws.sync(docs.path(), &["--commit", "A683209D"]);
    assert_eq!(code, Some(0), "{stderr}");
    let record = std::fs::read_to_string(ws.path("spec/SOURCE.toml")).unwrap();
    assert!(record.contains("commit = \"a683209d\""), "{record}");
}

#[test]
fn a_malformed_commit_is_a_usage_error() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = stale_workspace();
    let before = ws.tree();
    let (code, _, stderr) = ws.sync(docs.path(), &["--commit", "xyz"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("is not a commit id"), "{stderr}");
    assert_eq!(ws.tree(), before);
}

#[test]
fn a_hand_written_file_in_the_way_stops_everything() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = stale_workspace();
    std::fs::write(
        ws.path("features/generated/use-case-test-frobnicate-widget.feature"),
        "Feature: hand-written\n",
    )
    .unwrap();
    // The page would change, but the feature cannot be written: nothing is.
    assert_refused(&ws, docs.path(), &[], "did not write");
}

#[test]
fn a_missing_spec_directory_is_refused() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = Workspace::new(&[]);
    std::fs::remove_dir(ws.path("spec/use-cases")).unwrap();
    assert_refused(&ws, docs.path(), &[], "the spec directory");
}

#[test]
fn a_broken_source_record_is_refused() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = stale_workspace();
    std::fs::write(ws.path("spec/SOURCE.toml"), "repository = \"r\"\n").unwrap();
    assert_refused(&ws, docs.path(), &[], "SOURCE.toml: `path` is missing");
}

#[test]
fn a_page_that_links_outside_the_checkout_is_refused() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = Workspace::new(&[(WIDGET, &widget()), (GADGET, &gadget())]);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), gadget()).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        docs.path().join("_docs_use-cases").join(GADGET),
    )
    .unwrap();
    commit_all(docs.path(), "a link");
    assert_refused(
        &ws,
        docs.path(),
        &["--allow-removal"],
        &format!("{GADGET} is a symbolic link, not a regular file"),
    );
}

#[test]
fn a_fifo_or_a_directory_named_like_a_page_is_an_error_not_a_removal() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = Workspace::new(&[(WIDGET, &widget()), (GADGET, &gadget())]);
    let page = docs.path().join("_docs_use-cases").join(GADGET);
    std::fs::create_dir(&page).unwrap();
    std::fs::write(page.join("inside"), "x").unwrap();
    commit_all(docs.path(), "a directory");
    assert_refused(
        &ws,
        docs.path(),
        &["--allow-removal"],
        &format!("{GADGET} is a directory, not a regular file"),
    );
    std::fs::remove_dir_all(&page).unwrap();
    commit_all(docs.path(), "no directory");
    let made = std::process::Command::new("mkfifo").arg(&page).status();
    assert!(made.unwrap().success());
    assert_refused(
        &ws,
        docs.path(),
        &["--allow-removal", "--commit", COMMIT_A],
        &format!("{GADGET} is a FIFO, not a regular file"),
    );
}

#[test]
fn an_empty_or_vanished_page_set_is_an_error() {
    let docs = checkout(&[]);
    let ws = Workspace::new(&[(WIDGET, &widget()), (GADGET, &gadget())]);
    // No page at all: refused even with --allow-removal, as `gen` refuses.
    assert_refused(
        &ws,
        docs.path(),
        &["--allow-removal"],
        "the docs checkout has no pages",
    );
    // Pages, but none of those the spec holds, and none selected.
    let docs = checkout(&[("use-case-other.md", &gadget())]);
    assert_refused(
        &ws,
        docs.path(),
        &["--allow-removal"],
        "no page would remain",
    );
}

#[test]
fn a_fifo_at_git_head_is_an_error_not_a_hang() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = stale_workspace();
    let head = docs.path().join(".git/HEAD");
    std::fs::remove_file(&head).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&head).status();
    assert!(made.unwrap().success());
    assert_refused(
        &ws,
        docs.path(),
        &[],
        ".git/HEAD is a FIFO, not a regular file",
    );
}

#[test]
fn uncommitted_pages_are_refused_and_listed() {
    let docs = checkout(&[(WIDGET, &widget())]);
    let ws = stale_workspace();
    let pages = docs.path().join("_docs_use-cases");
    std::fs::write(
        pages.join(WIDGET),
        widget().replace("Then frobnicate.", "Then wait."),
    )
    .unwrap();
    std::fs::write(pages.join(GADGET), gadget()).unwrap();
    for extra in [&[][..], &["--commit", COMMIT_A][..]] {
        let before = ws.tree();
        let (code, _, stderr) = ws.sync(docs.path(), extra);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stderr.contains("have uncommitted changes (git status)"),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!(" M _docs_use-cases/{WIDGET}")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("?? _docs_use-cases/{GADGET}")),
            "{stderr}"
        );
        assert_eq!(ws.tree(), before);
    }
    // Edits elsewhere in the docs repository do not matter.
    git(docs.path(), &["checkout", "-q", "--", "."]);
    std::fs::remove_file(pages.join(GADGET)).unwrap();
    std::fs::write(docs.path().join("README.md"), "edited\n").unwrap();
    let (code, stdout, stderr) = ws.sync(docs.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains(&head(docs.path())), "{stdout}");
}

#[test]
fn a_detached_head_is_recorded_as_such() {
    let docs = checkout(&[(WIDGET, &widget())]);
    git(docs.path(), &["checkout", "-q", "--detach"]);
    let ws = stale_workspace();
    let (code, stdout, stderr) = ws.sync(docs.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let commit = head(docs.path());
    assert!(
        stdout.contains(&format!(
            "at commit {commit} (read with git: detached HEAD)"
        )),
        "{stdout}"
    );
}

#[test]
fn a_directory_inside_another_checkout_is_not_taken_for_it() {
    // The docs pages in a sub-directory of a git repository: git must not
    // report the enclosing repository's commit.
    let outer = checkout(&[]);
    let docs = outer.path().join("docs");
    std::fs::create_dir_all(docs.join("_docs_use-cases")).unwrap();
    std::fs::write(docs.join("_docs_use-cases").join(WIDGET), widget()).unwrap();
    commit_all(outer.path(), "nested");
    let ws = stale_workspace();
    assert_refused(
        &ws,
        &docs,
        &[],
        "it is not a git checkout; pass --commit SHA",
    );
}

/// A docs-only change whose new bullet the suite cannot execute yet: `sync`,
/// `check` and the run all pass, with the bullet pending (not failed).
#[test]
#[ignore = "runs git, sync, check and a whole run (about 2 s): the full suite runs it, `cargo test --workspace -- --include-ignored`"]
fn a_bullet_with_a_new_phrase_is_pending_and_everything_stays_green() {
    const RID4: &str = "use-case-transport-get-active-identitydeletionprocess.md";
    let page = std::fs::read_to_string(workspace().join("spec/use-cases").join(RID4)).unwrap();
    let docs = checkout(&[(RID4, &page)]);
    let ws = Workspace::new(&[(RID4, &page)]);
    let (code, _, stderr) = ws.sync(docs.path(), &[]);
    assert_eq!(code, Some(0), "{stderr}");

    let edited = page.replace(
        "- Returns the active IdentityDeletionProcess.\n",
        "- Returns the active IdentityDeletionProcess.\n- Notifies every device of the Identity by carrier pigeon.\n",
    );
    assert_ne!(edited, page);
    std::fs::write(docs.path().join("_docs_use-cases").join(RID4), &edited).unwrap();
    commit_all(docs.path(), "a bullet with a new phrase");
    let (code, stdout, stderr) = ws.sync(docs.path(), &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("+ Notifies every device of the Identity by carrier pigeon."),
        "{stdout}"
    );

    let spec = ws.path("spec/use-cases");
    let out = ws.path("features/generated");
    let check = xtask(&[
        "check",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&check);
    assert_eq!(check.status.code(), Some(0), "{stdout}{stderr}");

    use enmeshed_conformance::prelude::*;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let reports = tempfile::tempdir().unwrap();
    let results = reports.path().join("results.json");
    let junit = reports.path().join("junit.xml");
    let markdown = reports.path().join("summary.md");
    let result = runtime
        .block_on(
            Run::new(Arc::new(ReferenceImplementation::new()))
                .features([out])
                .fuzz(None)
                .console(false)
                .results(&results)
                .junit(&junit)
                .summary(&markdown)
                .execute(),
        )
        .unwrap();
    let counts = result.counts();
    let summary = result.report.summary();
    assert_eq!(result.verdict(), RunVerdict::Passed, "{summary}");
    assert_eq!(
        (
            counts.passed,
            counts.failed,
            counts.undefined,
            counts.pending
        ),
        (2, 0, 0, 1),
        "{summary}"
    );
    assert!(
        summary.ends_with("2 passed, 0 failed, 0 skipped, 1 pending"),
        "{summary}"
    );
    assert!(
        summary.contains("PENDING RID4 On Success 2: Notifies every device")
            && summary.contains("nearest known phrases: "),
        "{summary}"
    );
    let results = std::fs::read_to_string(&results).unwrap();
    assert_eq!(
        results.matches("\"verdict\":\"pending\"").count(),
        1,
        "{results}"
    );
    let junit = std::fs::read_to_string(&junit).unwrap();
    assert!(
        junit.contains("<skipped>step `Then notifies every device")
            && junit.contains("PENDING: the suite cannot execute this bullet yet"),
        "{junit}"
    );
    let markdown = std::fs::read_to_string(&markdown).unwrap();
    assert!(
        markdown.contains("| pending (bullets the suite cannot execute yet; not failed) | 1 |")
            && !markdown.contains("### Failed scenarios"),
        "{markdown}"
    );
    let lines = result.closing_lines(false).join("\n");
    assert!(
        lines.contains("failed by level: published 0, derived 0"),
        "{lines}"
    );
}
