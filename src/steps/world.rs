//! The per-scenario state: the scenario's Identities, the suite's oracle,
//! and what the call under test returned.

use crate::adapter::{
    Adapter, AdapterError, CallError, Capability, IdentityHandle, ImplementationInfo,
    StatusChangedEvent,
};
use crate::domain::Function;
use crate::oracle::model::Expected;
use crate::oracle::{Call, Oracle, Returned, Window, measure};
use crate::verdict::{Failure, Fault, Verdict};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// What every scenario of a run shares: the implementation under test.
pub struct RunContext {
    /// The implementation under test: its processes (`run --jobs`), one
    /// scenario on one of them.
    pub jobs: Arc<crate::adapter::jobs::Jobs>,
    /// What it said about itself.
    pub info: ImplementationInfo,
    /// The rules whose failures are known deviations.
    pub waivers: Arc<crate::oracle::Waivers>,
}

impl fmt::Debug for RunContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunContext")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// The call a When step made.
#[derive(Debug, Clone)]
pub struct LastCall {
    /// The Identity (oracle index) that called.
    pub identity: usize,
    /// Which function.
    pub function: Function,
    /// Its result.
    pub result: Result<Returned, CallError>,
    /// What the oracle expected.
    pub expected: Expected,
    /// The real time the call took.
    pub window: Window,
    /// The oracle's model just before the call.
    pub model_before: crate::oracle::model::ModelState,
}

/// The results of a concurrent burst of initiates.
#[derive(Debug, Clone)]
pub struct Burst {
    /// The function called (initiate or cancel).
    pub function: Function,
    /// Each call's result.
    pub results: Vec<Result<crate::domain::IdentityDeletionProcess, CallError>>,
    /// What the oracle expected of the one initiate that may win.
    pub expected: Expected,
}

/// The cucumber world: one per scenario, with a fresh Identity.
#[derive(Debug, Default, cucumber::World)]
pub struct ConformanceWorld {
    run: Option<Arc<RunContext>>,
    /// The implementation process the scenario runs on.
    lease: Option<crate::adapter::jobs::Lease>,
    handles: Vec<IdentityHandle>,
    /// The suite's model of the scenario's Identities.
    pub oracle: Oracle,
    /// The id a `Get` call uses, when a Given step chose one.
    pub subject_id: Option<String>,
    /// The last call of a When step.
    pub last: Option<LastCall>,
    /// The last concurrent burst.
    pub burst: Option<Burst>,
    /// Events taken since the last call (events capability).
    pub events: Option<Vec<StatusChangedEvent>>,
    /// Why the scenario did not pass, once a step decided it.
    pub verdict: Option<Verdict>,
    /// The scenario Identity's Devices the suite added (Device 2, 3, …).
    pub added_devices: Vec<String>,
    /// How the last alternating burst ended, and whether a process was Active before it.
    pub mixed_burst: Option<(crate::oracle::serial::BurstOutcome, bool, usize)>,
    /// Per Identity: the processes its successful initiates and cancels
    /// returned since its events were last read (for the event checks).
    changes: Vec<Vec<crate::domain::IdentityDeletionProcess>>,
}

/// How long a setup call on a real clock is followed by a pause (two DTO
/// timestamp units, so the next call's window starts in a later millisecond).
const SETTLE: Duration = Duration::from_millis(2);

/// The Identity every scenario acts as (oracle index 0).
pub const SCENARIO_IDENTITY: usize = 0;

impl ConformanceWorld {
    /// Ends the step with `verdict`: records it for the tally, then fails the
    /// step with its text for the console and the reports.
    pub fn fail(&mut self, verdict: impl Into<Verdict>) -> ! {
        let verdict = match crate::protocol::excerpt_verdict(verdict.into()) {
            Verdict::Failed(failure) => {
                let failure = failure.input(self.oracle.last_input());
                // Counted, so the waiver is not stale; the scenario is reported as waived.
                self.oracle.waivers.waives(&failure);
                Verdict::Failed(failure)
            }
            errored => errored,
        };
        // The panic text is the console's only: implementation text in it is
        // made inert for a terminal (the reports read the typed verdict).
        let text = crate::sanitize::terminal::text(&verdict.to_string());
        self.verdict = Some(verdict);
        panic!("{text}")
    }

    /// Ends the step as errored: the adapter failed while doing `context`.
    pub fn errored(&mut self, context: &str, error: &AdapterError) -> ! {
        self.fail(Fault::adapter(context, error))
    }

    /// Ends the step as a fault of the suite (a scenario that contradicts itself).
    pub fn suite_error(&mut self, message: impl Into<String>) -> ! {
        self.fail(Fault::suite(message))
    }

    /// Ends the step with `result`'s failure, if any.
    pub fn check(&mut self, result: Result<(), Failure>) {
        let input = self.oracle.last_input();
        if let Err(failure) = self
            .oracle
            .waivers
            .judge(result.map_err(|f| f.input(input)))
        {
            self.fail(failure)
        }
    }

    /// Attaches the run's implementation and creates the scenario's Identity.
    pub async fn attach(&mut self, run: Arc<RunContext>) {
        self.oracle = Oracle::with_waivers(run.waivers.clone());
        self.lease = Some(run.jobs.lease());
        self.run = Some(run);
        self.add_identity("creating the scenario's Identity").await;
    }

    /// Creates another Identity; returns its oracle index.
    pub async fn add_identity(&mut self, context: &str) -> usize {
        let adapter = self.adapter();
        match adapter.new_identity().await {
            Ok(handle) => {
                self.handles.push(handle);
                self.oracle.add_identity()
            }
            Err(e) => self.errored(context, &e),
        }
    }

    /// Ends the scenario's placement on its implementation process
    /// ([`crate::adapter::jobs::Lease`]); a later call is a fault of the suite.
    pub fn release(&mut self) {
        self.lease = None;
    }

    /// The implementation under test.
    pub fn adapter(&mut self) -> Arc<dyn Adapter> {
        match &self.lease {
            Some(lease) => lease.adapter().clone(),
            None => self.suite_error("no implementation is attached to the scenario"),
        }
    }

    /// Whether the implementation has `capability`.
    pub fn has(&self, capability: Capability) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.info.capabilities.contains(&capability))
    }

    /// The handle of Identity `index`.
    pub fn handle(&mut self, index: usize) -> IdentityHandle {
        match self.handles.get(index) {
            Some(handle) => handle.clone(),
            None => self.suite_error(format!("the scenario has no Identity {}", index + 1)),
        }
    }

    /// Makes `call` for Identity `identity`, applies it to the oracle and
    /// returns the result with the oracle's expectation. Adapter faults end the step.
    pub async fn call(
        &mut self,
        identity: usize,
        call: Call,
        context: &str,
    ) -> (Result<Returned, CallError>, Expected, Window) {
        self.call_as(identity, call, None, context).await
    }

    /// [`ConformanceWorld::call`] made by `device` (`None`: the Identity's first Device).
    pub async fn call_as(
        &mut self,
        identity: usize,
        call: Call,
        device: Option<String>,
        context: &str,
    ) -> (Result<Returned, CallError>, Expected, Window) {
        let adapter = self.adapter();
        let handle = self.handle(identity);
        let acting = device.clone();
        let (window, result) = measure(|| async {
            let device = acting.as_deref();
            match &call {
                Call::Initiate(days) => adapter
                    .initiate_as(&handle, device, *days)
                    .await
                    .map(Returned::One),
                Call::Cancel => adapter.cancel_as(&handle, device).await.map(Returned::One),
                Call::Get(id) => adapter.get(&handle, id).await.map(Returned::One),
                Call::GetActive => adapter.get_active(&handle).await.map(Returned::One),
                Call::GetAll => adapter.get_all(&handle).await.map(Returned::Many),
            }
        })
        .await;
        if let Err(CallError::Adapter(e)) = &result {
            self.errored(&format!("{context} (calling {})", call.function()), e);
        }
        let expected = self
            .oracle
            .apply_as(identity, &call, window, device.as_deref());
        if let (Expected::Process(index), Ok(Returned::One(process))) = (&expected, &result) {
            self.oracle.bind(identity, *index, &process.id);
            if matches!(call, Call::Initiate(_) | Call::Cancel) {
                if self.changes.len() <= identity {
                    self.changes.resize(identity + 1, Vec::new());
                }
                self.changes[identity].push(process.clone());
            }
        }
        (result, expected, window)
    }

    /// A setup call: made, applied to the oracle, and its whole answer checked.
    pub async fn setup(&mut self, identity: usize, call: Call, context: &str) -> Returned {
        let function = call.function();
        let (result, expected, _) = self.call(identity, call, context).await;
        if !self.oracle.clock_stopped(identity) {
            // Let the millisecond pass, so that the call under test never shares
            // a timestamp with its setup: a `cancelledAt` copied from `createdAt`
            // is then always outside the cancel call's window, not only by chance.
            tokio::time::sleep(SETTLE).await;
        }
        let checked = self
            .oracle
            .check_answer(identity, function, &expected, &result);
        if let Err(failure) = checked {
            self.fail(failure.context(&format!("setting up the scenario ({context})")));
        }
        match result {
            Ok(returned) => returned,
            Err(e) => self.suite_error(format!(
                "{context}: {function} failed ({e}) and the oracle expected it"
            )),
        }
    }

    /// A read that checks the implementation's current state of `identity`
    /// against the oracle (getAll), for Then steps.
    pub async fn check_all(&mut self, identity: usize, context: &str) {
        let (result, expected, _) = self.call(identity, Call::GetAll, context).await;
        let checked = self
            .oracle
            .check_answer(identity, Function::GetAll, &expected, &result);
        if let Err(failure) = checked {
            self.fail(failure.context(context));
        }
    }

    /// Moves the clock of `identity`: zero stops it.
    pub async fn advance_clock(&mut self, identity: usize, by: Duration) {
        let adapter = self.adapter();
        let handle = self.handle(identity);
        let (window, result) = measure(|| adapter.advance_clock(&handle, by)).await;
        if let Err(e) = result {
            self.errored("moving the Identity's clock", &e);
        }
        self.oracle.stop_clock(identity, window);
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.oracle.advance_clock(identity, ms);
    }

    /// Stops the clock of `identity` at exactly `instant`.
    pub async fn set_clock(&mut self, identity: usize, instant: chrono::DateTime<chrono::Utc>) {
        let adapter = self.adapter();
        let handle = self.handle(identity);
        if let Err(e) = adapter.set_clock(&handle, instant).await {
            self.errored("setting the Identity's clock", &e);
        }
        self.oracle.set_clock(identity, instant);
    }

    /// The Device number `number` of the scenario's Identity: `None` for
    /// Device 1 (the first), else the one the suite added.
    pub fn device(&mut self, number: usize) -> Option<String> {
        if number <= 1 {
            return None;
        }
        match self.added_devices.get(number - 2) {
            Some(device) => Some(device.clone()),
            None => self.suite_error(format!(
                "the Identity has {} Devices, not {number}",
                self.added_devices.len() + 1
            )),
        }
    }

    /// The status-changed events of `identity` published since the last take.
    pub async fn take_events(&mut self, identity: usize) -> Vec<StatusChangedEvent> {
        let adapter = self.adapter();
        let handle = self.handle(identity);
        match adapter.take_events(&handle).await {
            Ok(events) => events,
            Err(e) => self.errored("reading the events", &e),
        }
    }

    /// The status changes made on `identity` since its events were last
    /// read (see [`ConformanceWorld::take_events`]), and forgets them.
    pub fn take_changes(&mut self, identity: usize) -> Vec<crate::domain::IdentityDeletionProcess> {
        self.changes
            .get_mut(identity)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The last call, or a suite error when there was none.
    pub fn last_call(&mut self) -> LastCall {
        match &self.last {
            Some(last) => last.clone(),
            None => self.suite_error("no call was made: a When step must come first"),
        }
    }
}
