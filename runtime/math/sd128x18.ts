/**
 * SD128x18: signed 128-bit decimal fixed point with 18 fractional digits, for results that can be
 * negative (ln of x < 1, differences). The raw integer lies in [−2^127, 2^127 − 1]; 1.0 is 10^18.
 * Every result rounds toward zero. Mirror: `contracts/math/SD128x18.sol`.
 * @module
 */
import { formatRawFixed, formatRawTrimmed, parseUnsignedRaw, uUNIT } from './decimal';
import {
  MathDivByZeroError,
  MathOverflowError,
  MathParseError,
  MathUnderflowError,
} from './errors';
import type { UD128x18 } from './ud128x18';

/** A signed fixed-point value. Branded so that a raw bigint cannot be passed by accident. */
export type SD128x18 = bigint & { readonly __brand: 'SD128x18' };

/** Smallest raw value: −2^127. */
export const uMIN = -(1n << 127n);
/** Largest raw value: 2^127 − 1. */
export const uMAX = (1n << 127n) - 1n;

export const ZERO = 0n as SD128x18;
export const UNIT = uUNIT as SD128x18;
export const MIN = uMIN as SD128x18;
export const MAX = uMAX as SD128x18;

function checked(
  raw: bigint,
  op: 'sdAdd' | 'sdSub' | 'sdMul' | 'sdDiv',
  a: bigint,
  b: bigint,
): SD128x18 {
  if (raw < uMIN || raw > uMAX) throw new MathOverflowError(op, a, b);
  return raw as SD128x18;
}

/**
 * Wraps a raw integer, checking the range.
 * @throws {MathOverflowError} outside [−2^127, 2^127 − 1]
 */
export function wrap(raw: bigint): SD128x18 {
  if (raw < uMIN || raw > uMAX) throw new MathOverflowError('wrap', raw);
  return raw as SD128x18;
}

/**
 * Parses an exact decimal literal with an optional leading `-`.
 * @throws {MathParseError} for a malformed literal; {@link MathOverflowError} outside the range
 * @example parse('-0.25') // raw −250_000_000_000_000_000n
 */
export function parse(literal: string): SD128x18 {
  if (literal.startsWith('+')) throw new MathParseError(literal, 'a positive literal has no sign');
  const negative = literal.startsWith('-');
  const magnitude = parseUnsignedRaw(negative ? literal.slice(1) : literal, literal);
  const raw = negative ? -magnitude : magnitude;
  if (raw < uMIN || raw > uMAX) throw new MathOverflowError('parse', raw);
  return raw as SD128x18;
}

/** Formats with exactly 18 fractional digits: `"-1.500000000000000000"`. */
export function format(x: SD128x18): string {
  return formatRawFixed(x);
}

/** Formats without trailing fractional zeros: `"-1.5"`, `"2"`. */
export function formatTrimmed(x: SD128x18): string {
  return formatRawTrimmed(x);
}

/**
 * Converts a whole number: n → n.0.
 * @throws {MathOverflowError} when n × 10^18 is outside the range
 */
export function fromInt(n: bigint): SD128x18 {
  const raw = n * uUNIT;
  if (raw < uMIN || raw > uMAX) throw new MathOverflowError('sdFromInt', n);
  return raw as SD128x18;
}

/** The whole part, rounding toward zero: −2.9 → −2n. */
export function toInt(x: SD128x18): bigint {
  return x / uUNIT;
}

/**
 * Converts an unsigned value.
 * @throws {MathOverflowError} above 2^127 − 1 raw
 */
export function fromUD(x: UD128x18): SD128x18 {
  if (x > uMAX) throw new MathOverflowError('toSD', x);
  return x as bigint as SD128x18;
}

/**
 * Converts to an unsigned value.
 * @throws {MathUnderflowError} below zero
 */
export function toUD(x: SD128x18): UD128x18 {
  if (x < 0n) throw new MathUnderflowError('toUD', x);
  return x as bigint as UD128x18;
}

export function compare(a: SD128x18, b: SD128x18): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}
export function eq(a: SD128x18, b: SD128x18): boolean {
  return a === b;
}
export function lt(a: SD128x18, b: SD128x18): boolean {
  return a < b;
}
export function lte(a: SD128x18, b: SD128x18): boolean {
  return a <= b;
}
export function gt(a: SD128x18, b: SD128x18): boolean {
  return a > b;
}
export function gte(a: SD128x18, b: SD128x18): boolean {
  return a >= b;
}
export function min(a: SD128x18, b: SD128x18): SD128x18 {
  return a <= b ? a : b;
}
export function max(a: SD128x18, b: SD128x18): SD128x18 {
  return a >= b ? a : b;
}

/** a + b. @throws {MathOverflowError} outside the range */
export function add(a: SD128x18, b: SD128x18): SD128x18 {
  return checked(a + b, 'sdAdd', a, b);
}

/** a − b. @throws {MathOverflowError} outside the range */
export function sub(a: SD128x18, b: SD128x18): SD128x18 {
  return checked(a - b, 'sdSub', a, b);
}

/** −x. @throws {MathOverflowError} for −2^127, whose negation is not representable */
export function neg(x: SD128x18): SD128x18 {
  if (x === uMIN) throw new MathOverflowError('sdNeg', x);
  return -x as SD128x18;
}

/** |x|. @throws {MathOverflowError} for −2^127 */
export function abs(x: SD128x18): SD128x18 {
  if (x === uMIN) throw new MathOverflowError('sdAbs', x);
  return (x < 0n ? -x : x) as SD128x18;
}

/** a × b, rounded toward zero. @throws {MathOverflowError} outside the range */
export function mul(a: SD128x18, b: SD128x18): SD128x18 {
  return checked((a * b) / uUNIT, 'sdMul', a, b);
}

/**
 * a ÷ b, rounded toward zero.
 * @throws {MathDivByZeroError} when b = 0; {@link MathOverflowError} outside the range
 */
export function div(a: SD128x18, b: SD128x18): SD128x18 {
  if (b === 0n) throw new MathDivByZeroError('sdDiv', a, b);
  return checked((a * uUNIT) / b, 'sdDiv', a, b);
}
