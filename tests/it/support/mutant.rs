//! Deliberately faulty implementations: each is the reference behaviour with
//! one small change ([`Mutation`]). The suite must catch every one.
//!
//! This is a compact copy of the reference rules, not the reference itself:
//! the mutations must not reach into the shipped implementation.
#![allow(dead_code)]

use chrono::{DateTime, Datelike, DurationRound, TimeDelta, Utc};
use enmeshed_conformance::adapter::{
    Adapter, AdapterError, AdapterFault, BoxFuture, CallResult, Capability, IdentityHandle,
    ImplementationInfo, StatusChangedEvent,
};
use enmeshed_conformance::domain::{
    DEFAULT_GRACE_PERIOD_DAYS, DomainError, ErrorKind, IdentityDeletionProcess, ProcessId, Status,
    format_timestamp,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One deliberate fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    /// No fault at all: the control, which must pass.
    None,
    /// Initiate checks, yields, then creates: the 2024 race.
    CheckThenActInitiate,
    /// Only the first process counts as "the Active one", so after a cancel
    /// and a new initiate a further initiate succeeds.
    SecondActiveAfterCancelInitiate,
    /// Status written `active` / `cancelled`.
    WrongStatusCasing,
    /// `gracePeriodEndsAt` never sent.
    GracePeriodEndsAtMissing,
    /// A 7-day default grace period.
    SevenDayDefault,
    /// Cancel keeps `gracePeriodEndsAt`.
    CancelKeepsGracePeriodEnd,
    /// Cancel ignores the end of the grace period.
    CancelAfterExpiry,
    /// Get all lists newest first.
    GetAllReversed,
    /// Initiate-while-active answers with another code.
    WrongInitiateErrorCode,
    /// Initiate-while-active has the right code, another message.
    WrongInitiateMessage,
    /// Get finds processes of other Identities too.
    GetReturnsOtherIdentitysProcess,
    /// Get active falls back to the newest process when none is Active.
    GetActiveReturnsCancelled,
    /// `cancelledAt` is a copy of `createdAt`.
    CancelledAtIsCreatedAt,
    /// Initiate publishes its event twice.
    EventPublishedTwice,
    /// A refused initiate still publishes an event (with the Active process).
    EventOnRefusedInitiate,
    /// `createdByDevice` is a new Device id for every process, not the caller's.
    CreatedByDeviceNotCaller,
    /// Cancel is refused already at `gracePeriodEndsAt` (off by one, early).
    GraceBoundaryEarly,
    /// Cancel is still allowed 1 ms after `gracePeriodEndsAt` (off by one, late).
    GraceBoundaryLate,
    /// Get ignores the id and returns the Identity's first process.
    GetIgnoresId,
    /// Get all leaves out cancelled processes.
    GetAllDropsCancelled,
    /// Ids have 18 characters after `IDP`.
    BadIdFormat,
    /// Timestamps are written with `+00:00` instead of `Z`.
    TimestampWithOffset,
    /// Get all lists the processes of every Identity.
    GetAllOfEveryone,
    /// Initiate never refuses: no Active check at all.
    InitiateNeverRefuses,
    /// Cancel records the cancellation but leaves the status `Active`.
    CancelKeepsStatus,
    /// Get active returns the Identity's first process, whatever its status.
    GetActiveReturnsFirst,
    /// Cancel acts on the first process ever created, not on the Active one.
    CancelCancelsFirst,
    /// Initiate refuses at the very instant of a cancel (a same-millisecond "still active" check).
    ReinitiateSameInstantRefused,
    /// Get all lists at most 10 processes.
    GetAllCapped,
    /// Get active finds an Active process of any Identity.
    GetActiveOfEveryone,
    /// Get compares ids ignoring case.
    GetCaseInsensitive,
    /// Get trims whitespace around the id.
    GetTrimsId,
    /// Ids are validated with Unicode letters and digits, not ASCII ones.
    UnicodeIdsAccepted,
    /// Cancel checks, waits for I/O, then cancels: two concurrent cancels both succeed.
    CancelCheckThenAct,
    /// The grace period is counted in Europe/Berlin days: one hour short across the switch to summer time.
    GraceAcrossDstShort,
    /// After the grace period the process no longer counts as Active.
    ExpiredNotActive,
    /// Every process gets the grace period of the Identity's first process.
    GraceFromFirstProcess,
    /// `createdByDevice` and `cancelledByDevice` always name the first Device.
    AlwaysFirstDevice,
    /// `takeEvents` returns (and clears) the events of every Identity, not the caller's only.
    EventsOfEveryone,
    /// `takeEvents` clears the events of every Identity but returns the caller's only.
    EventsVanishAcrossIdentities,
    /// Initiate locks per (Identity, Device), not per Identity: calls from
    /// one Device are serialized, calls from several Devices race.
    LockPerDevice,
    /// `gracePeriodEndsAt` is kept in 32-bit Unix seconds: it wraps after
    /// 2038-01-19T03:14:07Z, so grace periods beyond about 4000 days fail.
    GraceEndWrapsIn2038,
    /// The event's data is only `{id, status}`, not the whole process.
    EventDataPartial,
    /// Timestamps carry the ISO 8601 week-based year (`%G`) instead of the
    /// calendar year: wrong only around the new year in some years.
    WeekBasedYear,
    /// Timestamps go through a calendar whose February has 28 days: 29
    /// February is written as 1 March.
    LeapDayRollsOver,
}

impl Mutation {
    /// Every mutation but the control.
    pub const ALL: [Mutation; 45] = [
        Mutation::CheckThenActInitiate,
        Mutation::SecondActiveAfterCancelInitiate,
        Mutation::WrongStatusCasing,
        Mutation::GracePeriodEndsAtMissing,
        Mutation::SevenDayDefault,
        Mutation::CancelKeepsGracePeriodEnd,
        Mutation::CancelAfterExpiry,
        Mutation::GetAllReversed,
        Mutation::WrongInitiateErrorCode,
        Mutation::WrongInitiateMessage,
        Mutation::GetReturnsOtherIdentitysProcess,
        Mutation::GetActiveReturnsCancelled,
        Mutation::CancelledAtIsCreatedAt,
        Mutation::EventPublishedTwice,
        Mutation::EventOnRefusedInitiate,
        Mutation::CreatedByDeviceNotCaller,
        Mutation::GraceBoundaryEarly,
        Mutation::GraceBoundaryLate,
        Mutation::GetIgnoresId,
        Mutation::GetAllDropsCancelled,
        Mutation::BadIdFormat,
        Mutation::TimestampWithOffset,
        Mutation::GetAllOfEveryone,
        Mutation::InitiateNeverRefuses,
        Mutation::CancelKeepsStatus,
        Mutation::GetActiveReturnsFirst,
        Mutation::CancelCancelsFirst,
        Mutation::ReinitiateSameInstantRefused,
        Mutation::GetAllCapped,
        Mutation::GetActiveOfEveryone,
        Mutation::GetCaseInsensitive,
        Mutation::GetTrimsId,
        Mutation::UnicodeIdsAccepted,
        Mutation::CancelCheckThenAct,
        Mutation::GraceAcrossDstShort,
        Mutation::ExpiredNotActive,
        Mutation::GraceFromFirstProcess,
        Mutation::AlwaysFirstDevice,
        Mutation::EventsOfEveryone,
        Mutation::EventsVanishAcrossIdentities,
        Mutation::LockPerDevice,
        Mutation::GraceEndWrapsIn2038,
        Mutation::EventDataPartial,
        Mutation::WeekBasedYear,
        Mutation::LeapDayRollsOver,
    ];
}

#[derive(Debug, Clone)]
struct Process {
    id: String,
    status: Status,
    created_at: DateTime<Utc>,
    grace_period_ends_at: Option<DateTime<Utc>>,
    cancelled_at: Option<DateTime<Utc>>,
    cancelled: bool,
    /// The Device named in `createdByDevice` (`None`: the first Device).
    created_by: Option<String>,
    /// The Device named in `cancelledByDevice` (`None`: the first Device).
    cancelled_by: Option<String>,
    /// The grace period it was created with, in days.
    first_grace_days: Option<i64>,
}

#[derive(Debug, Default)]
struct Identity {
    device: String,
    more_devices: Vec<String>,
    processes: Vec<Process>,
    stopped_clock: Option<DateTime<Utc>>,
    events: Vec<StatusChangedEvent>,
}

impl Identity {
    fn now(&self) -> DateTime<Utc> {
        let now = self.stopped_clock.unwrap_or_else(Utc::now);
        now.duration_trunc(TimeDelta::milliseconds(1))
            .unwrap_or(now)
    }
}

#[derive(Debug, Default)]
struct State {
    next: u64,
    identities: HashMap<IdentityHandle, Identity>,
}

/// The per-(Identity, Device) locks of [`Mutation::LockPerDevice`].
type DeviceLocks = HashMap<(IdentityHandle, Option<String>), Arc<tokio::sync::Mutex<()>>>;

/// A faulty implementation.
#[derive(Debug)]
pub struct Mutant {
    mutation: Mutation,
    state: Mutex<State>,
    device_locks: Mutex<DeviceLocks>,
}

fn missing(identity: &IdentityHandle) -> AdapterError {
    AdapterError::new(
        AdapterFault::Internal,
        format!("unknown identity {}", identity.0),
    )
}

impl Mutant {
    /// The implementation with `mutation`.
    pub fn new(mutation: Mutation) -> Self {
        Self {
            mutation,
            state: Mutex::new(State {
                next: 7_000_000,
                identities: HashMap::new(),
            }),
            device_locks: Mutex::new(HashMap::new()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn dto(&self, device: &str, p: &Process) -> IdentityDeletionProcess {
        let status = if self.mutation == Mutation::WrongStatusCasing {
            p.status.as_str().to_lowercase()
        } else {
            p.status.as_str().to_owned()
        };
        let grace = if self.mutation == Mutation::GracePeriodEndsAtMissing {
            None
        } else {
            p.grace_period_ends_at
        };
        let stamp = |t: DateTime<Utc>| {
            let text = format_timestamp(t);
            match self.mutation {
                Mutation::TimestampWithOffset => text.replace('Z', "+00:00"),
                Mutation::WeekBasedYear => {
                    format!("{:04}{}", t.iso_week().year(), &text[4..])
                }
                Mutation::LeapDayRollsOver if t.month() == 2 && t.day() == 29 => {
                    format!("{}-03-01{}", &text[..4], &text[10..])
                }
                _ => text,
            }
        };
        IdentityDeletionProcess {
            id: p.id.clone(),
            status,
            created_at: stamp(p.created_at),
            created_by_device: Some(p.created_by.clone().unwrap_or_else(|| device.to_owned())),
            grace_period_ends_at: grace.map(stamp),
            cancelled_at: if self.mutation == Mutation::CancelledAtIsCreatedAt {
                p.cancelled_at.map(|_| stamp(p.created_at))
            } else {
                p.cancelled_at.map(stamp)
            },
            cancelled_by_device: p
                .cancelled
                .then(|| p.cancelled_by.clone().unwrap_or_else(|| device.to_owned())),
        }
    }

    /// The status-changed event for `dto`.
    fn event(&self, dto: &IdentityDeletionProcess) -> StatusChangedEvent {
        let mut event = StatusChangedEvent::carrying(dto);
        if self.mutation == Mutation::EventDataPartial {
            event.data = serde_json::json!({ "id": dto.id, "status": dto.status });
        }
        event
    }

    /// The lock an initiate holds under [`Mutation::LockPerDevice`].
    fn device_lock(
        &self,
        handle: &IdentityHandle,
        device: Option<&str>,
    ) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .device_locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks
            .entry((handle.clone(), device.map(str::to_owned)))
            .or_default()
            .clone()
    }

    fn has_active(&self, identity: &Identity) -> bool {
        if self.mutation == Mutation::InitiateNeverRefuses {
            return false;
        }
        if self.mutation == Mutation::SecondActiveAfterCancelInitiate {
            identity
                .processes
                .first()
                .is_some_and(|p| p.status == Status::Active)
        } else {
            identity
                .processes
                .iter()
                .any(|p| p.status == Status::Active)
        }
    }

    fn already_active(&self) -> DomainError {
        let mut error = ErrorKind::ActiveProcessAlreadyExists.error();
        match self.mutation {
            Mutation::WrongInitiateErrorCode => {
                error.code = "error.runtime.identityDeletionProcess.alreadyActive".into()
            }
            Mutation::WrongInitiateMessage => {
                error.message = "An IdentityDeletionProcess is already active.".into()
            }
            _ => {}
        }
        error
    }

    fn create(
        &self,
        state: &mut State,
        handle: &IdentityHandle,
        device: Option<&str>,
        days: Option<u32>,
    ) -> CallResult<IdentityDeletionProcess> {
        state.next += 1;
        let mut id = ProcessId::from_seed(state.next).as_str().to_owned();
        if self.mutation == Mutation::BadIdFormat {
            id.push('X');
        }
        let default = if self.mutation == Mutation::SevenDayDefault {
            7
        } else {
            DEFAULT_GRACE_PERIOD_DAYS
        };
        let identity = state
            .identities
            .get_mut(handle)
            .ok_or_else(|| missing(handle))?;
        let now = identity.now();
        if self.mutation == Mutation::ReinitiateSameInstantRefused
            && identity
                .processes
                .iter()
                .any(|p| p.cancelled_at == Some(now))
        {
            return Err(self.already_active().into());
        }
        let mut days = i64::from(days.unwrap_or(default));
        if self.mutation == Mutation::GraceFromFirstProcess
            && let Some(first) = identity.processes.first()
            && let Some(first_end) = first.first_grace_days
        {
            days = first_end;
        }
        let mut end = now + TimeDelta::days(days);
        // Berlin switches to summer time at 2026-03-29T01:00Z: a local-calendar day count is an hour short.
        if self.mutation == Mutation::GraceAcrossDstShort
            && let Some(switch) = chrono::DateTime::parse_from_rfc3339("2026-03-29T01:00:00Z").ok()
            && now < switch
            && end > switch
        {
            end -= TimeDelta::hours(1);
        }
        if self.mutation == Mutation::GraceEndWrapsIn2038 {
            // Unix seconds cut to 32 bits, as a C `time_t` of old.
            let wrapped = i64::from(end.timestamp() as i32);
            end = DateTime::from_timestamp(wrapped, end.timestamp_subsec_nanos()).unwrap_or(end);
        }
        let created_by = match (self.mutation, device) {
            (Mutation::CreatedByDeviceNotCaller, _) => Some(format!(
                "DVC{}",
                &ProcessId::from_seed(state.next + 1_000_000).as_str()[3..]
            )),
            (Mutation::AlwaysFirstDevice, _) => None,
            (_, device) => device.map(str::to_owned),
        };
        let process = Process {
            id,
            status: Status::Active,
            created_at: now,
            grace_period_ends_at: Some(end),
            cancelled_at: None,
            cancelled: false,
            created_by,
            cancelled_by: None,
            first_grace_days: Some(days),
        };
        identity.processes.push(process.clone());
        let dto = self.dto(&identity.device, &process);
        let copies = if self.mutation == Mutation::EventPublishedTwice {
            2
        } else {
            1
        };
        for _ in 0..copies {
            identity.events.push(self.event(&dto));
        }
        Ok(dto)
    }

    fn check_initiate(&self, handle: &IdentityHandle) -> CallResult<()> {
        let state = self.state();
        let identity = state
            .identities
            .get(handle)
            .ok_or_else(|| missing(handle))?;
        if self.has_active(identity) {
            Err(self.already_active().into())
        } else {
            Ok(())
        }
    }
}

impl Adapter for Mutant {
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>> {
        Box::pin(async move {
            Ok(ImplementationInfo {
                name: format!("mutant {:?}", self.mutation),
                version: "0".into(),
                capabilities: Capability::ALL.into_iter().collect(),
            })
        })
    }

    fn new_identity(&self) -> BoxFuture<'_, Result<IdentityHandle, AdapterError>> {
        Box::pin(async move {
            let mut state = self.state();
            state.next += 1;
            let handle = IdentityHandle(format!("mutant-identity-{}", state.next));
            let device = format!("DVC{}", &ProcessId::from_seed(state.next).as_str()[3..]);
            state.identities.insert(
                handle.clone(),
                Identity {
                    device,
                    ..Identity::default()
                },
            );
            Ok(handle)
        })
    }

    fn initiate<'a>(
        &'a self,
        handle: &'a IdentityHandle,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.initiate_as(handle, None, days)
    }

    fn cancel<'a>(
        &'a self,
        handle: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.cancel_as(handle, None)
    }

    fn new_device<'a>(
        &'a self,
        handle: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<String, AdapterError>> {
        Box::pin(async move {
            let mut state = self.state();
            state.next += 1;
            let device = format!("DVC{}", &ProcessId::from_seed(state.next).as_str()[3..]);
            let identity = state
                .identities
                .get_mut(handle)
                .ok_or_else(|| missing(handle))?;
            identity.more_devices.push(device.clone());
            Ok(device)
        })
    }

    fn set_clock<'a>(
        &'a self,
        handle: &'a IdentityHandle,
        instant: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        Box::pin(async move {
            let mut state = self.state();
            let identity = state
                .identities
                .get_mut(handle)
                .ok_or_else(|| missing(handle))?;
            identity.stopped_clock = Some(instant);
            Ok(())
        })
    }

    fn initiate_as<'a>(
        &'a self,
        handle: &'a IdentityHandle,
        device: Option<&'a str>,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move {
            if self.mutation == Mutation::LockPerDevice {
                let lock = self.device_lock(handle, device);
                let _held = lock.lock().await;
                self.check_initiate(handle)?;
                // A database round trip between the check and the write,
                // under a lock that only calls from the same Device share.
                tokio::time::sleep(Duration::from_millis(20)).await;
                return self.create(&mut self.state(), handle, device, days);
            }
            if self.mutation == Mutation::CheckThenActInitiate {
                self.check_initiate(handle)?;
                // A database round trip between the check and the write.
                tokio::time::sleep(Duration::from_millis(2)).await;
                return self.create(&mut self.state(), handle, device, days);
            }
            let mut state = self.state();
            let identity = state
                .identities
                .get_mut(handle)
                .ok_or_else(|| missing(handle))?;
            if self.has_active(identity) {
                if self.mutation == Mutation::EventOnRefusedInitiate
                    && let Some(active) = identity
                        .processes
                        .iter()
                        .find(|p| p.status == Status::Active)
                {
                    let data = self.dto(&identity.device, active);
                    identity.events.push(self.event(&data));
                }
                return Err(self.already_active().into());
            }
            self.create(&mut state, handle, device, days)
        })
    }

    fn cancel_as<'a>(
        &'a self,
        handle: &'a IdentityHandle,
        device: Option<&'a str>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move {
            if self.mutation == Mutation::CancelCheckThenAct {
                let active = {
                    let state = self.state();
                    let identity = state
                        .identities
                        .get(handle)
                        .ok_or_else(|| missing(handle))?;
                    identity
                        .processes
                        .iter()
                        .any(|p| p.status == Status::Active)
                };
                if !active {
                    return Err(ErrorKind::NoActiveProcess.error().into());
                }
                // A database round trip between the check and the write.
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let mut state = self.state();
            let identity = state
                .identities
                .get_mut(handle)
                .ok_or_else(|| missing(handle))?;
            let now = identity.now();
            let position = match self.mutation {
                Mutation::CancelCancelsFirst if !identity.processes.is_empty() => Some(0),
                Mutation::CancelCheckThenAct => identity
                    .processes
                    .iter()
                    .rposition(|p| p.status == Status::Active || p.cancelled),
                _ => identity
                    .processes
                    .iter()
                    .position(|p| p.status == Status::Active),
            };
            let Some(index) = position else {
                return Err(ErrorKind::NoActiveProcess.error().into());
            };
            let expired = identity.processes[index]
                .grace_period_ends_at
                .is_some_and(|end| match self.mutation {
                    Mutation::GraceBoundaryEarly => now >= end,
                    Mutation::GraceBoundaryLate => now > end + TimeDelta::milliseconds(1),
                    _ => now > end,
                });
            if expired && self.mutation != Mutation::CancelAfterExpiry {
                return Err(ErrorKind::GracePeriodExpired.error().into());
            }
            let process = &mut identity.processes[index];
            if self.mutation != Mutation::CancelKeepsStatus {
                process.status = Status::Cancelled;
            }
            process.cancelled_at = Some(now);
            process.cancelled = true;
            process.cancelled_by = if self.mutation == Mutation::AlwaysFirstDevice {
                None
            } else {
                device.map(str::to_owned)
            };
            if self.mutation != Mutation::CancelKeepsGracePeriodEnd {
                process.grace_period_ends_at = None;
            }
            let process = process.clone();
            let dto = self.dto(&identity.device, &process);
            identity.events.push(self.event(&dto));
            Ok(dto)
        })
    }

    fn get<'a>(
        &'a self,
        handle: &'a IdentityHandle,
        id: &'a str,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move {
            let state = self.state();
            let identity = state
                .identities
                .get(handle)
                .ok_or_else(|| missing(handle))?;
            let id = if self.mutation == Mutation::GetTrimsId {
                id.trim()
            } else {
                id
            };
            let well_formed = if self.mutation == Mutation::UnicodeIdsAccepted {
                id.starts_with("IDP")
                    && id[3..].chars().count() == 17
                    && id[3..].chars().all(char::is_alphanumeric)
            } else {
                ProcessId::parse(id).is_ok()
            };
            if !well_formed {
                return Err(ErrorKind::InvalidPropertyValue.error().into());
            }
            let same = |p: &Process| {
                if self.mutation == Mutation::GetCaseInsensitive {
                    p.id.eq_ignore_ascii_case(id)
                } else {
                    p.id == id
                }
            };
            if self.mutation == Mutation::GetIgnoresId
                && let Some(first) = identity.processes.first()
            {
                return Ok(self.dto(&identity.device, first));
            }
            let own = identity
                .processes
                .iter()
                .find(|p| same(p))
                .map(|p| self.dto(&identity.device, p));
            let other = || {
                state.identities.values().find_map(|i| {
                    i.processes
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| self.dto(&i.device, p))
                })
            };
            let found = if self.mutation == Mutation::GetReturnsOtherIdentitysProcess {
                own.or_else(other)
            } else {
                own
            };
            found.ok_or_else(|| ErrorKind::RecordNotFound.error().into())
        })
    }

    fn get_active<'a>(
        &'a self,
        handle: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move {
            let state = self.state();
            let identity = state
                .identities
                .get(handle)
                .ok_or_else(|| missing(handle))?;
            let now = identity.now();
            let active = identity.processes.iter().find(|p| {
                p.status == Status::Active
                    && !(self.mutation == Mutation::ExpiredNotActive
                        && p.grace_period_ends_at.is_some_and(|end| now > end))
            });
            let found = match self.mutation {
                Mutation::GetActiveReturnsCancelled => active.or(identity.processes.last()),
                Mutation::GetActiveReturnsFirst => identity.processes.first(),
                _ => active,
            };
            if let (None, Mutation::GetActiveOfEveryone) = (found, self.mutation)
                && let Some((other, p)) = state.identities.values().find_map(|i| {
                    i.processes
                        .iter()
                        .find(|p| p.status == Status::Active)
                        .map(|p| (i, p))
                })
            {
                return Ok(self.dto(&other.device, p));
            }
            found
                .map(|p| self.dto(&identity.device, p))
                .ok_or_else(|| ErrorKind::NoActiveProcess.error().into())
        })
    }

    fn get_all<'a>(
        &'a self,
        handle: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<Vec<IdentityDeletionProcess>>> {
        Box::pin(async move {
            let state = self.state();
            let identity = state
                .identities
                .get(handle)
                .ok_or_else(|| missing(handle))?;
            let mut all: Vec<_> = identity
                .processes
                .iter()
                .filter(|p| {
                    self.mutation != Mutation::GetAllDropsCancelled || p.status == Status::Active
                })
                .map(|p| self.dto(&identity.device, p))
                .collect();
            if self.mutation == Mutation::GetAllCapped {
                all.truncate(10);
            }
            if self.mutation == Mutation::GetAllOfEveryone {
                for (other_handle, other) in &state.identities {
                    if other_handle != handle {
                        all.extend(other.processes.iter().map(|p| self.dto(&other.device, p)));
                    }
                }
            }
            if self.mutation == Mutation::GetAllReversed {
                all.reverse();
            }
            Ok(all)
        })
    }

    fn advance_clock<'a>(
        &'a self,
        handle: &'a IdentityHandle,
        by: Duration,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        Box::pin(async move {
            let mut state = self.state();
            let identity = state
                .identities
                .get_mut(handle)
                .ok_or_else(|| missing(handle))?;
            identity.stopped_clock =
                Some(identity.now() + TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX));
            Ok(())
        })
    }

    fn take_events<'a>(
        &'a self,
        handle: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<Vec<StatusChangedEvent>, AdapterError>> {
        Box::pin(async move {
            let mut state = self.state();
            if !state.identities.contains_key(handle) {
                return Err(missing(handle));
            }
            let mut own = Vec::new();
            let mut others = Vec::new();
            for (h, identity) in &mut state.identities {
                match self.mutation {
                    _ if h == handle => own = std::mem::take(&mut identity.events),
                    Mutation::EventsOfEveryone => others.append(&mut identity.events),
                    Mutation::EventsVanishAcrossIdentities => identity.events.clear(),
                    _ => {}
                }
            }
            own.append(&mut others);
            Ok(own)
        })
    }
}
