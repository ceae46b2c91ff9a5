/**
 * Math errors. Each code maps mechanically to a Solidity custom error of the mirror
 * (`MATH_OVERFLOW` ↔ `Math_Overflow(uint8 op, int256 x, int256 y, int256 z)`), and both carry the
 * same operation id and the same raw operands (unused operands are zero).
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails } from '../errors';
import { MathOp, type MathOpName } from './ops';

/** Common shape of every error thrown by a math function. */
export abstract class MathError extends BaseError {
  /** The operation that failed. */
  readonly op: MathOpName;
  /** The raw operands `[x, y, z]` exactly as the Solidity error carries them. */
  readonly operands: readonly [bigint, bigint, bigint];

  constructor(message: string, op: MathOpName, x: bigint, y = 0n, z = 0n) {
    super(`${op}: ${message}`, { op, opId: MathOp[op], x, y, z });
    this.op = op;
    this.operands = [x, y, z];
  }
}

/** The result, or an intermediate that the result depends on, exceeds the type's range. */
export class MathOverflowError extends MathError {
  override readonly name = 'Math.MathOverflowError';
  readonly code = ErrorCode.MATH_OVERFLOW;
  constructor(op: MathOpName, x: bigint, y = 0n, z = 0n) {
    super('result exceeds the range of the type', op, x, y, z);
  }
}

/** An unsigned result would be below zero (no saturation: use `absDiff` for |a − b|). */
export class MathUnderflowError extends MathError {
  override readonly name = 'Math.MathUnderflowError';
  readonly code = ErrorCode.MATH_UNDERFLOW;
  constructor(op: MathOpName, x: bigint, y = 0n, z = 0n) {
    super('result would be below zero', op, x, y, z);
  }
}

/** A divisor is zero. */
export class MathDivByZeroError extends MathError {
  override readonly name = 'Math.MathDivByZeroError';
  readonly code = ErrorCode.MATH_DIV_BY_ZERO;
  constructor(op: MathOpName, x: bigint, y = 0n, z = 0n) {
    super('division by zero', op, x, y, z);
  }
}

/** An input lies outside the function's mathematical domain (ln 0, 0 to a negative power). */
export class MathDomainError extends MathError {
  override readonly name = 'Math.MathDomainError';
  readonly code = ErrorCode.MATH_DOMAIN;
  constructor(op: MathOpName, x: bigint, y = 0n, z = 0n) {
    super('input outside the domain of the function', op, x, y, z);
  }
}

/** A decimal string is not an exact fixed-point literal of the expected type. */
export class MathParseError extends BaseError {
  override readonly name = 'Math.MathParseError';
  readonly code = ErrorCode.MATH_PARSE;
  constructor(input: string, reason: string) {
    const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
    super(`cannot parse "${shown}": ${reason}`, { input: shown, reason });
  }
}

/** The inputs of a weighted split are unusable (no recipients, too many, a weight out of range). */
export class MathSplitInputError extends BaseError {
  override readonly name = 'Math.MathSplitInputError';
  readonly code = ErrorCode.MATH_SPLIT_INPUT;
  constructor(reason: string, details: ErrorDetails) {
    super(`split input rejected: ${reason}`, details);
  }
}
