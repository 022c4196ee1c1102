//! The seam between the suite and any implementation under test.
//!
//! [`Adapter`] is async and object-safe (`Arc<dyn Adapter>`). It keeps two
//! kinds of failure apart: [`CallError::Domain`] is the implementation's
//! answer (the suite asserts on its code and message), [`CallError::Adapter`]
//! means the call could not be made at all (the scenario is reported as
//! errored, with the cause). [`BlockingAdapter`] is the same seam with
//! synchronous methods, for an implementation without futures.

mod blocking;
mod capability;
mod error;
pub mod jobs;

pub use blocking::{Blocking, BlockingAdapter};
pub use capability::{Capability, ImplementationInfo};
pub use error::{AdapterError, AdapterFault, CallError, MalformedAnswer};

use crate::domain::IdentityDeletionProcess;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed, sendable future: what the object-safe [`Adapter`] methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The result of one facade call.
pub type CallResult<T> = Result<T, CallError>;

/// An Identity of the implementation under test, as the adapter names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdentityHandle(pub String);

/// A `transport.identityDeletionProcessStatusChanged` event (see [`Capability::Events`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChangedEvent {
    /// The event name.
    pub name: String,
    /// The data as the implementation sent it: a conforming one is the DTO
    /// the call returned (the oracle judges it, so a partial one is a
    /// conformance failure, not a decoding error).
    pub data: serde_json::Value,
}

impl StatusChangedEvent {
    /// The status-changed event carrying `process`.
    pub fn carrying(process: &IdentityDeletionProcess) -> Self {
        Self {
            name: crate::domain::STATUS_CHANGED_EVENT.to_owned(),
            data: serde_json::to_value(process).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// An implementation of the IdentityDeletionProcess facade under test.
pub trait Adapter: Send + Sync + 'static {
    /// Name, version and capabilities of the implementation.
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>>;

    /// Creates a fresh Identity (with one Device) and returns its handle.
    fn new_identity(&self) -> BoxFuture<'_, Result<IdentityHandle, AdapterError>>;

    /// RID1 `initiateIdentityDeletionProcess`.
    fn initiate<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        length_of_grace_period_in_days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>>;

    /// RID2 `cancelIdentityDeletionProcess`.
    fn cancel<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>>;

    /// RID3 `getIdentityDeletionProcess`; `id` is passed as given, well-formed or not.
    fn get<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        id: &'a str,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>>;

    /// RID4 `getActiveIdentityDeletionProcess`.
    fn get_active<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>>;

    /// RID5 `getIdentityDeletionProcesses`.
    fn get_all<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<Vec<IdentityDeletionProcess>>>;

    /// [`Capability::Clock`]: stops the Identity's clock following real time
    /// and moves it forward by `by` (zero just stops it).
    fn advance_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        by: Duration,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        let _ = (identity, by);
        Box::pin(async { Err(AdapterError::unsupported(Capability::Clock)) })
    }

    /// [`Capability::SetClock`]: stops the Identity's clock at exactly `instant`
    /// (UTC). The suite never sets it back before an instant it has used.
    fn set_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        instant: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        let _ = (identity, instant);
        Box::pin(async { Err(AdapterError::unsupported(Capability::SetClock)) })
    }

    /// [`Capability::Devices`]: adds a Device to the Identity; returns its id
    /// (`DVC…`, what `createdByDevice` and `cancelledByDevice` name).
    fn new_device<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<String, AdapterError>> {
        let _ = identity;
        Box::pin(async { Err(AdapterError::unsupported(Capability::Devices)) })
    }

    /// RID1 made by `device` (one returned by [`Adapter::new_device`]);
    /// `None` is the Identity's first Device, i.e. [`Adapter::initiate`].
    fn initiate_as<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        device: Option<&'a str>,
        length_of_grace_period_in_days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        match device {
            None => self.initiate(identity, length_of_grace_period_in_days),
            Some(_) => {
                Box::pin(async { Err(AdapterError::unsupported(Capability::Devices).into()) })
            }
        }
    }

    /// RID2 made by `device`; `None` is the Identity's first Device.
    fn cancel_as<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        device: Option<&'a str>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        match device {
            None => self.cancel(identity),
            Some(_) => {
                Box::pin(async { Err(AdapterError::unsupported(Capability::Devices).into()) })
            }
        }
    }

    /// [`Capability::Events`]: the status-changed events published for the
    /// Identity since the last call, oldest first.
    fn take_events<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<Vec<StatusChangedEvent>, AdapterError>> {
        let _ = identity;
        Box::pin(async { Err(AdapterError::unsupported(Capability::Events)) })
    }

    /// The stdio protocol's hygiene check: a request of a kind the protocol
    /// does not define must get an `errored` reply. `None` for an adapter that
    /// speaks no protocol (in process).
    fn probe_unknown_request(&self) -> Option<BoxFuture<'_, Result<(), AdapterError>>> {
        None
    }

    /// The stdio protocol's `seq` check: two requests written out of `seq`
    /// order (the higher first) must each be answered under its own `seq`.
    /// `None` for an adapter that speaks no protocol (in process).
    fn probe_seq_order(&self) -> Option<BoxFuture<'_, Result<(), AdapterError>>> {
        None
    }

    /// The stdio protocol's `stop` check, the last of a run: `stop` must be
    /// answered with `{}` and the process must then exit. `None` for an
    /// adapter that speaks no protocol (in process).
    fn probe_stop(&self) -> Option<BoxFuture<'_, Result<(), AdapterError>>> {
        None
    }

    /// Releases what the adapter holds (stops a child process and reaps it).
    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(async {})
    }
}
