// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ISequencerAccess} from "./ISequencerAccess.sol";

/// @title SequencerAccess
/// @notice OpenZeppelin AccessControlDefaultAdminRules (a single admin, handed over with
/// `beginDefaultAdminTransfer` and `acceptDefaultAdminTransfer` after `defaultAdminDelay`) with the sequencer role
/// granted at deployment, and the rule that the admin never holds the sequencer role.
/// @dev DEFAULT_ADMIN_ROLE is the admin of SEQUENCER_ROLE (AccessControl's default), so the admin rotates the
/// sequencer's anchoring key with `grantRole` / `revokeRole`.
abstract contract SequencerAccess is AccessControlDefaultAdminRules, ISequencerAccess {
    /// @inheritdoc ISequencerAccess
    bytes32 public constant SEQUENCER_ROLE = keccak256("SEQUENCER_ROLE");

    /// @notice Makes `admin` the admin with a transfer delay of `adminDelay` seconds and, unless it is the zero
    /// address, grants SEQUENCER_ROLE to `sequencer`.
    /// @dev Requirements: `admin` is not the zero address (OpenZeppelin's AccessControlInvalidDefaultAdmin) and is
    /// not `sequencer` (SequencerAccess_AdminIsSequencer). Emits {RoleGranted} once or twice.
    /// @param adminDelay Seconds between beginning an admin transfer and accepting it.
    /// @param admin The account that administers roles.
    /// @param sequencer The sequencer's anchoring account, or the zero address to grant the role later.
    constructor(uint48 adminDelay, address admin, address sequencer) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (sequencer != address(0)) _grantRole(SEQUENCER_ROLE, sequencer);
    }

    /// @dev Refuses to give the sequencer role to the admin, or the admin role to a sequencer.
    function _grantRole(bytes32 role, address account) internal virtual override returns (bool) {
        if (role == SEQUENCER_ROLE && account == defaultAdmin()) revert SequencerAccess_AdminIsSequencer(account);
        if (role == DEFAULT_ADMIN_ROLE && hasRole(SEQUENCER_ROLE, account)) {
            revert SequencerAccess_AdminIsSequencer(account);
        }
        return super._grantRole(role, account);
    }
}
