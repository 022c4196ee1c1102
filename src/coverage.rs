//! `enmeshed-conformance coverage`: traces every outcome bullet of every use
//! case to its generated scenario, says whether every step of it has a step
//! definition, and whether the executable ones pass against an implementation.

use crate::adapter::Adapter;
use crate::generate::render;
use crate::outcome::Outcome;
use crate::runner::{self, RunOptions};
use crate::spec::{SpecError, UseCase, parse_page, read_page};
use crate::steps;
use cucumber::gherkin::{Feature, GherkinEnv};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One outcome bullet and its scenario.
#[derive(Debug, Clone, Serialize)]
pub struct BulletCoverage {
    /// The use-case id.
    pub id: String,
    /// The page's file name.
    pub page: String,
    /// The page line of the bullet.
    pub line: usize,
    /// `On Success` or `On Failure`.
    pub section: String,
    /// The scenario generated from the bullet.
    pub scenario: String,
    /// Steps no definition matches.
    pub undefined_steps: Vec<String>,
    /// Steps more than one definition matches.
    pub ambiguous_steps: Vec<String>,
    /// Whether every step has exactly one definition.
    pub executable: bool,
    /// Whether the scenario passed against the implementation (executable ones only).
    pub passes: Option<bool>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageReport {
    /// The spec directory.
    pub spec: String,
    /// The implementation the executable scenarios ran against.
    pub implementation: String,
    /// Pages read.
    pub pages: usize,
    /// Pages that could not be parsed, with the located error.
    pub page_errors: Vec<String>,
    /// Every outcome bullet.
    pub bullets: Vec<BulletCoverage>,
}

impl CoverageReport {
    /// How many bullets are executable.
    pub fn executable(&self) -> usize {
        self.bullets.iter().filter(|b| b.executable).count()
    }

    /// How many bullets passed.
    pub fn passing(&self) -> usize {
        self.bullets
            .iter()
            .filter(|b| b.passes == Some(true))
            .count()
    }

    /// The use-case ids with executable bullets.
    pub fn executable_ids(&self) -> Vec<&str> {
        let ids: BTreeSet<&str> = self
            .bullets
            .iter()
            .filter(|b| b.executable)
            .map(|b| b.id.as_str())
            .collect();
        ids.into_iter().collect()
    }

    /// The bullets the suite cannot execute yet (pending: a step matches no
    /// phrase, or more than one).
    pub fn pending(&self) -> usize {
        self.bullets.iter().filter(|b| !b.executable).count()
    }

    /// Whether the report is green under `--strict`: green, and no bullet pending.
    pub fn strict_green(&self) -> bool {
        self.green() && self.pending() == 0
    }

    /// Whether the report is green: pages parsed and every executable bullet
    /// passed. Pending bullets do not make it red ([`strict_green`](Self::strict_green) does).
    pub fn green(&self) -> bool {
        self.page_errors.is_empty()
            && self
                .bullets
                .iter()
                .all(|b| !b.executable || b.passes == Some(true))
    }

    /// The summary line.
    pub fn summary(&self) -> String {
        format!(
            "outcome bullets executable: {}/{} ({}); passing against {}: {}/{}; pending: {}{}",
            self.executable(),
            self.bullets.len(),
            self.executable_ids().join(", "),
            self.implementation,
            self.passing(),
            self.executable(),
            self.pending(),
            if self.pending() > 0 {
                " (not executable yet; not failures; `coverage --strict` fails on them)"
            } else {
                ""
            }
        )
    }

    /// Undefined step texts with how many bullets need them, most needed first.
    pub fn undefined_steps(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for step in self.bullets.iter().flat_map(|b| &b.undefined_steps) {
            *counts.entry(step.as_str()).or_default() += 1;
        }
        let mut list: Vec<(String, usize)> =
            counts.into_iter().map(|(s, n)| (s.to_owned(), n)).collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list
    }

    /// The table, the to-do list of undefined steps and the summary line.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "| use case | page:line | section | executable | passes | undefined steps |\n|---|---|---|---|---|---|\n",
        );
        for b in &self.bullets {
            out.push_str(&format!(
                "| {} | {}:{} | {} | {} | {} | {} |\n",
                b.id,
                b.page,
                b.line,
                b.section,
                if b.executable { "yes" } else { "no" },
                match b.passes {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "-",
                },
                b.undefined_steps.len() + b.ambiguous_steps.len()
            ));
        }
        for error in &self.page_errors {
            out.push_str(&format!("\nerror: {error}"));
        }
        let undefined = self.undefined_steps();
        if !undefined.is_empty() {
            out.push_str(&format!(
                "\nundefined steps ({}), the to-do list for growing the suite (add a phrase in {}):\n",
                undefined.len(),
                crate::vocabulary::WHERE_TO_ADD
            ));
            for (step, count) in &undefined {
                out.push_str(&format!("  {count:>4} × {step}\n"));
                let text = ["Given ", "When ", "Then ", "And ", "But ", "* "]
                    .iter()
                    .find_map(|k| step.strip_prefix(k))
                    .unwrap_or(step);
                for near in crate::vocabulary::nearest(text, 3) {
                    out.push_str(&format!("         nearest known: {near}\n"));
                }
            }
        }
        out.push('\n');
        out.push_str(&self.summary());
        out
    }
}

/// Traces the use-case pages of `spec_dir` (the pages built into the binary
/// when `None`) and runs the executable scenarios against `adapter`.
pub async fn coverage(
    spec_dir: Option<&Path>,
    adapter: Arc<dyn Adapter>,
) -> Result<CoverageReport, String> {
    let info = adapter
        .describe()
        .await
        .map_err(|e| format!("the implementation does not describe itself: {e}"))?;
    let (spec, pages) = match spec_dir {
        Some(dir) => (dir.display().to_string(), pages_in(dir)?),
        None => (
            "embedded: spec/use-cases".to_owned(),
            crate::suite::SPEC_PAGES
                .iter()
                .map(|f| {
                    let path = Path::new(f.path);
                    (path.to_path_buf(), parse_page(path, f.text.as_bytes()))
                })
                .collect(),
        ),
    };
    let collection = steps::collection();
    let mut report = CoverageReport {
        spec,
        implementation: format!("{} {}", info.name, info.version),
        pages: pages.len(),
        page_errors: Vec::new(),
        bullets: Vec::new(),
    };
    let scratch = scratch_dir()?;
    let mut runnable = Vec::new();
    for (path, page) in pages {
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                report.page_errors.push(e.to_string());
                continue;
            }
        };
        let Some(feature) = render(&page) else {
            continue;
        };
        let parsed = Feature::parse(&feature.text, GherkinEnv::default()).map_err(|e| {
            format!(
                "{}: the generated feature does not parse: {e}",
                path.display()
            )
        })?;
        let bullets = page
            .body
            .sections
            .iter()
            .filter(|s| s.kind.is_outcome() && !s.bullets.is_empty())
            .flat_map(|s| {
                s.bullets
                    .iter()
                    .map(move |b| (s.kind.title().to_owned(), b.line))
            });
        let scenarios = parsed.rules.iter().flat_map(|r| &r.scenarios);
        let mut any_executable = false;
        for ((section, line), scenario) in bullets.zip(scenarios) {
            let mut undefined = Vec::new();
            let mut ambiguous = Vec::new();
            for step in &scenario.steps {
                match collection.find(step) {
                    Ok(Some(_)) => {}
                    Ok(None) => undefined.push(format!("{}{}", step.keyword, step.value)),
                    Err(_) => ambiguous.push(format!("{}{}", step.keyword, step.value)),
                }
            }
            let executable = undefined.is_empty() && ambiguous.is_empty();
            any_executable |= executable;
            report.bullets.push(BulletCoverage {
                id: feature.id.clone().unwrap_or_default(),
                page: page.file_name.clone(),
                line,
                section,
                scenario: scenario.name.clone(),
                undefined_steps: undefined,
                ambiguous_steps: ambiguous,
                executable,
                passes: None,
            });
        }
        if any_executable {
            let file = scratch.join(&feature.file_name);
            crate::fsio::write_file(&file, feature.text.as_bytes()).map_err(|e| e.to_string())?;
            runnable.push(file);
        }
    }
    if !runnable.is_empty() {
        let mut options = RunOptions::new(runnable);
        options.console = false;
        let run = runner::run(adapter, &options)
            .await
            .map_err(|e| e.to_string());
        let _ = std::fs::remove_dir_all(&scratch);
        let run = run?;
        for bullet in report.bullets.iter_mut().filter(|b| b.executable) {
            let file = crate::generate::feature_file_name(&bullet.page);
            let result = run
                .tally
                .scenarios
                .iter()
                .find(|s| s.scenario == bullet.scenario && s.location.contains(&file));
            bullet.passes = Some(result.is_some_and(|s| s.outcome == Outcome::Passed));
        }
    } else {
        let _ = std::fs::remove_dir_all(&scratch);
    }
    Ok(report)
}

/// The use-case pages (`*.md`) of `spec_dir`, sorted, each read and parsed.
#[allow(clippy::type_complexity)]
fn pages_in(spec_dir: &Path) -> Result<Vec<(PathBuf, Result<UseCase, SpecError>)>, String> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(spec_dir)
        .map_err(|e| format!("cannot read spec directory {}: {e}", spec_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md") && p.is_file())
        .collect();
    pages.sort();
    if pages.is_empty() {
        return Err(format!(
            "{} holds no use-case page (*.md); --spec must name the directory of the pages, such as spec/use-cases",
            spec_dir.display()
        ));
    }
    Ok(pages
        .into_iter()
        .map(|path| {
            let page = read_page(&path);
            (path, page)
        })
        .collect())
}

fn scratch_dir() -> Result<PathBuf, String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir =
        std::env::temp_dir().join(format!("enmeshed-coverage-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}
