// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SequencerAccess} from "../access/SequencerAccess.sol";
import {ISealAnchor} from "../anchor/ISealAnchor.sol";
import {IAllocationRegistry} from "./IAllocationRegistry.sol";
import "./RewardSplit.sol" as RewardSplit;

/// @title AllocationRegistry
/// @notice Per-epoch Merkle roots of the reward allocations, anchored with the seal that produced them, proof
/// verification for a single allocation, and the on-chain re-computation of a split.
contract AllocationRegistry is SequencerAccess, IAllocationRegistry {
    /// @inheritdoc IAllocationRegistry
    uint256 public constant ALLOCATION_RECIPIENTS_MAX = RewardSplit.RECIPIENTS_MAX;

    ISealAnchor private immutable _SEAL_ANCHOR;
    mapping(uint64 epoch => EpochAllocation) private _epochs;
    uint64 private _nextEpoch;

    /// @notice Deploys the registry with its roles and seal anchor.
    /// @param adminDelay Seconds between beginning an admin transfer and accepting it.
    /// @param admin The account holding DEFAULT_ADMIN_ROLE (not zero, not the sequencer).
    /// @param sequencer The account holding SEQUENCER_ROLE, or zero to grant it later.
    /// @param anchor The SealAnchor whose CoherenceLedger seals the epochs must name (not zero).
    constructor(
        uint48 adminDelay,
        address admin,
        address sequencer,
        ISealAnchor anchor
    ) SequencerAccess(adminDelay, admin, sequencer) {
        if (address(anchor) == address(0)) revert AllocationRegistry_ZeroSealAnchor();
        _SEAL_ANCHOR = anchor;
    }

    /// @inheritdoc IAllocationRegistry
    function anchorAllocationRoot(
        uint64 epoch,
        bytes32 root,
        bytes32 sealHash,
        uint64 sealHeight
    ) external onlyRole(SEQUENCER_ROLE) {
        uint64 expected = _nextEpoch;
        if (epoch < expected) revert AllocationRegistry_EpochAlreadyAnchored(epoch, expected);
        if (epoch > expected) revert AllocationRegistry_EpochGap(expected, epoch);
        if (epoch != 0) {
            uint64 lastSealHeight = _epochs[epoch - 1].sealHeight;
            if (sealHeight <= lastSealHeight) {
                revert AllocationRegistry_SealHeightNotIncreasing(lastSealHeight, sealHeight);
            }
        }
        if (sealHash == bytes32(0)) revert AllocationRegistry_ZeroSealHash(epoch);
        bytes32 anchored = _SEAL_ANCHOR.sealHashAt(ISealAnchor.SealChain.Coherence, sealHeight);
        if (anchored != sealHash) revert AllocationRegistry_SealNotAnchored(sealHeight, sealHash, anchored);
        _epochs[epoch] = EpochAllocation({root: root, sealHash: sealHash, sealHeight: sealHeight});
        _nextEpoch = epoch + 1;
        emit AllocationRootAnchored(epoch, root, sealHash, sealHeight);
    }

    /// @inheritdoc IAllocationRegistry
    function verifyAllocation(
        uint64 epoch,
        address account,
        uint256 tokenId,
        uint256 amount,
        bytes32[] calldata proof
    ) external view returns (bool valid) {
        bytes32 root = _epochs[epoch].root;
        if (root == bytes32(0)) return false;
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(account, tokenId, amount))));
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IAllocationRegistry
    function epochAllocation(uint64 epoch) external view returns (EpochAllocation memory allocation) {
        return _epochs[epoch];
    }

    /// @inheritdoc IAllocationRegistry
    function nextEpoch() external view returns (uint64 epoch) {
        return _nextEpoch;
    }

    /// @inheritdoc IAllocationRegistry
    function sealAnchor() external view returns (address anchor) {
        return address(_SEAL_ANCHOR);
    }

    /// @inheritdoc IAllocationRegistry
    function computeAllocation(
        uint128 totalReward,
        uint128[] calldata weights
    ) external pure returns (uint128[] memory amounts) {
        return RewardSplit.splitByWeight(totalReward, weights);
    }

    /// @inheritdoc IAllocationRegistry
    function computeCappedAllocation(
        uint128 totalReward,
        uint128[] calldata weights,
        uint128 cap
    ) external pure returns (uint128[] memory amounts, uint128 excess) {
        return RewardSplit.capAllocations(RewardSplit.splitByWeight(totalReward, weights), cap);
    }
}
