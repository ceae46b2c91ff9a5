// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SequencerAccess} from "../access/SequencerAccess.sol";
import {IQfsToken} from "./IQfsToken.sol";

/// @title QfsToken
/// @notice The five QFS balances as ERC-1155 ids, mirroring the runtime: read them with `balanceOf(account, id)`,
/// `balanceOfBatch` and `totalSupply(id)`; only the sequencer changes them, one batch of net changes per epoch.
/// @dev Mints and burns go through ERC1155Supply's `_update`, without the receiver acceptance check: a balance is a
/// mirror of the runtime's ledger, not a delivery, so no account's code may refuse or re-enter it.
contract QfsToken is ERC1155Supply, SequencerAccess, IQfsToken {
    /// @inheritdoc IQfsToken
    uint256 public constant CHR = 1;
    /// @inheritdoc IQfsToken
    uint256 public constant FLX = 2;
    /// @inheritdoc IQfsToken
    uint256 public constant PSI = 3;
    /// @inheritdoc IQfsToken
    uint256 public constant ATR = 4;
    /// @inheritdoc IQfsToken
    uint256 public constant RES = 5;

    BalanceHead private _head;

    /// @notice Deploys the token with its roles and metadata URI.
    /// @param admin The account holding DEFAULT_ADMIN_ROLE (must not be zero).
    /// @param sequencer The account holding SEQUENCER_ROLE, or zero to grant it later.
    /// @param uri_ The ERC-1155 metadata URI (`{id}` substitution per the standard; may be empty).
    constructor(address admin, address sequencer, string memory uri_) ERC1155(uri_) SequencerAccess(admin, sequencer) {}

    /// @inheritdoc IQfsToken
    function applyBalanceBatch(
        uint64 epoch,
        uint64 sealHeight,
        bytes32 sealHash,
        BalanceChange[] calldata changes
    ) external onlyRole(SEQUENCER_ROLE) {
        BalanceHead memory head = _head;
        if (epoch < head.nextEpoch) revert QfsToken_EpochAlreadyApplied(epoch, head.nextEpoch);
        if (epoch > head.nextEpoch) revert QfsToken_EpochGap(head.nextEpoch, epoch);
        if (epoch != 0 && sealHeight <= head.sealHeight) {
            revert QfsToken_SealHeightNotIncreasing(head.sealHeight, sealHeight);
        }
        if (sealHash == bytes32(0)) revert QfsToken_ZeroSealHash(epoch);

        // One-element arrays reused for every change, so memory does not grow with the batch.
        uint256[] memory ids = new uint256[](1);
        uint256[] memory values = new uint256[](1);
        uint256 previousKey = 0;
        for (uint256 i = 0; i < changes.length; ++i) {
            BalanceChange calldata change = changes[i];
            if (change.account == address(0)) revert QfsToken_ZeroAccount(i);
            if (change.tokenId < CHR || change.tokenId > RES) revert QfsToken_UnknownTokenId(i, change.tokenId);
            if (change.delta == 0) revert QfsToken_ZeroDelta(i);
            // (account, tokenId) packed: tokenId < 2^8, so the key orders by account first, then token.
            uint256 key = (uint256(uint160(change.account)) << 8) | change.tokenId;
            if (key <= previousKey) revert QfsToken_ChangesNotSorted(i);
            previousKey = key;
            ids[0] = change.tokenId;
            if (change.delta > 0) {
                values[0] = uint256(change.delta);
                _update(address(0), change.account, ids, values);
            } else {
                // Checked negation: type(int256).min reverts with a panic instead of wrapping.
                values[0] = uint256(-change.delta);
                _update(change.account, address(0), ids, values);
            }
        }

        _head = BalanceHead({nextEpoch: epoch + 1, sealHeight: sealHeight, sealHash: sealHash});
        emit BalanceBatchApplied(epoch, sealHeight, sealHash, changes.length);
    }

    /// @inheritdoc IQfsToken
    function balanceHead() external view returns (BalanceHead memory head) {
        return _head;
    }

    /// @notice Always reverts: balances move only through the sequencer's batches.
    /// @dev Reverts with QfsToken_TransfersDisabled(msg.sender).
    function safeTransferFrom(address, address, uint256, uint256, bytes memory) public view override {
        revert QfsToken_TransfersDisabled(_msgSender());
    }

    /// @notice Always reverts: balances move only through the sequencer's batches.
    /// @dev Reverts with QfsToken_TransfersDisabled(msg.sender).
    function safeBatchTransferFrom(
        address,
        address,
        uint256[] memory,
        uint256[] memory,
        bytes memory
    ) public view override {
        revert QfsToken_TransfersDisabled(_msgSender());
    }

    /// @notice Always reverts: with no transfers there is nothing to approve.
    /// @dev Reverts with QfsToken_ApprovalsDisabled(msg.sender, operator).
    /// @param operator The operator the caller tried to approve.
    function setApprovalForAll(address operator, bool) public view override {
        revert QfsToken_ApprovalsDisabled(_msgSender(), operator);
    }

    /// @notice ERC-165: ERC-1155, its metadata URI extension, AccessControl and ERC-165 itself.
    /// @param interfaceId The interface id to test.
    /// @return supported True when the interface is implemented.
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC1155, AccessControl) returns (bool supported) {
        return super.supportsInterface(interfaceId);
    }
}
