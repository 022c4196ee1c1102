//! The IdentityDeletionProcess DTO, exactly as an implementation returns it.
//!
//! Sources: `docs/domain.md#the-identitydeletionprocess`.

use serde::{Deserialize, Serialize};

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
    /// The Device that initiated it (`DVC...`).
    pub created_by_device: String,
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

impl IdentityDeletionProcess {
    /// The process as protocol JSON (for messages).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("<unserializable: {e}>"))
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
            created_by_device: "DVCabcdefghijABCDEFG".into(),
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
    }
}
