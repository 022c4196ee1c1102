//! The fields of the IdentityDeletionProcess DTO, by their JSON names.

use super::IdentityDeletionProcess;
use std::fmt;

/// A field of the DTO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// `id`
    Id,
    /// `status`
    Status,
    /// `createdAt`
    CreatedAt,
    /// `createdByDevice`
    CreatedByDevice,
    /// `gracePeriodEndsAt`
    GracePeriodEndsAt,
    /// `cancelledAt`
    CancelledAt,
    /// `cancelledByDevice`
    CancelledByDevice,
}

impl Field {
    /// Every field, in the DTO's order.
    pub const ALL: [Field; 7] = [
        Field::Id,
        Field::Status,
        Field::CreatedAt,
        Field::CreatedByDevice,
        Field::GracePeriodEndsAt,
        Field::CancelledAt,
        Field::CancelledByDevice,
    ];

    /// The JSON name.
    pub const fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Status => "status",
            Field::CreatedAt => "createdAt",
            Field::CreatedByDevice => "createdByDevice",
            Field::GracePeriodEndsAt => "gracePeriodEndsAt",
            Field::CancelledAt => "cancelledAt",
            Field::CancelledByDevice => "cancelledByDevice",
        }
    }

    /// The field with this JSON name.
    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether it holds a timestamp.
    pub const fn is_timestamp(self) -> bool {
        matches!(
            self,
            Field::CreatedAt | Field::GracePeriodEndsAt | Field::CancelledAt
        )
    }

    /// Whether every process has it (the others are absent while unset).
    pub const fn always_set(self) -> bool {
        matches!(
            self,
            Field::Id | Field::Status | Field::CreatedAt | Field::CreatedByDevice
        )
    }

    /// Whether it names a Device.
    pub const fn is_device(self) -> bool {
        matches!(self, Field::CreatedByDevice | Field::CancelledByDevice)
    }

    /// Its value on `process`, `None` when unset.
    pub fn value(self, process: &IdentityDeletionProcess) -> Option<&str> {
        match self {
            Field::Id => Some(process.id.as_str()),
            Field::Status => Some(process.status.as_str()),
            Field::CreatedAt => Some(process.created_at.as_str()),
            Field::CreatedByDevice => process.created_by_device.as_deref(),
            Field::GracePeriodEndsAt => process.grace_period_ends_at.as_deref(),
            Field::CancelledAt => process.cancelled_at.as_deref(),
            Field::CancelledByDevice => process.cancelled_by_device.as_deref(),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for field in Field::ALL {
            assert_eq!(Field::parse(field.name()), Some(field));
        }
        assert_eq!(Field::parse("deletedAt"), None);
    }
}
