//! Which domain error a failing call must answer with.
//!
//! A failure scenario's Given step names a [`Condition`]; the call under test
//! names a [`Function`]; this table gives the error (RID1–RID4 of DOMAIN.md).

use super::Function;
use crate::domain::ErrorKind;

/// The situation a failure scenario sets up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// The Identity has an Active process.
    ActiveExists,
    /// The Identity has no Active process.
    NoActive,
    /// The Active process's grace period is over.
    GracePeriodOver,
    /// The id names no process of the Identity.
    UnknownId,
    /// The id is malformed.
    MalformedId,
}

/// The error `function` must answer with under `condition`, if it must fail.
pub fn expected_error(function: Function, condition: Condition) -> Option<ErrorKind> {
    use Condition as C;
    use Function as F;
    match (function, condition) {
        (F::Initiate, C::ActiveExists) => Some(ErrorKind::ActiveProcessAlreadyExists),
        (F::Cancel | F::GetActive, C::NoActive) => Some(ErrorKind::NoActiveProcess),
        (F::Cancel, C::GracePeriodOver) => Some(ErrorKind::GracePeriodExpired),
        (F::Get, C::UnknownId) => Some(ErrorKind::RecordNotFound),
        (F::Get, C::MalformedId) => Some(ErrorKind::InvalidPropertyValue),
        _ => None,
    }
}
