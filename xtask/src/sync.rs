//! `cargo xtask sync`: copy use-case pages verbatim from a checkout of the
//! documentation repository into `spec/use-cases/`, record where they come
//! from in `spec/SOURCE.toml`, regenerate the features, and say what changed.
//!
//! - Pages: those already in `spec/use-cases/`, plus those `--select` picks
//!   from the checkout (by front-matter property, as `gen --select`). Pages
//!   must be regular files inside the checkout (a link, FIFO or directory
//!   named like a page is an error). A page the checkout no longer has is
//!   removed only with `--allow-removal`; a checkout without pages, or a sync
//!   that would leave no page, is an error (as in `gen`).
//! - Commit: `--commit SHA`, else `git rev-parse HEAD` in the checkout. A git
//!   checkout whose pages differ from that commit (`git status`) is refused.
//! - Atomic: every page is read and parsed, every feature rendered and checked
//!   in memory first; then all files are staged next to their targets and
//!   renamed at the end. On any error nothing is written.

mod checkout;
mod diff;
mod git;
mod record;

pub use checkout::{CommitOrigin, PAGES_DIR, parse_commit};
pub use diff::{BulletChange, Change, PageChange, PropertyChange};
pub use record::{REPOSITORY, SourceRecord, digest};

use crate::generate::render;
use crate::pipeline::{self, Drift, PipelineError, Plan, Select, verify};
use crate::spec::{SpecError, UseCase, parse_page};
use crate::stage::{self, Change as FileChange};
use checkout::{Checkout, md_names, read_page_bytes};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// What to sync, from where, into where.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// The root of a checkout of the documentation repository.
    pub from: PathBuf,
    /// Extra pages to take, by property (all must match).
    pub selects: Vec<Select>,
    /// The commit to record instead of the one in the checkout's `.git`.
    pub commit: Option<String>,
    /// The spec directory (`spec/use-cases`).
    pub spec_dir: PathBuf,
    /// The source record (`spec/SOURCE.toml`).
    pub record: PathBuf,
    /// The generated features (`features/generated`).
    pub out_dir: PathBuf,
    /// Whether spec pages the checkout no longer has may be removed.
    pub allow_removal: bool,
}

/// What a sync did.
#[derive(Debug)]
pub struct SyncReport {
    /// The checkout synced from.
    pub from: PathBuf,
    /// The recorded commit.
    pub commit: String,
    /// Where the commit id came from.
    pub origin: CommitOrigin,
    /// The commit the record named before, if there was a record.
    pub previous_commit: Option<String>,
    /// Pages added, changed or removed, by name.
    pub pages: Vec<PageChange>,
    /// Pages that stayed byte for byte the same.
    pub unchanged: usize,
    /// Whether the source record was rewritten.
    pub record_changed: bool,
    /// Feature files written or removed.
    pub features_changed: usize,
    /// The generation summary (as `gen` prints it).
    pub generated: String,
    /// Warnings of the generation (duplicate ids).
    pub warnings: Vec<String>,
}

impl SyncReport {
    /// Whether the sync changed no file.
    pub fn nothing_changed(&self) -> bool {
        self.pages.is_empty() && !self.record_changed && self.features_changed == 0
    }
}

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = match &self.origin {
            CommitOrigin::CommandLine => "from --commit".to_owned(),
            CommitOrigin::Git(how) => format!("read with git: {how}"),
        };
        writeln!(
            f,
            "docs checkout: {} at commit {} ({origin})",
            self.from.display(),
            self.commit
        )?;
        let count = |pred: fn(&PageChange) -> bool| self.pages.iter().filter(|p| pred(p)).count();
        writeln!(
            f,
            "pages: {} added, {} changed, {} removed, {} unchanged",
            count(|p| matches!(p, PageChange::Added { .. })),
            count(|p| matches!(p, PageChange::Changed { .. })),
            count(|p| matches!(p, PageChange::Removed { .. })),
            self.unchanged
        )?;
        for page in &self.pages {
            write!(f, "{page}")?;
        }
        match (&self.previous_commit, self.record_changed) {
            (_, false) => writeln!(f, "source record: unchanged")?,
            (Some(previous), true) if *previous != self.commit => {
                writeln!(
                    f,
                    "source record: updated, commit {previous} → {}",
                    self.commit
                )?;
            }
            (Some(_), true) => writeln!(f, "source record: updated")?,
            (None, true) => writeln!(f, "source record: written")?,
        }
        for warning in &self.warnings {
            writeln!(f, "warning: {warning}")?;
        }
        write!(
            f,
            "features: {} (files changed: {})",
            self.generated, self.features_changed
        )?;
        if self.nothing_changed() {
            write!(f, "\nnothing changed")?;
        }
        Ok(())
    }
}

fn other(message: String) -> PipelineError {
    PipelineError::Other(message)
}

/// A page the sync will leave in the spec directory.
struct Incoming {
    name: String,
    bytes: Vec<u8>,
    page: UseCase,
}

/// Reads, parses and selects the pages to copy; every page error is collected.
fn incoming(checkout: &Checkout, options: &SyncOptions) -> Result<Vec<Incoming>, PipelineError> {
    if !options.spec_dir.is_dir() {
        return Err(other(format!(
            "the spec directory {} does not exist",
            options.spec_dir.display()
        )));
    }
    let current = md_names(&options.spec_dir).map_err(other)?;
    // Every entry of the checkout is looked at, so that a page that is not a
    // regular file is an error even when it is not selected.
    let offered = checkout.page_names().map_err(other)?;
    if offered.is_empty() {
        return Err(other(format!(
            "the docs checkout has no pages in {}; nothing was written",
            checkout.pages.display()
        )));
    }
    let mut names: Vec<String> = current.clone();
    if !options.selects.is_empty() {
        names.extend(offered);
    }
    names.sort();
    names.dedup();
    let mut pages = Vec::new();
    let mut errors: Vec<SpecError> = Vec::new();
    for name in names {
        let path = checkout.pages.join(&name);
        let Some(bytes) = checkout.read(&name).map_err(other)? else {
            continue; // gone upstream: removed below
        };
        match parse_page(&path, &bytes) {
            Ok(page) => {
                let kept = current.binary_search(&name).is_ok();
                let selected = !options.selects.is_empty()
                    && options
                        .selects
                        .iter()
                        .all(|s| page.property(&s.key) == Some(s.value.as_str()));
                if kept || selected {
                    pages.push(Incoming { name, bytes, page });
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(PipelineError::Pages(errors));
    }
    Ok(pages)
}

/// The `gen` plan of the incoming pages, built in memory.
fn plan(pages: &[Incoming]) -> Result<Plan, PipelineError> {
    let mut plan = Plan {
        pages_read: pages.len(),
        ..Plan::default()
    };
    let mut ids: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for incoming in pages {
        if let Some(id) = incoming.page.id() {
            ids.entry(id).or_default().push(&incoming.name);
        }
        match render(&incoming.page) {
            Some(feature) => {
                verify(&feature).map_err(|m| other(format!("{}: {m}", feature.source)))?;
                plan.features.push(feature);
            }
            None => plan.skipped += 1,
        }
    }
    for (id, sources) in ids {
        if sources.len() > 1 {
            plan.warnings.push(format!(
                "use-case id {id} is used by {} pages: {}",
                sources.len(),
                sources.join(", ")
            ));
        }
    }
    plan.features.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    Ok(plan)
}

/// A spec page as it is now: its bytes, and the page or why it does not parse.
type OldPage = (Vec<u8>, Result<UseCase, String>);

/// The old version of a spec page, parsed, or why it does not parse.
fn old_page(spec_dir: &Path, name: &str) -> Result<Option<OldPage>, PipelineError> {
    let path = spec_dir.join(name);
    let Some(bytes) = read_page_bytes(&path).map_err(other)? else {
        return Ok(None);
    };
    let parsed = parse_page(&path, &bytes).map_err(|e| e.to_string());
    Ok(Some((bytes, parsed)))
}

/// How many uncommitted paths an error lists.
const LISTED_PATHS: usize = 10;

/// Refuses a git checkout whose pages differ from its commit: the record
/// would attribute text to a commit that does not hold it. A checkout that
/// is not a git checkout (then `--commit` was given) cannot be checked.
fn refuse_uncommitted(checkout: &Checkout) -> Result<(), PipelineError> {
    if !checkout.is_git_checkout().map_err(other)? {
        return Ok(());
    }
    let dirty = checkout.uncommitted_pages().map_err(other)?;
    if dirty.is_empty() {
        return Ok(());
    }
    let mut listed: Vec<String> = dirty
        .iter()
        .take(LISTED_PATHS)
        .map(|p| p.escape_debug().to_string())
        .collect();
    if dirty.len() > LISTED_PATHS {
        listed.push(format!("… and {} more", dirty.len() - LISTED_PATHS));
    }
    Err(other(format!(
        "the pages of {} have uncommitted changes (git status):\n  {}\n\
         commit or stash them (or check out a clean copy), then sync again; nothing was written",
        checkout.root.display(),
        listed.join("\n  ")
    )))
}

/// Syncs, or explains why not; writes nothing on error.
pub fn run(options: &SyncOptions) -> Result<SyncReport, PipelineError> {
    let checkout = Checkout::open(&options.from).map_err(other)?;
    let (commit, origin) = match &options.commit {
        Some(commit) => (
            parse_commit(commit).map_err(other)?,
            CommitOrigin::CommandLine,
        ),
        None => checkout.commit().map_err(other)?,
    };
    refuse_uncommitted(&checkout)?;
    let previous = SourceRecord::read(&options.record).map_err(other)?;
    let pages = incoming(&checkout, options)?;
    if pages.is_empty() {
        return Err(other(format!(
            "no page would remain in {}: pass --select to take pages from the checkout; nothing was written",
            options.spec_dir.display()
        )));
    }

    // Page changes, against what the spec directory holds now.
    let mut changes = Vec::new();
    let mut unchanged = 0;
    let incoming_names: Vec<&str> = pages.iter().map(|p| p.name.as_str()).collect();
    for incoming in &pages {
        match old_page(&options.spec_dir, &incoming.name)? {
            None => changes.push(PageChange::Added {
                name: incoming.name.clone(),
                bullets: diff::all_bullets(&incoming.page, true),
            }),
            Some((bytes, _)) if bytes == incoming.bytes => unchanged += 1,
            Some((_, Ok(old))) => changes.push(PageChange::Changed {
                name: incoming.name.clone(),
                properties: diff::property_changes(&old, &incoming.page),
                bullets: diff::bullet_changes(&old, &incoming.page),
                old_unparsed: None,
            }),
            Some((_, Err(error))) => changes.push(PageChange::Changed {
                name: incoming.name.clone(),
                properties: Vec::new(),
                bullets: diff::all_bullets(&incoming.page, true),
                old_unparsed: Some(error),
            }),
        }
    }
    for name in md_names(&options.spec_dir).map_err(other)? {
        if !incoming_names.contains(&name.as_str()) {
            let bullets = match old_page(&options.spec_dir, &name)? {
                Some((_, Ok(old))) => diff::all_bullets(&old, false),
                _ => Vec::new(),
            };
            changes.push(PageChange::Removed { name, bullets });
        }
    }
    changes.sort_by(|a, b| a.name().cmp(b.name()));
    let removed: Vec<&str> = changes
        .iter()
        .filter(|c| matches!(c, PageChange::Removed { .. }))
        .map(PageChange::name)
        .collect();
    if !removed.is_empty() && !options.allow_removal {
        return Err(other(format!(
            "the docs checkout no longer has {} of the pages in {}: {}; to remove them and \
             their features, run again with --allow-removal; nothing was written",
            removed.len(),
            options.spec_dir.display(),
            removed.join(", ")
        )));
    }

    // The source record.
    let record = SourceRecord {
        repository: REPOSITORY.to_owned(),
        path: format!("{PAGES_DIR}/"),
        commit: commit.clone(),
        pages: pages
            .iter()
            .map(|p| (p.name.clone(), digest(&p.bytes)))
            .collect(),
    };
    let record_text = record.render();
    let record_changed =
        std::fs::read_to_string(&options.record).ok().as_deref() != Some(&record_text);

    // The features, and what they change in the output directory.
    let plan = plan(&pages)?;
    let drifts = pipeline::check(&plan, &options.out_dir)?;
    let blocked: Vec<String> = drifts
        .iter()
        .filter(|d| matches!(d, Drift::NotGenerated { .. }))
        .map(ToString::to_string)
        .collect();
    if !blocked.is_empty() {
        return Err(other(format!(
            "refusing to overwrite files that `cargo xtask gen` did not write:\n  {}",
            blocked.join("\n  ")
        )));
    }

    // Every write and removal, of pages, the record and features, all or nothing.
    let mut staged: Vec<(PathBuf, FileChange)> = Vec::new();
    for change in &changes {
        match change {
            PageChange::Added { name, .. } | PageChange::Changed { name, .. } => {
                let bytes = pages
                    .iter()
                    .find(|p| &p.name == name)
                    .map(|p| p.bytes.clone())
                    .unwrap_or_default();
                staged.push((
                    options.spec_dir.clone(),
                    FileChange::Write {
                        name: name.clone(),
                        bytes,
                    },
                ));
            }
            PageChange::Removed { name, .. } => staged.push((
                options.spec_dir.clone(),
                FileChange::Remove { name: name.clone() },
            )),
        }
    }
    if record_changed {
        let (dir, name) = split_file(&options.record)?;
        staged.push((
            dir.to_path_buf(),
            FileChange::Write {
                name: name.to_owned(),
                bytes: record_text.as_bytes().to_vec(),
            },
        ));
    }
    let mut features_changed = 0;
    for drift in &drifts {
        match drift {
            Drift::Stale { file, .. } | Drift::Missing { file } => {
                let text = plan
                    .features
                    .iter()
                    .find(|f| &f.file_name == file)
                    .map(|f| f.text.as_str())
                    .unwrap_or_default();
                staged.push((
                    options.out_dir.clone(),
                    FileChange::Write {
                        name: file.clone(),
                        bytes: text.as_bytes().to_vec(),
                    },
                ));
                features_changed += 1;
            }
            Drift::Orphaned { file, .. } => {
                staged.push((
                    options.out_dir.clone(),
                    FileChange::Remove { name: file.clone() },
                ));
                features_changed += 1;
            }
            Drift::NotGenerated { .. } => {}
        }
    }
    stage::apply_across(&staged).map_err(other)?;

    Ok(SyncReport {
        from: options.from.clone(),
        commit,
        origin,
        previous_commit: previous.map(|r| r.commit),
        pages: changes,
        unchanged,
        record_changed,
        features_changed,
        generated: plan.summary(),
        warnings: plan.warnings,
    })
}

/// The directory and file name of a file path.
fn split_file(path: &Path) -> Result<(&Path, &str), PipelineError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| other(format!("{} is not a file path", path.display())))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok((dir, name))
}
