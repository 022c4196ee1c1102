//! `gen` and `check`: from a directory of pages to a directory of features.
//!
//! Everything is produced in memory first ([`plan`]); only a plan without
//! errors is written ([`write()`]) or compared ([`check`]).

use crate::generate::{GeneratedFeature, render, source_of};
use crate::spec::{SpecError, UseCase, read_page};
use crate::stage::{self, Change};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// A `--select KEY=VALUE` filter: keeps pages whose property `key` is `value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Select {
    /// The property key (may contain spaces).
    pub key: String,
    /// The exact value the property must have.
    pub value: String,
}

impl std::str::FromStr for Select {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => Ok(Select {
                key: key.trim().to_owned(),
                value: value.trim().to_owned(),
            }),
            _ => Err(format!(
                "`{s}` is not KEY=VALUE (for example \"tech category=IdentityDeletionProcesses\")"
            )),
        }
    }
}

impl fmt::Display for Select {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// What `gen` would write, computed without touching the output directory.
#[derive(Debug, Default)]
pub struct Plan {
    /// The features to write, sorted by file name.
    pub features: Vec<GeneratedFeature>,
    /// How many pages were read and parsed.
    pub pages_read: usize,
    /// Pages left out by `--select`.
    pub deselected: usize,
    /// Selected pages without any outcome bullet.
    pub skipped: usize,
    /// Things worth knowing that do not stop generation (duplicate ids).
    pub warnings: Vec<String>,
}

impl Plan {
    /// The one-line summary printed after `gen`.
    pub fn summary(&self) -> String {
        let scenarios: usize = self.features.iter().map(|f| f.scenarios).sum();
        let mut line = format!(
            "pages read: {}, features written: {} ({scenarios} scenarios), skipped (no outcome section): {}, warnings: {}",
            self.pages_read,
            self.features.len(),
            self.skipped,
            self.warnings.len()
        );
        if self.deselected > 0 {
            line.push_str(&format!(", not selected: {}", self.deselected));
        }
        line
    }
}

/// Failure of a whole command: located page errors, or a problem with the directories.
#[derive(Debug)]
pub enum PipelineError {
    /// One or more pages are malformed; nothing was written.
    Pages(Vec<SpecError>),
    /// Something else went wrong; nothing was written.
    Other(String),
}

impl fmt::Display for PipelineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PipelineError::Pages(errors) => {
                for e in errors {
                    writeln!(f, "error: {e}")?;
                }
                write!(
                    f,
                    "{} page(s) with errors; nothing was written",
                    errors.len()
                )
            }
            PipelineError::Other(message) => write!(f, "error: {message}"),
        }
    }
}

impl std::error::Error for PipelineError {}

/// The `.md` files directly inside `dir`, sorted.
pub fn page_paths(dir: &Path) -> Result<Vec<PathBuf>, PipelineError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        PipelineError::Other(format!("cannot read spec directory {}: {e}", dir.display()))
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            PipelineError::Other(format!("cannot read spec directory {}: {e}", dir.display()))
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// Reads every page of `spec_dir` and renders the selected ones.
pub fn plan(spec_dir: &Path, selects: &[Select]) -> Result<Plan, PipelineError> {
    let mut plan = Plan::default();
    let mut errors = Vec::new();
    let mut pages: Vec<UseCase> = Vec::new();
    for result in parallel_map(&page_paths(spec_dir)?, |path| read_page(path)) {
        match result {
            Ok(page) => pages.push(page),
            Err(e) => errors.push(e),
        }
    }
    plan.pages_read = pages.len() + errors.len();
    if !errors.is_empty() {
        return Err(PipelineError::Pages(errors));
    }
    if pages.is_empty() {
        return Err(PipelineError::Other(format!(
            "{} holds no use-case page (*.md); --spec must name the directory of the pages, such as spec/use-cases; nothing was written",
            spec_dir.display()
        )));
    }
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for page in &pages {
        if !selects
            .iter()
            .all(|s| page.property(&s.key) == Some(s.value.as_str()))
        {
            plan.deselected += 1;
            continue;
        }
        if let Some(id) = page.id() {
            ids.entry(id.to_owned())
                .or_default()
                .push(page.file_name.clone());
        }
        match render(page) {
            Some(feature) => plan.features.push(feature),
            None => plan.skipped += 1,
        }
    }
    for (feature, verified) in plan
        .features
        .iter()
        .zip(parallel_map(&plan.features, verify))
    {
        verified.map_err(|m| PipelineError::Other(format!("{}: {m}", feature.source)))?;
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
    if plan.deselected == pages.len() {
        return Err(PipelineError::Other(format!(
            "no page of {} matches --select {}; nothing was written",
            spec_dir.display(),
            selects
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" --select ")
        )));
    }
    plan.features.sort_by(|a, b| a.file_name.cmp(&b.file_name));
    Ok(plan)
}

/// `f` over `items` on the machine's cores, results in the order of `items`.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    // Below a few dozen items a thread costs more than it saves.
    const ITEMS_PER_THREAD: usize = 16;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len() / ITEMS_PER_THREAD)
        .max(1);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// Parses a generated feature back with the `gherkin` crate and checks that it
/// holds exactly one scenario per bullet.
pub fn verify(feature: &GeneratedFeature) -> Result<(), String> {
    let parsed =
        gherkin::Feature::parse(&feature.text, gherkin::GherkinEnv::default()).map_err(|e| {
            format!(
                "generated feature {} does not parse back: {e}",
                feature.file_name
            )
        })?;
    let count = parsed.scenarios.len()
        + parsed
            .rules
            .iter()
            .map(|r| r.scenarios.len())
            .sum::<usize>();
    if count != feature.scenarios {
        return Err(format!(
            "generated feature {} parses back to {count} scenarios, expected {}",
            feature.file_name, feature.scenarios
        ));
    }
    Ok(())
}

/// How the output directory differs from the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// The file exists with other content; `diff` is a unified diff (current → expected).
    Stale {
        /// File name.
        file: String,
        /// Unified diff from the file on disk to the expected text.
        diff: String,
    },
    /// The file should exist but does not.
    Missing {
        /// File name.
        file: String,
    },
    /// A generated file whose page is gone (or no longer selected or executable).
    Orphaned {
        /// File name.
        file: String,
        /// The page its header names.
        source: String,
    },
    /// A file without the do-not-edit header stands where a generated one must go.
    NotGenerated {
        /// File name.
        file: String,
    },
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::Stale { file, diff } => write!(f, "stale: {file}\n{diff}"),
            Drift::Missing { file } => write!(f, "missing: {file}"),
            Drift::Orphaned { file, source } => write!(
                f,
                "orphaned: {file} (its page {source} is gone or yields no feature)"
            ),
            Drift::NotGenerated { file } => {
                write!(
                    f,
                    "not generated: {file} lacks the do-not-edit header; move it out of the output directory"
                )
            }
        }
    }
}

/// Existing `.feature` files of `out_dir` by name (an absent directory is empty).
fn existing(out_dir: &Path) -> Result<BTreeMap<String, String>, PipelineError> {
    let mut files = BTreeMap::new();
    let entries = match std::fs::read_dir(out_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(e) => {
            return Err(PipelineError::Other(format!(
                "cannot read {}: {e}",
                out_dir.display()
            )));
        }
    };
    for entry in entries {
        let entry = entry
            .map_err(|e| PipelineError::Other(format!("cannot read {}: {e}", out_dir.display())))?;
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "feature") || !path.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        // A file that is not UTF-8 is not one of ours; keep it as an empty text without header.
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        files.insert(name, text);
    }
    Ok(files)
}

/// Compares `out_dir` with the plan.
pub fn check(plan: &Plan, out_dir: &Path) -> Result<Vec<Drift>, PipelineError> {
    let mut on_disk = existing(out_dir)?;
    let mut drifts = Vec::new();
    for feature in &plan.features {
        match on_disk.remove(&feature.file_name) {
            None => drifts.push(Drift::Missing {
                file: feature.file_name.clone(),
            }),
            Some(current) if source_of(&current).is_none() => {
                drifts.push(Drift::NotGenerated {
                    file: feature.file_name.clone(),
                });
            }
            Some(current) if current != feature.text => drifts.push(Drift::Stale {
                file: feature.file_name.clone(),
                diff: similar::TextDiff::from_lines(&current, &feature.text)
                    .unified_diff()
                    .context_radius(2)
                    .header(
                        &format!("{} (on disk)", feature.file_name),
                        &format!("{} (expected)", feature.file_name),
                    )
                    .to_string(),
            }),
            Some(_) => {}
        }
    }
    let planned: BTreeSet<&str> = plan.features.iter().map(|f| f.source.as_str()).collect();
    for (file, text) in on_disk {
        if let Some(source) = source_of(&text)
            && !planned.contains(source)
        {
            drifts.push(Drift::Orphaned {
                file,
                source: source.to_owned(),
            });
        }
    }
    Ok(drifts)
}

/// Writes the plan into `out_dir`: stale and missing files are written,
/// orphaned generated files removed, all or nothing ([`stage::apply`]).
/// Refuses, before writing anything, when a file without the do-not-edit
/// header is in the way.
pub fn write(plan: &Plan, out_dir: &Path) -> Result<usize, PipelineError> {
    let drifts = check(plan, out_dir)?;
    let blocked: Vec<String> = drifts
        .iter()
        .filter(|d| matches!(d, Drift::NotGenerated { .. }))
        .map(ToString::to_string)
        .collect();
    if !blocked.is_empty() {
        return Err(PipelineError::Other(format!(
            "refusing to overwrite files that `cargo xtask gen` did not write:\n  {}",
            blocked.join("\n  ")
        )));
    }
    let texts: BTreeMap<&str, &str> = plan
        .features
        .iter()
        .map(|f| (f.file_name.as_str(), f.text.as_str()))
        .collect();
    let changes: Vec<Change> = drifts
        .iter()
        .filter_map(|drift| match drift {
            Drift::Stale { file, .. } | Drift::Missing { file } => Some(Change::Write {
                name: file.clone(),
                bytes: texts
                    .get(file.as_str())
                    .copied()
                    .unwrap_or_default()
                    .as_bytes()
                    .to_vec(),
            }),
            Drift::Orphaned { file, .. } => Some(Change::Remove { name: file.clone() }),
            Drift::NotGenerated { .. } => None,
        })
        .collect();
    let changed = changes.len();
    if changed > 0 {
        stage::apply(out_dir, &changes).map_err(PipelineError::Other)?;
    }
    Ok(changed)
}
