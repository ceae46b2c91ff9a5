// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {UD128x18, SD128x18} from "./ValueTypes.sol";
import "./Errors.sol" as E;
import {uUNIT, EXP2_OVERFLOW_Q128, EXP2_UNDERFLOW_Q128, lnQ128, log2Q128, exp2Q128ToRaw, q128ToRaw} from "./Common.sol";

// UD128x18: unsigned 128-bit decimal fixed point (mirror of runtime/math/ud128x18.ts and transcendental.ts)
// Free functions; import the file under a name (`import "./UD128x18.sol" as UD;`). Every result rounds toward
// zero and every failure reverts with the same error and operands as the runtime throws.

uint256 constant uMAX = type(uint128).max;
/// @dev Largest n with phi^n representable (phi^98 ~ 3.03e20).
uint256 constant PHI_POW_N_MAX = 98;

function _i(uint256 v) pure returns (int256) {
    return int256(v); // every operand passed here is below 2^255
}

function _checked(uint256 raw, uint8 op, uint256 x, uint256 y, uint256 z) pure returns (UD128x18) {
    if (raw > uMAX) revert E.Math_Overflow(op, _i(x), _i(y), _i(z));
    return UD128x18.wrap(uint128(raw));
}

/// @notice Converts a whole number n to n.0.
/// @dev Requirements: n * 1e18 <= 2^128 - 1, else Math_Overflow(OP_FROM_INT, n).
function fromInt(uint256 n) pure returns (UD128x18) {
    if (n > uMAX / uUNIT) revert E.Math_Overflow(E.OP_FROM_INT, _i(n), 0, 0);
    return UD128x18.wrap(uint128(n * uUNIT));
}

/// @notice The whole part, rounding toward zero.
function toInt(UD128x18 x) pure returns (uint256) {
    return UD128x18.unwrap(x) / uUNIT;
}

/// @notice Converts to the signed type. Requirements: x <= 2^127 - 1 raw, else Math_Overflow(OP_TO_SD, x).
function toSD(UD128x18 x) pure returns (SD128x18) {
    uint128 raw = UD128x18.unwrap(x);
    if (raw > uint128(type(int128).max)) revert E.Math_Overflow(E.OP_TO_SD, _i(raw), 0, 0);
    return SD128x18.wrap(int128(raw));
}

/// @notice a + b. Requirements: the sum fits, else Math_Overflow(OP_ADD, a, b).
function add(UD128x18 a, UD128x18 b) pure returns (UD128x18) {
    uint256 x = UD128x18.unwrap(a);
    uint256 y = UD128x18.unwrap(b);
    return _checked(x + y, E.OP_ADD, x, y, 0);
}

/// @notice a - b; never saturates. Requirements: b <= a, else Math_Underflow(OP_SUB, a, b).
function sub(UD128x18 a, UD128x18 b) pure returns (UD128x18) {
    uint128 x = UD128x18.unwrap(a);
    uint128 y = UD128x18.unwrap(b);
    if (y > x) revert E.Math_Underflow(E.OP_SUB, _i(x), _i(y), 0);
    unchecked {
        return UD128x18.wrap(x - y);
    }
}

/// @notice |a - b|.
function absDiff(UD128x18 a, UD128x18 b) pure returns (UD128x18) {
    uint128 x = UD128x18.unwrap(a);
    uint128 y = UD128x18.unwrap(b);
    unchecked {
        return UD128x18.wrap(x >= y ? x - y : y - x);
    }
}

/// @notice a * b rounded toward zero. The product of two 128-bit raws fits 256 bits.
/// @dev Requirements: the result fits, else Math_Overflow(OP_MUL, a, b).
function mul(UD128x18 a, UD128x18 b) pure returns (UD128x18) {
    uint256 x = UD128x18.unwrap(a);
    uint256 y = UD128x18.unwrap(b);
    unchecked {
        return _checked((x * y) / uUNIT, E.OP_MUL, x, y, 0);
    }
}

/// @notice a / b rounded toward zero.
/// @dev Requirements: b != 0 (Math_DivByZero(OP_DIV, a, b)); the result fits (Math_Overflow(OP_DIV, a, b)).
function div(UD128x18 a, UD128x18 b) pure returns (UD128x18) {
    uint256 x = UD128x18.unwrap(a);
    uint256 y = UD128x18.unwrap(b);
    if (y == 0) revert E.Math_DivByZero(E.OP_DIV, _i(x), 0, 0);
    unchecked {
        return _checked((x * uUNIT) / y, E.OP_DIV, x, y, 0);
    }
}

/// @notice a * b / d with one rounding toward zero (raw = a * b / d: the scales cancel).
/// @dev Requirements: d != 0 (Math_DivByZero(OP_MUL_DIV, a, b, d)); the result fits (Math_Overflow).
function mulDiv(UD128x18 a, UD128x18 b, UD128x18 d) pure returns (UD128x18) {
    uint256 x = UD128x18.unwrap(a);
    uint256 y = UD128x18.unwrap(b);
    uint256 w = UD128x18.unwrap(d);
    if (w == 0) revert E.Math_DivByZero(E.OP_MUL_DIV, _i(x), _i(y), 0);
    unchecked {
        return _checked((x * y) / w, E.OP_MUL_DIV, x, y, w);
    }
}

/// @notice The smaller of a and b.
function min(UD128x18 a, UD128x18 b) pure returns (UD128x18) {
    return UD128x18.unwrap(a) <= UD128x18.unwrap(b) ? a : b;
}

/// @notice The larger of a and b.
function max(UD128x18 a, UD128x18 b) pure returns (UD128x18) {
    return UD128x18.unwrap(a) >= UD128x18.unwrap(b) ? a : b;
}

/// @notice Natural logarithm, rounded toward zero; within max(1 ulp, 1e-18 * |ln x|) of the true value.
/// @dev Requirements: x > 0, else Math_Domain(OP_LN, 0).
function ln(UD128x18 x) pure returns (SD128x18) {
    uint256 raw = UD128x18.unwrap(x);
    if (raw == 0) revert E.Math_Domain(E.OP_LN, 0, 0, 0);
    return SD128x18.wrap(int128(q128ToRaw(lnQ128(raw))));
}

/// @notice Binary logarithm, rounded toward zero; exact for powers of two.
/// @dev Requirements: x > 0, else Math_Domain(OP_LOG2, 0).
function log2(UD128x18 x) pure returns (SD128x18) {
    uint256 raw = UD128x18.unwrap(x);
    if (raw == 0) revert E.Math_Domain(E.OP_LOG2, 0, 0, 0);
    return SD128x18.wrap(int128(q128ToRaw(log2Q128(raw))));
}

/// @notice Square root, exactly floor(sqrt(x)) at 18 decimals.
function sqrt(UD128x18 x) pure returns (UD128x18) {
    unchecked {
        return UD128x18.wrap(uint128(Math.sqrt(uint256(UD128x18.unwrap(x)) * uUNIT)));
    }
}

/// @dev 2^exponent for an exponent in Q128, with the range checks shared by exp, exp2 and pow.
function exp2FromQ128(int256 exponent, uint8 op, int256 x, int256 y) pure returns (UD128x18) {
    if (exponent >= EXP2_OVERFLOW_Q128) revert E.Math_Overflow(op, x, y, 0);
    if (exponent < EXP2_UNDERFLOW_Q128) return UD128x18.wrap(0);
    uint256 raw = exp2Q128ToRaw(exponent);
    if (raw > uMAX) revert E.Math_Overflow(op, x, y, 0);
    return UD128x18.wrap(uint128(raw));
}

/// @notice x^y = 2^(y * log2 x), rounded toward zero; 0^0 = 1, x^0 = 1, x^1 = x, 1^y = 1.
/// @dev log2 x is kept at 128 fractional bits and multiplied by y through a 512-bit mulDiv.
/// Requirements: not (x = 0 and y < 0) (Math_Domain(OP_POW, x, y)); the result fits (Math_Overflow(OP_POW, x, y)).
function pow(UD128x18 x, SD128x18 y) pure returns (UD128x18) {
    uint256 xRaw = UD128x18.unwrap(x);
    int256 yRaw = SD128x18.unwrap(y);
    if (xRaw == 0) {
        if (yRaw < 0) revert E.Math_Domain(E.OP_POW, 0, yRaw, 0);
        return UD128x18.wrap(yRaw == 0 ? uint128(uUNIT) : 0);
    }
    if (yRaw == 0 || xRaw == uUNIT) return UD128x18.wrap(uint128(uUNIT));
    if (yRaw == int256(uUNIT)) return x;
    int256 log = log2Q128(xRaw);
    uint256 magnitude;
    unchecked {
        uint256 logAbs = uint256(log < 0 ? -log : log);
        uint256 yAbs = uint256(yRaw < 0 ? -yRaw : yRaw);
        magnitude = Math.mulDiv(logAbs, yAbs, uUNIT); // < 2^203
    }
    int256 exponent = (log < 0) != (yRaw < 0) ? -int256(magnitude) : int256(magnitude);
    return exp2FromQ128(exponent, E.OP_POW, _i(xRaw), yRaw);
}

/// @notice phi^n for a whole n, exactly floor(phi^n) at 18 decimals, from phi^n = (F(n) + 2F(n-1) + F(n)sqrt5) / 2.
/// @dev Requirements: n <= 98, else Math_Overflow(OP_PHI_POW, n).
function phiPow(uint256 n) pure returns (UD128x18) {
    if (n > PHI_POW_N_MAX) revert E.Math_Overflow(E.OP_PHI_POW, _i(n), 0, 0);
    if (n == 0) return UD128x18.wrap(uint128(uUNIT));
    unchecked {
        (uint256 fn, uint256 fnNext) = fibonacciPair(n);
        uint256 rational = (fn + 2 * (fnNext - fn)) * uUNIT;
        uint256 irrational = Math.sqrt(5 * fn * fn * uUNIT * uUNIT); // < 2^247 for n <= 98
        return UD128x18.wrap(uint128((rational + irrational) / 2));
    }
}

/// @notice F(n) and F(n + 1) by fast doubling; exact for n <= 98 (F(99) < 2^69).
function fibonacciPair(uint256 n) pure returns (uint256 a, uint256 b) {
    b = 1;
    unchecked {
        for (uint256 bit = Math.log2(n) + 1; bit > 0; --bit) {
            uint256 c = a * (2 * b - a);
            uint256 d = a * a + b * b;
            if ((n >> (bit - 1)) & 1 == 1) {
                (a, b) = (d, c + d);
            } else {
                (a, b) = (c, d);
            }
        }
    }
}
