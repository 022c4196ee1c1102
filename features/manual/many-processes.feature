# Hand-written: one Identity with many processes over time.
@manual
Feature: Many IdentityDeletionProcesses of one Identity
  An Identity may initiate and cancel again and again; its earlier processes stay Cancelled, the
  list is complete and in creation order, and get-active and cancel act on the Active one only.

  # Source: docs/domain.md#state-machine (Cancelled is terminal; a new process may be initiated afterwards; many Cancelled beside one Active) and #reading-processes (RID5: all, in creation order)
  @RID5
  Scenario: After 12 cycles, the list holds all 12 in creation order, all Cancelled
    Given the Identity has initiated and cancelled 12 IdentityDeletionProcesses, one after the other
    When the Identity calls getIdentityDeletionProcesses
    Then the returned list has 12 entries
    And Returns every IdentityDeletionProcess of the Identity, whatever its `status`.
    And Returns the IdentityDeletionProcesses in the order in which they were created.

  # Source: docs/domain.md#reading-processes (RID4 returns the Active process)
  @RID4
  Scenario: After 12 cycles and a new initiate, get-active returns the newest
    Given the Identity has initiated and cancelled 12 IdentityDeletionProcesses, one after the other
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls getActiveIdentityDeletionProcess
    Then Returns the active IdentityDeletionProcess.

  # Source: docs/domain.md#state-machine (cancel acts on the Active process)
  @RID2
  Scenario: After 12 cycles and a new initiate, cancel cancels the newest, not the first
    Given the Identity has initiated and cancelled 12 IdentityDeletionProcesses, one after the other
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess
    Then Changes the `status` of the IdentityDeletionProcess from `"Active"` to `"Cancelled"`.
    And Returns the cancelled IdentityDeletionProcess.

  # Source: docs/domain.md#state-machine (a new process may be initiated right after a cancel)
  @requires.clock @RID1
  Scenario: Re-initiating at the same instant as the cancel works
    Given the Identity's clock is stopped
    And the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess
    Then Returns the initiated IdentityDeletionProcess.
    And the Identity has exactly one IdentityDeletionProcess with `"Active"` as `status`
