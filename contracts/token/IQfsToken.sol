// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ISequencerAccess} from "../access/ISequencerAccess.sol";

/// @title IQfsToken
/// @notice The on-chain mirror of the runtime's five balances (CHR, FLX, PSI, ATR, RES) as ERC-1155 ids, held at each
/// account's EVM address (last 20 bytes of keccak256 of its ML-DSA public key). Only the sequencer changes balances,
/// once per anchoring epoch, with the net change of every (account, token) in that epoch; users cannot transfer.
interface IQfsToken is ISequencerAccess {
    /// @notice The net change of one account's balance of one token during an epoch.
    /// @param account The account's EVM address.
    /// @param tokenId One of CHR (1), FLX (2), PSI (3), ATR (4), RES (5).
    /// @param delta The signed raw amount (UD128x18 units, 1.0 = 1e18): positive mints, negative burns; never 0.
    struct BalanceChange {
        address account;
        uint256 tokenId;
        int256 delta;
    }

    /// @notice The last applied batch: the next epoch expected and the seal the balances reflect.
    /// @param nextEpoch The epoch the next batch must carry (0 before the first batch).
    /// @param sealHeight The CoherenceLedger height the balances reflect (meaningless while nextEpoch is 0).
    /// @param sealHash The CoherenceLedger seal hash at that height (zero before the first batch).
    struct BalanceHead {
        uint64 nextEpoch;
        uint64 sealHeight;
        bytes32 sealHash;
    }

    /// @notice Thrown when a batch's epoch was already applied (a replay; batches are never overwritten).
    /// @param epoch The epoch of the batch.
    /// @param nextEpoch The epoch the contract expects.
    error QfsToken_EpochAlreadyApplied(uint64 epoch, uint64 nextEpoch);

    /// @notice Thrown when a batch's epoch is above the next one (epochs in between are missing).
    /// @param expected The epoch the contract expects.
    /// @param given The epoch of the batch.
    error QfsToken_EpochGap(uint64 expected, uint64 given);

    /// @notice Thrown when a batch's seal height is not above the previous batch's.
    /// @param lastSealHeight The seal height of the previous batch.
    /// @param sealHeight The seal height of the rejected batch.
    error QfsToken_SealHeightNotIncreasing(uint64 lastSealHeight, uint64 sealHeight);

    /// @notice Thrown when a batch names the zero seal hash.
    /// @param epoch The batch's epoch.
    error QfsToken_ZeroSealHash(uint64 epoch);

    /// @notice Thrown when a change names the zero address.
    /// @param index The change's position in the batch.
    error QfsToken_ZeroAccount(uint256 index);

    /// @notice Thrown when a change names a token id outside 1..5.
    /// @param index The change's position in the batch.
    /// @param tokenId The unknown id.
    error QfsToken_UnknownTokenId(uint256 index, uint256 tokenId);

    /// @notice Thrown when a change has delta 0 (a net change that changes nothing is not sent).
    /// @param index The change's position in the batch.
    error QfsToken_ZeroDelta(uint256 index);

    /// @notice Thrown when changes are not strictly ascending by (account, tokenId): a batch carries one net change per
    /// account and token, in a canonical order.
    /// @param index The position of the first change that is not above its predecessor.
    error QfsToken_ChangesNotSorted(uint256 index);

    /// @notice Thrown by every user transfer: balances move only through the sequencer's batches.
    /// @param operator The caller.
    error QfsToken_TransfersDisabled(address operator);

    /// @notice Thrown by setApprovalForAll: with no transfers, approvals mean nothing.
    /// @param owner The caller.
    /// @param operator The operator it tried to approve.
    error QfsToken_ApprovalsDisabled(address owner, address operator);

    /// @notice Emitted after a batch of net balance changes is applied (after its ERC-1155 TransferSingle events).
    /// @param epoch The anchoring epoch.
    /// @param sealHeight The CoherenceLedger height the balances now reflect.
    /// @param sealHash The CoherenceLedger seal hash at that height.
    /// @param changeCount The number of (account, token) changes applied.
    event BalanceBatchApplied(
        uint64 indexed epoch,
        uint64 indexed sealHeight,
        bytes32 indexed sealHash,
        uint256 changeCount
    );

    /// @notice Applies one epoch's net balance changes: mints positive deltas and burns negative ones.
    /// @dev Requirements: the caller has SEQUENCER_ROLE; `epoch` is the next epoch; `sealHeight` is above the previous
    /// batch's (any height for the first); `sealHash` is not zero; every change has a non-zero account, a token id
    /// in 1..5 and a non-zero delta, and changes are strictly ascending by (account, tokenId); a burn does not exceed
    /// the balance (ERC1155InsufficientBalance). An empty batch is allowed (an epoch with no balance change).
    /// Emits one ERC-1155 {TransferSingle} per change and then {BalanceBatchApplied}.
    /// @param epoch The anchoring epoch (0, 1, 2, ... strictly consecutive).
    /// @param sealHeight The CoherenceLedger height the balances reflect after this batch.
    /// @param sealHash The CoherenceLedger seal hash at that height.
    /// @param changes The net changes, one per (account, token), ascending by (account, tokenId).
    function applyBalanceBatch(
        uint64 epoch,
        uint64 sealHeight,
        bytes32 sealHash,
        BalanceChange[] calldata changes
    ) external;

    /// @notice The next epoch expected and the seal the current balances reflect.
    /// @return head The balance head.
    function balanceHead() external view returns (BalanceHead memory head);

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
