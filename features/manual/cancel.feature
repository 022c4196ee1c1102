# Hand-written: what cancelling does beyond the bullets of the published RID2 page
# (use-case-transport-cancel-identitydeletionprocess.md). Sources: docs/domain.md.
@manual
Feature: Cancelling an IdentityDeletionProcess, beyond the published bullets
  The published page's bullets say that the status changes and the process is returned. Cancelling
  also records when and by which Device, removes the end of the grace period, and is refused once
  the grace period is over.

  # Source: docs/domain.md#life-cycle; runtime packages/transport/src/modules/accounts/data/IdentityDeletionProcess.ts (cancelledAt, cancelledByDevice); Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (Cancel sets CancelledAt)
  @RID2
  Scenario: Cancelling records when and by which Device
    Given the Identity has an IdentityDeletionProcess with `"Active"` as `status`
    When the Identity calls cancelIdentityDeletionProcess
    Then Records the time of the cancellation in `cancelledAt` and the cancelling Device in `cancelledByDevice`.

  # Source: docs/domain.md#life-cycle; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (Cancel sets GracePeriodEndsAt to null)
  @RID2
  Scenario: Cancelling removes the end of the grace period
    Given the Identity has an IdentityDeletionProcess with `"Active"` as `status`
    When the Identity calls cancelIdentityDeletionProcess
    Then Removes `gracePeriodEndsAt` from the IdentityDeletionProcess.

  # Source: docs/domain.md#the-grace-period; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (Cancel refuses when GracePeriodEndsAt < now) and Modules/Devices/src/Devices.Domain/DomainErrors.cs (GracePeriodHasAlreadyExpired); docs _docs_use-cases/use-case-transport-cancel-identitydeletionprocess.md (introduction: only until the end of the grace period)
  @requires.clock @RID2
  Scenario: Cancelling fails once the grace period is over, and changes nothing
    Given the grace period of the IdentityDeletionProcess with `"Active"` as `status` is already over, i.e. the current time is later than its `gracePeriodEndsAt`.
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails
    And No IdentityDeletionProcess can be cancelled
