//! The implementation under test: IdentityDeletionProcesses in memory, with
//! the rules of RID1–RID5. Replace it by calls into your own code.

use enmeshed_conformance::prelude::chrono::{DateTime, TimeDelta, Utc};
use enmeshed_conformance::prelude::*;
use std::collections::HashMap;
use std::sync::Mutex;

/// The default grace period, in days.
const GRACE_PERIOD_DAYS: u32 = 14;

/// One process as the implementation keeps it.
#[derive(Debug, Clone)]
struct Process {
    id: String,
    active: bool,
    created_at: DateTime<Utc>,
    created_by_device: String,
    grace_period_ends_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    cancelled_by_device: Option<String>,
}

/// `2026-01-01T00:00:00.000Z`: milliseconds, UTC.
fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Now, cut to the milliseconds the DTO carries.
fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now)
}

impl Process {
    fn dto(&self) -> IdentityDeletionProcess {
        IdentityDeletionProcess {
            id: self.id.clone(),
            status: if self.active { "Active" } else { "Cancelled" }.to_owned(),
            created_at: timestamp(self.created_at),
            created_by_device: Some(self.created_by_device.clone()),
            grace_period_ends_at: self.grace_period_ends_at.map(timestamp),
            cancelled_at: self.cancelled_at.map(timestamp),
            cancelled_by_device: self.cancelled_by_device.clone(),
        }
    }
}

/// One Identity: its Device, its processes (oldest first), its events.
#[derive(Debug, Default)]
struct Identity {
    device: String,
    processes: Vec<Process>,
    events: Vec<StatusChangedEvent>,
}

impl Identity {
    fn publish(&mut self, process: &IdentityDeletionProcess) {
        self.events.push(StatusChangedEvent::carrying(process));
    }
}

#[derive(Debug, Default)]
struct State {
    next_id: u64,
    identities: HashMap<IdentityHandle, Identity>,
}

impl State {
    /// A fresh id: `prefix` + 17 alphanumerics (a letter, then a counter).
    fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}x{:016}", self.next_id)
    }

    fn identity(&mut self, handle: &IdentityHandle) -> Result<&mut Identity, AdapterError> {
        self.identities.get_mut(handle).ok_or_else(|| {
            AdapterError::new(AdapterFault::Internal, format!("no Identity {}", handle.0))
        })
    }
}

/// The in-memory implementation: one lock makes every call atomic (the
/// suite sends 32 initiates at once; at most one may succeed).
#[derive(Debug, Default)]
pub struct InMemory {
    state: Mutex<State>,
}

impl InMemory {
    fn with<T>(&self, call: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        call(&mut state)
    }
}

impl BlockingAdapter for InMemory {
    fn describe(&self) -> ImplementationInfo {
        ImplementationInfo {
            name: "in-memory example".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            // No `clock` and no `devices`: the scenarios that need them are
            // skipped, and the run's header says how many.
            capabilities: [Capability::Events].into_iter().collect(),
        }
    }

    fn new_identity(&self) -> Result<IdentityHandle, AdapterError> {
        Ok(self.with(|state| {
            let handle = IdentityHandle(state.id("did"));
            let device = state.id("DVC");
            state.identities.insert(
                handle.clone(),
                Identity {
                    device,
                    ..Identity::default()
                },
            );
            handle
        }))
    }

    /// RID1: at most one Active process; the grace period is `days` (default 14).
    fn initiate(
        &self,
        identity: &IdentityHandle,
        days: Option<u32>,
    ) -> CallResult<IdentityDeletionProcess> {
        self.with(|state| {
            let id = state.id("IDP");
            let identity = state.identity(identity)?;
            if identity.processes.iter().any(|p| p.active) {
                return Err(ErrorKind::ActiveProcessAlreadyExists.error().into());
            }
            let now = now();
            let days = days.unwrap_or(GRACE_PERIOD_DAYS);
            let process = Process {
                id,
                active: true,
                created_at: now,
                created_by_device: identity.device.clone(),
                grace_period_ends_at: Some(now + TimeDelta::days(i64::from(days))),
                cancelled_at: None,
                cancelled_by_device: None,
            };
            let dto = process.dto();
            identity.processes.push(process);
            identity.publish(&dto);
            Ok(dto)
        })
    }

    /// RID2: cancels the Active process within its grace period.
    fn cancel(&self, identity: &IdentityHandle) -> CallResult<IdentityDeletionProcess> {
        self.with(|state| {
            let identity = state.identity(identity)?;
            let device = identity.device.clone();
            let now = now();
            let Some(process) = identity.processes.iter_mut().find(|p| p.active) else {
                return Err(ErrorKind::NoActiveProcess.error().into());
            };
            if process.grace_period_ends_at.is_some_and(|end| now > end) {
                return Err(ErrorKind::GracePeriodExpired.error().into());
            }
            process.active = false;
            process.cancelled_at = Some(now);
            process.cancelled_by_device = Some(device);
            process.grace_period_ends_at = None;
            let dto = process.dto();
            identity.publish(&dto);
            Ok(dto)
        })
    }

    /// RID3: a malformed id is `invalidPropertyValue`, an unknown one `recordNotFound`.
    fn get(&self, identity: &IdentityHandle, id: &str) -> CallResult<IdentityDeletionProcess> {
        let well_formed = id.len() == 20
            && id.starts_with("IDP")
            && id[3..].bytes().all(|b| b.is_ascii_alphanumeric());
        self.with(|state| {
            let identity = state.identity(identity)?;
            if !well_formed {
                return Err(ErrorKind::InvalidPropertyValue.error().into());
            }
            identity
                .processes
                .iter()
                .find(|p| p.id == id)
                .map(Process::dto)
                .ok_or_else(|| ErrorKind::RecordNotFound.error().into())
        })
    }

    /// RID4: the Active process.
    fn get_active(&self, identity: &IdentityHandle) -> CallResult<IdentityDeletionProcess> {
        self.with(|state| {
            state
                .identity(identity)?
                .processes
                .iter()
                .find(|p| p.active)
                .map(Process::dto)
                .ok_or_else(|| ErrorKind::NoActiveProcess.error().into())
        })
    }

    /// RID5: every process, oldest first.
    fn get_all(&self, identity: &IdentityHandle) -> CallResult<Vec<IdentityDeletionProcess>> {
        self.with(|state| {
            Ok(state
                .identity(identity)?
                .processes
                .iter()
                .map(Process::dto)
                .collect())
        })
    }

    /// The `events` capability: the status-changed events since the last call.
    fn take_events(
        &self,
        identity: &IdentityHandle,
    ) -> Result<Vec<StatusChangedEvent>, AdapterError> {
        self.with(|state| Ok(std::mem::take(&mut state.identity(identity)?.events)))
    }
}
