# Hand-written: the life cycle of processes of one Identity.
@manual
Feature: Life cycle of IdentityDeletionProcesses
  `Active` becomes `Cancelled` on cancel; `Cancelled` is terminal, and a new process may be
  initiated afterwards. An Identity has at most one `Active` process.

  # Source: docs/domain.md#life-cycle; docs _docs_use-cases/use-case-transport-initiate-identitydeletionprocess.md (fails only while one is Active)
  @RID1
  Scenario: A new process can be initiated after cancelling
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the call succeeds
    And the returned IdentityDeletionProcess has `"Active"` as `status`

  # Source: docs/domain.md#at-most-one-active-process and #errors; docs _docs_use-cases/use-case-transport-initiate-identitydeletionprocess.md (On Failure); runtime packages/runtime/src/useCases/common/RuntimeErrors.ts
  @RID1
  Scenario: After cancelling and initiating again, a further initiate still fails
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`
    And the Identity has exactly one IdentityDeletionProcess with `"Active"` as `status`

  # Source: docs/domain.md#errors; runtime packages/runtime/src/useCases/common/RuntimeErrors.ts (activeIdentityDeletionProcessAlreadyExists)
  @RID1
  Scenario: Initiating while a process is active fails with the exact code and message
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`

  # Source: docs/domain.md#reading-processes; runtime packages/runtime/test/transport/identityDeletionProcess.test.ts
  @RID5
  Scenario: Get all on a fresh Identity returns an empty list
    Given the Identity has no IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcesses
    Then the call succeeds
    And the returned list is empty

  # Source: docs/domain.md#reading-processes; runtime packages/runtime/test/transport/identityDeletionProcess.test.ts (cancelled, then active, in creation order)
  @RID5
  Scenario: Get all after initiate, cancel, initiate lists both in creation order
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcesses
    Then the returned list has the statuses "Cancelled", "Active" in this order
    And Returns the IdentityDeletionProcesses in the order in which they were created.
    And Returns every IdentityDeletionProcess of the Identity, whatever its `status`.

  # Source: docs/domain.md#errors; runtime packages/runtime/src/useCases/transport/identityDeletionProcesses/CancelIdentityDeletionProcess.ts (noActiveIdentityDeletionProcess)
  @RID2
  Scenario: Cancelling without any process fails
    Given the Identity has no IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`

  # Source: docs/domain.md#life-cycle and #errors; runtime packages/runtime/src/useCases/transport/identityDeletionProcesses/CancelIdentityDeletionProcess.ts
  @RID2
  Scenario: Cancelling when the only process is already cancelled fails
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`

  # Source: docs/domain.md#reading-processes; runtime packages/runtime/src/useCases/transport/identityDeletionProcesses/GetActiveIdentityDeletionProcess.ts
  @RID4
  Scenario: Get active after cancelling fails
    Given the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`

  # Source: docs/domain.md#at-most-one-active-process; Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/Identity.cs (one active deletion process per Identity)
  @RID1
  Scenario: 32 concurrent initiates on one Identity: exactly one succeeds
    When the Identity calls initiateIdentityDeletionProcess 32 times concurrently
    Then exactly one of the calls succeeds
    And every other call fails with `error.runtime.identityDeletionProcess.activeIdentityDeletionProcessAlreadyExists`
    And the Identity has exactly one IdentityDeletionProcess with `"Active"` as `status`

  # Source: docs/domain.md#state-machine (at most one Active process, also under concurrent calls; cancel acts on the Active one)
  @RID2
  Scenario: 8 concurrent cancels of one Active process: exactly one succeeds
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess 8 times concurrently
    Then exactly one of the calls succeeds
    And every other call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`

  # Source: docs/domain.md#state-machine (at most one Active process, also under concurrent calls)
  @RID1 @RID2
  Scenario: A burst of 16 concurrent initiates and cancels is explained by a serial order
    Given the Identity has initiated an IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess and cancelIdentityDeletionProcess 16 times concurrently, alternating
    Then some serial order of the calls explains every answer and the final state
