//! A pure model of Identities and their IdentityDeletionProcesses.
//!
//! It is written from the domain facts (docs/domain.md) independently of the reference
//! implementation and shares only the domain types with it. Time is counted
//! in nanoseconds from the moment each Identity's clock was stopped: an
//! implementation's clock may run at up to nanosecond precision, so the
//! model never rounds an instant to milliseconds.

use crate::domain::{DEFAULT_GRACE_PERIOD_DAYS, ErrorKind, Status};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Nanoseconds in a millisecond.
pub const MS_NS: i64 = 1_000_000;

/// Nanoseconds in a day.
pub const DAY_NS: i64 = DAY_MS * MS_NS;

/// A process as the model knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelProcess {
    /// `Active` or `Cancelled`.
    pub status: Status,
    /// When it was initiated.
    pub created_ns: i64,
    /// The grace period's length as documented: N × 24 h.
    pub grace_length_ns: i64,
    /// When its grace period ends (cleared on cancel): `created_ns` +
    /// `grace_length_ns` until the implementation's answer shows where it
    /// ends (up to 5 ms later, PROTOCOL.md), then that instant.
    pub grace_end_ns: Option<i64>,
    /// When it was cancelled.
    pub cancelled_ns: Option<i64>,
}

/// One Identity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelIdentity {
    /// Its processes in creation order.
    pub processes: Vec<ModelProcess>,
    /// Its clock, in nanoseconds.
    pub now_ns: i64,
    /// How many Devices were added to its first one (`devices` capability).
    pub devices: usize,
}

impl ModelIdentity {
    /// The index of its Active process.
    pub fn active(&self) -> Option<usize> {
        self.processes
            .iter()
            .position(|p| p.status == Status::Active)
    }
}

/// The whole model state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelState {
    /// The Identities.
    pub identities: Vec<ModelIdentity>,
    /// Whether the implementation's clock is controlled (times are exact).
    pub clock: bool,
}

/// What the model expects a call to give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The process at this index of the Identity (after the call).
    Process(usize),
    /// The process at this index of another Identity... is not visible: `recordNotFound`.
    Error(ErrorKind),
    /// All processes of the Identity, in creation order.
    All,
    /// Nothing to compare (the clock moved).
    Nothing,
}

impl ModelState {
    /// `count` fresh Identities.
    pub fn new(count: usize, clock: bool) -> Self {
        Self {
            identities: vec![ModelIdentity::default(); count],
            clock,
        }
    }

    /// RID1.
    pub fn initiate(&mut self, identity: usize, days: Option<u32>) -> Expected {
        let Some(model) = self.identities.get_mut(identity) else {
            return Expected::Nothing;
        };
        if model.active().is_some() {
            return Expected::Error(ErrorKind::ActiveProcessAlreadyExists);
        }
        let days = i64::from(days.unwrap_or(DEFAULT_GRACE_PERIOD_DAYS));
        let length = days.saturating_mul(DAY_NS);
        model.processes.push(ModelProcess {
            status: Status::Active,
            created_ns: model.now_ns,
            grace_length_ns: length,
            grace_end_ns: Some(model.now_ns.saturating_add(length)),
            cancelled_ns: None,
        });
        Expected::Process(model.processes.len() - 1)
    }

    /// RID2.
    pub fn cancel(&mut self, identity: usize) -> Expected {
        let Some(model) = self.identities.get_mut(identity) else {
            return Expected::Nothing;
        };
        let now = model.now_ns;
        let Some(index) = model.active() else {
            return Expected::Error(ErrorKind::NoActiveProcess);
        };
        if model.processes[index]
            .grace_end_ns
            .is_some_and(|end| now > end)
        {
            return Expected::Error(ErrorKind::GracePeriodExpired);
        }
        self.cancel_process(identity, index);
        Expected::Process(index)
    }

    /// What a successful cancel does to process `index` of `identity`, at
    /// the Identity's now (also where the oracle adopts a waived cancel).
    pub fn cancel_process(&mut self, identity: usize, index: usize) {
        let Some(model) = self.identities.get_mut(identity) else {
            return;
        };
        let now = model.now_ns;
        if let Some(process) = model.processes.get_mut(index) {
            process.status = Status::Cancelled;
            process.cancelled_ns = Some(now);
            process.grace_end_ns = None;
        }
    }

    /// RID4.
    pub fn get_active(&self, identity: usize) -> Expected {
        match self
            .identities
            .get(identity)
            .and_then(ModelIdentity::active)
        {
            Some(index) => Expected::Process(index),
            None => Expected::Error(ErrorKind::NoActiveProcess),
        }
    }

    /// The clock of `identity` moves forward by `by_ns` nanoseconds.
    pub fn advance(&mut self, identity: usize, by_ns: i64) {
        if let Some(model) = self.identities.get_mut(identity) {
            model.now_ns = model.now_ns.saturating_add(by_ns);
        }
    }

    /// The clock of `identity` moves forward by `by_ms` milliseconds (what
    /// `advanceClock` carries).
    pub fn advance_ms(&mut self, identity: usize, by_ms: i64) {
        self.advance(identity, by_ms.saturating_mul(MS_NS));
    }
}
