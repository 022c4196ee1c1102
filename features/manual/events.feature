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

  # Source: docs/domain.md#events; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (publishes only after a successful initiate or update)
  @RID1
  Scenario: A refused initiate publishes no event
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`
    And no `transport.identityDeletionProcessStatusChanged` event was published

  # Source: docs/domain.md#events; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (publishes only after a successful initiate or update)
  @RID2
  Scenario: A refused cancel publishes no event
    Given the Identity has no IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`
    And no `transport.identityDeletionProcessStatusChanged` event was published

  # Source: docs/domain.md#events; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (reads publish nothing)
  @RID4
  Scenario: Reading publishes no event
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then the call succeeds
    And no `transport.identityDeletionProcessStatusChanged` event was published

  # Source: docs/domain.md#events (each Identity's events are its own: none leaks into another's, none vanishes when another's are read); runtime packages/runtime/src/events/transport/IdentityDeletionProcessStatusChangedEvent.ts (the event names its eventTargetAddress, the Identity it is for)
  @RID1
  Scenario: Another Identity's event stays in its own stream when the Identity's events are read first
    Given another Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then exactly one `transport.identityDeletionProcessStatusChanged` event was published, carrying the returned IdentityDeletionProcess
    And the other Identity's `transport.identityDeletionProcessStatusChanged` events are exactly those of its own calls

  # Source: as above
  @RID1
  Scenario: The Identity's event does not appear in another Identity's stream read first
    Given another Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the other Identity's `transport.identityDeletionProcessStatusChanged` events are exactly those of its own calls
    And exactly one `transport.identityDeletionProcessStatusChanged` event was published, carrying the returned IdentityDeletionProcess
