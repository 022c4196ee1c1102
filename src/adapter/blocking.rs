//! Implementing the suite's seam with plain synchronous methods:
//! [`BlockingAdapter`] is [`Adapter`] without futures, and [`Blocking`]
//! turns one into the other.
//!
//! ```
//! use enmeshed_conformance::prelude::*;
//!
//! /// An implementation that refuses everything (it would fail the suite).
//! struct Refuses;
//!
//! impl BlockingAdapter for Refuses {
//!     fn describe(&self) -> ImplementationInfo {
//!         ImplementationInfo {
//!             name: "refuses".into(),
//!             version: "0.0.0".into(),
//!             capabilities: Default::default(),
//!         }
//!     }
//!     fn new_identity(&self) -> Result<IdentityHandle, AdapterError> {
//!         Ok(IdentityHandle("id1".into()))
//!     }
//!     fn initiate(&self, _: &IdentityHandle, _: Option<u32>) -> CallResult<IdentityDeletionProcess> {
//!         Err(ErrorKind::NoActiveProcess.error().into())
//!     }
//!     fn cancel(&self, _: &IdentityHandle) -> CallResult<IdentityDeletionProcess> {
//!         Err(ErrorKind::NoActiveProcess.error().into())
//!     }
//!     fn get(&self, _: &IdentityHandle, _: &str) -> CallResult<IdentityDeletionProcess> {
//!         Err(ErrorKind::NoActiveProcess.error().into())
//!     }
//!     fn get_active(&self, _: &IdentityHandle) -> CallResult<IdentityDeletionProcess> {
//!         Err(ErrorKind::NoActiveProcess.error().into())
//!     }
//!     fn get_all(&self, _: &IdentityHandle) -> CallResult<Vec<IdentityDeletionProcess>> {
//!         Ok(Vec::new())
//!     }
//! }
//!
//! let adapter: Arc<dyn Adapter> = Arc::new(Blocking(Refuses));
//! # let _ = adapter;
//! ```

use super::{
    Adapter, AdapterError, BoxFuture, CallResult, Capability, IdentityHandle, ImplementationInfo,
    StatusChangedEvent,
};
use crate::domain::IdentityDeletionProcess;
use std::time::Duration;

/// An implementation under test with synchronous methods: the same calls as
/// [`Adapter`], without futures. Wrap it in [`Blocking`] to run the suite
/// against it. Each call runs on one of the runtime's worker threads, and
/// calls overlap (the suite sends 32 initiates at once): make initiate an
/// atomic check-and-create (one lock around the store does it).
pub trait BlockingAdapter: Send + Sync + 'static {
    /// Name, version and capabilities of the implementation.
    fn describe(&self) -> ImplementationInfo;

    /// Creates a fresh Identity (with one Device) and returns its handle.
    fn new_identity(&self) -> Result<IdentityHandle, AdapterError>;

    /// RID1 `initiateIdentityDeletionProcess`.
    fn initiate(
        &self,
        identity: &IdentityHandle,
        length_of_grace_period_in_days: Option<u32>,
    ) -> CallResult<IdentityDeletionProcess>;

    /// RID2 `cancelIdentityDeletionProcess`.
    fn cancel(&self, identity: &IdentityHandle) -> CallResult<IdentityDeletionProcess>;

    /// RID3 `getIdentityDeletionProcess`; `id` is passed as given, well-formed or not.
    fn get(&self, identity: &IdentityHandle, id: &str) -> CallResult<IdentityDeletionProcess>;

    /// RID4 `getActiveIdentityDeletionProcess`.
    fn get_active(&self, identity: &IdentityHandle) -> CallResult<IdentityDeletionProcess>;

    /// RID5 `getIdentityDeletionProcesses`.
    fn get_all(&self, identity: &IdentityHandle) -> CallResult<Vec<IdentityDeletionProcess>>;

    /// [`Capability::Clock`]: see [`Adapter::advance_clock`].
    fn advance_clock(&self, identity: &IdentityHandle, by: Duration) -> Result<(), AdapterError> {
        let _ = (identity, by);
        Err(AdapterError::unsupported(Capability::Clock))
    }

    /// [`Capability::Clock`]: see [`Adapter::set_clock`].
    fn set_clock(
        &self,
        identity: &IdentityHandle,
        instant: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AdapterError> {
        let _ = (identity, instant);
        Err(AdapterError::unsupported(Capability::Clock))
    }

    /// [`Capability::Devices`]: see [`Adapter::new_device`].
    fn new_device(&self, identity: &IdentityHandle) -> Result<String, AdapterError> {
        let _ = identity;
        Err(AdapterError::unsupported(Capability::Devices))
    }

    /// RID1 made by `device`; `None` is the Identity's first Device.
    fn initiate_as(
        &self,
        identity: &IdentityHandle,
        device: Option<&str>,
        length_of_grace_period_in_days: Option<u32>,
    ) -> CallResult<IdentityDeletionProcess> {
        match device {
            None => self.initiate(identity, length_of_grace_period_in_days),
            Some(_) => Err(AdapterError::unsupported(Capability::Devices).into()),
        }
    }

    /// RID2 made by `device`; `None` is the Identity's first Device.
    fn cancel_as(
        &self,
        identity: &IdentityHandle,
        device: Option<&str>,
    ) -> CallResult<IdentityDeletionProcess> {
        match device {
            None => self.cancel(identity),
            Some(_) => Err(AdapterError::unsupported(Capability::Devices).into()),
        }
    }

    /// [`Capability::Events`]: see [`Adapter::take_events`].
    fn take_events(
        &self,
        identity: &IdentityHandle,
    ) -> Result<Vec<StatusChangedEvent>, AdapterError> {
        let _ = identity;
        Err(AdapterError::unsupported(Capability::Events))
    }
}

/// A [`BlockingAdapter`] as an [`Adapter`]: `Arc::new(Blocking(mine))`.
#[derive(Debug, Clone, Default)]
pub struct Blocking<T>(pub T);

impl<T: BlockingAdapter> Adapter for Blocking<T> {
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>> {
        Box::pin(async move { Ok(self.0.describe()) })
    }
    fn new_identity(&self) -> BoxFuture<'_, Result<IdentityHandle, AdapterError>> {
        Box::pin(async move { self.0.new_identity() })
    }
    fn initiate<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move { self.0.initiate(identity, days) })
    }
    fn cancel<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move { self.0.cancel(identity) })
    }
    fn get<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        id: &'a str,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move { self.0.get(identity, id) })
    }
    fn get_active<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move { self.0.get_active(identity) })
    }
    fn get_all<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<Vec<IdentityDeletionProcess>>> {
        Box::pin(async move { self.0.get_all(identity) })
    }
    fn advance_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        by: Duration,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        Box::pin(async move { self.0.advance_clock(identity, by) })
    }
    fn set_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        instant: chrono::DateTime<chrono::Utc>,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        Box::pin(async move { self.0.set_clock(identity, instant) })
    }
    fn new_device<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<String, AdapterError>> {
        Box::pin(async move { self.0.new_device(identity) })
    }
    fn initiate_as<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        device: Option<&'a str>,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move { self.0.initiate_as(identity, device, days) })
    }
    fn cancel_as<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        device: Option<&'a str>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        Box::pin(async move { self.0.cancel_as(identity, device) })
    }
    fn take_events<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<Vec<StatusChangedEvent>, AdapterError>> {
        Box::pin(async move { self.0.take_events(identity) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ErrorKind;

    struct OnlyRefuses;

    impl BlockingAdapter for OnlyRefuses {
        fn describe(&self) -> ImplementationInfo {
            ImplementationInfo {
                name: "only refuses".into(),
                version: "1".into(),
                capabilities: Default::default(),
            }
        }
        fn new_identity(&self) -> Result<IdentityHandle, AdapterError> {
            Ok(IdentityHandle("i".into()))
        }
        fn initiate(
            &self,
            _: &IdentityHandle,
            _: Option<u32>,
        ) -> CallResult<IdentityDeletionProcess> {
            Err(ErrorKind::ActiveProcessAlreadyExists.error().into())
        }
        fn cancel(&self, _: &IdentityHandle) -> CallResult<IdentityDeletionProcess> {
            Err(ErrorKind::NoActiveProcess.error().into())
        }
        fn get(&self, _: &IdentityHandle, _: &str) -> CallResult<IdentityDeletionProcess> {
            Err(ErrorKind::NoActiveProcess.error().into())
        }
        fn get_active(&self, _: &IdentityHandle) -> CallResult<IdentityDeletionProcess> {
            Err(ErrorKind::NoActiveProcess.error().into())
        }
        fn get_all(&self, _: &IdentityHandle) -> CallResult<Vec<IdentityDeletionProcess>> {
            Ok(Vec::new())
        }
    }

    #[test]
    fn the_wrapper_forwards_every_call_and_keeps_the_defaults() {
        let adapter = Blocking(OnlyRefuses);
        let id = IdentityHandle("i".into());
        futures::executor::block_on(async {
            assert_eq!(adapter.describe().await.unwrap().name, "only refuses");
            assert_eq!(adapter.new_identity().await.unwrap(), id);
            assert_eq!(
                adapter.initiate(&id, None).await,
                Err(ErrorKind::ActiveProcessAlreadyExists.error().into())
            );
            // A Device of its own goes through the default: unsupported.
            assert_eq!(
                adapter.initiate_as(&id, None, Some(3)).await,
                Err(ErrorKind::ActiveProcessAlreadyExists.error().into())
            );
            let unsupported = adapter.cancel_as(&id, Some("DVC1")).await.unwrap_err();
            assert!(
                matches!(unsupported, crate::adapter::CallError::Adapter(e) if e.fault == super::super::AdapterFault::Unsupported)
            );
            assert_eq!(adapter.get_all(&id).await, Ok(Vec::new()));
            assert_eq!(
                adapter.advance_clock(&id, Duration::ZERO).await,
                Err(AdapterError::unsupported(Capability::Clock))
            );
            assert_eq!(
                adapter.take_events(&id).await,
                Err(AdapterError::unsupported(Capability::Events))
            );
        });
    }
}
