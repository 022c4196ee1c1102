# Hand-written: reading processes back (RID3, RID4).
@manual
Feature: Reading IdentityDeletionProcesses
  Get and get-active return exactly what initiate and cancel returned. Ids that name no process of
  the Identity, or are malformed, give documented errors.

  Scenario: Get and get-active return exactly what initiate returned
    When the Identity calls initiateIdentityDeletionProcess
    Then getIdentityDeletionProcess with its `id` returns the same IdentityDeletionProcess
    And getActiveIdentityDeletionProcess returns the same IdentityDeletionProcess

  Scenario: Get returns exactly what cancel returned
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then getIdentityDeletionProcess with its `id` returns the same IdentityDeletionProcess

  Scenario: Get by a well-formed unknown id
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has no IdentityDeletionProcess with the given `id`
    When the Identity calls getIdentityDeletionProcess with `id`
    Then the call fails with `error.runtime.recordNotFound`

  Scenario: Get by the id of another Identity's process
    Given another Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcess with `id`
    Then the call fails with `error.runtime.recordNotFound`

  Scenario: Get by a malformed id
    Given the given `id` is not a valid IdentityDeletionProcess id
    When the Identity calls getIdentityDeletionProcess with `id`
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  Scenario: Get active without any process fails
    Given the Identity has no IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`
