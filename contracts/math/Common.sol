// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @dev Kernels of the transcendental functions in Q128 (128 fractional bits), step for step the same integer
/// operations as runtime/math/q128.ts. Every product below is bounded under 2^256 (noted at each step), and every
/// division and shift applies to a non-negative magnitude, so `unchecked` cannot wrap.

uint256 constant uUNIT = 1e18;
uint256 constant ONE_Q128 = 1 << 128;
/// @dev floor(ln 2 * 2^128)
uint256 constant LN2_Q128 = 0xb17217f7d1cf79abc9e3b39803f2f6af;
/// @dev floor(log2(e) * 2^128)
uint256 constant LOG2E_Q128 = 0x171547652b82fe1777d0ffda0d23a7d11;
/// @dev floor(sqrt(2) * 1e18 * 2^128): the mantissa threshold, compared before dividing by 1e18.
uint256 constant SQRT2_UNIT_Q128 = 0x13a04bbdfdc9be88cd3b78e40d7849a1c43cca32446106b2;
/// @dev Exponents at or above 69 (Q128) overflow every unsigned result; below -61 the result is 0.
int256 constant EXP2_OVERFLOW_Q128 = 69 << 128;
int256 constant EXP2_UNDERFLOW_Q128 = -(61 << 128);

/// @dev Splits x = xRaw / 1e18 > 0 into 2^e * m with m in [1/sqrt2, sqrt2) and returns e with the magnitude and
/// sign of s = atanh((m - 1) / (m + 1)) in Q128, so that ln x = e * ln2 + 2s.
function logParts(uint256 xRaw) pure returns (int256 e, uint256 sum, bool negative) {
    unchecked {
        // Math.log2 is the index of the top bit; xRaw < 2^128, so e is in [-60, 67] and shift in [61, 188].
        e = int256(Math.log2(xRaw)) - 60;
        uint256 shifted = xRaw << uint256(128 - e); // < 2^189
        if (shifted >= SQRT2_UNIT_Q128) {
            e += 1;
            shifted >>= 1; // no bit is lost: the shift above was at least 61
        }
        uint256 m = shifted / uUNIT;
        negative = m < ONE_Q128;
        uint256 numerator = negative ? ONE_Q128 - m : m - ONE_Q128; // < 0.4143 * 2^128
        uint256 z = (numerator << 128) / (m + ONE_Q128); // < 0.1716 * 2^128
        uint256 z2 = (z * z) >> 128;
        uint256 power = z;
        sum = z;
        // Odd powers up to z^33: the omitted tail is below 1e-28.
        for (uint256 k = 3; k <= 33; k += 2) {
            power = (power * z2) >> 128;
            sum += power / k;
        }
    }
}

/// @dev ln x in Q128 for xRaw > 0; |result| < 48 * 2^128.
function lnQ128(uint256 xRaw) pure returns (int256) {
    (int256 e, uint256 sum, bool negative) = logParts(xRaw);
    unchecked {
        int256 twice = int256(sum << 1);
        return e * int256(LN2_Q128) + (negative ? -twice : twice);
    }
}

/// @dev log2 x in Q128 for xRaw > 0; |result| < 69 * 2^128. sum * LOG2E < 2^254.
function log2Q128(uint256 xRaw) pure returns (int256) {
    (int256 e, uint256 sum, bool negative) = logParts(xRaw);
    unchecked {
        int256 scaled = int256((sum * LOG2E_Q128) >> 127);
        return e * int256(ONE_Q128) + (negative ? -scaled : scaled);
    }
}

/// @dev 2^exponent * 1e18 rounded down, for exponent in Q128 within [EXP2_UNDERFLOW_Q128, EXP2_OVERFLOW_Q128).
/// The result may exceed 2^128 - 1 near the top; the caller checks the range.
function exp2Q128ToRaw(int256 exponent) pure returns (uint256) {
    unchecked {
        int256 k = (exponent + int256(1 << 127)) >> 128; // nearest integer (arithmetic shift floors), in [-61, 69]
        int256 f = exponent - k * int256(ONE_Q128); // in [-1/2, 1/2)
        bool negative = f < 0;
        uint256 r = (uint256(negative ? -f : f) * LN2_Q128) >> 128; // <= 0.3466 * 2^128
        // Horner form of e^(+-r) to degree 18; p * r < 1.42 * 0.35 * 2^256.
        uint256 p = ONE_Q128;
        for (uint256 n = 18; n > 0; --n) {
            uint256 t = (p * r) / (n << 128);
            p = negative ? ONE_Q128 - t : ONE_Q128 + t;
        }
        return (p * uUNIT) >> uint256(128 - k); // shift in [59, 189]
    }
}

/// @dev Converts a signed Q128 value to an 18-decimal raw integer, rounding toward zero.
function q128ToRaw(int256 q) pure returns (int256) {
    unchecked {
        return q < 0 ? -int256((uint256(-q) * uUNIT) >> 128) : int256((uint256(q) * uUNIT) >> 128);
    }
}
