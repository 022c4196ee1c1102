# Hand-written: an Identity with several Devices.
@manual @requires.devices
Feature: Devices
  `createdByDevice` and `cancelledByDevice` name the Device that made the call, not the
  Identity's first one.

  # Source: docs/domain.md#the-identitydeletionprocess (createdByDevice: the initiating Device; cancelledByDevice: the cancelling Device); runtime packages/transport/src/modules/accounts/data/IdentityDeletionProcess.ts
  @RID1 @RID2
  Scenario: Initiated from Device 1, cancelled from Device 2
    Given the Identity has a second Device
    And the Identity has initiated an IdentityDeletionProcess
    When the Identity calls cancelIdentityDeletionProcess from Device 2
    Then its `createdByDevice` is Device 1
    And its `cancelledByDevice` is Device 2
    And Returns the cancelled IdentityDeletionProcess.

  # Source: as above
  @RID1
  Scenario: Initiated from Device 2
    Given the Identity has a second Device
    When the Identity calls initiateIdentityDeletionProcess from Device 2
    Then its `createdByDevice` is Device 2
    And Returns the initiated IdentityDeletionProcess.

  # Source: as above
  @RID1
  Scenario: A new process from Device 2 after one of Device 1
    Given the Identity has a second Device
    And the Identity has initiated an IdentityDeletionProcess
    And the Identity has cancelled its active IdentityDeletionProcess
    When the Identity calls initiateIdentityDeletionProcess from Device 2
    Then its `createdByDevice` is Device 2

  # Source: docs/domain.md#at-most-one-active-process (at most one Active process per Identity, also under concurrent calls, whichever of its Devices makes them); Backbone Modules/Devices/src/Devices.Domain/Entities/Identities/Identity.cs (the check on start is the Identity's, not a Device's)
  @RID1
  Scenario: 8 concurrent initiates from 4 Devices of one Identity: exactly one succeeds
    Given the Identity has 4 Devices
    When the Identity calls initiateIdentityDeletionProcess 8 times concurrently, from its Devices in turn
    Then exactly one of the calls succeeds
    And the Identity has exactly one IdentityDeletionProcess with `"Active"` as `status`
