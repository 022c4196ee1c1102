//! The reference implementation behind a wrapper that hides every optional
//! capability, and can make get-all fail like a broken transport.
#![allow(dead_code)]

use enmeshed_conformance::adapter::{
    Adapter, AdapterError, AdapterFault, BoxFuture, CallError, CallResult, IdentityHandle,
    ImplementationInfo,
};
use enmeshed_conformance::domain::IdentityDeletionProcess;
use enmeshed_conformance::reference::ReferenceImplementation;

/// The reference implementation with no optional capability, and optionally
/// a transport that breaks on get-all.
pub struct Limited {
    /// The wrapped implementation.
    pub inner: ReferenceImplementation,
    /// Whether get-all fails with a TIMEOUT.
    pub break_get_all: bool,
}

impl Limited {
    /// The reference implementation without capabilities.
    pub fn new() -> Self {
        Self {
            inner: ReferenceImplementation::new(),
            break_get_all: false,
        }
    }
}

impl Adapter for Limited {
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>> {
        Box::pin(async {
            let mut info = self.inner.describe().await?;
            info.name = "limited".into();
            info.capabilities.clear();
            Ok(info)
        })
    }
    fn new_identity(&self) -> BoxFuture<'_, Result<IdentityHandle, AdapterError>> {
        self.inner.new_identity()
    }
    fn initiate<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        days: Option<u32>,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.inner.initiate(identity, days)
    }
    fn cancel<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.inner.cancel(identity)
    }
    fn get<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        id: &'a str,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.inner.get(identity, id)
    }
    fn get_active<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<IdentityDeletionProcess>> {
        self.inner.get_active(identity)
    }
    fn get_all<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, CallResult<Vec<IdentityDeletionProcess>>> {
        if self.break_get_all {
            return Box::pin(async {
                Err(CallError::Adapter(AdapterError::new(
                    AdapterFault::Timeout,
                    "no reply to get-all within 10 s",
                )))
            });
        }
        self.inner.get_all(identity)
    }
}
