/**
 * Exact conversion between decimal strings and raw 18-decimal integers, shared by both types.
 * Parsing never rounds: a literal is exact or it is rejected.
 * @module
 */
import { MathParseError } from './errors';

/** Raw scale of both fixed-point types: 1.0 is 10^18. */
export const uUNIT = 1_000_000_000_000_000_000n;

/** Longest literal accepted: sign, 39 integer digits, point, 18 fractional digits. */
export const LITERAL_LENGTH_MAX = 59;

const DIGITS = /^[0-9]+$/;

/**
 * Parses an unsigned decimal literal (`"12"`, `"0.5"`, `"7.000000000000000001"`) into a raw integer
 * scaled by 10^18. Range checks are the caller's.
 * @throws {MathParseError} for anything but ASCII digits with an optional point and 1–18 decimals
 */
export function parseUnsignedRaw(input: string, original: string = input): bigint {
  if (input.length === 0) throw new MathParseError(original, 'empty literal');
  if (original.length > LITERAL_LENGTH_MAX) throw new MathParseError(original, 'literal too long');
  const point = input.indexOf('.');
  const whole = point === -1 ? input : input.slice(0, point);
  const fraction = point === -1 ? '' : input.slice(point + 1);
  if (!DIGITS.test(whole)) throw new MathParseError(original, 'integer part must be ASCII digits');
  if (point !== -1 && !DIGITS.test(fraction)) {
    throw new MathParseError(original, 'fraction must be 1 to 18 ASCII digits');
  }
  if (fraction.length > 18) throw new MathParseError(original, 'more than 18 fractional digits');
  return BigInt(whole) * uUNIT + BigInt(fraction.padEnd(18, '0'));
}

/** Formats a raw value with exactly 18 fractional digits (`"-1.500000000000000000"`). */
export function formatRawFixed(raw: bigint): string {
  const negative = raw < 0n;
  // One bigint-to-string conversion, then a string split: this runs for every recorded operation.
  const digits = (negative ? -raw : raw).toString().padStart(19, '0');
  const point = digits.length - 18;
  return `${negative ? '-' : ''}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Formats a raw value without trailing fractional zeros (`"1.5"`, `"2"`, `"-0.25"`). */
export function formatRawTrimmed(raw: bigint): string {
  const fixed = formatRawFixed(raw);
  const trimmed = fixed.replace(/0+$/, '');
  return trimmed.endsWith('.') ? trimmed.slice(0, -1) : trimmed;
}
