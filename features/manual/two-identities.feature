# Hand-written: two Identities with processes of their own: no cross-talk.
@manual
Feature: Two Identities
  Every call acts on and reads the calling Identity's processes only; ids are unique across
  Identities; another Identity's id is unknown to the caller.

  # Source: docs/domain.md#reading-processes (RID5: the processes of the Identity)
  @RID5
  Scenario: Get all lists only the caller's processes
    Given another Identity has initiated an IdentityDeletionProcess
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getIdentityDeletionProcesses
    Then the returned list has 1 entries
    And Returns every IdentityDeletionProcess of the Identity, whatever its `status`.

  # Source: docs/domain.md#reading-processes (RID4: the Active process of the Identity)
  @RID4
  Scenario: Get active returns the caller's process
    Given another Identity has initiated an IdentityDeletionProcess
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then Returns the active IdentityDeletionProcess.
    And the other Identity's IdentityDeletionProcesses are unchanged

  # Source: docs/domain.md#state-machine (cancel acts on the Identity's own Active process)
  @RID2
  Scenario: Cancel leaves the other Identity's process Active
    Given another Identity has initiated an IdentityDeletionProcess
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then Returns the cancelled IdentityDeletionProcess.
    And the other Identity's IdentityDeletionProcesses are unchanged

  # Source: docs/domain.md#errors (RID4 without an Active process of one's own)
  @RID4
  Scenario: Get active of an Identity without a process, while another has one, fails
    Given another Identity has initiated an IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`
    And the other Identity's IdentityDeletionProcesses are unchanged

  # Source: docs/domain.md#errors (RID2 without an Active process of one's own)
  @RID2
  Scenario: Cancel of an Identity without a process, while another has one, fails
    Given another Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then the call fails with `error.runtime.identityDeletionProcess.noActiveIdentityDeletionProcess`
    And the other Identity's IdentityDeletionProcesses are unchanged
