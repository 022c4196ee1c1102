# Hand-written: the status-changed event of the runtime.
@manual @requires.events
Feature: Status-changed events
  The runtime publishes `transport.identityDeletionProcessStatusChanged`, carrying the DTO, on
  initiate and on cancel: exactly one event per status change, none for a refused call.
  Source: docs/domain.md, "State machine" (events); nmshd/runtime
  IdentityDeletionProcessStatusChangedEvent.

  # Source: docs/domain.md#events; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (initiateIdentityDeletionProcess publishes IdentityDeletionProcessStatusChangedEvent)
  @RID1
  Scenario: Initiating publishes the event with the initiated process
    When the Identity calls initiateIdentityDeletionProcess
    Then exactly one `transport.identityDeletionProcessStatusChanged` event was published, carrying the returned IdentityDeletionProcess

  # Source: docs/domain.md#events; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (updateIdentityDeletionProcess publishes IdentityDeletionProcessStatusChangedEvent)
  @RID2
  Scenario: Cancelling publishes the event with the cancelled process
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then exactly one `transport.identityDeletionProcessStatusChanged` event was published, carrying the returned IdentityDeletionProcess

  @RID1
  Scenario: A refused initiate publishes no event
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`
    And no `transport.identityDeletionProcessStatusChanged` event was published

  @RID2
  Scenario: A refused cancel publishes no event
    Given the Identity has no IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`
    And no `transport.identityDeletionProcessStatusChanged` event was published

  @RID4
  Scenario: Reading publishes no event
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then the call succeeds
    And no `transport.identityDeletionProcessStatusChanged` event was published
