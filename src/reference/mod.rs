//! The reference implementation: the executable specification of RID1–RID5.
//!
//! In memory and thread-safe: one mutex guards all state, so every facade
//! call is atomic. In particular initiate checks for an Active process and
//! creates the new one under the same lock (RID1: at most one Active process
//! per Identity, also under concurrent calls).

mod clock;
mod ids;
mod store;

pub use clock::{Clock, ManualClock, SystemClock};

use crate::adapter::{
    Adapter, AdapterError, AdapterFault, BoxFuture, CallResult, Capability, IdentityHandle,
    ImplementationInfo, StatusChangedEvent,
};
use crate::domain::IdentityDeletionProcess;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use store::Store;

/// The reference implementation.
pub struct ReferenceImplementation {
    clock: Arc<dyn Clock>,
    store: Mutex<Store>,
}

impl Default for ReferenceImplementation {
    fn default() -> Self {
        Self::new()
    }
}

impl ReferenceImplementation {
    /// Name reported by [`Adapter::describe`].
    pub const NAME: &'static str = "enmeshed-conformance reference implementation";

    /// Runs on real time.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }

    /// Runs on `clock` (a [`ManualClock`] in tests).
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            store: Mutex::new(Store::new(ids::IdSource::seeded_from_time())),
        }
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock cannot leave the store half-updated:
        // every mutation is a single push or field assignment.
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

fn ready<'a, T: Send + 'a>(value: T) -> BoxFuture<'a, T> {
    Box::pin(std::future::ready(value))
}

impl Adapter for ReferenceImplementation {
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>> {
        ready(Ok(ImplementationInfo {
            name: Self::NAME.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            capabilities: Capability::ALL.into_iter().collect(),
        }))
    }

    fn new_identity(&self) -> BoxFuture<'_, Result<IdentityHandle, AdapterError>> {
        ready(Ok(self.store().new_identity()))
    }

    fn initiate<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.initiate_as(identity, None, days)
    }

    fn cancel<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.cancel_as(identity, None)
    }

    fn initiate_as<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        device: Option<&'a str>,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        let now = self.now();
        ready(self.store().initiate(identity, device, days, now))
    }

    fn cancel_as<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        device: Option<&'a str>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        let now = self.now();
        ready(self.store().cancel(identity, device, now))
    }

    fn new_device<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<String, AdapterError>> {
        ready(self.store().new_device(identity))
    }

    fn set_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        instant: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        ready(self.store().set_clock(identity, instant))
    }

    fn get<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        id: &'a str,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        ready(self.store().get(identity, id))
    }

    fn get_active<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        ready(self.store().get_active(identity))
    }

    fn get_all<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<Vec<IdentityDeletionProcess>>> {
        ready(self.store().get_all(identity))
    }

    fn advance_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        by: Duration,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        let now = self.now();
        ready(self.store().advance_clock(identity, by, now))
    }

    fn take_events<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<Vec<StatusChangedEvent>, AdapterError>> {
        ready(self.store().take_events(identity))
    }
}

/// The error for a handle this implementation never gave out.
fn unknown_identity(identity: &IdentityHandle) -> AdapterError {
    AdapterError::new(
        AdapterFault::Internal,
        format!("unknown identity handle `{}`", identity.0),
    )
}
