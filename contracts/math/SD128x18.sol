// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {UD128x18, SD128x18} from "./ValueTypes.sol";
import "./Errors.sol" as E;
import {uUNIT, LOG2E_Q128} from "./Common.sol";
import {exp2FromQ128} from "./UD128x18.sol";

// SD128x18: signed 128-bit decimal fixed point (mirror of runtime/math/sd128x18.ts and transcendental.ts)
// Free functions; import the file under a name (`import "./SD128x18.sol" as SD;`). Every result rounds toward
// zero (Solidity's signed division truncates, as does the runtime's bigint division).

int256 constant sMIN = type(int128).min;
int256 constant sMAX = type(int128).max;
/// @dev |x| above 2^66 (~73.8) certainly overflows exp/exp2 or gives zero; bounds the intermediate products.
int256 constant EXP_INPUT_BOUND = 1 << 66;

function _checked(int256 raw, uint8 op, int256 x, int256 y) pure returns (SD128x18) {
    if (raw < sMIN || raw > sMAX) revert E.Math_Overflow(op, x, y, 0);
    return SD128x18.wrap(int128(raw));
}

/// @notice Converts a whole number n to n.0. Requirements: in range, else Math_Overflow(OP_SD_FROM_INT, n).
function fromInt(int256 n) pure returns (SD128x18) {
    if (n > sMAX / int256(uUNIT) || n < sMIN / int256(uUNIT)) revert E.Math_Overflow(E.OP_SD_FROM_INT, n, 0, 0);
    return SD128x18.wrap(int128(n * int256(uUNIT)));
}

/// @notice The whole part, rounding toward zero.
function toInt(SD128x18 x) pure returns (int256) {
    return SD128x18.unwrap(x) / int256(uUNIT);
}

/// @notice Converts to the unsigned type. Requirements: x >= 0, else Math_Underflow(OP_TO_UD, x).
function toUD(SD128x18 x) pure returns (UD128x18) {
    int128 raw = SD128x18.unwrap(x);
    if (raw < 0) revert E.Math_Underflow(E.OP_TO_UD, raw, 0, 0);
    return UD128x18.wrap(uint128(raw));
}

/// @notice a + b. Requirements: in range, else Math_Overflow(OP_SD_ADD, a, b).
function add(SD128x18 a, SD128x18 b) pure returns (SD128x18) {
    int256 x = SD128x18.unwrap(a);
    int256 y = SD128x18.unwrap(b);
    return _checked(x + y, E.OP_SD_ADD, x, y);
}

/// @notice a - b. Requirements: in range, else Math_Overflow(OP_SD_SUB, a, b).
function sub(SD128x18 a, SD128x18 b) pure returns (SD128x18) {
    int256 x = SD128x18.unwrap(a);
    int256 y = SD128x18.unwrap(b);
    return _checked(x - y, E.OP_SD_SUB, x, y);
}

/// @notice -x. Requirements: x != -2^127, else Math_Overflow(OP_SD_NEG, x).
function neg(SD128x18 x) pure returns (SD128x18) {
    int256 raw = SD128x18.unwrap(x);
    if (raw == sMIN) revert E.Math_Overflow(E.OP_SD_NEG, raw, 0, 0);
    return SD128x18.wrap(int128(-raw));
}

/// @notice |x|. Requirements: x != -2^127, else Math_Overflow(OP_SD_ABS, x).
function abs(SD128x18 x) pure returns (SD128x18) {
    int256 raw = SD128x18.unwrap(x);
    if (raw == sMIN) revert E.Math_Overflow(E.OP_SD_ABS, raw, 0, 0);
    return SD128x18.wrap(int128(raw < 0 ? -raw : raw));
}

/// @notice a * b rounded toward zero; |a * b| <= 2^254 fits int256. Requirements: in range (Math_Overflow).
function mul(SD128x18 a, SD128x18 b) pure returns (SD128x18) {
    int256 x = SD128x18.unwrap(a);
    int256 y = SD128x18.unwrap(b);
    unchecked {
        return _checked((x * y) / int256(uUNIT), E.OP_SD_MUL, x, y);
    }
}

/// @notice a / b rounded toward zero.
/// @dev Requirements: b != 0 (Math_DivByZero(OP_SD_DIV, a, b)); in range (Math_Overflow(OP_SD_DIV, a, b)).
function div(SD128x18 a, SD128x18 b) pure returns (SD128x18) {
    int256 x = SD128x18.unwrap(a);
    int256 y = SD128x18.unwrap(b);
    if (y == 0) revert E.Math_DivByZero(E.OP_SD_DIV, x, 0, 0);
    unchecked {
        return _checked((x * int256(uUNIT)) / y, E.OP_SD_DIV, x, y);
    }
}

/// @notice The smaller of a and b.
function min(SD128x18 a, SD128x18 b) pure returns (SD128x18) {
    return SD128x18.unwrap(a) <= SD128x18.unwrap(b) ? a : b;
}

/// @notice The larger of a and b.
function max(SD128x18 a, SD128x18 b) pure returns (SD128x18) {
    return SD128x18.unwrap(a) >= SD128x18.unwrap(b) ? a : b;
}

/// @notice e^x = 2^(x * log2 e), rounded toward zero; 0 when e^x < 1e-18.
/// @dev Requirements: e^x fits the unsigned range (x <= 47.2763...), else Math_Overflow(OP_EXP, x).
function exp(SD128x18 x) pure returns (UD128x18) {
    int256 raw = SD128x18.unwrap(x);
    if (raw > EXP_INPUT_BOUND) revert E.Math_Overflow(E.OP_EXP, raw, 0, 0);
    if (raw < -EXP_INPUT_BOUND) return UD128x18.wrap(0);
    unchecked {
        int256 magnitude = int256((uint256(raw < 0 ? -raw : raw) * LOG2E_Q128) / uUNIT); // < 2^195
        return exp2FromQ128(raw < 0 ? -magnitude : magnitude, E.OP_EXP, raw, 0);
    }
}

/// @notice 2^x, rounded toward zero; exact for integer x; 0 when 2^x < 1e-18.
/// @dev Requirements: 2^x fits the unsigned range (x <= 68.2052...), else Math_Overflow(OP_EXP2, x).
function exp2(SD128x18 x) pure returns (UD128x18) {
    int256 raw = SD128x18.unwrap(x);
    if (raw > EXP_INPUT_BOUND) revert E.Math_Overflow(E.OP_EXP2, raw, 0, 0);
    if (raw < -EXP_INPUT_BOUND) return UD128x18.wrap(0);
    unchecked {
        int256 magnitude = int256((uint256(raw < 0 ? -raw : raw) << 128) / uUNIT); // < 2^195
        return exp2FromQ128(raw < 0 ? -magnitude : magnitude, E.OP_EXP2, raw, 0);
    }
}
