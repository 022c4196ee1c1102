//! Domain errors: the codes and messages the runtime answers with.
//!
//! Sources: `docs/domain.md#errors`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A domain error as an implementation returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainError {
    /// The error code, e.g. `error.runtime.recordNotFound`.
    pub code: String,
    /// The human-readable message.
    pub message: String,
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for DomainError {}

/// The domain errors of the IdentityDeletionProcess facade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// RID1 while a process is Active.
    ActiveProcessAlreadyExists,
    /// RID2 and RID4 while no process is Active.
    NoActiveProcess,
    /// RID2 after `gracePeriodEndsAt`.
    GracePeriodExpired,
    /// RID3 with a well-formed id that names no process of the Identity.
    RecordNotFound,
    /// RID3 with a malformed id.
    InvalidPropertyValue,
}

impl ErrorKind {
    /// Every kind.
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::ActiveProcessAlreadyExists,
        ErrorKind::NoActiveProcess,
        ErrorKind::GracePeriodExpired,
        ErrorKind::RecordNotFound,
        ErrorKind::InvalidPropertyValue,
    ];

    /// The exact code.
    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::ActiveProcessAlreadyExists => {
                "error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists"
            }
            ErrorKind::NoActiveProcess => {
                "error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess"
            }
            ErrorKind::GracePeriodExpired => {
                "error.platform.validation.device.gracePeriodHasAlreadyExpired"
            }
            ErrorKind::RecordNotFound => "error.runtime.recordNotFound",
            ErrorKind::InvalidPropertyValue => "error.runtime.validation.invalidPropertyValue",
        }
    }

    /// The exact message the runtime uses, or `None` where the domain does not
    /// fix one (a malformed id: the suite then requires only a non-empty message).
    pub const fn documented_message(self) -> Option<&'static str> {
        match self {
            ErrorKind::ActiveProcessAlreadyExists => Some(
                "There is already an active IdentityDeletionProcess. You cannot start another, as there may only be one active IdentityDeletionProcess per Identity.",
            ),
            ErrorKind::NoActiveProcess => Some("No active IdentityDeletionProcess found."),
            ErrorKind::GracePeriodExpired => Some(
                "You cannot perform this action, because the grace period of this deletion process has already expired.",
            ),
            ErrorKind::RecordNotFound => Some(
                "IdentityDeletionProcess not found. Make sure the ID exists and the record is not expired.",
            ),
            ErrorKind::InvalidPropertyValue => None,
        }
    }

    /// The message the reference implementation sends.
    pub const fn message(self) -> &'static str {
        match self.documented_message() {
            Some(message) => message,
            None => {
                "The given id is not a valid IdentityDeletionProcess id: expected 'IDP' followed by 17 letters or digits."
            }
        }
    }

    /// The last segment of the code, e.g. `recordNotFound`: the aspect of its rule ids.
    pub fn short_name(self) -> &'static str {
        let code = self.code();
        match code.rfind('.') {
            Some(dot) => &code[dot + 1..],
            None => code,
        }
    }

    /// Whether the Backbone (the platform) raises it: its message reaches the
    /// runtime's caller wrapped with the status, the request, the time and a
    /// trace id, so the documented message is contained, not equal.
    pub fn is_platform(self) -> bool {
        self.code().starts_with("error.platform.")
    }

    /// The kind with this exact code.
    pub fn from_code(code: &str) -> Option<ErrorKind> {
        ErrorKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The error as the reference implementation sends it.
    pub fn error(self) -> DomainError {
        DomainError {
            code: self.code().to_owned(),
            message: self.message().to_owned(),
        }
    }

    /// Whether `error` is this kind with an acceptable message: exactly the
    /// documented one, or any non-empty one where none is documented.
    pub fn matches(self, error: &DomainError) -> bool {
        error.code == self.code()
            && match self.documented_message() {
                Some(message) => error.message == message,
                None => !error.message.trim().is_empty(),
            }
    }
}
