// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISequencerAccess} from "../access/ISequencerAccess.sol";

/// @title IQfsToken
/// @notice The on-chain mirror of the runtime's five balances (CHR, FLX, PSI, ATR, RES) as ERC-1155 ids, held at each
/// account's EVM address (last 20 bytes of keccak256 of its ML-DSA public key). Only the sequencer changes balances,
/// once per anchoring epoch (in as many chunks as the gas cap needs), with the net change of every (account, token) in
/// that epoch, naming a seal the SealAnchor holds; users cannot transfer.
interface IQfsToken is ISequencerAccess {
    /// @notice The net change of one account's balance of one token during an epoch.
    /// @param account The account's EVM address.
    /// @param tokenId One of CHR (1), FLX (2), PSI (3), ATR (4), RES (5).
    /// @param delta The signed raw amount (UD128x18 units, 1.0 = 1e18): positive mints, negative burns; never 0, and
    /// |delta| <= BALANCE_MAX.
    struct BalanceChange {
        address account;
        uint256 tokenId;
        int256 delta;
    }

    /// @notice Where the balances stand: the epoch being applied (or next to apply), how far into it, and the seal the
    /// balances of the last completed epoch reflect.
    /// @param nextEpoch The epoch the next chunk must carry (0 before the first).
    /// @param nextChunk The chunk of nextEpoch expected next (0: the epoch has not started).
    /// @param changesApplied How many changes of nextEpoch its applied chunks carried (0 when it has not started).
    /// @param sealHeight The CoherenceLedger height the completed epochs' balances reflect (0 before the first).
    /// @param sealHash The CoherenceLedger seal hash at that height (zero before the first epoch completes).
    struct BalanceHead {
        uint64 nextEpoch;
        uint64 nextChunk;
        uint64 changesApplied;
        uint64 sealHeight;
        bytes32 sealHash;
    }

    /// @notice Thrown by the constructor given the zero address as the seal anchor.
    error QfsToken_ZeroSealAnchor();

    /// @notice Thrown when a chunk's epoch is complete already (a replay; epochs are never reopened).
    /// @param epoch The epoch of the chunk.
    /// @param nextEpoch The epoch the contract expects.
    error QfsToken_EpochAlreadyApplied(uint64 epoch, uint64 nextEpoch);

    /// @notice Thrown when a chunk's epoch is above the next one (epochs in between are missing).
    /// @param expected The epoch the contract expects.
    /// @param given The epoch of the chunk.
    error QfsToken_EpochGap(uint64 expected, uint64 given);

    /// @notice Thrown when a chunk of the open epoch was applied already.
    /// @param epoch The epoch.
    /// @param chunk The chunk given.
    /// @param nextChunk The chunk the contract expects.
    error QfsToken_ChunkAlreadyApplied(uint64 epoch, uint64 chunk, uint64 nextChunk);

    /// @notice Thrown when a chunk is above the next one of its epoch (chunks in between are missing).
    /// @param epoch The epoch.
    /// @param expected The chunk the contract expects.
    /// @param given The chunk given.
    error QfsToken_ChunkGap(uint64 epoch, uint64 expected, uint64 given);

    /// @notice Thrown when a later chunk of an epoch names another seal than the epoch's first chunk did.
    /// @param epoch The epoch.
    /// @param expectedHeight The seal height of the epoch's first chunk.
    /// @param expectedHash The seal hash of the epoch's first chunk.
    /// @param sealHeight The seal height given.
    /// @param sealHash The seal hash given.
    error QfsToken_ChunkSealMismatch(
        uint64 epoch,
        uint64 expectedHeight,
        bytes32 expectedHash,
        uint64 sealHeight,
        bytes32 sealHash
    );

    /// @notice Thrown when an epoch's seal height is not above the previous epoch's.
    /// @param lastSealHeight The seal height of the previous epoch.
    /// @param sealHeight The seal height of the rejected epoch.
    error QfsToken_SealHeightNotIncreasing(uint64 lastSealHeight, uint64 sealHeight);

    /// @notice Thrown when an epoch names the zero seal hash.
    /// @param epoch The epoch.
    error QfsToken_ZeroSealHash(uint64 epoch);

    /// @notice Thrown when an epoch names a seal that the seal anchor does not hold at that height (its hash from
    /// `sealHashAt`: a single anchor or the last seal of a batch).
    /// @param sealHeight The seal height given.
    /// @param sealHash The seal hash given.
    /// @param anchoredHash The hash the anchor holds at that height (zero: none).
    error QfsToken_SealNotAnchored(uint64 sealHeight, bytes32 sealHash, bytes32 anchoredHash);

    /// @notice Thrown when a change names the zero address.
    /// @param index The change's position in the chunk.
    error QfsToken_ZeroAccount(uint256 index);

    /// @notice Thrown when a change names a token id outside 1..5.
    /// @param index The change's position in the chunk.
    /// @param tokenId The unknown id.
    error QfsToken_UnknownTokenId(uint256 index, uint256 tokenId);

    /// @notice Thrown when a change has delta 0 (a net change that changes nothing is not sent).
    /// @param index The change's position in the chunk.
    error QfsToken_ZeroDelta(uint256 index);

    /// @notice Thrown when a delta's magnitude is above BALANCE_MAX (2^128 - 1, the runtime's UD128x18 range).
    /// @param index The change's position in the chunk.
    /// @param delta The delta.
    error QfsToken_DeltaOutOfRange(uint256 index, int256 delta);

    /// @notice Thrown when a mint would take a token's total supply above BALANCE_MAX (the runtime's supply is a
    /// UD128x18 value too).
    /// @param tokenId The token.
    /// @param supply The total supply before the mint.
    /// @param minted The amount of the mint.
    error QfsToken_SupplyOutOfRange(uint256 tokenId, uint256 supply, uint256 minted);

    /// @notice Thrown when changes are not strictly ascending by (account, tokenId), within a chunk and across the
    /// chunks of an epoch: an epoch carries one net change per account and token, in a canonical order.
    /// @param index The position (in the chunk) of the first change that is not above its predecessor.
    error QfsToken_ChangesNotSorted(uint256 index);

    /// @notice Thrown by every user transfer: balances move only through the sequencer's epochs.
    /// @param operator The caller.
    error QfsToken_TransfersDisabled(address operator);

    /// @notice Thrown by setApprovalForAll: with no transfers, approvals mean nothing.
    /// @param owner The caller.
    /// @param operator The operator it tried to approve.
    error QfsToken_ApprovalsDisabled(address owner, address operator);

    /// @notice Emitted after each chunk of an epoch is applied (after its ERC-1155 TransferSingle events).
    /// @param epoch The anchoring epoch.
    /// @param chunk The chunk's position in the epoch (0, 1, 2, ...).
    /// @param last True for the epoch's last chunk.
    /// @param changeCount The number of (account, token) changes in the chunk.
    event BalanceChunkApplied(uint64 indexed epoch, uint64 indexed chunk, bool indexed last, uint256 changeCount);

    /// @notice Emitted when an epoch's last chunk is applied: the balances now reflect the seal.
    /// @param epoch The anchoring epoch.
    /// @param sealHeight The CoherenceLedger height the balances now reflect.
    /// @param sealHash The CoherenceLedger seal hash at that height.
    /// @param chunkCount The number of chunks the epoch took.
    /// @param changeCount The number of (account, token) changes in the epoch.
    event BalanceEpochApplied(
        uint64 indexed epoch,
        uint64 indexed sealHeight,
        bytes32 indexed sealHash,
        uint64 chunkCount,
        uint64 changeCount
    );

    /// @notice Applies one chunk of an epoch's net balance changes: mints positive deltas and burns negative ones. An
    /// epoch's changes may need more gas than one transaction may use (EIP-7825 caps it at 2^24), so they arrive in
    /// chunks 0, 1, 2, ... in order; the epoch completes with the chunk marked `last`.
    /// @dev Requirements: the caller has SEQUENCER_ROLE; `epoch` is the next epoch and `chunk` its next chunk
    /// (QfsToken_EpochAlreadyApplied / QfsToken_EpochGap, QfsToken_ChunkAlreadyApplied / QfsToken_ChunkGap). On chunk
    /// 0: `sealHash` is not zero, `sealHeight` is above the previous epoch's (any height for epoch 0), and the seal
    /// anchor holds `sealHash` at `sealHeight` (QfsToken_SealNotAnchored); later chunks name the same seal
    /// (QfsToken_ChunkSealMismatch). Every change has a non-zero account, a token id in 1..5, a non-zero delta of
    /// magnitude at most BALANCE_MAX, and changes are strictly ascending by (account, tokenId) across the whole
    /// epoch; a mint keeps the supply at most BALANCE_MAX; a burn does not exceed the balance
    /// (ERC1155InsufficientBalance). A chunk may be empty (an epoch in which no balance changed is one empty last
    /// chunk). Emits one ERC-1155 {TransferSingle} per change, then {BalanceChunkApplied}, then on the last chunk
    /// {BalanceEpochApplied}.
    /// @param epoch The anchoring epoch (0, 1, 2, ... strictly consecutive).
    /// @param chunk The chunk's position in the epoch (0, 1, 2, ... strictly consecutive).
    /// @param last True when this chunk completes the epoch.
    /// @param sealHeight The CoherenceLedger height the balances reflect once the epoch completes.
    /// @param sealHash The CoherenceLedger seal hash at that height.
    /// @param changes The chunk's net changes, one per (account, token), ascending by (account, tokenId).
    function applyBalanceChunk(
        uint64 epoch,
        uint64 chunk,
        bool last,
        uint64 sealHeight,
        bytes32 sealHash,
        BalanceChange[] calldata changes
    ) external;

    /// @notice The epoch and chunk expected next and the seal the completed balances reflect.
    /// @return head The balance head.
    function balanceHead() external view returns (BalanceHead memory head);

    /// @notice The SealAnchor whose CoherenceLedger seals the epochs must name.
    /// @return anchor Its address.
    function sealAnchor() external view returns (address anchor);

    /// @notice The largest balance, delta magnitude and total supply: 2^128 - 1 (UD128x18's raw range).
    /// @return max The bound.
    function BALANCE_MAX() external view returns (uint256 max);

    /// @notice Token id of CHR.
    /// @return id 1.
    function CHR() external view returns (uint256 id);

    /// @notice Token id of FLX.
    /// @return id 2.
    function FLX() external view returns (uint256 id);

    /// @notice Token id of PSI (ΨSync).
    /// @return id 3.
    function PSI() external view returns (uint256 id);

    /// @notice Token id of ATR.
    /// @return id 4.
    function ATR() external view returns (uint256 id);

    /// @notice Token id of RES.
    /// @return id 5.
    function RES() external view returns (uint256 id);
}
