//! The grace period between initiating and the actual deletion.
//!
//! Sources: `docs/domain.md#the-grace-period`.

/// Days of grace when `initiateIdentityDeletionProcess` is called without
/// `lengthOfGracePeriodInDays` (RID1). Zero days may be asked for explicitly.
pub const DEFAULT_GRACE_PERIOD_DAYS: u32 = 14;

/// The longest `lengthOfGracePeriodInDays` the suite sends (100 years). The
/// domain takes any number (the runtime's schema says `number`, the Backbone
/// a `double?`); protocol version 1 carries whole days from 0 to this bound,
/// and an implementation must handle each exactly (N × 24 h in UTC).
/// Source: `docs/domain.md#the-grace-period` (the Backbone stores a
/// `DateTime`, so `createdAt` + N stays far below year 9999).
pub const MAX_GRACE_PERIOD_DAYS: u32 = 36_500;
