// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISequencerAccess} from "../access/ISequencerAccess.sol";

/// @title IAllocationRegistry
/// @notice Exposes each epoch's reward allocations: the sequencer anchors the Merkle root of the epoch's
/// `(address account, uint256 tokenId, uint256 amount)` allocations with the seal that produced them, anyone verifies
/// one allocation with a proof, and anyone re-computes a split on-chain with {computeAllocation}, which returns
/// exactly what the runtime's RewardAllocator (runtime/engine/reward-split.ts `splitByWeight`) returned.
interface IAllocationRegistry is ISequencerAccess {
    /// @notice One anchored epoch.
    /// @param root The Merkle root of the epoch's allocations (zero: the epoch allocated nothing).
    /// @param sealHash The CoherenceLedger seal hash that produced them.
    /// @param sealHeight The height of that seal.
    struct EpochAllocation {
        bytes32 root;
        bytes32 sealHash;
        uint64 sealHeight;
    }

    /// @notice Thrown by the constructor given the zero address as the seal anchor.
    error AllocationRegistry_ZeroSealAnchor();

    /// @notice Thrown when an epoch names a seal that the seal anchor does not hold at that height (its hash from
    /// `sealHashAt`: a single anchor or the last seal of a batch).
    /// @param sealHeight The seal height given.
    /// @param sealHash The seal hash given.
    /// @param anchoredHash The hash the anchor holds at that height (zero: none).
    error AllocationRegistry_SealNotAnchored(uint64 sealHeight, bytes32 sealHash, bytes32 anchoredHash);

    /// @notice Thrown when an epoch is anchored again (roots are never overwritten).
    /// @param epoch The epoch.
    /// @param nextEpoch The epoch the registry expects.
    error AllocationRegistry_EpochAlreadyAnchored(uint64 epoch, uint64 nextEpoch);

    /// @notice Thrown when an epoch is above the next one (epochs in between are missing).
    /// @param expected The epoch the registry expects.
    /// @param given The epoch given.
    error AllocationRegistry_EpochGap(uint64 expected, uint64 given);

    /// @notice Thrown when an epoch's seal height is not above the previous epoch's.
    /// @param lastSealHeight The previous epoch's seal height.
    /// @param sealHeight The rejected seal height.
    error AllocationRegistry_SealHeightNotIncreasing(uint64 lastSealHeight, uint64 sealHeight);

    /// @notice Thrown when an epoch names the zero seal hash.
    /// @param epoch The epoch.
    error AllocationRegistry_ZeroSealHash(uint64 epoch);

    /// @notice Thrown by a split with no recipients (runtime: ALLOCATION_INPUT, "no recipients").
    error AllocationRegistry_NoRecipients();

    /// @notice Thrown by a split with more than ALLOCATION_RECIPIENTS_MAX recipients (runtime: ALLOCATION_INPUT,
    /// details {recipients, max}).
    /// @param recipients The number of weights given.
    /// @param max ALLOCATION_RECIPIENTS_MAX.
    error AllocationRegistry_TooManyRecipients(uint256 recipients, uint256 max);

    /// @notice Thrown by a split with a weight outside (0, 2^128) (runtime: ALLOCATION_INPUT, details {index, weight});
    /// with uint128 weights only 0 can occur.
    /// @param index The first offending weight's position.
    /// @param weight The weight.
    error AllocationRegistry_WeightOutOfRange(uint256 index, uint256 weight);

    /// @notice Emitted when an epoch's allocation root is anchored.
    /// @param epoch The epoch.
    /// @param root The Merkle root (zero: nothing allocated).
    /// @param sealHash The seal that produced the allocations.
    /// @param sealHeight The seal's height.
    event AllocationRootAnchored(
        uint64 indexed epoch,
        bytes32 root,
        bytes32 indexed sealHash,
        uint64 indexed sealHeight
    );

    /// @notice Anchors the allocation root of the next epoch.
    /// @dev Requirements: the caller has SEQUENCER_ROLE; `epoch` is the next epoch (0 first); `sealHeight` is above
    /// the previous epoch's (any for epoch 0); `sealHash` is not zero and the seal anchor holds it at `sealHeight`
    /// (AllocationRegistry_SealNotAnchored). A zero root records an epoch that allocated nothing.
    /// Emits {AllocationRootAnchored}.
    /// @param epoch The anchoring epoch.
    /// @param root The StandardMerkleTree root over `["address", "uint256", "uint256"]` leaves (account, tokenId,
    /// amount).
    /// @param sealHash The CoherenceLedger seal hash that produced the allocations.
    /// @param sealHeight That seal's height.
    function anchorAllocationRoot(uint64 epoch, bytes32 root, bytes32 sealHash, uint64 sealHeight) external;

    /// @notice Whether `amount` of `tokenId` was allocated to `account` in `epoch`.
    /// @dev Leaf: `keccak256(bytes.concat(keccak256(abi.encode(account, tokenId, amount))))` (StandardMerkleTree).
    /// Returns false (never reverts) for an epoch not anchored, an empty epoch or a wrong proof.
    /// @param epoch The epoch.
    /// @param account The recipient's address.
    /// @param tokenId The token id (see IQfsToken).
    /// @param amount The raw amount (UD128x18 units).
    /// @param proof The merkle-tree library's proof for that leaf.
    /// @return valid True when the allocation is in the epoch's tree.
    function verifyAllocation(
        uint64 epoch,
        address account,
        uint256 tokenId,
        uint256 amount,
        bytes32[] calldata proof
    ) external view returns (bool valid);

    /// @notice The anchored data of an epoch (all zero if not anchored yet).
    /// @param epoch The epoch.
    /// @return allocation The root, seal hash and seal height.
    function epochAllocation(uint64 epoch) external view returns (EpochAllocation memory allocation);

    /// @notice The epoch the next anchor must carry (the number of anchored epochs).
    /// @return epoch The next epoch.
    function nextEpoch() external view returns (uint64 epoch);

    /// @notice The SealAnchor whose CoherenceLedger seals the epochs must name.
    /// @return anchor Its address.
    function sealAnchor() external view returns (address anchor);

    /// @notice Splits `totalReward` in proportion to `weights`, exactly as the runtime's `splitByWeight`: each
    /// recipient gets floor(total * w_i / W), then the leftover units (fewer than the recipients) go one each to the
    /// largest remainders (total * w_i mod W), ties to the lower index. The amounts sum to `totalReward`.
    /// @dev Requirements: 1 <= weights.length <= ALLOCATION_RECIPIENTS_MAX (AllocationRegistry_NoRecipients,
    /// AllocationRegistry_TooManyRecipients); every weight > 0 (AllocationRegistry_WeightOutOfRange).
    /// @param totalReward The raw amount to split.
    /// @param weights The recipients' weights, in recipient order (address ascending).
    /// @return amounts One amount per weight.
    function computeAllocation(
        uint128 totalReward,
        uint128[] calldata weights
    ) external pure returns (uint128[] memory amounts);

    /// @notice {computeAllocation} followed by the runtime's `capAllocations`: every amount above `cap` is cut to
    /// `cap` and the cuts are summed into `excess` (returned to the treasury); sum(amounts) + excess = totalReward.
    /// @dev Same requirements as {computeAllocation}.
    /// @param totalReward The raw amount to split.
    /// @param weights The recipients' weights.
    /// @param cap The largest amount one recipient may receive.
    /// @return amounts One capped amount per weight.
    /// @return excess The sum of the cuts.
    function computeCappedAllocation(
        uint128 totalReward,
        uint128[] calldata weights,
        uint128 cap
    ) external pure returns (uint128[] memory amounts, uint128 excess);

    /// @notice The most recipients one split may have (runtime: ALLOCATION_RECIPIENTS_MAX).
    /// @return max 1024.
    function ALLOCATION_RECIPIENTS_MAX() external view returns (uint256 max);
}
