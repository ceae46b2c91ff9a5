/**
 * UD128x18: unsigned 128-bit decimal fixed point with 18 fractional digits (the reference's
 * BigNum128, DESIGN.md §4 Numbers). The raw integer lies in [0, 2^128 − 1]; 1.0 is 10^18.
 * Every result rounds toward zero; nothing saturates. Mirror: `contracts/math/UD128x18.sol`.
 * @module
 */
import { formatRawFixed, formatRawTrimmed, parseUnsignedRaw, uUNIT } from './decimal';
import {
  MathDivByZeroError,
  MathOverflowError,
  MathParseError,
  MathUnderflowError,
} from './errors';

/** An unsigned fixed-point value. Branded so that a raw bigint cannot be passed by accident. */
export type UD128x18 = bigint & { readonly __brand: 'UD128x18' };

/** Largest raw value: 2^128 − 1 (340282366920938463463.374607431768211455). */
export const uMAX = (1n << 128n) - 1n;
export { uUNIT };

/** 0.0 */
export const ZERO = 0n as UD128x18;
/** 1.0 */
export const UNIT = uUNIT as UD128x18;
/** The largest value. */
export const MAX = uMAX as UD128x18;

/**
 * Wraps a raw integer, checking the range.
 * @throws {MathUnderflowError} below zero; {@link MathOverflowError} above 2^128 − 1
 * @example wrap(1_500_000_000_000_000_000n) // 1.5
 */
export function wrap(raw: bigint): UD128x18 {
  if (raw < 0n) throw new MathUnderflowError('wrap', raw);
  if (raw > uMAX) throw new MathOverflowError('wrap', raw);
  return raw as UD128x18;
}

/**
 * Parses an exact decimal literal: ASCII digits, an optional point and 1–18 fractional digits.
 * No sign, no exponent, no whitespace.
 * @throws {MathParseError} for a malformed literal; {@link MathOverflowError} above the maximum
 * @example parse('1.5') // raw 1_500_000_000_000_000_000n
 */
export function parse(literal: string): UD128x18 {
  if (literal.startsWith('-') || literal.startsWith('+')) {
    throw new MathParseError(literal, 'unsigned literal cannot carry a sign');
  }
  const raw = parseUnsignedRaw(literal);
  if (raw > uMAX) throw new MathOverflowError('parse', raw);
  return raw as UD128x18;
}

/** Formats with exactly 18 fractional digits: `"1.500000000000000000"`. */
export function format(x: UD128x18): string {
  return formatRawFixed(x);
}

/** Formats without trailing fractional zeros: `"1.5"`, `"2"`. */
export function formatTrimmed(x: UD128x18): string {
  return formatRawTrimmed(x);
}

/**
 * Converts a whole number: n → n.0.
 * @throws {MathUnderflowError} for n < 0; {@link MathOverflowError} when n × 10^18 exceeds the range
 */
export function fromInt(n: bigint): UD128x18 {
  if (n < 0n) throw new MathUnderflowError('fromInt', n);
  const raw = n * uUNIT;
  if (raw > uMAX) throw new MathOverflowError('fromInt', n);
  return raw as UD128x18;
}

/** The whole part, rounding toward zero: 2.9 → 2n. */
export function toInt(x: UD128x18): bigint {
  return x / uUNIT;
}

/** −1, 0 or 1 as a is below, equal to or above b. */
export function compare(a: UD128x18, b: UD128x18): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function eq(a: UD128x18, b: UD128x18): boolean {
  return a === b;
}
export function lt(a: UD128x18, b: UD128x18): boolean {
  return a < b;
}
export function lte(a: UD128x18, b: UD128x18): boolean {
  return a <= b;
}
export function gt(a: UD128x18, b: UD128x18): boolean {
  return a > b;
}
export function gte(a: UD128x18, b: UD128x18): boolean {
  return a >= b;
}
export function min(a: UD128x18, b: UD128x18): UD128x18 {
  return a <= b ? a : b;
}
export function max(a: UD128x18, b: UD128x18): UD128x18 {
  return a >= b ? a : b;
}

/**
 * a + b.
 * @throws {MathOverflowError} when the sum exceeds 2^128 − 1
 */
export function add(a: UD128x18, b: UD128x18): UD128x18 {
  const raw = a + b;
  if (raw > uMAX) throw new MathOverflowError('add', a, b);
  return raw as UD128x18;
}

/**
 * a − b. Never saturates.
 * @throws {MathUnderflowError} when b > a
 */
export function sub(a: UD128x18, b: UD128x18): UD128x18 {
  if (b > a) throw new MathUnderflowError('sub', a, b);
  return (a - b) as UD128x18;
}

/** |a − b|, the explicit way to get a distance between unsigned values. */
export function absDiff(a: UD128x18, b: UD128x18): UD128x18 {
  return (a >= b ? a - b : b - a) as UD128x18;
}

/**
 * a × b, rounded toward zero. The raw product of two 128-bit values fits the 256-bit word the
 * mirror computes in, so no wider intermediate is needed.
 * @throws {MathOverflowError} when the result exceeds the range
 */
export function mul(a: UD128x18, b: UD128x18): UD128x18 {
  const raw = (a * b) / uUNIT;
  if (raw > uMAX) throw new MathOverflowError('mul', a, b);
  return raw as UD128x18;
}

/**
 * a ÷ b, rounded toward zero.
 * @throws {MathDivByZeroError} when b = 0; {@link MathOverflowError} when the result exceeds the range
 */
export function div(a: UD128x18, b: UD128x18): UD128x18 {
  if (b === 0n) throw new MathDivByZeroError('div', a, b);
  const raw = (a * uUNIT) / b;
  if (raw > uMAX) throw new MathOverflowError('div', a, b);
  return raw as UD128x18;
}

/**
 * a × b ÷ d with a single rounding toward zero (the scales cancel, so raw = a·b/d exactly).
 * @throws {MathDivByZeroError} when d = 0; {@link MathOverflowError} when the result exceeds the range
 */
export function mulDiv(a: UD128x18, b: UD128x18, d: UD128x18): UD128x18 {
  if (d === 0n) throw new MathDivByZeroError('mulDiv', a, b, d);
  const raw = (a * b) / d;
  if (raw > uMAX) throw new MathOverflowError('mulDiv', a, b, d);
  return raw as UD128x18;
}
