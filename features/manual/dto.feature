# Hand-written: the shape of the IdentityDeletionProcess DTO.
@manual
Feature: The IdentityDeletionProcess DTO
  The id is `IDP` followed by 17 letters or digits; timestamps are ISO-8601 in UTC, written with
  `Z`; optional fields are absent when unset (a `null` on the wire is a protocol error, reported
  by the process adapter before any step sees the answer). Source: docs/domain.md, "The
  IdentityDeletionProcess".

  # Source: docs/domain.md#the-identitydeletionprocess; runtime packages/runtime/src/types/transport/IdentityDeletionProcessDTO.ts (optional fields) and packages/runtime/src/useCases/common/validation/ValidatableStrings.ts (IDP[A-Za-z0-9]{17})
  @RID1
  Scenario: An initiated process
    When the Identity calls initiateIdentityDeletionProcess
    Then its `id` is `IDP` followed by 17 letters or digits
    And its `createdAt` and `gracePeriodEndsAt` are ISO-8601 timestamps in UTC
    And its `createdByDevice` is set
    And its `gracePeriodEndsAt` is set
    And its `cancelledAt` is absent
    And its `cancelledByDevice` is absent

  # Source: docs/domain.md#the-identitydeletionprocess and #life-cycle; runtime packages/runtime/src/types/transport/IdentityDeletionProcessDTO.ts; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/IdentityDeletionProcess.cs (Cancel)
  @RID2
  Scenario: A cancelled process
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the returned IdentityDeletionProcess has `"Cancelled"` as `status`
    And its `createdAt` and `cancelledAt` are ISO-8601 timestamps in UTC
    And its `cancelledAt` is set
    And its `cancelledByDevice` is set
    And its `gracePeriodEndsAt` is absent
