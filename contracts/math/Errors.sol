// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @dev Operation ids carried by every math error. Identical to `MathOp` in runtime/math/ops.ts, so a revert
/// and the runtime's thrown error compare mechanically. Append-only.
uint8 constant OP_WRAP = 0;
uint8 constant OP_ADD = 1;
uint8 constant OP_SUB = 2;
uint8 constant OP_MUL = 3;
uint8 constant OP_DIV = 4;
uint8 constant OP_MUL_DIV = 5;
uint8 constant OP_FROM_INT = 6;
uint8 constant OP_LN = 7;
uint8 constant OP_LOG2 = 8;
uint8 constant OP_SQRT = 9;
uint8 constant OP_POW = 10;
uint8 constant OP_PHI_POW = 11;
uint8 constant OP_TO_SD = 12;
uint8 constant OP_SD_ADD = 13;
uint8 constant OP_SD_SUB = 14;
uint8 constant OP_SD_MUL = 15;
uint8 constant OP_SD_DIV = 16;
uint8 constant OP_SD_NEG = 17;
uint8 constant OP_SD_ABS = 18;
uint8 constant OP_SD_FROM_INT = 19;
uint8 constant OP_EXP = 20;
uint8 constant OP_EXP2 = 21;
uint8 constant OP_TO_UD = 22;

/// @notice Thrown when a result exceeds the range of its type (runtime code MATH_OVERFLOW).
/// @param op The operation id. @param x First raw operand. @param y Second raw operand or 0. @param z Third or 0.
error Math_Overflow(uint8 op, int256 x, int256 y, int256 z);

/// @notice Thrown when an unsigned result would be below zero (runtime code MATH_UNDERFLOW).
error Math_Underflow(uint8 op, int256 x, int256 y, int256 z);

/// @notice Thrown when a divisor is zero (runtime code MATH_DIV_BY_ZERO).
error Math_DivByZero(uint8 op, int256 x, int256 y, int256 z);

/// @notice Thrown when an input is outside the function's domain (runtime code MATH_DOMAIN).
error Math_Domain(uint8 op, int256 x, int256 y, int256 z);
