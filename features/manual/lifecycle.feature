# Hand-written: the life cycle of processes of one Identity.
@manual
Feature: Life cycle of IdentityDeletionProcesses
  `Active` becomes `Cancelled` on cancel; `Cancelled` is terminal, and a new process may be
  initiated afterwards. An Identity has at most one `Active` process.

  Scenario: A new process can be initiated after cancelling
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the call succeeds
    And the returned IdentityDeletionProcess has `"Active"` as `status`

  Scenario: After cancelling and initiating again, a further initiate still fails
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`
    And the Identity has exactly one IdentityDeletionProcess with `"Active"` as `status`

  Scenario: Initiating while a process is active fails with the exact code and message
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`

  Scenario: Get all on a fresh Identity returns an empty list
    Given the Identity has no IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcesses
    Then the call succeeds
    And the returned list is empty

  Scenario: Get all after initiate, cancel, initiate lists both in creation order
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcesses
    Then the returned list has the statuses "Cancelled", "Active" in this order
    And Returns the IdentityDeletionProcesses in the order in which they were created.

  Scenario: Cancelling without any process fails
    Given the Identity has no IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`

  Scenario: Cancelling when the only process is already cancelled fails
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`

  Scenario: Get active after cancelling fails
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`

  Scenario: 32 concurrent initiates on one Identity: exactly one succeeds
    When the Identity calls initiateIdentityDeletionProcess 32 times concurrently
    Then exactly one of the calls succeeds
    And every other call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`
    And the Identity has exactly one IdentityDeletionProcess with `"Active"` as `status`
