# Hand-written: timestamps on the days where calendars go wrong, at fixed instants (not the day of the run).
@manual
Feature: Timestamps around year ends, month ends, leap days and week-based years
  Every timestamp is an instant in UTC written with the calendar year, month and day, whatever
  the day: on the days whose week-based year is not the calendar year, on a leap day, at the end
  of a month or a year. Each instant here is an entry of the suite's fixed time table
  (`oracle::calendar`), so what these scenarios cover does not depend on the date of the run.

  # Source: docs/domain.md#timestamps (RFC 3339: the calendar year, not the ISO 8601 week-based year `%G` / Java's `YYYY`); 1 January 2027 is in ISO week 53 of 2026
  @requires.clock @RID1
  Scenario: A process initiated on 1 January 2027, in ISO week 53 of 2026, carries the calendar year
    Given the Identity's clock is set to 2027-01-01T00:00:00.000Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 2
    Then its `createdAt` is 2027-01-01T00:00:00.000Z
    And its `gracePeriodEndsAt` is 2027-01-03T00:00:00.000Z

  # Source: as above; 29 December 2025 is in ISO week 1 of 2026
  @requires.clock @RID1
  Scenario: A process initiated on 29 December 2025, in ISO week 1 of 2026, carries the calendar year
    Given the Identity's clock is set to 2025-12-29T12:00:00.000Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then its `createdAt` is 2025-12-29T12:00:00.000Z
    And its `gracePeriodEndsAt` is 2025-12-30T12:00:00.000Z

  # Source: docs/domain.md#the-grace-period (N × 24 h in UTC) and #timestamps; 2028 is a leap year
  @requires.clock @RID1
  Scenario: A grace period from the eve of a leap day ends on the leap day
    Given the Identity's clock is set to 2028-02-28T23:59:59.999Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then its `createdAt` is 2028-02-28T23:59:59.999Z
    And its `gracePeriodEndsAt` is 2028-02-29T23:59:59.999Z

  # Source: as above
  @requires.clock @RID2
  Scenario: A process cancelled on a leap day has the leap day as its cancelledAt
    Given the Identity's clock is set to 2028-02-29T00:00:00.000Z
    And the Identity has initiated an IdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    And the Identity's clock is set to 2028-02-29T23:59:59.999Z
    When the Identity calls cancelIdentityDeletionProcess
    Then the call succeeds
    And its `cancelledAt` is 2028-02-29T23:59:59.999Z

  # Source: docs/domain.md#the-grace-period (N × 24 h in UTC); 2100 is not a leap year (divisible by 100, not by 400)
  @requires.clock @RID1
  Scenario: A grace period across the end of February 2100, which is not a leap year
    Given the Identity's clock is set to 2100-02-28T23:59:59.999Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then its `gracePeriodEndsAt` is 2100-03-01T23:59:59.999Z

  # Source: docs/domain.md#the-grace-period (N × 24 h in UTC); April has 30 days
  @requires.clock @RID1
  Scenario: A grace period from the last millisecond of a 30-day month
    Given the Identity's clock is set to 2027-04-30T23:59:59.999Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then its `createdAt` is 2027-04-30T23:59:59.999Z
    And its `gracePeriodEndsAt` is 2027-05-01T23:59:59.999Z

  # Source: docs/domain.md#the-grace-period (N × 24 h in UTC) and #timestamps
  @requires.clock @RID1
  Scenario: A grace period from the last millisecond of a year
    Given the Identity's clock is set to 2026-12-31T23:59:59.999Z
    When the Identity calls initiateIdentityDeletionProcess with `lengthOfGracePeriodInDays` 1
    Then its `createdAt` is 2026-12-31T23:59:59.999Z
    And its `gracePeriodEndsAt` is 2027-01-01T23:59:59.999Z
