//! A pure model of Identities and their IdentityDeletionProcesses.
//!
//! It is written from the domain facts (docs/domain.md) independently of the reference
//! implementation and shares only the domain types with it. Time is counted
//! in milliseconds from the moment each Identity's clock was stopped.

use crate::domain::{DEFAULT_GRACE_PERIOD_DAYS, ErrorKind, Status};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// A process as the model knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelProcess {
    /// `Active` or `Cancelled`.
    pub status: Status,
    /// When it was initiated.
    pub created_ms: i64,
    /// When its grace period ends (cleared on cancel).
    pub grace_end_ms: Option<i64>,
    /// When it was cancelled.
    pub cancelled_ms: Option<i64>,
}

/// One Identity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModelIdentity {
    /// Its processes in creation order.
    pub processes: Vec<ModelProcess>,
    /// Its clock.
    pub now_ms: i64,
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
        model.processes.push(ModelProcess {
            status: Status::Active,
            created_ms: model.now_ms,
            grace_end_ms: Some(model.now_ms + days * DAY_MS),
            cancelled_ms: None,
        });
        Expected::Process(model.processes.len() - 1)
    }

    /// RID2.
    pub fn cancel(&mut self, identity: usize) -> Expected {
        let Some(model) = self.identities.get_mut(identity) else {
            return Expected::Nothing;
        };
        let now = model.now_ms;
        let Some(index) = model.active() else {
            return Expected::Error(ErrorKind::NoActiveProcess);
        };
        let process = &mut model.processes[index];
        if process.grace_end_ms.is_some_and(|end| now > end) {
            return Expected::Error(ErrorKind::GracePeriodExpired);
        }
        process.status = Status::Cancelled;
        process.cancelled_ms = Some(now);
        process.grace_end_ms = None;
        Expected::Process(index)
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

    /// The clock of `identity` moves forward.
    pub fn advance(&mut self, identity: usize, by_ms: i64) {
        if let Some(model) = self.identities.get_mut(identity) {
            model.now_ms += by_ms;
        }
    }
}
