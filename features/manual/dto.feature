# Hand-written: the shape of the IdentityDeletionProcess DTO.
@manual
Feature: The IdentityDeletionProcess DTO
  The id is `IDP` followed by 17 letters or digits; timestamps are ISO-8601 in UTC, written with
  `Z`; optional fields are absent when unset (a `null` on the wire is a protocol error, reported
  by the process adapter before any step sees the answer). Source: docs/domain.md, "The
  IdentityDeletionProcess".

  Scenario: An initiated process
    When the Identity calls initiateIdentityDeletionProcess
    Then its `id` is `IDP` followed by 17 letters or digits
    And its `createdAt` and `gracePeriodEndsAt` are ISO-8601 timestamps in UTC
    And its `createdByDevice` is set
    And its `gracePeriodEndsAt` is set
    And its `cancelledAt` is absent
    And its `cancelledByDevice` is absent

  Scenario: A cancelled process
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the returned IdentityDeletionProcess has `"Cancelled"` as `status`
    And its `createdAt` and `cancelledAt` are ISO-8601 timestamps in UTC
    And its `cancelledAt` is set
    And its `cancelledByDevice` is set
    And its `gracePeriodEndsAt` is absent
