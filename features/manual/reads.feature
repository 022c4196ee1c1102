# Hand-written: reading processes back (RID3, RID4).
@manual
Feature: Reading IdentityDeletionProcesses
  Get and get-active return exactly what initiate and cancel returned. Ids that name no process of
  the Identity, or are malformed, give documented errors.

  # Source: docs/domain.md#reading-processes; runtime packages/runtime/src/useCases/transport/identityDeletionProcesses/GetIdentityDeletionProcess.ts and GetActiveIdentityDeletionProcess.ts
  @RID1 @RID3 @RID4
  Scenario: Get and get-active return exactly what initiate returned
    When the Identity calls initiateIdentityDeletionProcess
    Then getIdentityDeletionProcess with its `id` returns the same IdentityDeletionProcess
    And getActiveIdentityDeletionProcess returns the same IdentityDeletionProcess

  # Source: docs/domain.md#reading-processes; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (cancel stores what it returns)
  @RID2 @RID3
  Scenario: Get returns exactly what cancel returned
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then getIdentityDeletionProcess with its `id` returns the same IdentityDeletionProcess

  # Source: docs/domain.md#reading-processes and #errors; runtime packages/runtime/src/useCases/transport/identityDeletionProcesses/GetIdentityDeletionProcess.ts (recordNotFound)
  @RID3
  Scenario: Get by a well-formed unknown id
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has no IdentityDeletionProcess with the given `id`
    When the Identity calls getIdentityDeletionProcess with `id`
    Then the call fails with `error.runtime.recordNotFound`

  # Source: docs/domain.md#reading-processes; runtime packages/transport/src/modules/accounts/IdentityDeletionProcessController.ts (the Identity's own collection)
  @RID3
  Scenario: Get by the id of another Identity's process
    Given another Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcess with `id`
    Then the call fails with `error.runtime.recordNotFound`

  # Source: docs/domain.md#reading-processes and #errors; runtime packages/runtime/src/useCases/transport/identityDeletionProcesses/GetIdentityDeletionProcess.ts (schema validation) and packages/runtime/src/useCases/common/validation/ValidatableStrings.ts
  @RID3
  Scenario: Get by a malformed id
    Given the given `id` is not a valid IdentityDeletionProcess id
    When the Identity calls getIdentityDeletionProcess with `id`
    Then the call fails with `error.runtime.validation.invalidPropertyValue`
    And No IdentityDeletionProcess can be returned

  # Source: docs/domain.md#errors; runtime packages/runtime/src/useCases/transport/identityDeletionProcesses/GetActiveIdentityDeletionProcess.ts
  @RID4
  Scenario: Get active without any process fails
    Given the Identity has no IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`

  # Source: docs/domain.md#the-identitydeletionprocess (id: `IDP` + 17 ASCII letters or digits, 20 in total) and #errors (a malformed id is invalidPropertyValue). The whole id must match: a malformed id that contains a valid one is still malformed.
  @RID3
  Scenario: Get by an id with 21 characters is a validation error
    When the Identity calls getIdentityDeletionProcess with `id` "IDPAAAAAAAAAAAAAAAAAA"
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  @RID3
  Scenario: Get by an id with 19 characters is a validation error
    When the Identity calls getIdentityDeletionProcess with `id` "IDPAAAAAAAAAAAAAAAA"
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  @RID3
  Scenario: Get by an id with no characters is a validation error
    When the Identity calls getIdentityDeletionProcess with `id` ""
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  @RID3
  Scenario: Get by an id with a `-` is a validation error
    When the Identity calls getIdentityDeletionProcess with `id` "IDPAAAAAAAAAAAAAAAA-"
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  @RID3
  Scenario: Get by an id with a `_` is a validation error
    When the Identity calls getIdentityDeletionProcess with `id` "IDPAAAAAAAAAAAAAAAA_"
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  @RID3
  Scenario: Get by an id with a leading space is a validation error
    When the Identity calls getIdentityDeletionProcess with `id` " IDPAAAAAAAAAAAAAAAAA"
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  @RID3
  Scenario: Get by an id with a non-ASCII letter is a validation error
    When the Identity calls getIdentityDeletionProcess with `id` "IDPÄAAAAAAAAAAAAAAAA"
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  @RID3
  Scenario: Get by an id with a lower-case prefix is a validation error
    When the Identity calls getIdentityDeletionProcess with `id` "idpAAAAAAAAAAAAAAAAA"
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  # Source: docs/domain.md#the-identitydeletionprocess (ids are compared exactly: `IDP` + 17 ASCII letters or digits) and #errors (well-formed unknown: recordNotFound)
  @RID3
  Scenario: Get by an existing id with one letter's case flipped is not found
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcess with the `id` of its IdentityDeletionProcess with one letter's case flipped
    Then the call fails with `error.runtime.recordNotFound`

  # Source: as above (malformed: invalidPropertyValue)
  @RID3
  Scenario: Get by an existing id with a leading space is a validation error
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcess with the `id` of its IdentityDeletionProcess with a leading space
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  # Source: as above
  @RID3
  Scenario: Get by an existing id with a trailing space is a validation error
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcess with the `id` of its IdentityDeletionProcess with a trailing space
    Then the call fails with `error.runtime.validation.invalidPropertyValue`

  # Source: as above
  @RID3
  Scenario: Get by an existing id with a non-ASCII letter is a validation error
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcess with the `id` of its IdentityDeletionProcess with one character replaced by a non-ASCII letter
    Then the call fails with `error.runtime.validation.invalidPropertyValue`
