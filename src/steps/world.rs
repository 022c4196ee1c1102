//! The per-scenario state: a fresh Identity, what the scenario set up, and
//! what the call under test returned.

use super::Function;
use super::expect::Condition;
use crate::adapter::{Adapter, AdapterError, CallError, IdentityHandle, ImplementationInfo};
use crate::domain::IdentityDeletionProcess;
use std::fmt;
use std::sync::Arc;

/// How a step message starts when the adapter (not the implementation's
/// answer) failed; the report counts such scenarios as errored.
pub const ERRORED_PREFIX: &str = "ERRORED";

/// What every scenario of a run shares: the implementation under test.
pub struct RunContext {
    /// The implementation under test.
    pub adapter: Arc<dyn Adapter>,
    /// What it said about itself.
    pub info: ImplementationInfo,
}

impl fmt::Debug for RunContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunContext")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

/// What the call under test returned.
#[derive(Debug, Clone)]
pub enum Returned {
    /// One process (RID1–RID4).
    One(IdentityDeletionProcess),
    /// A list (RID5).
    Many(Vec<IdentityDeletionProcess>),
}

/// The last call the scenario made with a When step.
#[derive(Debug, Clone)]
pub struct LastCall {
    /// Which function.
    pub function: Function,
    /// Its result.
    pub result: Result<Returned, CallError>,
    /// All processes of the Identity just before the call.
    pub before: Vec<IdentityDeletionProcess>,
}

/// The cucumber world: one per scenario, with a fresh Identity.
#[derive(Debug, Default, cucumber::World)]
pub struct ConformanceWorld {
    run: Option<Arc<RunContext>>,
    identity: Option<IdentityHandle>,
    /// Processes the scenario created, in creation order, as last seen.
    pub known: Vec<IdentityDeletionProcess>,
    /// The id a `Get` call uses, when a Given step chose one.
    pub subject_id: Option<String>,
    /// The situation a failure scenario set up.
    pub condition: Option<Condition>,
    /// The last call of a When step.
    pub last: Option<LastCall>,
    /// Results of the last concurrent burst.
    pub burst: Vec<Result<IdentityDeletionProcess, CallError>>,
}

/// Fails the step as errored: the adapter, not the implementation's answer, failed.
pub fn errored(context: &str, error: &AdapterError) -> ! {
    panic!("{ERRORED_PREFIX} ({context}): {error}")
}

impl ConformanceWorld {
    /// Attaches the run's implementation and creates the scenario's Identity.
    pub async fn attach(&mut self, run: Arc<RunContext>) {
        let identity = match run.adapter.new_identity().await {
            Ok(identity) => identity,
            Err(e) => errored("creating the scenario's Identity", &e),
        };
        self.run = Some(run);
        self.identity = Some(identity);
    }

    /// The implementation under test.
    pub fn adapter(&self) -> Arc<dyn Adapter> {
        match &self.run {
            Some(run) => run.adapter.clone(),
            None => panic!("{ERRORED_PREFIX}: no implementation is attached to the scenario"),
        }
    }

    /// The implementation's self-description.
    pub fn info(&self) -> &ImplementationInfo {
        match &self.run {
            Some(run) => &run.info,
            None => panic!("{ERRORED_PREFIX}: no implementation is attached to the scenario"),
        }
    }

    /// The scenario's Identity.
    pub fn identity(&self) -> IdentityHandle {
        match &self.identity {
            Some(identity) => identity.clone(),
            None => panic!("{ERRORED_PREFIX}: the scenario has no Identity"),
        }
    }

    /// Unwraps a setup call: a domain error here is a failed precondition,
    /// an adapter error makes the scenario errored.
    pub fn setup<T>(result: Result<T, CallError>, what: &str) -> T {
        match result {
            Ok(value) => value,
            Err(CallError::Adapter(e)) => errored(what, &e),
            Err(CallError::Domain(e)) => {
                panic!("setting up the scenario failed: {what} answered {e}")
            }
        }
    }

    /// All processes of the Identity now (a setup or observation call).
    pub async fn all_processes(&self, what: &str) -> Vec<IdentityDeletionProcess> {
        let adapter = self.adapter();
        Self::setup(adapter.get_all(&self.identity()).await, what)
    }

    /// Records the latest state of a process the scenario created.
    pub fn remember(&mut self, process: &IdentityDeletionProcess) {
        match self.known.iter_mut().find(|p| p.id == process.id) {
            Some(known) => *known = process.clone(),
            None => self.known.push(process.clone()),
        }
    }

    /// The last call, or a failed step when there was none.
    pub fn last_call(&self) -> &LastCall {
        match &self.last {
            Some(last) => last,
            None => panic!("no call was made: a When step must come first"),
        }
    }

    /// The single process the last call returned; fails the step otherwise.
    pub fn returned_one(&self) -> &IdentityDeletionProcess {
        match &self.last_call().result {
            Ok(Returned::One(p)) => p,
            Ok(Returned::Many(list)) => panic!(
                "expected one IdentityDeletionProcess, the call returned a list of {}",
                list.len()
            ),
            Err(CallError::Adapter(e)) => errored("the call under test", e),
            Err(CallError::Domain(e)) => panic!("expected the call to succeed, it failed with {e}"),
        }
    }

    /// The list the last call returned; fails the step otherwise.
    pub fn returned_list(&self) -> &[IdentityDeletionProcess] {
        match &self.last_call().result {
            Ok(Returned::Many(list)) => list,
            Ok(Returned::One(p)) => panic!(
                "expected a list, the call returned one IdentityDeletionProcess ({})",
                p.id
            ),
            Err(CallError::Adapter(e)) => errored("the call under test", e),
            Err(CallError::Domain(e)) => panic!("expected the call to succeed, it failed with {e}"),
        }
    }
}
