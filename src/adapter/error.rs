//! Failures of a call: the implementation's domain error, or the adapter's own fault.

use super::Capability;
use crate::domain::{DomainError, DtoDefect};
use std::fmt;

/// What kind of adapter fault happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdapterFault {
    /// A reply did not come in time.
    Timeout,
    /// The implementation process exited or closed its output.
    Crash,
    /// The implementation broke the protocol.
    Protocol,
    /// The implementation declined the request with an `errored` reply: it
    /// cannot do it at all (not a domain answer).
    Declined,
    /// The call needs a capability the implementation lacks.
    Unsupported,
    /// Anything else in the adapter (an unknown identity handle, I/O).
    Internal,
}

impl AdapterFault {
    /// The label used in reports.
    pub const fn label(self) -> &'static str {
        match self {
            AdapterFault::Timeout => "TIMEOUT",
            AdapterFault::Crash => "CRASH",
            AdapterFault::Protocol => "PROTOCOL",
            AdapterFault::Declined => "DECLINED",
            AdapterFault::Unsupported => "UNSUPPORTED",
            AdapterFault::Internal => "ADAPTER",
        }
    }
}

/// The adapter could not make a call: never a conformance verdict by itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {message}", fault.label())]
pub struct AdapterError {
    /// The kind of fault.
    pub fault: AdapterFault,
    /// The cause, in words.
    pub message: String,
}

impl AdapterError {
    /// An error of `fault` with `message`.
    pub fn new(fault: AdapterFault, message: impl Into<String>) -> Self {
        Self {
            fault,
            message: message.into(),
        }
    }

    /// The call needs `capability`, which the implementation lacks.
    pub fn unsupported(capability: Capability) -> Self {
        Self::new(
            AdapterFault::Unsupported,
            format!("the implementation lacks the `{capability}` capability"),
        )
    }
}

/// A well-framed answer whose content is not a process DTO: a field `null`,
/// missing or not a string, or an entry that is no object. The suite reads
/// it, and the oracle judges it under a rule id (FAILED, not PROTOCOL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedAnswer {
    /// The entry of a list that is wrong (0-based), `None` for a single process.
    pub entry: Option<usize>,
    /// What is wrong.
    pub defect: DtoDefect,
    /// The answer as the implementation sent it (an excerpt of its JSON).
    pub answer: String,
}

impl fmt::Display for MalformedAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.entry {
            Some(entry) => write!(f, "entry {} of the list: {}", entry + 1, self.defect),
            None => write!(f, "{}", self.defect),
        }
    }
}

/// Why a facade call did not return a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The implementation answered with a domain error.
    Domain(DomainError),
    /// The implementation answered with a result that is not a DTO (a
    /// conformance failure the oracle names).
    Malformed(MalformedAnswer),
    /// The adapter failed to make the call.
    Adapter(AdapterError),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Domain(e) => write!(f, "domain error {e}"),
            CallError::Malformed(m) => write!(f, "a malformed answer: {m}"),
            CallError::Adapter(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CallError {}

impl From<DomainError> for CallError {
    fn from(e: DomainError) -> Self {
        CallError::Domain(e)
    }
}

impl From<AdapterError> for CallError {
    fn from(e: AdapterError) -> Self {
        CallError::Adapter(e)
    }
}
