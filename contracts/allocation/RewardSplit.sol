// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {UD128x18} from "../math/ValueTypes.sol";
import {mulDiv, uMAX} from "../math/UD128x18.sol";
import {IAllocationRegistry} from "./IAllocationRegistry.sol";

// RewardSplit: the exact split of a reward among weighted recipients, the mirror of runtime/engine/reward-split.ts
// (`splitByWeight`, `capAllocations`). Free functions; import the file under a name
// (`import "./RewardSplit.sol" as RewardSplit;`). Same validation, same order of checks, same integer steps, same
// amounts for every input.

/// @dev Most recipients one split may have (runtime: ALLOCATION_RECIPIENTS_MAX).
uint256 constant RECIPIENTS_MAX = 1024;
/// @dev Bits that hold (RECIPIENTS_MAX - 1 - index) under a remainder in a selection key.
uint256 constant INDEX_BITS = 10;
uint256 constant INDEX_MASK = (1 << INDEX_BITS) - 1;

/// @notice Splits `total` in proportion to `weights`: floor(total * w_i / W) each, then one unit each to the
/// `total - sum(floors)` largest remainders (total * w_i mod W), ties to the lower index.
/// @dev The base share is the math mirror's `mulDiv(total, w_i, W)` (raw total * w_i / W, one rounding toward
/// zero). W = sum of weights may exceed the UD128x18 range (up to 1024 * (2^128 - 1) < 2^139); then the divisor cannot
/// be a UD128x18 and the same step, floor(total * w_i / W), is taken in 256-bit arithmetic (total * w_i < 2^256).
/// The leftover units go through a max-heap of keys `remainder << 10 | (1023 - index)`: remainders < 2^139, so keys
/// are distinct, fit 149 bits and order by remainder descending, then index ascending, exactly like the runtime's
/// sort. Requirements: 1 <= weights.length <= 1024, every weight > 0 (errors of {IAllocationRegistry}).
/// @param total The raw amount to split.
/// @param weights The weights, in recipient order.
/// @return amounts One amount per weight, summing to `total`.
function splitByWeight(uint128 total, uint128[] memory weights) pure returns (uint128[] memory amounts) {
    uint256 weightSum = _checkedWeightSum(weights);
    uint256[] memory keys;
    uint256 leftover;
    (amounts, keys, leftover) = _baseShares(total, weights, weightSum);
    if (leftover != 0) _giveLeftover(amounts, keys, leftover);
}

/// @dev Validates the weights in the runtime's order (count, then each weight in order) and returns their sum,
/// at most 1024 * (2^128 - 1) < 2^139.
function _checkedWeightSum(uint128[] memory weights) pure returns (uint256 weightSum) {
    uint256 count = weights.length;
    if (count == 0) revert IAllocationRegistry.AllocationRegistry_NoRecipients();
    if (count > RECIPIENTS_MAX) revert IAllocationRegistry.AllocationRegistry_TooManyRecipients(count, RECIPIENTS_MAX);
    for (uint256 i = 0; i < count; ++i) {
        uint256 weight = weights[i];
        if (weight == 0) revert IAllocationRegistry.AllocationRegistry_WeightOutOfRange(i, weight);
        unchecked {
            weightSum += weight; // bounded by 1024 * (2^128 - 1), see above
        }
    }
}

/// @dev Step 1: floor(total * w_i / W) for each recipient, the selection key of each remainder, and the leftover
/// units total - sum(floors).
function _baseShares(
    uint128 total,
    uint128[] memory weights,
    uint256 weightSum
) pure returns (uint128[] memory amounts, uint256[] memory keys, uint256 leftover) {
    uint256 count = weights.length;
    amounts = new uint128[](count);
    keys = new uint256[](count);
    bool sumIsUD = weightSum <= uMAX;
    uint256 given = 0;
    for (uint256 i = 0; i < count; ++i) {
        uint128 weight = weights[i];
        uint256 share;
        if (sumIsUD) {
            share = UD128x18.unwrap(
                mulDiv(UD128x18.wrap(total), UD128x18.wrap(weight), UD128x18.wrap(uint128(weightSum)))
            );
        } else {
            unchecked {
                share = (uint256(total) * weight) / weightSum; // product < 2^256, weightSum > 0
            }
        }
        unchecked {
            // share <= total < 2^128; remainder < weightSum < 2^139; given <= total.
            uint256 remainder = (uint256(total) * weight) % weightSum;
            amounts[i] = uint128(share);
            given += share;
            keys[i] = (remainder << INDEX_BITS) | (RECIPIENTS_MAX - 1 - i);
        }
    }
    unchecked {
        leftover = total - given; // fewer units than recipients: sum of remainders / W < count
    }
}

/// @dev Step 2: one unit each to the `leftover` largest keys (remainder descending, then index ascending).
function _giveLeftover(uint128[] memory amounts, uint256[] memory keys, uint256 leftover) pure {
    _heapify(keys);
    uint256 size = keys.length;
    for (uint256 k = 0; k < leftover; ++k) {
        unchecked {
            // leftover < size, so the heap is never empty here; amounts[index] < total, so it cannot overflow.
            uint256 index = RECIPIENTS_MAX - 1 - (keys[0] & INDEX_MASK);
            ++amounts[index];
            --size;
            keys[0] = keys[size];
        }
        _siftDown(keys, 0, size);
    }
}

/// @notice Cuts every amount above `cap` to `cap` and returns the sum of the cuts (runtime: `capAllocations`).
/// @dev Modifies `amounts` in place and returns it. The caller guarantees the cuts fit 128 bits (they do when
/// `amounts` is a split of a uint128 total: excess <= total).
/// @param amounts The amounts, modified in place.
/// @param cap The largest amount allowed.
/// @return capped The same array, capped.
/// @return excess The sum of the cuts.
function capAllocations(uint128[] memory amounts, uint128 cap) pure returns (uint128[] memory capped, uint128 excess) {
    for (uint256 i = 0; i < amounts.length; ++i) {
        uint128 amount = amounts[i];
        if (amount > cap) {
            excess += amount - cap; // checked: cannot wrap for a split (see @dev)
            amounts[i] = cap;
        }
    }
    return (amounts, excess);
}

/// @dev Orders `keys` as a max-heap in place (Floyd's construction).
function _heapify(uint256[] memory keys) pure {
    uint256 size = keys.length;
    for (uint256 i = size / 2; i > 0; --i) {
        _siftDown(keys, i - 1, size);
    }
}

/// @dev Moves keys[start] down the max-heap keys[0 .. size) until both children are smaller. Written in assembly
/// because it runs up to 1023 times per split, ten levels deep: Solidity's bounds-checked indexing cost five times
/// as much. Reads and writes only keys[0 .. size), and the caller guarantees size <= keys.length <= 1024, so no index
/// overflows and no memory outside the array is touched.
function _siftDown(uint256[] memory keys, uint256 start, uint256 size) pure {
    assembly ("memory-safe") {
        let data := add(keys, 0x20)
        let position := start
        let value := mload(add(data, shl(5, position)))
        for {} 1 {} {
            let child := add(shl(1, position), 1)
            if iszero(lt(child, size)) {
                break
            }
            let childValue := mload(add(data, shl(5, child)))
            let right := add(child, 1)
            if lt(right, size) {
                let rightValue := mload(add(data, shl(5, right)))
                if gt(rightValue, childValue) {
                    child := right
                    childValue := rightValue
                }
            }
            if iszero(gt(childValue, value)) {
                break
            }
            mstore(add(data, shl(5, position)), childValue)
            position := child
        }
        mstore(add(data, shl(5, position)), value)
    }
}
