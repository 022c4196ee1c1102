//! A Rust implementation plugged in through the `Adapter` trait, in process.
//!
//! `cargo run --example rust_adapter` runs the whole suite against it. Here the
//! "implementation" delegates to the reference implementation; replace the
//! delegation by calls into your own code.

use enmeshed_conformance::adapter::{
    Adapter, AdapterError, BoxFuture, CallResult, Capability, IdentityHandle, ImplementationInfo,
};
use enmeshed_conformance::domain::IdentityDeletionProcess;
use enmeshed_conformance::reference::ReferenceImplementation;
use enmeshed_conformance::runner::{self, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Your implementation behind the trait.
struct MyImplementation {
    inner: ReferenceImplementation,
}

impl Adapter for MyImplementation {
    fn describe(&self) -> BoxFuture<'_, Result<ImplementationInfo, AdapterError>> {
        Box::pin(async {
            Ok(ImplementationInfo {
                name: "my implementation".into(),
                version: "0.1.0".into(),
                // Leave out what you cannot offer: those scenarios are skipped with the reason.
                capabilities: [Capability::Clock, Capability::Events]
                    .into_iter()
                    .collect(),
            })
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
        self.inner.get_all(identity)
    }
    fn advance_clock<'a>(
        &'a self,
        identity: &'a IdentityHandle,
        by: std::time::Duration,
    ) -> BoxFuture<'a, Result<(), AdapterError>> {
        self.inner.advance_clock(identity, by)
    }
    fn take_events<'a>(
        &'a self,
        identity: &'a IdentityHandle,
    ) -> BoxFuture<'a, Result<Vec<enmeshed_conformance::adapter::StatusChangedEvent>, AdapterError>>
    {
        self.inner.take_events(identity)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let adapter = Arc::new(MyImplementation {
        inner: ReferenceImplementation::new(),
    });
    let features = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features");
    match runner::run(adapter, &RunOptions::new(vec![features])).await {
        Ok(report) => {
            println!("\n{}", report.summary());
            if report.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
