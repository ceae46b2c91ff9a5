// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title ISequencerAccess
/// @notice The role every QFS contract shares: the sequencer's anchoring key holds SEQUENCER_ROLE and is the only
/// account that changes state; DEFAULT_ADMIN_ROLE grants and revokes it (OpenZeppelin AccessControl).
interface ISequencerAccess {
    /// @notice Thrown by a constructor given the zero address as admin (the contract could never be administered).
    error SequencerAccess_ZeroAdmin();

    /// @notice The role allowed to change state: keccak256("SEQUENCER_ROLE").
    /// @return role The role id.
    function SEQUENCER_ROLE() external view returns (bytes32 role);
}
