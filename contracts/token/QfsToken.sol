// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ISealAnchor} from "../anchor/ISealAnchor.sol";
import {SequencerAccess} from "../access/SequencerAccess.sol";
import {IQfsToken} from "./IQfsToken.sol";

/// @title QfsToken
/// @notice The five QFS balances as ERC-1155 ids, mirroring the runtime: read them with `balanceOf(account, id)`,
/// `balanceOfBatch` and `totalSupply(id)`; only the sequencer changes them, one epoch of net changes at a time, in chunks.
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

    /// @inheritdoc IQfsToken
    uint256 public constant BALANCE_MAX = type(uint128).max;
    int256 private constant _DELTA_MAX = int256(BALANCE_MAX);

    /// @dev The epoch still open after a chunk that was not its last: the seal it names and the last change's key.
    struct OpenEpoch {
        uint168 lastKey;
        uint64 sealHeight;
    }

    ISealAnchor private immutable _SEAL_ANCHOR;
    BalanceHead private _head;
    OpenEpoch private _open;
    bytes32 private _openSealHash;

    /// @notice Deploys the token with its roles, seal anchor and metadata URI.
    /// @param adminDelay Seconds between beginning an admin transfer and accepting it.
    /// @param admin The account holding DEFAULT_ADMIN_ROLE (not zero, not the sequencer).
    /// @param sequencer The account holding SEQUENCER_ROLE, or zero to grant it later.
    /// @param anchor The SealAnchor whose CoherenceLedger seals the epochs must name (not zero).
    /// @param uri_ The ERC-1155 metadata URI (`{id}` substitution per the standard; may be empty).
    constructor(
        uint48 adminDelay,
        address admin,
        address sequencer,
        ISealAnchor anchor,
        string memory uri_
    ) ERC1155(uri_) SequencerAccess(adminDelay, admin, sequencer) {
        if (address(anchor) == address(0)) revert QfsToken_ZeroSealAnchor();
        _SEAL_ANCHOR = anchor;
    }

    /// @inheritdoc IQfsToken
    function applyBalanceChunk(
        uint64 epoch,
        uint64 chunk,
        bool last,
        uint64 sealHeight,
        bytes32 sealHash,
        BalanceChange[] calldata changes
    ) external onlyRole(SEQUENCER_ROLE) {
        BalanceHead memory head = _head;
        if (epoch < head.nextEpoch) revert QfsToken_EpochAlreadyApplied(epoch, head.nextEpoch);
        if (epoch > head.nextEpoch) revert QfsToken_EpochGap(head.nextEpoch, epoch);
        if (chunk < head.nextChunk) revert QfsToken_ChunkAlreadyApplied(epoch, chunk, head.nextChunk);
        if (chunk > head.nextChunk) revert QfsToken_ChunkGap(epoch, head.nextChunk, chunk);
        uint256 previousKey = 0;
        if (chunk == 0) {
            _checkSeal(epoch, head.sealHeight, sealHeight, sealHash);
        } else {
            OpenEpoch memory open = _open;
            bytes32 openHash = _openSealHash;
            if (sealHeight != open.sealHeight || sealHash != openHash) {
                revert QfsToken_ChunkSealMismatch(epoch, open.sealHeight, openHash, sealHeight, sealHash);
            }
            previousKey = open.lastKey;
        }
        previousKey = _applyChanges(changes, previousKey);
        emit BalanceChunkApplied(epoch, chunk, last, changes.length);

        // Epochs, chunks and change counts grow by at most one transaction's worth per call, so none of these
        // additions can reach 2^64.
        uint64 changeCount = head.changesApplied + uint64(changes.length);
        if (last) {
            _head = BalanceHead({
                nextEpoch: epoch + 1,
                nextChunk: 0,
                changesApplied: 0,
                sealHeight: sealHeight,
                sealHash: sealHash
            });
            emit BalanceEpochApplied(epoch, sealHeight, sealHash, chunk + 1, changeCount);
        } else {
            _head.nextChunk = chunk + 1;
            _head.changesApplied = changeCount;
            // The key fits: an address (160 bits) shifted by 8 bits, or'ed with a token id below 2^8.
            _open = OpenEpoch({lastKey: uint168(previousKey), sealHeight: sealHeight});
            if (chunk == 0) _openSealHash = sealHash;
        }
    }

    /// @inheritdoc IQfsToken
    function balanceHead() external view returns (BalanceHead memory head) {
        return _head;
    }

    /// @inheritdoc IQfsToken
    function sealAnchor() external view returns (address anchor) {
        return address(_SEAL_ANCHOR);
    }

    /// @dev The first chunk's seal: not zero, above the previous epoch's, and held by the seal anchor.
    function _checkSeal(uint64 epoch, uint64 lastSealHeight, uint64 sealHeight, bytes32 sealHash) private view {
        if (sealHash == bytes32(0)) revert QfsToken_ZeroSealHash(epoch);
        if (epoch != 0 && sealHeight <= lastSealHeight) {
            revert QfsToken_SealHeightNotIncreasing(lastSealHeight, sealHeight);
        }
        bytes32 anchored = _SEAL_ANCHOR.sealHashAt(ISealAnchor.SealChain.Coherence, sealHeight);
        if (anchored != sealHash) revert QfsToken_SealNotAnchored(sealHeight, sealHash, anchored);
    }

    /// @dev Checks and applies `changes` after the change with key `previousKey`; returns the last change's key.
    function _applyChanges(BalanceChange[] calldata changes, uint256 previousKey) private returns (uint256 lastKey) {
        // One-element arrays reused for every change, so memory does not grow with the chunk.
        uint256[] memory ids = new uint256[](1);
        uint256[] memory values = new uint256[](1);
        for (uint256 i = 0; i < changes.length; ++i) {
            BalanceChange calldata change = changes[i];
            if (change.account == address(0)) revert QfsToken_ZeroAccount(i);
            if (change.tokenId < CHR || change.tokenId > RES) revert QfsToken_UnknownTokenId(i, change.tokenId);
            int256 delta = change.delta;
            if (delta == 0) revert QfsToken_ZeroDelta(i);
            if (delta > _DELTA_MAX || delta < -_DELTA_MAX) revert QfsToken_DeltaOutOfRange(i, delta);
            // (account, tokenId) packed: tokenId < 2^8, so the key orders by account first, then token.
            uint256 key = (uint256(uint160(change.account)) << 8) | change.tokenId;
            if (key <= previousKey) revert QfsToken_ChangesNotSorted(i);
            previousKey = key;
            ids[0] = change.tokenId;
            if (delta > 0) {
                values[0] = uint256(delta);
                uint256 supply = totalSupply(change.tokenId);
                // Both are at most 2^128 - 1, so the sum cannot overflow.
                if (supply + values[0] > BALANCE_MAX) {
                    revert QfsToken_SupplyOutOfRange(change.tokenId, supply, values[0]);
                }
                _update(address(0), change.account, ids, values);
            } else {
                values[0] = uint256(-delta); // |delta| <= 2^128 - 1: the negation cannot overflow
                _update(change.account, address(0), ids, values);
            }
        }
        return previousKey;
    }

    /// @notice Always reverts: balances move only through the sequencer's epochs.
    /// @dev Reverts with QfsToken_TransfersDisabled(msg.sender).
    function safeTransferFrom(address, address, uint256, uint256, bytes memory) public view override {
        revert QfsToken_TransfersDisabled(_msgSender());
    }

    /// @notice Always reverts: balances move only through the sequencer's epochs.
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

    /// @notice ERC-165: ERC-1155, its metadata URI extension, AccessControl, AccessControlDefaultAdminRules and ERC-165.
    /// @param interfaceId The interface id to test.
    /// @return supported True when the interface is implemented.
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC1155, AccessControlDefaultAdminRules) returns (bool supported) {
        return super.supportsInterface(interfaceId);
    }
}
