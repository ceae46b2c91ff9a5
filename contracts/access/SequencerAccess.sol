// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ISequencerAccess} from "./ISequencerAccess.sol";

/// @title SequencerAccess
/// @notice AccessControl with the sequencer role granted at deployment.
/// @dev DEFAULT_ADMIN_ROLE is the admin of SEQUENCER_ROLE (AccessControl's default), so the admin rotates the
/// sequencer's anchoring key with `grantRole` / `revokeRole`.
abstract contract SequencerAccess is AccessControl, ISequencerAccess {
    /// @inheritdoc ISequencerAccess
    bytes32 public constant SEQUENCER_ROLE = keccak256("SEQUENCER_ROLE");

    /// @notice Grants DEFAULT_ADMIN_ROLE to `admin` and, unless it is the zero address, SEQUENCER_ROLE to `sequencer`.
    /// @dev Requirements: `admin` is not the zero address, else SequencerAccess_ZeroAdmin().
    /// Emits {RoleGranted} once or twice.
    /// @param admin The account that administers roles.
    /// @param sequencer The sequencer's anchoring account, or the zero address to grant the role later.
    constructor(address admin, address sequencer) {
        if (admin == address(0)) revert SequencerAccess_ZeroAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (sequencer != address(0)) _grantRole(SEQUENCER_ROLE, sequencer);
    }
}
