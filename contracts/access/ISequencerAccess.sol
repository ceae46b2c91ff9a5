// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISequencerAccess
/// @notice The roles every QFS contract shares: the sequencer's anchoring key holds SEQUENCER_ROLE and is the only
/// account that changes state; the admin (DEFAULT_ADMIN_ROLE, OpenZeppelin AccessControlDefaultAdminRules: one holder,
/// transferred in two steps after a delay) grants and revokes it. The two roles never share an account, so a leaked
/// anchoring key cannot take the contract over, and the admin key, kept offline, is never needed for anchoring.
interface ISequencerAccess {
    /// @notice Thrown when one account would hold both the admin and the sequencer role.
    /// @param account The account.
    error SequencerAccess_AdminIsSequencer(address account);

    /// @notice The role allowed to change state: keccak256("SEQUENCER_ROLE").
    /// @return role The role id.
    function SEQUENCER_ROLE() external view returns (bytes32 role);
}
