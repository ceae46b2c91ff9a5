// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Unsigned 128-bit decimal fixed point, 18 fractional digits: raw in [0, 2^128 - 1], 1.0 = 1e18.
/// Mirror of runtime/math/ud128x18.ts.
type UD128x18 is uint128;

/// @notice Signed 128-bit decimal fixed point, 18 fractional digits: raw in [-2^127, 2^127 - 1], 1.0 = 1e18.
/// Mirror of runtime/math/sd128x18.ts.
type SD128x18 is int128;
