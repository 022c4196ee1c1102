//! Fuzzing the central invariant against any adapter.
//!
//! Three properties, each run by a proptest [`TestRunner`] seeded from one
//! `--seed`:
//! - **model**: random operation sequences from [`ops::FuzzMachine`]
//!   (proptest-state-machine) on 1–3 Identities; every answer must equal the
//!   suite's oracle ([`crate::oracle`]), at most one process per Identity may be Active after
//!   every step, and (capability `events`) every Identity's events are exactly
//!   those of its own status changes. Calls come from several Devices
//!   (capability `devices`) and grace periods span 0 to 36500 days. Failures
//!   shrink to a minimal sequence;
//! - **concurrent initiates**: K from 2 to 64 at once (spread over several
//!   Devices of the Identity with `devices`), exactly one succeeds;
//! - **bursts**: concurrent initiate/cancel/observe bursts on several
//!   Identities (and Devices); every state must be one some serial order explains.

pub mod calendar;
pub mod concurrency;
pub mod exec;
pub mod ops;
pub mod persistence;
pub mod progress;
pub mod render;
pub mod spread;

use crate::adapter::{Adapter, Capability, ImplementationInfo};
use crate::oracle::Waivers;
use crate::oracle::model::ModelState;
use crate::verdict::{Fault, Verdict};
use concurrency::BurstCall;
use ops::{FuzzMachine, Op};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use proptest_state_machine::ReferenceStateMachine;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::runtime::Handle;

/// The most operation sequences of a property (`fuzz --cases`,
/// `run --fuzz-cases`): larger budgets are bad usage (exit 2).
pub const MAX_CASES: u32 = 1_000_000;
/// The most cases of each concurrency property (`fuzz --concurrency-cases`).
pub const MAX_CONCURRENCY_CASES: u32 = 100_000;
/// The longest operation sequence (`fuzz --max-ops`): the fuzzer reserves
/// room for a whole sequence, so an unbounded length would exhaust memory.
pub const MAX_OPS: u32 = 10_000;

/// What to fuzz and how much.
#[derive(Debug, Clone)]
pub struct FuzzOptions {
    /// Operation sequences to run.
    pub cases: u32,
    /// The longest sequence (at most [`MAX_OPS`]; more is taken as [`MAX_OPS`]).
    pub max_ops: usize,
    /// Seed of all three properties.
    pub seed: u64,
    /// Cases of each concurrency property.
    pub concurrency_cases: u32,
    /// A proptest regression file: its seeds are replayed first, new failures appended.
    pub regressions: Option<PathBuf>,
    /// Known deviations: checks of these rules pass, counted.
    pub waivers: Arc<Waivers>,
}

impl FuzzOptions {
    /// `cases` sequences of up to 50 operations, 32 cases per concurrency property.
    pub fn new(cases: u32, seed: u64) -> Self {
        Self {
            cases,
            max_ops: 50,
            seed,
            concurrency_cases: 32,
            regressions: None,
            waivers: Arc::new(Waivers::default()),
        }
    }
}

/// The seed `run` and `fuzz` use unless `--seed` says otherwise, so that
/// one binary gives one implementation the same verdict every time: the
/// 64-bit FNV-1a hash of `enmeshed-conformance <version>` (the suite
/// version), so it changes only with the suite.
pub const DEFAULT_SEED: u64 = version_seed(env!("CARGO_PKG_VERSION"));

const fn version_seed(version: &str) -> u64 {
    const PREFIX: &[u8] = b"enmeshed-conformance ";
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < PREFIX.len() + version.len() {
        let byte = if i < PREFIX.len() {
            PREFIX[i]
        } else {
            version.as_bytes()[i - PREFIX.len()]
        };
        hash ^= byte as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// What `--seed` asks for: a number to replay, or `random` to explore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedChoice {
    /// This seed.
    Fixed(u64),
    /// A fresh seed from the clock (printed, so a failure can be replayed).
    Random,
}

impl std::str::FromStr for SeedChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "random" {
            return Ok(SeedChoice::Random);
        }
        text.parse::<u64>()
            .map(SeedChoice::Fixed)
            .map_err(|_| format!("{text:?} is not a seed: give a number (0 to 2^64-1) or `random`"))
    }
}

impl SeedChoice {
    /// The seed to use: `choice`, or [`DEFAULT_SEED`] when none was given.
    pub fn resolve(choice: Option<SeedChoice>) -> u64 {
        match choice {
            None => DEFAULT_SEED,
            Some(SeedChoice::Fixed(seed)) => seed,
            Some(SeedChoice::Random) => random_seed(),
        }
    }
}

/// Checks, before the implementation starts, that the regression file
/// (which `fuzz` rewrites) is no input: not the expectations file, not the
/// program of `adapter_command` or a file its arguments name, not the
/// running suite binary; and that it can be written. Nothing is created.
pub fn check_outputs(
    regressions: Option<&std::path::Path>,
    expectations: Option<&std::path::Path>,
    adapter_command: Option<&str>,
) -> Result<(), String> {
    use crate::fsio::outputs::{Named, check};
    let Some(regressions) = regressions else {
        return Ok(());
    };
    let mut inputs = crate::protocol::command::implementation_inputs(adapter_command);
    inputs.extend(expectations.map(|e| Named::new("--expectations", e)));
    check(&[Named::new("--regressions", regressions)], &inputs)
}

/// How the console names a seed: the default one says so.
pub fn seed_note(seed: u64) -> &'static str {
    if seed == DEFAULT_SEED {
        "; the default seed of this suite version, --seed random explores"
    } else {
        ""
    }
}

/// A seed from the clock, for `--seed random`.
pub fn random_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// A property that failed, shrunk.
#[derive(Debug, Clone)]
pub struct FuzzFailure {
    /// Which property.
    pub property: &'static str,
    /// What went wrong on the minimal case.
    pub verdict: Verdict,
    /// Where (the step of the minimal sequence), when known.
    pub step: Option<usize>,
    /// The minimal case as numbered steps (model property only).
    pub steps: Option<String>,
    /// The minimal case as a Gherkin scenario (model property only).
    pub gherkin: Option<String>,
}

/// The result of a fuzz run.
#[derive(Debug, Clone)]
pub struct FuzzReport {
    /// The seed; `--seed` with it reproduces the run.
    pub seed: u64,
    /// Sequences run by the model property.
    pub cases: u32,
    /// Operations those sequences executed (shrinking included).
    pub operations: u64,
    /// The first property that failed.
    pub failure: Option<FuzzFailure>,
    /// The properties that checked nothing, with the reason.
    pub skipped: Vec<(&'static str, String)>,
}

/// The model property's name.
pub const MODEL: &str = "model";
/// The concurrent-initiates property's name.
pub const CONCURRENT_INITIATES: &str = "concurrent initiates";
/// The bursts property's name.
pub const BURSTS: &str = "bursts";

/// The properties that make concurrent calls (race-sensitive test cases).
pub const CONCURRENCY_PROPERTIES: [&str; 2] = [CONCURRENT_INITIATES, BURSTS];
/// The three properties, in the order they run.
pub const PROPERTIES: [&str; 3] = [MODEL, CONCURRENT_INITIATES, BURSTS];

/// Why a property with `cases` cases is skipped (`None`: it runs).
fn zero_cases(cases: u32, option: &str) -> Option<String> {
    (cases == 0).then(|| format!("0 cases asked ({option} 0): nothing checked, so not passed"))
}

impl FuzzReport {
    /// Whether every property was skipped: a run that checked nothing never passes.
    pub fn checked_nothing(&self) -> bool {
        self.skipped.len() == PROPERTIES.len()
    }

    /// Whether every property that ran held, and at least one ran.
    pub fn passed(&self) -> bool {
        self.failure.is_none() && !self.checked_nothing()
    }

    /// The report as printed by `enmeshed-conformance fuzz`.
    pub fn render(&self) -> String {
        let skipped: String = self
            .skipped
            .iter()
            .map(|(property, reason)| format!("fuzz: SKIPPED property `{property}`: {reason}\n"))
            .collect();
        match &self.failure {
            None if self.checked_nothing() => format!(
                "{skipped}fuzz: FAILED: nothing was checked, every property has zero cases (seed {})",
                self.seed
            ),
            None => {
                let ran: Vec<String> = PROPERTIES
                    .iter()
                    .filter(|p| !self.skipped.iter().any(|(s, _)| s == *p))
                    .map(|p| match *p {
                        MODEL => format!(
                            "{} operation sequences ({} operations)",
                            self.cases, self.operations
                        ),
                        other => format!("`{other}`"),
                    })
                    .collect();
                format!(
                    "{skipped}fuzz: passed: {}{} (seed {})",
                    ran.join(", "),
                    if self.skipped.is_empty() {
                        String::new()
                    } else {
                        format!("; {} skipped", self.skipped.len())
                    },
                    self.seed
                )
            }
            Some(f) => {
                let mut out = format!(
                    "fuzz: {} in property `{}` (seed {}; rerun with --seed {})\n{}{}\n",
                    match f.verdict {
                        Verdict::Failed(_) => "FAILED",
                        Verdict::Errored(_) => "ERRORED",
                    },
                    f.property,
                    self.seed,
                    self.seed,
                    f.step
                        .map_or_else(String::new, |s| format!("at step {s}: ")),
                    crate::protocol::excerpt_verdict(f.verdict.clone())
                );
                if let Some(steps) = &f.steps {
                    out.push_str(&format!("\nminimal operation sequence:\n{steps}"));
                }
                if let Some(gherkin) = &f.gherkin {
                    out.push_str(&format!(
                        "\nas a scenario to paste into a feature file:\n{gherkin}"
                    ));
                }
                out
            }
        }
    }
}

fn runner(cases: u32, seed: u64, regressions: Option<&PathBuf>) -> TestRunner {
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    let persistence = regressions.map(|path| {
        Box::new(persistence::QuietFile::new(path.clone()))
            as Box<dyn proptest::test_runner::FailurePersistence>
    });
    let config = Config {
        cases,
        failure_persistence: persistence,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

fn reason<T: std::fmt::Debug>(error: &TestError<T>) -> String {
    match error {
        TestError::Abort(reason) => format!("aborted: {reason}"),
        TestError::Fail(reason, _) => reason.to_string(),
    }
}

/// The model property on `members[0]`. With several processes (`run --jobs
/// N`) and no regression file, its cases are first run over all of them
/// ([`screen`]); the runner then runs as with one process but takes the cases
/// the screening passed as passed, so it runs (and shrinks) only from the
/// first failing case on: the same cases, the same verdict, whatever N.
fn run_model<M>(
    members: &[Arc<dyn Adapter>],
    runtime: &Handle,
    options: &FuzzOptions,
    operations: &AtomicU64,
    events: bool,
    set_clock: bool,
) -> Option<FuzzFailure>
where
    M: ReferenceStateMachine<State = ModelState, Transition = Op>,
{
    let adapter = members.first()?;
    let progress = progress::Progress::new("model", options.cases);
    let passed = if members.len() > 1 && options.regressions.is_none() {
        screen::<M>(members, runtime, options, operations, events, &progress)?
    } else {
        0
    };
    let mut runner = runner(options.cases, options.seed, options.regressions.as_ref());
    let strategy = M::sequential_strategy(1..=options.max_ops.clamp(1, MAX_OPS as usize));
    let calls = std::sync::atomic::AtomicUsize::new(0);
    // The typed divergence of the last failing case (the minimal one, once
    // shrinking ends): what stands when a replay does not fail again.
    let last: std::sync::Mutex<Option<exec::Divergence>> = std::sync::Mutex::new(None);
    let result = runner.run(&strategy, |(initial, ops, seen)| {
        if calls.fetch_add(1, Ordering::Relaxed) < passed {
            return Ok(());
        }
        progress.tick();
        let count = |()| {
            operations.fetch_add(1, Ordering::Relaxed);
            if let Some(seen) = &seen {
                seen.fetch_add(1, Ordering::SeqCst);
            }
        };
        runtime
            .block_on(exec::execute(
                adapter.as_ref(),
                &initial,
                &ops,
                &options.waivers,
                events,
                || count(()),
            ))
            .map_err(|d| {
                let text = d.to_string();
                *last
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(d);
                TestCaseError::fail(text)
            })
    });
    let error = result.err()?;
    let TestError::Fail(_, (initial, ops, _)) = &error else {
        return Some(FuzzFailure {
            property: "model",
            verdict: Fault::suite(reason(&error)).into(),
            step: None,
            steps: None,
            gherkin: None,
        });
    };
    let replay = || {
        runtime
            .block_on(exec::execute(
                adapter.as_ref(),
                initial,
                ops,
                &options.waivers,
                events,
                || (),
            ))
            .err()
    };
    let replayed = (0..REPLAYS).find_map(|_| replay());
    let (verdict, step, listed) = match replayed {
        Some(d) => (d.verdict, Some(d.step), d.listed),
        // It failed once and passed on every replay: a timing-dependent
        // defect of the implementation, filed under the rule that failed.
        None => match last
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            Some(d) => (nondeterministic(d.verdict), Some(d.step), d.listed),
            None => (
                Fault::suite(format!("{} (no typed verdict)", reason(&error))).into(),
                None,
                None,
            ),
        },
    };
    Some(FuzzFailure {
        property: "model",
        verdict,
        step,
        steps: Some(render::numbered_steps(initial, ops, step)),
        gherkin: Some(render::gherkin_scenario(
            initial, ops, step, events, set_clock, listed,
        )),
    })
}

/// How many cases of the model property each process gets per batch of [`screen`].
const CASES_PER_PROCESS: usize = 64;

/// A case of the model property: the initial state and the operations.
type ModelCase = (ModelState, Vec<Op>);

/// Runs the model property's cases, generated exactly as its runner generates
/// them (the same seed, the same order), over every process of `members`, one
/// case at a time on each, in batches of [`CASES_PER_PROCESS`] cases per
/// process; each case's Identities are its own, so which process runs it
/// changes nothing. Returns how many cases passed before the first that
/// failed, or `None` when every case passed. The waivers count, and
/// `operations` adds, only what those passing cases did: what the sequential
/// run counts for them (cases run after the first failure are not counted).
fn screen<M>(
    members: &[Arc<dyn Adapter>],
    runtime: &Handle,
    options: &FuzzOptions,
    operations: &AtomicU64,
    events: bool,
    progress: &progress::Progress,
) -> Option<usize>
where
    M: ReferenceStateMachine<State = ModelState, Transition = Op>,
{
    let strategy = M::sequential_strategy(1..=options.max_ops.clamp(1, MAX_OPS as usize));
    let batch: std::cell::RefCell<Vec<ModelCase>> = std::cell::RefCell::new(Vec::new());
    let passed = std::cell::Cell::new(0usize);
    let failed = std::cell::Cell::new(false);
    let flush = || {
        let cases = std::mem::take(&mut *batch.borrow_mut());
        let runs = run_batch(members, runtime, options, events, &cases, progress);
        for run in runs {
            match run {
                Some(run) if run.result.is_ok() => {
                    options.waivers.absorb(&run.waivers);
                    operations.fetch_add(run.operations, Ordering::Relaxed);
                    passed.set(passed.get() + 1);
                }
                _ => {
                    failed.set(true);
                    break;
                }
            }
        }
    };
    // Every case passes here, so the runner generates all `cases` of them.
    let _ = runner(options.cases, options.seed, None).run(&strategy, |(initial, ops, _)| {
        if !failed.get() {
            batch.borrow_mut().push((initial, ops));
            if batch.borrow().len() >= members.len() * CASES_PER_PROCESS {
                flush();
            }
        }
        Ok(())
    });
    if !failed.get() && !batch.borrow().is_empty() {
        flush();
    }
    failed.get().then(|| passed.get())
}

/// One batch of [`screen`] ([`spread::spread`] over the processes): per case,
/// in order, its run (`None` where it was not started because an earlier one
/// failed).
fn run_batch(
    members: &[Arc<dyn Adapter>],
    runtime: &Handle,
    options: &FuzzOptions,
    events: bool,
    cases: &[ModelCase],
    progress: &progress::Progress,
) -> Vec<Option<spread::CaseRun<exec::Divergence>>> {
    spread::spread(members, runtime, cases.len(), |member, i| async move {
        progress.tick();
        let waivers = Arc::new(options.waivers.uncounted());
        let operations = AtomicU64::new(0);
        let (initial, steps) = &cases[i];
        let result = exec::execute(member.as_ref(), initial, steps, &waivers, events, || {
            operations.fetch_add(1, Ordering::Relaxed);
        })
        .await;
        spread::CaseRun {
            result,
            waivers,
            operations: operations.into_inner(),
        }
    })
}

/// How often a failing minimal case is replayed before it counts as nondeterministic.
pub const REPLAYS: usize = 3;

/// The verdict of a failure that did not fail again on [`REPLAYS`] replays:
/// still the implementation's failure under its rule, said to be nondeterministic.
fn nondeterministic(verdict: Verdict) -> Verdict {
    let note = format!("nondeterministic: failed once, passed on {REPLAYS} replays");
    match verdict {
        Verdict::Failed(f) => Verdict::Failed(f.context(&note)),
        Verdict::Errored(mut fault) => {
            fault.context = format!("{note}; {}", fault.context);
            Verdict::Errored(fault)
        }
    }
}

/// The model property with the operations the implementation's capabilities allow.
fn run_model_for(
    members: &[Arc<dyn Adapter>],
    info: &ImplementationInfo,
    runtime: &Handle,
    options: &FuzzOptions,
    operations: &AtomicU64,
) -> Option<FuzzFailure> {
    let events = info.has(Capability::Events);
    let run = match (info.has(Capability::Clock), info.has(Capability::Devices)) {
        (true, true) => run_model::<FuzzMachine<true, true>>,
        (true, false) => run_model::<FuzzMachine<true, false>>,
        (false, true) => run_model::<FuzzMachine<false, true>>,
        (false, false) => run_model::<FuzzMachine<false, false>>,
    };
    let set_clock = info.has(Capability::SetClock);
    run(members, runtime, options, operations, events, set_clock)
}

/// How many Devices per Identity the concurrency properties spread calls
/// over: several with the `devices` capability (a lock per Device instead of
/// per Identity must fail), else the first one.
fn burst_devices(info: &ImplementationInfo) -> usize {
    if info.has(Capability::Devices) {
        ops::MAX_DEVICES
    } else {
        1
    }
}

/// Runs one concurrency property: `cases` values of `strategy`, each checked by `property`.
fn run_concurrency_property<S: Strategy>(
    name: &'static str,
    cases: u32,
    seed: u64,
    strategy: &S,
    property: impl Fn(S::Value) -> Result<(), Verdict>,
) -> Option<FuzzFailure>
where
    S::Value: Clone,
{
    let last = std::sync::Mutex::new(None);
    let progress = progress::Progress::new(name, cases);
    let result = runner(cases, seed, None).run(strategy, |value| {
        progress.tick();
        property(value).map_err(|verdict| {
            let text = verdict.to_string();
            *last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(verdict);
            TestCaseError::fail(text)
        })
    });
    let error = result.err()?;
    // The minimal case is replayed for its typed verdict; a race may not
    // repeat, so the last failing case's verdict stands in.
    let replayed = match &error {
        TestError::Fail(_, value) => (0..REPLAYS).find_map(|_| property(value.clone()).err()),
        TestError::Abort(_) => None,
    };
    let verdict = replayed
        .or_else(|| {
            last.into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .map(nondeterministic)
        })
        .unwrap_or_else(|| Fault::suite(reason(&error)).into());
    Some(FuzzFailure {
        property: name,
        verdict,
        step: None,
        steps: None,
        gherkin: None,
    })
}

/// Names the case in a verdict.
fn in_case(verdict: Verdict, case: &str) -> Verdict {
    match verdict {
        Verdict::Failed(f) => Verdict::Failed(f.context(case)),
        Verdict::Errored(mut fault) => {
            fault.context = format!("{case}: {}", fault.context);
            Verdict::Errored(fault)
        }
    }
}

fn run_concurrent_initiates(
    adapter: &Arc<dyn Adapter>,
    info: &ImplementationInfo,
    runtime: &Handle,
    options: &FuzzOptions,
) -> Option<FuzzFailure> {
    let devices = burst_devices(info);
    run_concurrency_property(
        "concurrent initiates",
        options.concurrency_cases,
        options.seed.wrapping_add(1),
        &(2usize..=64, 1..=devices),
        |(k, devices)| {
            runtime
                .block_on(concurrency::concurrent_initiates(
                    adapter.clone(),
                    k,
                    devices,
                    &options.waivers,
                ))
                .map_err(|v| in_case(v, &format!("K = {k}, from {devices} Devices")))
        },
    )
}

fn burst_strategy(devices: usize) -> impl Strategy<Value = (usize, Vec<Vec<BurstCall>>)> {
    (1usize..=3).prop_flat_map(move |n| {
        let call = prop_oneof![
            3 => (0..n, 0..devices).prop_map(|(i, d)| BurstCall::Initiate(i, d)),
            3 => (0..n, 0..devices).prop_map(|(i, d)| BurstCall::Cancel(i, d)),
            1 => (0..n).prop_map(BurstCall::Observe),
        ];
        (
            Just(n),
            prop::collection::vec(prop::collection::vec(call, 2..24), 1..6),
        )
    })
}

fn run_bursts(
    adapter: &Arc<dyn Adapter>,
    info: &ImplementationInfo,
    runtime: &Handle,
    options: &FuzzOptions,
) -> Option<FuzzFailure> {
    let devices = burst_devices(info);
    run_concurrency_property(
        "bursts",
        options.concurrency_cases,
        options.seed.wrapping_add(2),
        &burst_strategy(devices),
        |(n, bursts)| {
            runtime
                .block_on(concurrency::bursts(
                    adapter.clone(),
                    n,
                    devices,
                    &bursts,
                    &options.waivers,
                ))
                .map_err(|v| in_case(v, &format!("{n} Identities, bursts {bursts:?}")))
        },
    )
}

/// Runs the three properties against `adapter`; blocks, so call it off the
/// runtime's worker threads (e.g. in `spawn_blocking`).
pub fn fuzz(
    adapter: Arc<dyn Adapter>,
    info: &ImplementationInfo,
    runtime: &Handle,
    options: &FuzzOptions,
) -> FuzzReport {
    fuzz_on(&[adapter], info, runtime, options)
}

/// [`fuzz`] with several processes of one implementation (`fuzz --jobs N`):
/// the model property's cases spread over all of them ([`screen`]; not with
/// a regression file), the concurrency properties on `members[0]`, so that
/// their calls race inside one process. The report does not depend on N.
pub fn fuzz_on(
    members: &[Arc<dyn Adapter>],
    info: &ImplementationInfo,
    runtime: &Handle,
    options: &FuzzOptions,
) -> FuzzReport {
    let Some(adapter) = members.first().cloned() else {
        return FuzzReport {
            seed: options.seed,
            cases: options.cases,
            operations: 0,
            failure: Some(FuzzFailure {
                property: MODEL,
                verdict: Fault::suite("no implementation process to fuzz").into(),
                step: None,
                steps: None,
                gherkin: None,
            }),
            skipped: Vec::new(),
        };
    };
    let operations = AtomicU64::new(0);
    let mut skipped = Vec::new();
    // Zero new cases still replay a regression file's seeds.
    let model_skip = zero_cases(options.cases, "--cases").filter(|_| options.regressions.is_none());
    let concurrency_skip = zero_cases(options.concurrency_cases, "--concurrency-cases");
    if let Some(reason) = &model_skip {
        skipped.push((MODEL, reason.clone()));
    }
    if let Some(reason) = &concurrency_skip {
        skipped.push((CONCURRENT_INITIATES, reason.clone()));
        skipped.push((BURSTS, reason.clone()));
    }
    let model = || {
        if model_skip.is_some() {
            None
        } else {
            run_model_for(members, info, runtime, options, &operations)
        }
    };
    let concurrent = || {
        concurrency_skip
            .is_none()
            .then(|| run_concurrent_initiates(&adapter, info, runtime, options))
            .flatten()
    };
    let bursts = || {
        concurrency_skip
            .is_none()
            .then(|| run_bursts(&adapter, info, runtime, options))
            .flatten()
    };
    let failure = model().or_else(concurrent).or_else(bursts);
    FuzzReport {
        seed: options.seed,
        cases: options.cases,
        operations: operations.into_inner(),
        failure,
        skipped,
    }
}

/// How one property of [`fuzz_each`] ended.
#[derive(Debug, Clone)]
pub struct PropertyOutcome {
    /// The property: `model`, `concurrent initiates` or `bursts`.
    pub property: &'static str,
    /// What it ran, in words (cases, seed).
    pub what: String,
    /// Its shrunk failure, if any.
    pub failure: Option<FuzzFailure>,
    /// Why it checked nothing (zero cases), if it did not run.
    pub skipped: Option<String>,
    /// How long it ran.
    pub duration: std::time::Duration,
}

/// Runs each of the three properties to its end, independently (for `run`,
/// where each is a test case of its own), then the calendar check
/// ([`calendar`]: every instant of the fixed time table, whatever the date);
/// blocks like [`fuzz`]. Everything runs on `members[0]` (so the concurrency
/// properties race inside one process), except that the model property's
/// sequential cases are spread over every member ([`screen`]).
pub fn fuzz_each(
    members: &[Arc<dyn Adapter>],
    info: &ImplementationInfo,
    runtime: &Handle,
    options: &FuzzOptions,
) -> Vec<PropertyOutcome> {
    let Some(adapter) = members.first().cloned() else {
        return Vec::new();
    };
    let operations = AtomicU64::new(0);
    let devices = burst_devices(info);
    let timed = |property: &'static str,
                 what: String,
                 skipped: Option<String>,
                 run: &dyn Fn() -> Option<FuzzFailure>| {
        let started = std::time::Instant::now();
        let failure = if skipped.is_some() { None } else { run() };
        PropertyOutcome {
            property,
            what,
            failure,
            skipped,
            duration: started.elapsed(),
        }
    };
    vec![
        timed(
            MODEL,
            format!(
                "{} random operation sequences of up to {} operations (seed {})",
                options.cases, options.max_ops, options.seed
            ),
            zero_cases(options.cases, "--fuzz-cases"),
            &|| run_model_for(members, info, runtime, options, &operations),
        ),
        timed(
            CONCURRENT_INITIATES,
            format!(
                "{} cases of 2 to 64 initiates at once, from up to {devices} Devices (seed {})",
                options.concurrency_cases,
                options.seed.wrapping_add(1)
            ),
            zero_cases(options.concurrency_cases, "concurrency cases"),
            &|| run_concurrent_initiates(&adapter, info, runtime, options),
        ),
        timed(
            BURSTS,
            format!(
                "{} cases of concurrent initiate/cancel/observe bursts, from up to {devices} Devices per Identity (seed {})",
                options.concurrency_cases,
                options.seed.wrapping_add(2)
            ),
            zero_cases(options.concurrency_cases, "concurrency cases"),
            &|| run_bursts(&adapter, info, runtime, options),
        ),
        timed(
            calendar::CALENDAR,
            calendar::what(),
            zero_cases(options.cases, "--fuzz-cases").or_else(|| calendar::skip_reason(info)),
            &|| {
                calendar::check_over(members, runtime, &options.waivers)
                    .err()
                    .map(|verdict| FuzzFailure {
                        property: calendar::CALENDAR,
                        verdict,
                        step: None,
                        steps: None,
                        gherkin: None,
                    })
            },
        ),
    ]
}
