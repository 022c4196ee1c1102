//! The IdentityDeletionProcess DTO, exactly as an implementation returns it.
//!
//! Sources: `docs/domain.md#the-identitydeletionprocess`.

use super::{Field, parse_timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// An IdentityDeletionProcess as the runtime returns it (camelCase JSON,
/// optional fields absent when unset).
///
/// Fields are kept as the implementation sent them (strings), so that the
/// suite can report a malformed id, a wrongly cased status or a bad timestamp
/// as a conformance failure instead of failing to decode it. The typed views
/// are [`crate::domain::ProcessId`], [`crate::domain::Status`] and
/// [`crate::domain::parse_timestamp`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityDeletionProcess {
    /// `IDP` + 17 of `[A-Za-z0-9]`.
    pub id: String,
    /// `Active` or `Cancelled`.
    pub status: String,
    /// When it was initiated (ISO-8601).
    pub created_at: String,
    /// The Device that initiated it (`DVC...`). Always set; kept as an
    /// option so that a process without it (the Consumer API v1's DTO has
    /// none) is judged under `RID1.createdByDevice` as an absent field, which
    /// an expectations file can waive, while every other check of the
    /// process still runs: no other check reads this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by_device: Option<String>,
    /// `createdAt` + the grace period; cleared on cancel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_ends_at: Option<String>,
    /// When it was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
    /// The Device that cancelled it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_by_device: Option<String>,
}

/// What is wrong with one field of a process as an implementation wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldDefect {
    /// The field is `null` (an unset field must be absent).
    Null,
    /// A field that is always set is absent.
    Missing,
    /// The field is neither a string nor `null`.
    NotAString,
}

/// Why a JSON value is not a process DTO the suite can hold. A conformance
/// question, judged by the oracle under a rule id, never a protocol fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtoDefect {
    /// The value is not a JSON object at all.
    NotAnObject,
    /// One field is wrong (the first in the DTO's field order).
    Field(Field, FieldDefect),
}

impl fmt::Display for DtoDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DtoDefect::NotAnObject => f.write_str("it is not a JSON object"),
            DtoDefect::Field(field, FieldDefect::Null) => write!(f, "`{field}` is null"),
            DtoDefect::Field(field, FieldDefect::Missing) => write!(f, "`{field}` is missing"),
            DtoDefect::Field(field, FieldDefect::NotAString) => {
                write!(f, "`{field}` is not a string")
            }
        }
    }
}

impl IdentityDeletionProcess {
    /// The process as protocol JSON (for messages).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("<unserializable: {e}>"))
    }

    /// Reads a process as an implementation wrote it: every field a string,
    /// the optional ones absent when unset (docs/domain.md: "left out of the
    /// JSON, not written as `null`"). Unknown fields are ignored. The error
    /// names the first field (in the DTO's order) that breaks this. A missing
    /// `createdByDevice` is read as `None`, for the oracle to judge: the
    /// other always-set fields (`id`, `status`, `createdAt`) are read by other
    /// checks, so without them the process cannot be judged at all.
    pub fn from_json(value: &Value) -> Result<Self, DtoDefect> {
        let Value::Object(fields) = value else {
            return Err(DtoDefect::NotAnObject);
        };
        let read = |field: Field| -> Result<Option<String>, DtoDefect> {
            match fields.get(field.name()) {
                None => Ok(None),
                Some(Value::String(text)) => Ok(Some(text.clone())),
                Some(Value::Null) => Err(DtoDefect::Field(field, FieldDefect::Null)),
                Some(_) => Err(DtoDefect::Field(field, FieldDefect::NotAString)),
            }
        };
        let required = |field: Field| -> Result<String, DtoDefect> {
            read(field)?.ok_or(DtoDefect::Field(field, FieldDefect::Missing))
        };
        Ok(Self {
            id: required(Field::Id)?,
            status: required(Field::Status)?,
            created_at: required(Field::CreatedAt)?,
            created_by_device: read(Field::CreatedByDevice)?,
            grace_period_ends_at: read(Field::GracePeriodEndsAt)?,
            cancelled_at: read(Field::CancelledAt)?,
            cancelled_by_device: read(Field::CancelledByDevice)?,
        })
    }

    /// Whether `other` is the same process, field by field; timestamps are
    /// compared as instants at full precision (`…05.678Z` and `…05.6780000Z`
    /// are the same instant), as docs/domain.md#timestamps decides.
    pub fn same_as(&self, other: &IdentityDeletionProcess) -> bool {
        Field::ALL
            .into_iter()
            .all(|field| match (field.value(self), field.value(other)) {
                (Some(a), Some(b)) if field.is_timestamp() => {
                    match (parse_timestamp(a), parse_timestamp(b)) {
                        (Some(x), Some(y)) => x == y,
                        _ => a == b,
                    }
                }
                (a, b) => a == b,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_are_absent_not_null() {
        let p = IdentityDeletionProcess {
            id: "IDPabcdefghijABCDEFG".into(),
            status: "Active".into(),
            created_at: "2026-01-01T00:00:00.000Z".into(),
            created_by_device: Some("DVCabcdefghijABCDEFG".into()),
            grace_period_ends_at: None,
            cancelled_at: None,
            cancelled_by_device: None,
        };
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"id":"IDPabcdefghijABCDEFG","status":"Active","createdAt":"2026-01-01T00:00:00.000Z","createdByDevice":"DVCabcdefghijABCDEFG"}"#
        );
        assert_eq!(
            serde_json::from_str::<IdentityDeletionProcess>(&json).unwrap(),
            p
        );
        let value: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(IdentityDeletionProcess::from_json(&value), Ok(p));
    }

    #[test]
    fn from_json_names_the_first_defect() {
        let read =
            |text: &str| IdentityDeletionProcess::from_json(&serde_json::from_str(text).unwrap());
        let full = r#"{"id":"IDPabcdefghijABCDEFG","status":"Active","createdAt":"2026-01-01T00:00:00.000Z","createdByDevice":"DVCx","unknown":null}"#;
        assert!(
            read(full).is_ok(),
            "unknown fields are ignored, null or not"
        );
        assert_eq!(
            read(r#"{"id":"IDPabcdefghijABCDEFG","status":"Active"}"#),
            Err(DtoDefect::Field(Field::CreatedAt, FieldDefect::Missing))
        );
        assert_eq!(
            read(&full.replace(
                r#""createdByDevice":"DVCx""#,
                r#""createdByDevice":"DVCx","cancelledAt":null"#
            )),
            Err(DtoDefect::Field(Field::CancelledAt, FieldDefect::Null))
        );
        assert_eq!(
            read(&full.replace(r#""status":"Active""#, r#""status":1"#)),
            Err(DtoDefect::Field(Field::Status, FieldDefect::NotAString))
        );
        assert_eq!(read("[]"), Err(DtoDefect::NotAnObject));
    }

    #[test]
    fn the_same_process_compares_timestamps_as_instants() {
        let a = IdentityDeletionProcess {
            id: "IDPabcdefghijABCDEFG".into(),
            status: "Active".into(),
            created_at: "2026-01-01T00:00:00.120Z".into(),
            created_by_device: Some("DVCx".into()),
            grace_period_ends_at: Some("2026-01-15T00:00:00.12Z".into()),
            cancelled_at: None,
            cancelled_by_device: None,
        };
        let mut b = a.clone();
        b.created_at = "2026-01-01T00:00:00.1200000Z".into();
        assert!(a.same_as(&b));
        b.created_at = "2026-01-01T00:00:00.1200001Z".into();
        assert!(!a.same_as(&b));
        let mut c = a.clone();
        c.grace_period_ends_at = None;
        assert!(!a.same_as(&c));
    }
}
