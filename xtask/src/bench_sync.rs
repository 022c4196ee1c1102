//! `cargo xtask bench-sync`: `sync` + `gen` over a whole directory of pages
//! (the 189-page corpus), in a scratch workspace under the system's temp
//! directory.
//!
//! The pages are put into a scratch checkout (`_docs_use-cases/`). Each
//! iteration starts from a workspace whose `spec/use-cases/` holds every page
//! in an older version (its last bullet line missing) and no features, then
//! times:
//!
//! - **sync, all pages changed**: read and parse both versions of every page,
//!   diff them, render and check every feature, stage and rename every page,
//!   the record and every feature;
//! - **sync, nothing changed**: the same command again (reads, parses, renders
//!   and compares everything; writes nothing);
//! - **check**: `cargo xtask check` on the synced workspace (parse, render,
//!   compare), for comparison.

use crate::pipeline::{self, PipelineError};
use crate::sync::{self, SyncOptions};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Medians of one `bench-sync` run.
#[derive(Debug)]
pub struct Report {
    /// Pages in the directory.
    pub pages: usize,
    /// Pages the first sync reported as changed.
    pub changed: usize,
    /// Feature files the first sync wrote.
    pub features: usize,
    /// Timed iterations.
    pub iterations: u32,
    /// Median of the first sync (every page changed).
    pub first: Duration,
    /// Median of the repeated sync (nothing changed).
    pub repeat: Duration,
    /// Median of `check` on the synced workspace.
    pub check: Duration,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        writeln!(
            f,
            "pages: {} ({} changed by the first sync, {} features written); medians of {} iterations",
            self.pages, self.changed, self.features, self.iterations
        )?;
        writeln!(
            f,
            "sync, all pages changed (+ gen): {:.1} ms",
            ms(self.first)
        )?;
        writeln!(
            f,
            "sync, nothing changed (+ gen):   {:.1} ms",
            ms(self.repeat)
        )?;
        write!(
            f,
            "check on the synced workspace:   {:.1} ms",
            ms(self.check)
        )
    }
}

fn other(message: String) -> PipelineError {
    PipelineError::Other(message)
}

/// A fresh directory under the system's temp directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self, PipelineError> {
        let base = std::env::temp_dir();
        for attempt in 0..16u32 {
            let dir = base.join(format!(
                "xtask-bench-sync-{}-{attempt}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos())
            ));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(Self(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(other(format!("cannot create {}: {e}", dir.display()))),
            }
        }
        Err(other("cannot create a scratch directory".to_owned()))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The page with its last bullet line (`- …` at the start of a line) removed:
/// an "older version" for the first sync to find changed.
fn older_version(text: &str) -> String {
    match text.rfind("\n- ") {
        Some(start) => {
            let end = text[start + 1..]
                .find('\n')
                .map_or(text.len(), |i| start + 1 + i);
            format!("{}{}", &text[..start], &text[end..])
        }
        None => text.to_owned(),
    }
}

fn create(dir: &Path) -> Result<(), PipelineError> {
    std::fs::create_dir_all(dir).map_err(|e| other(format!("cannot create {}: {e}", dir.display())))
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// Runs the benchmark over the pages of `spec_dir`.
pub fn run(spec_dir: &Path, iterations: u32) -> Result<Report, PipelineError> {
    let paths = pipeline::page_paths(spec_dir)?;
    let scratch = Scratch::new()?;
    let docs = scratch.0.join("docs");
    let docs_pages = docs.join(sync::PAGES_DIR);
    create(&docs_pages)?;
    let mut pages: Vec<(String, String)> = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path)
            .map_err(|e| other(format!("cannot read {}: {e}", path.display())))?;
        enmeshed_conformance::fsio::write_file(&docs_pages.join(&name), text.as_bytes())
            .map_err(|e| other(format!("cannot write the scratch checkout: {e}")))?;
        pages.push((name, text));
    }

    let mut report = Report {
        pages: pages.len(),
        changed: 0,
        features: 0,
        iterations: iterations.max(1),
        first: Duration::ZERO,
        repeat: Duration::ZERO,
        check: Duration::ZERO,
    };
    let (mut first, mut repeat, mut check) = (Vec::new(), Vec::new(), Vec::new());
    // One untimed round first (file cache, allocator).
    for round in 0..=report.iterations {
        let ws = scratch.0.join(format!("ws-{round}"));
        let spec = ws.join("spec/use-cases");
        create(&spec)?;
        for (name, text) in &pages {
            enmeshed_conformance::fsio::write_file(
                &spec.join(name),
                older_version(text).as_bytes(),
            )
            .map_err(|e| other(format!("cannot write the scratch spec: {e}")))?;
        }
        let options = SyncOptions {
            from: docs.clone(),
            selects: Vec::new(),
            commit: Some("a683209d".to_owned()),
            spec_dir: spec.clone(),
            record: ws.join("spec/SOURCE.toml"),
            out_dir: ws.join("features/generated"),
            allow_removal: false,
        };
        let start = Instant::now();
        let synced = sync::run(&options)?;
        let first_time = start.elapsed();
        let start = Instant::now();
        let again = sync::run(&options)?;
        let repeat_time = start.elapsed();
        if !again.nothing_changed() {
            return Err(other(
                "the second sync changed files: sync is not idempotent".to_owned(),
            ));
        }
        let start = Instant::now();
        let plan = pipeline::plan(&spec, &[])?;
        let drifts = pipeline::check(&plan, &options.out_dir)?;
        let check_time = start.elapsed();
        if !drifts.is_empty() {
            return Err(other(format!(
                "check found {} drifts after sync",
                drifts.len()
            )));
        }
        if round > 0 {
            first.push(first_time);
            repeat.push(repeat_time);
            check.push(check_time);
        }
        report.changed = synced.pages.len();
        report.features = synced.features_changed;
        let _ = std::fs::remove_dir_all(&ws);
    }
    report.first = median(first);
    report.repeat = median(repeat);
    report.check = median(check);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::older_version;

    #[test]
    fn the_older_version_lacks_the_last_bullet() {
        assert_eq!(older_version("a\n- b\n- c\nd\n"), "a\n- b\nd\n");
        assert_eq!(older_version("a\n- b"), "a");
        assert_eq!(older_version("no bullets\n"), "no bullets\n");
    }
}
