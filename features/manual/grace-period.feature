# Hand-written: what docs/domain.md states about the grace period and the pages leave implicit.
@manual
Feature: Grace period of an IdentityDeletionProcess
  The grace period lasts `lengthOfGracePeriodInDays` days from `createdAt` (14 when not given,
  0 allowed). Cancelling is allowed up to and including `gracePeriodEndsAt`.

  # Source: docs/domain.md#the-grace-period; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionConfiguration.cs (14 days) and IdentityDeletionProcess.cs (GracePeriodEndsAt = now + days)
  @RID1
  Scenario: The default grace period is 14 days
    When the Identity calls initiateIdentityDeletionProcess
    Then the call succeeds
    And its `gracePeriodEndsAt` is 14 days after its `createdAt`

  # Source: docs/domain.md#the-grace-period; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (lengthOfGracePeriodInDays)
  @RID1
  Scenario: A grace period of 1 day
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then the call succeeds
    And its `gracePeriodEndsAt` is 1 day after its `createdAt`

  # Source: docs/domain.md#the-grace-period; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (lengthOfGracePeriodInDays, a double?, 0 allowed)
  @RID1
  Scenario: A grace period of 0 days
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 0
    Then the call succeeds
    And its `gracePeriodEndsAt` is 0 days after its `createdAt`

  # Source: docs/domain.md#the-grace-period (any whole number of days from 0 to 36500, each N × 24 h in UTC); Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (GracePeriodEndsAt = now + days, a DateTime: up to year 9999)
  @RID1
  Scenario: A grace period of 5000 days ends after 2038
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 5000
    Then the call succeeds
    And its `gracePeriodEndsAt` is 5000 days after its `createdAt`

  # Source: as above (36500 days, the longest grace period the suite sends)
  @RID1
  Scenario: A grace period of 36500 days
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 36500
    Then the call succeeds
    And its `gracePeriodEndsAt` is 36500 days after its `createdAt`

  # Source: as above; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (Cancel refuses only when GracePeriodEndsAt < now)
  @requires.clock @RID1 @RID2
  Scenario: Cancelling exactly at the end of a 36500-day grace period is allowed
    Given the Identity's clock is set to 2026-03-28T12:00:00.000Z
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 36500
    And the Identity's clock is set to 2126-03-04T12:00:00.000Z
    When the Identity calls cancelIdentityDeletionProcess
    Then the call succeeds

  # Source: as above; 1 ms after the `gracePeriodEndsAt` returned (2094-04-16T12:00:00.000Z, or up to 5 ms later: docs/domain.md#the-grace-period)
  @requires.clock @RID1 @RID2
  Scenario: Cancelling 1 ms after the end of a 24856-day grace period fails
    Given the Identity's clock is set to 2026-03-28T12:00:00.000Z
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 24856
    And the Identity's clock is set to 1 ms after its `gracePeriodEndsAt`
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.platform.validation.device.gracePeriodHasAlreadyExpired`

  # Source: docs/domain.md#the-grace-period and #errors; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (Cancel refuses when GracePeriodEndsAt < now); Backbone Modules/Devices/src/Devices.Domain/DomainErrors.cs
  @requires.clock @RID2
  Scenario: Cancelling after the grace period fails
    Given the Identity's clock is stopped
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    And the grace period of the IdentityDeletionProcess with `"Active"` as `status` is already over, i.e. the current time is later than its `gracePeriodEndsAt`.
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.platform.validation.device.gracePeriodHasAlreadyExpired`

  # Source: docs/domain.md#the-grace-period; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (strict GracePeriodEndsAt < now)
  @requires.clock @RID2
  Scenario: Cancelling exactly at the end of the grace period is allowed
    Given the Identity's clock is stopped
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    And the Identity's clock advances by 1 day
    When the Identity calls cancelIdentityDeletionProcess
    Then the call succeeds
    And the returned IdentityDeletionProcess has `"Cancelled"` as `status`

  # Source: docs/domain.md#the-grace-period; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (strict GracePeriodEndsAt < now)
  @requires.clock @RID2
  Scenario: With 0 days of grace, cancelling at the same instant is allowed
    Given the Identity's clock is stopped
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 0
    When the Identity calls cancelIdentityDeletionProcess
    Then the call succeeds

  # Source: docs/domain.md#the-grace-period; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionConfiguration.cs and IdentityDeletionProcess.cs
  @requires.clock @RID2
  Scenario: The default grace period ends after 14 days, not before
    Given the Identity's clock is stopped
    And the Identity has initiated an IdentityDeletionProcess
    And the Identity's clock advances by 14 days
    When the Identity calls cancelIdentityDeletionProcess
    Then the call succeeds

  # Source: docs/domain.md#the-grace-period (gracePeriodEndsAt = createdAt + N days; N per process)
  @requires.clock @RID1
  Scenario: Successive processes with different grace periods, the clock moved in between
    Given the Identity's clock is stopped
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 3
    And the Identity has cancelled its active IdentityDeletionProcess
    And the Identity's clock advances by 1 day and 250 milliseconds
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 5
    Then its `gracePeriodEndsAt` is 5 days after its `createdAt`
    And Returns the initiated IdentityDeletionProcess.

  # Source: docs/domain.md#the-grace-period (N days are N × 24 h in UTC; Europe/Berlin switches to summer time on 2026-03-29)
  @requires.clock @RID1
  Scenario: A grace period across the daylight-saving change in Europe/Berlin is N × 24 h in UTC
    Given the Identity's clock is set to 2026-03-28T12:00:00.000Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 2
    Then its `createdAt` is 2026-03-28T12:00:00.000Z
    And its `gracePeriodEndsAt` is 2026-03-30T12:00:00.000Z
    And its `gracePeriodEndsAt` is 2 days after its `createdAt`

  # Source: as above (America/New_York switches back to standard time on 2026-11-01)
  @requires.clock @RID1
  Scenario: A grace period across the daylight-saving change in America/New_York is N × 24 h in UTC
    Given the Identity's clock is set to 2026-10-31T23:30:00.000Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then its `createdAt` is 2026-10-31T23:30:00.000Z
    And its `gracePeriodEndsAt` is 2026-11-01T23:30:00.000Z

  # Source: docs/domain.md#daylight-saving-changes (Australia/Sydney, southern hemisphere, ends summer time on 2026-04-05, 03:00 local = 2026-04-04T16:00Z; tz database via chrono-tz)
  @requires.clock @RID1
  Scenario: A grace period across the daylight-saving change in Australia/Sydney is N × 24 h in UTC
    Given the Identity's clock is set to 2026-04-04T12:00:00.000Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 2
    Then its `createdAt` is 2026-04-04T12:00:00.000Z
    And its `gracePeriodEndsAt` is 2026-04-06T12:00:00.000Z

  # Source: docs/domain.md#daylight-saving-changes (Australia/Lord_Howe moves by half an hour, to UTC+11 at 2026-10-03T15:30Z)
  @requires.clock @RID1
  Scenario: A grace period across the half-hour daylight-saving change in Australia/Lord_Howe is N × 24 h in UTC
    Given the Identity's clock is set to 2026-10-03T15:00:00.000Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then its `createdAt` is 2026-10-03T15:00:00.000Z
    And its `gracePeriodEndsAt` is 2026-10-04T15:00:00.000Z

  # Source: docs/domain.md#daylight-saving-changes (Europe/Moscow changed its rules: back from UTC+4 to UTC+3 at 2014-10-25T22:00Z, no daylight saving since)
  @requires.clock @RID1
  Scenario: A grace period across the last rule change in Europe/Moscow is N × 24 h in UTC
    Given the Identity's clock is set to 2014-10-25T12:00:00.000Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 3
    Then its `createdAt` is 2014-10-25T12:00:00.000Z
    And its `gracePeriodEndsAt` is 2014-10-28T12:00:00.000Z

  # Source: docs/domain.md#daylight-saving-changes (Asia/Kolkata is UTC+5:30 all year: the control, over the days Europe/Berlin changes)
  @requires.clock @RID1
  Scenario: A grace period in Asia/Kolkata, which has no daylight saving, is N × 24 h in UTC
    Given the Identity's clock is set to 2026-03-28T12:00:00.000Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 2
    Then its `createdAt` is 2026-03-28T12:00:00.000Z
    And its `gracePeriodEndsAt` is 2026-03-30T12:00:00.000Z

  # Source: as above; the boundary placed exactly with an absolute instant, 1 ms after the `gracePeriodEndsAt` returned (up to 5 ms after N days, docs/domain.md#the-grace-period)
  @requires.clock @RID2
  Scenario: Cancelling 1 ms after a gracePeriodEndsAt placed exactly fails
    Given the Identity's clock is set to 2026-03-28T12:00:00.000Z
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    And the Identity's clock is set to 1 ms after its `gracePeriodEndsAt`
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.platform.validation.device.gracePeriodHasAlreadyExpired`

  # Source: docs/domain.md#state-machine (after the grace period only the Backbone moves a process on: the runtime still shows it Active)
  @requires.clock @RID4
  Scenario: After the grace period the process is still Active
    Given the grace period of the IdentityDeletionProcess with `"Active"` as `status` is already over, i.e. the current time is later than its `gracePeriodEndsAt`.
    When the Identity calls getActiveIdentityDeletionProcess
    Then Returns the active IdentityDeletionProcess.
