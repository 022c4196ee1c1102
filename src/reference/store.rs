//! The state of the reference implementation and the rules of RID1–RID5.
//!
//! Every method runs under the implementation's one lock, so each call is atomic.
//!
//! Sources: `docs/domain.md` (life cycle, invariant, grace period, reads, errors, events).

use super::ids::IdSource;
use super::unknown_identity;
use crate::adapter::{AdapterError, CallResult, IdentityHandle, StatusChangedEvent};
use crate::domain::{
    DEFAULT_GRACE_PERIOD_DAYS, ErrorKind, IdentityDeletionProcess, ProcessId, Status,
    format_timestamp,
};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use std::collections::HashMap;
use std::time::Duration;

/// One process, typed.
#[derive(Debug, Clone)]
struct Process {
    id: ProcessId,
    status: Status,
    created_at: DateTime<Utc>,
    created_by_device: String,
    grace_period_ends_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    cancelled_by_device: Option<String>,
}

impl Process {
    fn dto(&self) -> IdentityDeletionProcess {
        IdentityDeletionProcess {
            id: self.id.as_str().to_owned(),
            status: self.status.as_str().to_owned(),
            created_at: format_timestamp(self.created_at),
            created_by_device: Some(self.created_by_device.clone()),
            grace_period_ends_at: self.grace_period_ends_at.map(format_timestamp),
            cancelled_at: self.cancelled_at.map(format_timestamp),
            cancelled_by_device: self.cancelled_by_device.clone(),
        }
    }
}

/// One Identity: its Device, its processes in creation order, its clock and events.
#[derive(Debug)]
struct Identity {
    /// Its first Device (every call names it unless it names another).
    device: String,
    /// Devices added later (the `devices` capability).
    more_devices: Vec<String>,
    processes: Vec<Process>,
    /// Set once the clock was advanced: the Identity's time no longer follows the real clock.
    stopped_clock: Option<DateTime<Utc>>,
    events: Vec<StatusChangedEvent>,
}

impl Identity {
    fn now(&self, real_now: DateTime<Utc>) -> DateTime<Utc> {
        let now = self.stopped_clock.unwrap_or(real_now);
        // The DTO carries milliseconds; keep the state exactly what it reports.
        now.duration_trunc(TimeDelta::milliseconds(1))
            .unwrap_or(now)
    }

    /// The Device a call names: the first one when `None`; an unknown one is an adapter fault.
    fn device_named(&self, device: Option<&str>) -> Result<String, AdapterError> {
        match device {
            None => Ok(self.device.clone()),
            Some(d) if d == self.device || self.more_devices.iter().any(|m| m == d) => {
                Ok(d.to_owned())
            }
            Some(d) => Err(AdapterError::new(
                crate::adapter::AdapterFault::Internal,
                format!("the Identity has no Device `{d}`"),
            )),
        }
    }

    fn active(&mut self) -> Option<&mut Process> {
        self.processes
            .iter_mut()
            .find(|p| p.status == Status::Active)
    }

    fn publish(&mut self, process: &IdentityDeletionProcess) {
        self.events.push(StatusChangedEvent::carrying(process));
    }
}

/// All Identities.
#[derive(Debug)]
pub struct Store {
    ids: IdSource,
    identities: HashMap<IdentityHandle, Identity>,
}

impl Store {
    /// An empty store.
    pub fn new(ids: IdSource) -> Self {
        Self {
            ids,
            identities: HashMap::new(),
        }
    }

    fn identity(&mut self, handle: &IdentityHandle) -> Result<&mut Identity, AdapterError> {
        self.identities
            .get_mut(handle)
            .ok_or_else(|| unknown_identity(handle))
    }

    /// A fresh Identity with one Device.
    pub fn new_identity(&mut self) -> IdentityHandle {
        let handle = IdentityHandle(self.ids.other_id("did"));
        let device = self.ids.other_id("DVC");
        self.identities.insert(
            handle.clone(),
            Identity {
                device,
                more_devices: Vec::new(),
                processes: Vec::new(),
                stopped_clock: None,
                events: Vec::new(),
            },
        );
        handle
    }

    /// Adds a Device to the Identity and returns its id.
    pub fn new_device(&mut self, handle: &IdentityHandle) -> Result<String, AdapterError> {
        let device = self.ids.other_id("DVC");
        self.identity(handle)?.more_devices.push(device.clone());
        Ok(device)
    }

    /// RID1: fails while a process is Active; otherwise creates an Active one
    /// whose grace period ends `days` (default 14, zero allowed) after now,
    /// made by `device` (the first Device when `None`).
    pub fn initiate(
        &mut self,
        handle: &IdentityHandle,
        device: Option<&str>,
        days: Option<u32>,
        real_now: DateTime<Utc>,
    ) -> CallResult<IdentityDeletionProcess> {
        let id = self.ids.process_id();
        let identity = self.identity(handle)?;
        let device = identity.device_named(device)?;
        if identity.active().is_some() {
            return Err(ErrorKind::ActiveProcessAlreadyExists.error().into());
        }
        let now = identity.now(real_now);
        let days = days.unwrap_or(DEFAULT_GRACE_PERIOD_DAYS);
        let process = Process {
            id,
            status: Status::Active,
            created_at: now,
            created_by_device: device,
            grace_period_ends_at: Some(now + TimeDelta::days(i64::from(days))),
            cancelled_at: None,
            cancelled_by_device: None,
        };
        let dto = process.dto();
        identity.processes.push(process);
        identity.publish(&dto);
        Ok(dto)
    }

    /// RID2: cancels the Active process while `now <= gracePeriodEndsAt`; sets
    /// `cancelledAt` and `cancelledByDevice`, clears `gracePeriodEndsAt`.
    pub fn cancel(
        &mut self,
        handle: &IdentityHandle,
        device: Option<&str>,
        real_now: DateTime<Utc>,
    ) -> CallResult<IdentityDeletionProcess> {
        let identity = self.identity(handle)?;
        let now = identity.now(real_now);
        let device = identity.device_named(device)?;
        let Some(process) = identity.active() else {
            return Err(ErrorKind::NoActiveProcess.error().into());
        };
        if process.grace_period_ends_at.is_some_and(|end| now > end) {
            return Err(ErrorKind::GracePeriodExpired.error().into());
        }
        process.status = Status::Cancelled;
        process.cancelled_at = Some(now);
        process.cancelled_by_device = Some(device);
        process.grace_period_ends_at = None;
        let dto = process.dto();
        identity.publish(&dto);
        Ok(dto)
    }

    /// RID3: the Identity's process with `id`; a malformed id is
    /// `invalidPropertyValue`, a well-formed unknown one `recordNotFound`
    /// (also when it belongs to another Identity).
    pub fn get(
        &mut self,
        handle: &IdentityHandle,
        id: &str,
    ) -> CallResult<IdentityDeletionProcess> {
        let identity = self.identity(handle)?;
        let id = ProcessId::parse(id).map_err(|_| ErrorKind::InvalidPropertyValue.error())?;
        identity
            .processes
            .iter()
            .find(|p| p.id == id)
            .map(Process::dto)
            .ok_or_else(|| ErrorKind::RecordNotFound.error().into())
    }

    /// RID4: the Active process.
    pub fn get_active(&mut self, handle: &IdentityHandle) -> CallResult<IdentityDeletionProcess> {
        let identity = self.identity(handle)?;
        identity
            .active()
            .map(|p| p.dto())
            .ok_or_else(|| ErrorKind::NoActiveProcess.error().into())
    }

    /// RID5: every process, in creation order.
    pub fn get_all(&mut self, handle: &IdentityHandle) -> CallResult<Vec<IdentityDeletionProcess>> {
        Ok(self
            .identity(handle)?
            .processes
            .iter()
            .map(Process::dto)
            .collect())
    }

    /// Stops the Identity's clock and moves it forward by `by`.
    pub fn advance_clock(
        &mut self,
        handle: &IdentityHandle,
        by: Duration,
        real_now: DateTime<Utc>,
    ) -> Result<(), AdapterError> {
        let identity = self.identity(handle)?;
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        let now = identity.now(real_now);
        identity.stopped_clock = Some(
            now.checked_add_signed(by)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        );
        Ok(())
    }

    /// Stops the Identity's clock at exactly `instant`.
    pub fn set_clock(
        &mut self,
        handle: &IdentityHandle,
        instant: DateTime<Utc>,
    ) -> Result<(), AdapterError> {
        self.identity(handle)?.stopped_clock = Some(instant);
        Ok(())
    }

    /// Drains the Identity's events.
    pub fn take_events(
        &mut self,
        handle: &IdentityHandle,
    ) -> Result<Vec<StatusChangedEvent>, AdapterError> {
        Ok(std::mem::take(&mut self.identity(handle)?.events))
    }
}
