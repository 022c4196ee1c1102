# Hand-written: the status-changed event of the runtime.
@manual @requires.events
Feature: Status-changed events
  The runtime publishes `transport.identityDeletionProcessStatusChanged`, carrying the DTO, on
  initiate and on cancel.

  # Source: docs/domain.md#events; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (initiateIdentityDeletionProcess publishes IdentityDeletionProcessStatusChangedEvent)
  Scenario: Initiating publishes the event with the initiated process
    When the Identity calls initiateIdentityDeletionProcess
    Then a `transport.identityDeletionProcessStatusChanged` event carries the returned IdentityDeletionProcess

  # Source: docs/domain.md#events; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (updateIdentityDeletionProcess publishes IdentityDeletionProcessStatusChangedEvent)
  Scenario: Cancelling publishes the event with the cancelled process
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then a `transport.identityDeletionProcessStatusChanged` event carries the returned IdentityDeletionProcess
