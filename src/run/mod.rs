//! The whole of `enmeshed-conformance run` as one library call: [`Run`]
//! runs the features, the fuzz properties and the protocol check against an
//! adapter, applies the expectations gate, writes every report, and returns
//! a typed [`RunResult`]: the verdict, the counts, the exit code it implies
//! and the gate's findings. The command line only maps its arguments onto
//! a [`Run`] and prints the result.
//!
//! ```no_run
//! use enmeshed_conformance::prelude::*;
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let result = Run::new(Arc::new(ReferenceImplementation::new()))
//!     .expectations("conformance/expectations.toml")
//!     .junit("target/conformance.xml")
//!     .execute()
//!     .await?;
//! // What `run` prints after the features; the last line is the verdict.
//! result.print_to_console()?;
//! assert_eq!(result.verdict(), RunVerdict::Passed);
//! # Ok(())
//! # }
//! ```

pub mod exit;
mod policy;
mod result;
pub mod start_failure;
pub mod tags;

pub use policy::{RunVerdict, gate_passed, verdict};
pub use result::{Counts, Gate, MAX_LISTED, Printing, RunResult, suite_line};

use crate::adapter::Adapter;
use crate::expectations::{self, Expectations, Finding};
use crate::levels::Level;
use crate::outcome::ScenarioResult;
use crate::results;
use crate::runner::properties::FuzzBudget;
use crate::runner::{self, RunError, RunOptions, RunReport, junit, reports};
use regex::Regex;
use std::path::PathBuf;
use std::sync::Arc;

/// A conformance run of one implementation: what `enmeshed-conformance run`
/// does, built step by step. [`Run::new`] runs the suite built into this
/// crate with the default fuzz budget (the suite version's default seed,
/// printed), printing
/// cucumber's report on standard output; every other setting is optional.
#[derive(Clone)]
pub struct Run {
    adapter: Option<Arc<dyn Adapter>>,
    more_processes: Vec<Arc<dyn Adapter>>,
    implementation_command: Option<String>,
    pinned: Option<Arc<crate::fsio::Pinned>>,
    options: RunOptions,
    expectations: Option<PathBuf>,
    update_expectations: bool,
    strict: bool,
    results: Option<PathBuf>,
    level: Option<Level>,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("options", &self.options)
            .field("expectations", &self.expectations)
            .field("update_expectations", &self.update_expectations)
            .field("strict", &self.strict)
            .finish_non_exhaustive()
    }
}

/// Why a run could not be made (no verdict: nothing was judged).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The run was asked for wrongly: bad feature paths, an invalid
    /// expectations file, a report path that cannot be written, an update of
    /// the expectations after a filtered run (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The implementation did not describe itself (exit code 1).
    #[error("{0}")]
    Failed(String),
}

impl Error {
    /// The exit code `enmeshed-conformance run` gives this error.
    pub const fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => exit::EXIT_USAGE,
            Error::Failed(_) => exit::EXIT_FAILED,
        }
    }
}

impl Run {
    /// A run of the built-in suite against `adapter`: no filter, no report
    /// file, no expectations, the default fuzz budget with the default seed, 64
    /// scenarios at once, cucumber's report on standard output.
    pub fn new(adapter: Arc<dyn Adapter>) -> Self {
        let mut options = RunOptions::embedded();
        options.fuzz = Some(FuzzBudget {
            cases: FuzzBudget::DEFAULT_CASES,
            concurrency_cases: FuzzBudget::DEFAULT_CONCURRENCY_CASES,
            seed: crate::fuzz::SeedChoice::resolve(None),
        });
        Self::with_options(adapter, options)
    }

    /// A run with every runner option given.
    pub fn with_options(adapter: Arc<dyn Adapter>, options: RunOptions) -> Self {
        Self::unstarted(options).adapter(adapter)
    }

    /// A run with every runner option given whose implementation is not
    /// started yet: [`Run::check`] it, start the implementation, then give
    /// it with [`Run::adapter`] (or report its failed start with
    /// [`Run::start_failed`]). This is what the command line does.
    pub fn unstarted(options: RunOptions) -> Self {
        Self {
            adapter: None,
            more_processes: Vec::new(),
            implementation_command: None,
            pinned: None,
            options,
            expectations: None,
            update_expectations: false,
            strict: false,
            results: None,
            level: None,
        }
    }

    /// The implementation under test.
    pub fn adapter(mut self, adapter: Arc<dyn Adapter>) -> Self {
        self.adapter = Some(adapter);
        self
    }

    /// Further processes of the same implementation (`run --jobs N`: N - 1 of
    /// them): the scenarios are spread over these and [`Run::adapter`], each
    /// scenario on one process ([`crate::adapter::jobs`]); the fuzz
    /// properties and protocol checks run on [`Run::adapter`]. Verdicts do
    /// not depend on how many there are.
    pub fn more_processes(mut self, others: Vec<Arc<dyn Adapter>>) -> Self {
        self.more_processes = others;
        self
    }

    /// The command that runs the implementation (`--adapter-cmd`): its
    /// program and every file its arguments name are inputs no output may
    /// overwrite ([`Run::check`]).
    pub fn implementation_command(mut self, command: Option<String>) -> Self {
        self.implementation_command = command;
        self
    }

    /// The runner options as they stand.
    pub fn options(&self) -> &RunOptions {
        &self.options
    }

    /// Runs these feature files or directories (searched recursively)
    /// instead of the built-in suite.
    pub fn features<P: Into<PathBuf>>(mut self, paths: impl IntoIterator<Item = P>) -> Self {
        self.options.features =
            runner::features::Features::Paths(paths.into_iter().map(Into::into).collect());
        self
    }

    /// Only the scenarios matching this cucumber tag expression, e.g.
    /// `@RID1 and not @requires.clock`.
    pub fn tags(mut self, expression: &str) -> Result<Self, Error> {
        let tags = tags::parse(expression).map_err(Error::Usage)?;
        self.options.tags = Some(tags);
        Ok(self)
    }

    /// Only the scenarios whose name matches `name`.
    pub fn name(mut self, name: Regex) -> Self {
        self.options.name = Some(name);
        self
    }

    /// Writes a JUnit XML report here (also when the run fails).
    pub fn junit(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.junit = Some(path.into());
        self
    }

    /// Writes a Cucumber JSON report here.
    pub fn json(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.json = Some(path.into());
        self
    }

    /// Writes a Markdown summary here (e.g. `$GITHUB_STEP_SUMMARY`).
    pub fn summary(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.summary = Some(path.into());
        self
    }

    /// Gates on this expectations file (TOML): the run passes when its
    /// failures are exactly the expected ones.
    pub fn expectations(mut self, path: impl Into<PathBuf>) -> Self {
        self.expectations = Some(path.into());
        self
    }

    /// [`Run::expectations`] when `path` is given.
    pub fn expectations_opt(mut self, path: Option<PathBuf>) -> Self {
        self.expectations = path;
        self
    }

    /// Rewrites the expectations file from this run instead of gating on it
    /// (complete runs only: no tags, name or fail-fast).
    pub fn update_expectations(mut self, update: bool) -> Self {
        self.update_expectations = update;
        self
    }

    /// Fails the gate while an entry or waiver of the expectations file has a
    /// `TODO` reason (`--strict`).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Writes the suite's results file here (JSON, `schemas/results.schema.json`).
    pub fn results(mut self, path: impl Into<PathBuf>) -> Self {
        self.results = Some(path.into());
        self
    }

    /// [`Run::results`] when `path` is given.
    pub fn results_opt(mut self, path: Option<PathBuf>) -> Self {
        self.results = path;
        self
    }

    /// Only the rules at `level` or above (`--level`): the run selects their
    /// scenarios, and the gate judges only those.
    pub fn level(mut self, level: Option<Level>) -> Self {
        self.options.tags = crate::levels::restrict(self.options.tags.take(), level);
        self.level = level;
        self
    }

    /// The fuzzing after the features; `None`: none.
    pub fn fuzz(mut self, budget: Option<FuzzBudget>) -> Self {
        self.options.fuzz = budget;
        self
    }

    /// The seed of the fuzz properties (the same seed reproduces them).
    pub fn seed(mut self, seed: u64) -> Self {
        if let Some(budget) = &mut self.options.fuzz {
            budget.seed = seed;
        }
        self
    }

    /// How many scenarios run at once (at least 1, at most
    /// [`runner::MAX_CONCURRENCY`]).
    pub fn concurrency(mut self, scenarios: usize) -> Self {
        self.options.concurrency = scenarios.clamp(1, usize::from(runner::MAX_CONCURRENCY));
        self
    }

    /// Whether cucumber's report and the header are printed on standard output.
    pub fn console(mut self, console: bool) -> Self {
        self.options.console = console;
        self
    }

    /// Stops after the first failing scenario.
    pub fn fail_fast(mut self, fail_fast: bool) -> Self {
        self.options.fail_fast = fail_fast;
        self
    }

    /// Whether the run leaves scenarios out.
    fn partial(&self) -> bool {
        self.options.tags.is_some()
            || self.options.name.is_some()
            || self.options.fail_fast
            || self.level.is_some()
    }

    fn refuse_partial_update(&self) -> Result<(), Error> {
        if self.update_expectations && self.partial() {
            return Err(Error::Usage(
                "--update-expectations needs a complete run: drop --tags, --name and --fail-fast"
                    .to_owned(),
            ));
        }
        Ok(())
    }

    /// The checks made before the implementation starts (also before a
    /// failed start writes its reports), by [`Run::execute`] too: the
    /// feature paths exist; no output (`--junit`, `--json`, `--summary`,
    /// `--results`, the updated expectations file) is an input (a feature
    /// file, the expectations file, the implementation's program or a file
    /// its command names, the running suite binary) or another output; each
    /// can be written; an update of the expectations is asked of a complete
    /// run. Nothing is created.
    pub fn check(&self) -> Result<(), Error> {
        use crate::fsio::outputs::Named;
        self.refuse_partial_update()?;
        let sources = runner::features::discover(&self.options.features).map_err(Error::Usage)?;
        let mut inputs: Vec<Named> = sources
            .iter()
            .filter_map(runner::features::FeatureSource::file)
            .map(|f| Named::new("feature file", f))
            .collect();
        inputs.extend(crate::protocol::command::implementation_inputs(
            self.implementation_command.as_deref(),
        ));
        if let Some(path) = &self.expectations
            && !self.update_expectations
        {
            inputs.push(Named::new("--expectations", path));
        }
        crate::fsio::outputs::check(&self.outputs(), &inputs).map_err(Error::Usage)
    }

    /// [`Run::check`]s the run and pins the directories of its outputs
    /// (`fsio::pin`): from now on every output is written into the directory
    /// that was checked, even if a link replaces it (while this run or a
    /// clone of it lives). Call it before starting the implementation, as
    /// the command line does; [`Run::execute`] does it when it was not done.
    pub fn checked(mut self) -> Result<Self, Error> {
        self.check()?;
        let outputs = self.outputs();
        let pinned = crate::fsio::pin(outputs.iter().map(|o| o.path.as_path()))
            .map_err(|e| Error::Usage(e.to_string()))?;
        self.pinned = Some(Arc::new(pinned));
        Ok(self)
    }

    /// Every file the run writes: the reports, the results file, the
    /// expectations file when it is updated.
    fn outputs(&self) -> Vec<crate::fsio::outputs::Named> {
        use crate::fsio::outputs::Named;
        let mut outputs = runner::report_outputs(&self.options);
        if let Some(path) = &self.results {
            outputs.push(Named::new("--results", path));
        }
        if let Some(path) = &self.expectations
            && self.update_expectations
        {
            outputs.push(Named::new("--expectations", path));
        }
        outputs
    }

    /// Writes the reports of a run whose implementation did not start:
    /// one errored test case in the JUnit report and the summary asked
    /// for. Returns what could not be written.
    pub fn start_failed(&self, mut failure: start_failure::StartFailure) -> Vec<String> {
        failure.spec_digest = runner::features::discover(&self.options.features)
            .and_then(|sources| runner::features::sources_digest(&sources))
            .ok();
        failure.write(
            self.options.junit.as_deref(),
            self.options.summary.as_deref(),
        )
    }

    fn the_adapter(&self) -> Result<Arc<dyn Adapter>, Error> {
        self.adapter
            .clone()
            .ok_or_else(|| Error::Usage("the run has no implementation to test".to_owned()))
    }

    /// Reads the expectations file (unless it is to be rewritten) and sets
    /// its waivers. An update runs with the waivers of the file it rewrites
    /// (when the file exists): its `[[waived]]` entries are kept as written,
    /// so the `[[expected]]` entries it writes are only for what they do not
    /// already waive.
    fn prepare(&self) -> Result<(RunOptions, Option<Expectations>), Error> {
        self.refuse_partial_update()?;
        let mut options = self.options.clone();
        let expectations = match (&self.expectations, self.update_expectations) {
            (Some(path), false) => Some(expectations::load(path).map_err(Error::Usage)?),
            (Some(path), true) if path.exists() => {
                let rewritten = expectations::load_waived_only(path).map_err(Error::Usage)?;
                options.waivers = Arc::new(rewritten.waivers());
                None
            }
            _ => None,
        };
        if let Some(e) = &expectations {
            options.waivers = Arc::new(e.waivers());
        }
        Ok((options, expectations))
    }

    /// The scenarios the run would execute, one line each
    /// (`path:line  name  @tags`), without running them.
    pub async fn list(&self) -> Result<Vec<String>, Error> {
        let (options, _) = self.prepare()?;
        let info = self
            .the_adapter()?
            .describe()
            .await
            .map_err(|e| Error::Usage(e.to_string()))?;
        runner::list(&info, &options).map_err(|e| Error::Usage(e.to_string()))
    }

    /// Checks the run and pins its output directories ([`Run::checked`],
    /// unless that was done), runs everything, judges the run with the gate, writes
    /// the reports and the expectations update, and returns the result. A report that cannot
    /// be written is in [`RunResult::problems`] and fails the run.
    pub async fn execute(&self) -> Result<RunResult, Error> {
        let _pinned = match &self.pinned {
            Some(pinned) => pinned.clone(),
            None => self.clone().checked()?.pinned.unwrap_or_default(),
        };
        let adapter = self.the_adapter()?;
        let (options, expectations) = self.prepare()?;
        let jobs = Arc::new(crate::adapter::jobs::Jobs::new(
            adapter,
            self.more_processes.clone(),
        ));
        let report = match runner::run_jobs(jobs.clone(), &options).await {
            Ok(report) => report,
            Err(e @ RunError::Features(_)) => {
                return Err(Error::Usage(e.to_string()));
            }
            Err(e) => return Err(Error::Failed(e.to_string())),
        };
        let replays = if self.update_expectations && self.expectations.is_some() {
            Self::replay_races(jobs, &options, &report).await
        } else {
            Vec::new()
        };
        Ok(self.finish(&options, report, expectations.as_ref(), &replays))
    }

    /// `--update-expectations`: runs the race-sensitive test cases of
    /// `report` ([`race_sensitive`]) [`RACE_REPLAYS`] more times, without
    /// console or reports, and returns their results: a race the first run
    /// did not lose is then listed too, so that a later gate that loses it
    /// finds it expected.
    async fn replay_races(
        jobs: Arc<crate::adapter::jobs::Jobs>,
        options: &RunOptions,
        report: &RunReport,
    ) -> Vec<ScenarioResult> {
        let names: Vec<String> = report
            .records
            .iter()
            .filter(|r| race_sensitive(r))
            .map(|r| regex::escape(&r.result.scenario))
            .collect();
        if names.is_empty() {
            return Vec::new();
        }
        let Ok(name) = Regex::new(&format!("^(?:{})$", names.join("|"))) else {
            return Vec::new();
        };
        let mut replay = options.clone();
        replay.name = Some(name.clone());
        replay.console = false;
        replay.junit = None;
        replay.json = None;
        replay.summary = None;
        // The model property is sequential: only the concurrency properties run again.
        if let Some(budget) = &mut replay.fuzz {
            budget.cases = 0;
        }
        let mut results = Vec::new();
        for _ in 0..RACE_REPLAYS {
            if let Ok(again) = runner::run_jobs(jobs.clone(), &replay).await {
                results.extend(
                    again
                        .tally
                        .scenarios
                        .into_iter()
                        .filter(|s| name.is_match(&s.scenario)),
                );
            }
        }
        results
    }

    /// The gate, the reports (written once the gate has judged), the update.
    fn finish(
        &self,
        options: &RunOptions,
        report: RunReport,
        expectations: Option<&Expectations>,
        replays: &[ScenarioResult],
    ) -> RunResult {
        let gate = expectations.map(|e| {
            let mut gate = Gate::judge(e, &report, self.partial(), self.strict);
            if self.level.is_some() {
                // The gate judges the rules at the level and above: an entry for a
                // scenario of a lower level is not judged.
                gate.findings
                    .retain(|f| !matches!(f, Finding::Unmatched { .. }));
            }
            gate
        });
        let passed = gate_passed(&report.tally, gate.as_ref().map(|g| g.findings.as_slice()));
        let mut problems = write_reports(options, &report, gate.as_ref(), passed);
        if let Some(path) = &self.results {
            let summary = results::GateSummary {
                expectations: expectations.map(|e| e.path.display().to_string()),
                passed,
                problems: gate
                    .iter()
                    .flat_map(|g| g.problems())
                    .map(Finding::render)
                    .collect(),
                waivers: expectations
                    .iter()
                    .flat_map(|e| &e.waivers)
                    .map(|w| (w.rule.clone(), w.reason.clone(), w.issue.clone()))
                    .collect(),
                seed: report.seed,
                level: self.level,
                partial: self.partial(),
            };
            let file = results::build(
                &report,
                gate.as_ref().map(|g| g.judged.as_slice()),
                &summary,
            );
            problems.extend(results::write(path, &file).err());
        }
        let mut updated = None;
        if self.update_expectations
            && let Some(path) = &self.expectations
        {
            let reduced = self.options.fuzz.is_none_or(|budget| !budget.is_full());
            let ran_in_full = |result: &crate::outcome::ScenarioResult| {
                !(reduced && crate::runner::properties::is_budgeted(&result.scenario))
            };
            let left_out = if self.options.fuzz.is_none() {
                crate::runner::properties::property_cases()
            } else {
                Vec::new()
            };
            let scope = expectations::UpdateScope {
                ran_in_full: &ran_in_full,
                left_out: &left_out,
            };
            match expectations::update(path, &report.tally.scenarios, replays, scope) {
                Ok(summary) => updated = Some((path.clone(), summary)),
                Err(e) => problems.push(e),
            }
        }
        RunResult {
            report,
            gate,
            passed,
            problems,
            updated,
        }
    }
}

/// How many times `--update-expectations` runs the race-sensitive test
/// cases again after the run.
pub const RACE_REPLAYS: usize = 4;

/// Whether a test case's outcome may depend on how concurrent calls
/// interleave: a scenario with a step that calls concurrently
/// ([`crate::vocabulary::Phrase::concurrent`]), or a concurrency property of
/// the fuzzer.
pub fn race_sensitive(record: &runner::tally::ScenarioRecord) -> bool {
    let concurrent_property = crate::fuzz::CONCURRENCY_PROPERTIES
        .iter()
        .any(|p| record.result.scenario == runner::properties::case_name(p));
    concurrent_property
        || record
            .steps
            .iter()
            .any(|s| crate::vocabulary::parse_any(&s.text).is_some_and(|p| p.concurrent()))
}

/// The gate's findings that belong to no scenario of the run.
fn run_level(finding: &Finding) -> bool {
    matches!(
        finding,
        Finding::StaleWaiver { .. }
            | Finding::Unmatched { .. }
            | Finding::TooBroad { .. }
            | Finding::TodoReason { .. }
    )
}

/// The JUnit input of a run as the gate judged it.
fn junit_input<'a>(
    report: &'a RunReport,
    gate: Option<&'a Gate>,
    gate_problems: &'a [Finding],
    meta: &'a reports::RunMetadata,
) -> junit::Input<'a> {
    junit::Input {
        records: &report.records,
        judged: gate.map(|g| g.judged.as_slice()),
        gate_problems,
        parse_errors: &report.tally.parse_errors,
        meta,
    }
}

/// Writes the reports `options` ask for; returns what could not be written.
fn write_reports(
    options: &RunOptions,
    report: &RunReport,
    gate: Option<&Gate>,
    passed: bool,
) -> Vec<String> {
    let meta = report.metadata();
    let mut problems = Vec::new();
    let gate_problems: Vec<Finding> = gate
        .iter()
        .flat_map(|g| &g.findings)
        .filter(|f| run_level(f))
        .cloned()
        .collect();
    let input = junit_input(report, gate, &gate_problems, &meta);
    if let Some(path) = &options.junit {
        problems.extend(reports::write_junit(path, &input).err());
    }
    if let Some(path) = &options.json {
        problems.extend(
            reports::write_json(path, report, &meta, gate.map(|g| g.judged.as_slice())).err(),
        );
    }
    if let Some(path) = &options.summary {
        let view = gate.map(|g| reports::GateView {
            findings: &g.findings,
            judged: &g.judged,
            todo: &g.todo,
        });
        let markdown = reports::summary_markdown(report, &meta, view, passed);
        problems.extend(reports::write_summary(path, &markdown).err());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::ReferenceImplementation;

    fn rid4() -> Run {
        Run::new(Arc::new(ReferenceImplementation::new()))
            .tags("@RID4")
            .unwrap()
            .fuzz(None)
            .console(false)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_run_writes_its_reports_after_the_gate_and_returns_the_verdict() {
        let dir = tempfile::tempdir().unwrap();
        let expectations = dir.path().join("expectations.toml");
        std::fs::write(
            &expectations,
            "[[expected]]\nscenario = \"no such scenario\"\noutcome = \"failed\"\nreason = \"r\"\n",
        )
        .unwrap();
        let junit = dir.path().join("junit.xml");
        let summary = dir.path().join("summary.md");
        let result = rid4()
            .expectations(&expectations)
            .junit(&junit)
            .summary(&summary)
            .execute()
            .await
            .unwrap();
        // Every RID4 scenario passed, but the entry matches nothing: the gate fails.
        let counts = result.counts();
        assert!(counts.passed > 0);
        assert_eq!((counts.failed, counts.errored, counts.listed), (0, 0, 0));
        assert_eq!(result.verdict(), RunVerdict::Failed);
        assert_eq!(result.exit_code(), exit::EXIT_FAILED);
        assert!(
            matches!(result.findings(), [Finding::Unmatched { entry }] if entry.contains("no such scenario")),
            "{:?}",
            result.findings()
        );
        let xml = std::fs::read_to_string(&junit).unwrap();
        assert!(xml.contains("UNMATCHED"), "{xml}");
        assert!(
            std::fs::read_to_string(&summary)
                .unwrap()
                .contains("FAILED")
        );
        let last = result.closing_lines(true);
        assert_eq!(
            last.last().map(String::as_str),
            Some(format!("gate: {} passed, 1 failed, 0 skipped", counts.passed).as_str())
        );
        // Without the entry the same run passes.
        std::fs::write(&expectations, "").unwrap();
        let green = rid4().expectations(&expectations).execute().await.unwrap();
        assert_eq!(green.verdict(), RunVerdict::Passed);
        assert!(green.gate_lines().iter().any(|l| l.contains("0 problems")));
    }

    #[tokio::test]
    async fn a_run_that_cannot_be_made_is_an_error_with_its_exit_code() {
        let partial = rid4().expectations("x.toml").update_expectations(true);
        let error = partial.execute().await.unwrap_err();
        assert!(matches!(&error, Error::Usage(m) if m.contains("complete run")));
        assert_eq!(error.exit_code(), exit::EXIT_USAGE);
        let missing = rid4()
            .features(["no/such/dir"])
            .execute()
            .await
            .unwrap_err();
        assert_eq!(missing.exit_code(), exit::EXIT_USAGE);
        assert!(
            Run::new(Arc::new(ReferenceImplementation::new()))
                .tags("@(")
                .is_err()
        );
    }
}
