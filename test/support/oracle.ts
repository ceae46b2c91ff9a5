/**
 * The arbitrary-precision oracle of the math tests and the benchmark: decimal.js at 60 significant
 * digits, and the error measure of issue 2 — |result − truth| / max(1 ulp, 10^−18·|truth|), so 1.0
 * is exactly at the accuracy bound.
 * @module
 */
import Decimal from 'decimal.js';

export const OracleDecimal = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_DOWN });
type D = InstanceType<typeof OracleDecimal>;

const UNIT = new OracleDecimal('1e18');
const ULP = new OracleDecimal('1e-18');

/** A raw 18-decimal integer as an exact decimal. */
export function fromRaw(raw: bigint): D {
  return new OracleDecimal(raw.toString()).div(UNIT);
}

/** True value → raw integer rounded toward zero (what a correctly rounded result would be). */
export function toRawTruncated(value: D): bigint {
  return BigInt(value.mul(UNIT).trunc().toFixed(0));
}

/** Error of `raw` against `truth` in units of max(1 ulp, 10^−18·|truth|). */
export function errorUnits(raw: bigint, truth: D): number {
  const bound = OracleDecimal.max(ULP, truth.abs().mul(ULP));
  return fromRaw(raw).sub(truth).abs().div(bound).toNumber();
}

export const truth = {
  ln: (x: bigint) => fromRaw(x).ln(),
  log2: (x: bigint) => fromRaw(x).log(2),
  exp: (x: bigint) => fromRaw(x).exp(),
  exp2: (x: bigint) => new OracleDecimal(2).pow(fromRaw(x)),
  pow: (x: bigint, y: bigint) => fromRaw(x).pow(fromRaw(y)),
  sqrt: (x: bigint) => fromRaw(x).sqrt(),
  phiPow: (n: bigint) => new OracleDecimal(5).sqrt().add(1).div(2).pow(n.toString()),
} as const;

/** The largest unsigned value as an exact decimal (for overflow-boundary checks). */
export const UD_MAX_DECIMAL = fromRaw((1n << 128n) - 1n);
