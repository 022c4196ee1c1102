//! What a vendor testing a Rust implementation needs, in one import:
//! `use enmeshed_conformance::prelude::*;`
//!
//! - the seam: [`Adapter`] (async) or [`BlockingAdapter`] wrapped in
//!   [`Blocking`], and the types of their signatures;
//! - the domain types the calls return ([`IdentityDeletionProcess`],
//!   [`DomainError`], [`ErrorKind`] with the documented codes and messages);
//! - the run: [`Run`], its result and verdict, [`FuzzBudget`], what its
//!   settings take ([`Regex`] for [`Run::name`], [`Level`] for [`Run::level`])
//!   and how its result prints ([`Printing`], [`RunResult::print`]);
//! - [`ReferenceImplementation`], to compare against or delegate to;
//! - [`Arc`], and the crates that appear in the signatures: [`tokio`] (the
//!   runtime `Run::execute` needs) and [`chrono`] (`set_clock`).
//!
//! ```
//! use enmeshed_conformance::prelude::*;
//!
//! #[tokio::main(crate = "enmeshed_conformance::prelude::tokio")]
//! async fn main() {
//!     let result = Run::new(Arc::new(ReferenceImplementation::new()))
//!         .tags("@RID4")
//!         .unwrap()
//!         .name(Regex::new("^RID4 On ").unwrap())
//!         .level(Some(Level::Published))
//!         .fuzz(None)
//!         .console(false)
//!         .execute()
//!         .await
//!         .unwrap();
//!     assert_eq!(result.verdict(), RunVerdict::Passed);
//!     assert!(result.counts().passed > 0);
//!     // The gate lines and the closing lines `run` prints; the last is the verdict.
//!     let mut out = Vec::new();
//!     result.print(Printing::default(), &mut out, &mut std::io::sink()).unwrap();
//!     let out = String::from_utf8(out).unwrap();
//!     assert!(out.lines().last().unwrap().ends_with(" skipped"), "{out}");
//! }
//! ```

pub use crate::adapter::{
    Adapter, AdapterError, AdapterFault, Blocking, BlockingAdapter, BoxFuture, CallError,
    CallResult, Capability, IdentityHandle, ImplementationInfo, StatusChangedEvent,
};
pub use crate::domain::{DomainError, ErrorKind, IdentityDeletionProcess, Status};
pub use crate::levels::Level;
pub use crate::reference::ReferenceImplementation;
pub use crate::run::{Counts, Printing, Run, RunResult, RunVerdict};
pub use crate::runner::properties::FuzzBudget;
pub use chrono;
pub use regex::Regex;
pub use std::sync::Arc;
pub use tokio;
