//! The grace period between initiating and the actual deletion.
//!
//! Sources: `docs/domain.md#the-grace-period`.

/// Days of grace when `initiateIdentityDeletionProcess` is called without
/// `lengthOfGracePeriodInDays` (RID1). Zero days may be asked for explicitly.
pub const DEFAULT_GRACE_PERIOD_DAYS: u32 = 14;
