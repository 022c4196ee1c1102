//! Running the features against an implementation and reporting.
//!
//! [`run`] builds the cucumber runner: our [`features::FeatureFiles`] parser,
//! the step definitions of [`crate::steps`], a before-hook that gives every
//! scenario a fresh Identity, and the console writer teed with the
//! [`tally::Tally`] that records every scenario and step. The JUnit and
//! Cucumber JSON reports are written afterwards from those records
//! ([`junit`], [`cucumber_json`]), once the expectations gate has judged
//! the run.

mod console;
pub mod cucumber_json;
pub mod features;
pub mod header;
pub mod junit;
pub mod metadata;
pub mod properties;
pub mod reports;
pub mod tally;

use crate::adapter::jobs::Jobs;
use crate::adapter::{Adapter, ImplementationInfo};
use crate::oracle::Waivers;
use crate::steps::{self, ConformanceWorld, RunContext};
use cucumber::gherkin::{self, tagexpr::TagOperation};
use cucumber::tag::Ext as _;
use cucumber::{World as _, WriterExt as _, writer};
use features::{FeatureFiles, FeatureSource, Features, Parsed, is_capability_skip};
use header::{FuzzPlan, Header};
use regex::Regex;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use tally::ScenarioRecord;
use tally::{Outcome, Tally, TallyData};

/// The version of this suite.
pub const SUITE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The most scenarios that run at once (`run --concurrency`).
pub const MAX_CONCURRENCY: u16 = 1024;

/// The most implementation processes of one run (`run --jobs`).
pub const MAX_JOBS: u16 = 64;

/// What to run and where to report.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Feature files or directories (searched recursively).
    pub features: Features,
    /// A cucumber tag expression, e.g. `@RID1 and not @requires.clock`.
    pub tags: Option<TagOperation>,
    /// Only scenarios whose name matches.
    pub name: Option<Regex>,
    /// Where to write a JUnit XML report: [`run`] checks and creates the
    /// file, [`crate::run::Run`] writes the report once the gate has judged.
    pub junit: Option<PathBuf>,
    /// Where to write a Cucumber JSON report (written by [`crate::run::Run`]).
    pub json: Option<PathBuf>,
    /// How many scenarios run at once.
    pub concurrency: usize,
    /// Whether to print the cucumber report on standard output.
    pub console: bool,
    /// Stop after the first failing scenario.
    pub fail_fast: bool,
    /// Known deviations: checks of these rules pass, counted and reported as waived.
    pub waivers: Arc<Waivers>,
    /// Where the caller writes a Markdown summary (checked against the inputs only).
    pub summary: Option<PathBuf>,
    /// Fuzzing after the features (the properties become test cases); `None`: none.
    pub fuzz: Option<properties::FuzzBudget>,
}

impl RunOptions {
    /// The embedded suite, no filter, no report files.
    pub fn embedded() -> Self {
        let mut options = Self::new(Vec::new());
        options.features = Features::Embedded;
        options
    }

    /// The defaults: the `features/` directory, no filter, no report files.
    pub fn new(features: Vec<PathBuf>) -> Self {
        Self {
            features: Features::Paths(features),
            tags: None,
            name: None,
            junit: None,
            json: None,
            concurrency: 64,
            console: true,
            fail_fast: false,
            waivers: Arc::new(Waivers::default()),
            summary: None,
            fuzz: None,
        }
    }
}

/// The outcome of a run.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The implementation that was tested.
    pub implementation: ImplementationInfo,
    /// What happened to each scenario.
    pub tally: TallyData,
    /// The feature files the run read.
    pub files: Vec<PathBuf>,
    /// How many checks each waived rule waived.
    pub waived: std::collections::BTreeMap<String, usize>,
    /// The digest of those files, taken before the run.
    pub spec_digest: String,
    /// Every scenario with its steps, for the reports.
    pub records: Vec<ScenarioRecord>,
    /// The seed of the fuzz properties, when they ran.
    pub seed: Option<u64>,
}

impl RunReport {
    /// The metadata the reports carry.
    pub fn metadata(&self) -> metadata::RunMetadata {
        metadata::RunMetadata {
            implementation: self.implementation.name.clone(),
            implementation_version: self.implementation.version.clone(),
            suite_version: SUITE_VERSION.to_owned(),
            spec_digest: self.spec_digest.clone(),
            feature_files: self.files.len(),
        }
    }
}

impl RunReport {
    /// Whether the run is green: something ran, nothing failed or errored,
    /// and every feature file parsed.
    pub fn passed(&self) -> bool {
        self.tally.parse_errors.is_empty()
            && self.tally.count(Outcome::Failed) == 0
            && self.tally.count(Outcome::Errored) == 0
            && self.tally.count(Outcome::Undefined) == 0
            && self.tally.count(Outcome::Passed) > 0
    }

    /// The closing lines: implementation, suite version, what did not pass,
    /// the scenario counts. The suite's own problems (an undefined step, a
    /// fault of the suite) are not counted as failed: a line of their own
    /// says they are the suite's.
    pub fn summary(&self) -> String {
        let t = &self.tally;
        let failed = t.count(Outcome::Failed) + t.count_charged(Outcome::Errored);
        let suite = t.suite_problems();
        let mut out = format!(
            "implementation: {} {}\nsuite: enmeshed-conformance {SUITE_VERSION}\n",
            self.implementation.name, self.implementation.version
        );
        for s in t.scenarios.iter().filter(|s| s.outcome != Outcome::Passed) {
            let label = if s.suites_own() && s.outcome == Outcome::Errored {
                "SUITE FAULT"
            } else {
                s.outcome.label()
            };
            out.push_str(&format!(
                "{label} {} ({}): {}\n",
                s.scenario,
                s.locations(),
                s.message.as_deref().unwrap_or("")
            ));
        }
        for e in &t.parse_errors {
            out.push_str(&format!("PARSE ERROR {e}\n"));
        }
        if t.count(Outcome::Passed) + failed + suite == 0 && t.parse_errors.is_empty() {
            out.push_str("no scenario ran: check --features, --tags and --name\n");
        }
        if t.count_charged(Outcome::Errored) > 0 {
            out.push_str(&format!(
                "({} of the failed scenarios errored: the implementation could not be judged)\n",
                t.count_charged(Outcome::Errored)
            ));
        }
        if t.count(Outcome::Pending) > 0 {
            out.push_str(&format!(
                "({} pending: generated from bullets of the published pages that the suite cannot execute yet; not failed, the gate is not affected; `coverage --strict` fails on them)\n",
                t.count(Outcome::Pending)
            ));
        }
        if suite > 0 {
            out.push_str(&crate::run::suite_line(suite));
            out.push('\n');
        }
        out.push_str(&format!(
            "{} passed, {failed} failed, {} skipped{}",
            t.count(Outcome::Passed),
            t.count(Outcome::Skipped),
            pending_count(t.count(Outcome::Pending))
        ));
        out
    }
}

/// The closing lines' pending count: `, N pending`, or nothing when none is.
pub fn pending_count(pending: usize) -> String {
    if pending == 0 {
        String::new()
    } else {
        format!(", {pending} pending")
    }
}

/// A run that could not start.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The adapter could not describe the implementation.
    #[error("cannot start: the implementation does not describe itself: {0}")]
    Describe(crate::adapter::AdapterError),
    /// Bad feature paths, or report paths that are inputs, each other, or
    /// cannot be written (bad usage).
    #[error("{0}")]
    Features(String),
    /// The processes of `run --jobs` do not describe themselves alike.
    #[error("{0}")]
    Jobs(String),
}

/// The report files of `options`, named by their option.
pub fn report_outputs(options: &RunOptions) -> Vec<crate::fsio::outputs::Named> {
    [
        ("--junit", &options.junit),
        ("--json", &options.json),
        ("--summary", &options.summary),
    ]
    .into_iter()
    .filter_map(|(flag, path)| {
        path.as_ref()
            .map(|p| crate::fsio::outputs::Named::new(flag, p))
    })
    .collect()
}

/// Refuses report paths that are input feature files or each other, or
/// that cannot be written. Nothing is created: a report file exists only
/// once it is complete.
fn check_report_paths(files: &[PathBuf], options: &RunOptions) -> Result<(), RunError> {
    let inputs: Vec<crate::fsio::outputs::Named> = files
        .iter()
        .map(|f| crate::fsio::outputs::Named::new("feature file", f))
        .collect();
    crate::fsio::outputs::check(&report_outputs(options), &inputs).map_err(RunError::Features)
}

/// Whether `tags` and `name` select a scenario of `feature` (in `rule`).
fn selects(
    tags: Option<&TagOperation>,
    name: Option<&Regex>,
    feature: &gherkin::Feature,
    rule: Option<&gherkin::Rule>,
    scenario: &gherkin::Scenario,
) -> bool {
    let tags_ok = tags.is_none_or(|t| {
        t.eval(
            feature
                .tags
                .iter()
                .chain(rule.iter().flat_map(|r| &r.tags))
                .chain(&scenario.tags),
        )
    });
    tags_ok && name.is_none_or(|n| n.is_match(&scenario.name))
}

/// Whether the run's filters select the property cases (tag `@fuzz`, names
/// `fuzz: …`).
fn properties_filtered_in(options: &RunOptions) -> bool {
    let tag = properties::TAG.to_owned();
    let tags_ok = options.tags.as_ref().is_none_or(|t| {
        crate::levels::Level::ALL.iter().any(|level| {
            let level = level.tag();
            t.eval([&tag, &level])
        })
    });
    let name_ok = options.name.as_ref().is_none_or(|n| {
        ["model", "concurrent initiates", "bursts"]
            .iter()
            .any(|p| n.is_match(&properties::case_name(p)))
    });
    tags_ok && name_ok
}

/// Whether the property cases run: the filters select them, and
/// `--fail-fast` has not already stopped the run.
fn properties_selected(options: &RunOptions, tally: &Tally) -> bool {
    let stopped = options.fail_fast
        && tally.data().scenarios.iter().any(|s| {
            matches!(
                s.outcome,
                Outcome::Failed | Outcome::Errored | Outcome::Undefined
            )
        });
    properties_filtered_in(options) && !stopped
}

/// Runs the features of `options` (and the fuzz properties) against
/// `adapter` and prints cucumber's report. The report files of `options` are
/// only checked and created here: [`crate::run::Run`] is the whole run, with
/// the expectations gate and the reports written.
pub async fn run(adapter: Arc<dyn Adapter>, options: &RunOptions) -> Result<RunReport, RunError> {
    run_jobs(Arc::new(Jobs::new(adapter, Vec::new())), options).await
}

/// [`run`] on several processes of one implementation (`run --jobs`): each
/// scenario on one of them ([`Jobs::lease`]), the fuzz properties and the
/// protocol checks on the first. Every process must describe itself alike.
pub async fn run_jobs(jobs: Arc<Jobs>, options: &RunOptions) -> Result<RunReport, RunError> {
    let adapter = jobs.first().clone();
    let info = adapter.describe().await.map_err(RunError::Describe)?;
    for (index, other) in jobs.members().iter().enumerate().skip(1) {
        let said = other.describe().await.map_err(RunError::Describe)?;
        if said != info {
            return Err(RunError::Jobs(format!(
                "cannot start: process {} of --jobs describes itself as {:?} {:?} with {:?}, the first as {:?} {:?} with {:?}",
                index + 1,
                said.name,
                said.version,
                said.capabilities,
                info.name,
                info.version,
                info.capabilities
            )));
        }
    }
    let files = features::discover(&options.features).map_err(RunError::Features)?;
    let on_disk: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| f.file())
        .map(PathBuf::from)
        .collect();
    check_report_paths(&on_disk, options)?;
    let spec_digest = features::sources_digest(&files).map_err(RunError::Features)?;
    let run_files = files.iter().map(FeatureSource::path).collect();
    let parser = FeatureFiles::for_implementation(&info);
    let parsed: Vec<_> = files.iter().map(|source| parser.read(source)).collect();
    let tally = Tally::default();
    let property_members = jobs.members().to_vec();
    let context = Arc::new(RunContext {
        jobs,
        info: info.clone(),
        waivers: options.waivers.clone(),
    });

    if options.console {
        let fuzz = match options.fuzz {
            None => FuzzPlan::Off,
            Some(_) if !properties_filtered_in(options) => FuzzPlan::NotSelected,
            Some(budget) => FuzzPlan::Budget(budget),
        };
        let ok: Vec<&gherkin::Feature> = parsed.iter().filter_map(|f| f.as_ref().ok()).collect();
        let (tags, name) = (options.tags.as_ref(), options.name.as_ref());
        let header = Header::new(
            &info,
            &options.features,
            &ok,
            &spec_digest,
            |f, r, s| selects(tags, name, f, r, s),
            fuzz,
        );
        println!("{}", crate::sanitize::terminal::text(&header.to_string()));
    }
    let console: Box<dyn Write> = if options.console {
        Box::new(console::Verdicts::new(io::stdout()))
    } else {
        Box::new(io::sink())
    };
    let tags = options.tags.clone();
    let name = options.name.clone();
    let skips = tally.clone();
    // A selected capability skip is recorded as skipped and not run: its
    // steps are reported as not run, under the reason.
    let filter = move |feature: &gherkin::Feature,
                       rule: Option<&gherkin::Rule>,
                       scenario: &gherkin::Scenario| {
        let selected = selects(tags.as_ref(), name.as_ref(), feature, rule, scenario);
        if selected && is_capability_skip(scenario) {
            skips.skipped(feature, rule, scenario);
            return false;
        }
        selected
    };
    let console = writer::Basic::raw(console, writer::Coloring::Auto, 0).summarized();
    let tallied = tally
        .clone()
        .discard_stats_writes()
        .discard_arbitrary_writes();
    let cucumber = ConformanceWorld::cucumber::<PathBuf>()
        .with_parser::<_, Vec<cucumber::parser::Result<gherkin::Feature>>>(Parsed)
        .with_writer(console.tee::<ConformanceWorld, _>(tallied).normalized())
        .steps(steps::collection());
    let cucumber = if options.fail_fast {
        cucumber.fail_fast()
    } else {
        cucumber
    };
    cucumber
        .max_concurrent_scenarios(options.concurrency.max(1))
        // An unmatched step fails a hand-written scenario (undefined); in a
        // generated one it stays skipped for cucumber, and the tally records
        // the scenario as pending, so no writer counts it as failed.
        .fail_on_skipped_with(|_, _, scenario: &gherkin::Scenario| {
            !tally::generated(&scenario.tags)
        })
        .before(move |_, _, _, world| {
            let context = context.clone();
            Box::pin(async move { world.attach(context).await })
        })
        // The scenario's process is free for the next one as soon as it ends
        // (the writers may keep the world longer).
        .after(|_, _, _, _, world| {
            if let Some(world) = world {
                world.release();
            }
            Box::pin(async {})
        })
        .with_cli(cucumber::cli::Opts::<_, _, _, cucumber::cli::Empty>::default())
        .filter_run(parsed, filter)
        .await;

    let fuzzed = options
        .fuzz
        .filter(|_| properties_selected(options, &tally));
    if let Some(budget) = fuzzed {
        if options.console {
            println!(
                "\nfuzzing {} {}: {} sequences, {} cases per concurrency property, seed {} (rerun with --seed {}{})",
                crate::sanitize::terminal::line(&info.name),
                crate::sanitize::terminal::line(&info.version),
                budget.cases,
                budget.concurrency_cases,
                budget.seed,
                budget.seed,
                crate::fuzz::seed_note(budget.seed),
            );
        }
        // The properties run together; a case whose tags (its level) the
        // run's expression does not select is left out of the results.
        let cases = Tally::default();
        properties::run(
            property_members,
            &info,
            budget,
            options.waivers.clone(),
            &cases,
        )
        .await;
        for case in cases.records() {
            if options.tags.as_ref().is_none_or(|t| t.eval(&case.tags)) {
                tally.push(case);
            }
        }
    }

    Ok(RunReport {
        implementation: info,
        tally: tally.data(),
        files: run_files,
        waived: options.waivers.usage(),
        spec_digest,
        records: tally.records(),
        seed: fuzzed.map(|b| b.seed),
    })
}

/// The scenarios a run with `options` would execute, one line each
/// (`path:line  name  @tags`), without running them.
pub fn list(info: &ImplementationInfo, options: &RunOptions) -> Result<Vec<String>, RunError> {
    use cucumber::Parser as _;
    use futures::StreamExt as _;
    let files = features::discover(&options.features).map_err(RunError::Features)?;
    let parsed: Vec<_> = futures::executor::block_on(
        FeatureFiles::for_implementation(info)
            .parse(files, cucumber::cli::Empty)
            .collect::<Vec<_>>(),
    );
    let mut lines = Vec::new();
    for feature in parsed {
        let feature = feature.map_err(|e| RunError::Features(e.to_string()))?;
        let path = feature
            .path
            .as_ref()
            .map_or_else(String::new, |p| p.display().to_string());
        let scenarios = feature.scenarios.iter().map(|s| (None, s)).chain(
            feature
                .rules
                .iter()
                .flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s))),
        );
        for (rule, scenario) in scenarios {
            if !selects(
                options.tags.as_ref(),
                options.name.as_ref(),
                &feature,
                rule,
                scenario,
            ) {
                continue;
            }
            let tags: Vec<&String> = feature
                .tags
                .iter()
                .chain(rule.iter().flat_map(|r| &r.tags))
                .chain(&scenario.tags)
                .collect();
            let tag_text: Vec<String> = tags.iter().map(|t| format!("@{t}")).collect();
            lines.push(format!(
                "{path}:{}  {}  {}",
                scenario.position.line,
                scenario.name,
                tag_text.join(" ")
            ));
        }
    }
    Ok(lines)
}
