/**
 * Internal kernels of the transcendental functions, in signed binary fixed point with 128
 * fractional bits (Q128). Both the TypeScript and the Solidity mirror (`contracts/math/Common.sol`)
 * run exactly these integer steps, so they agree bit for bit: every product is bounded below 2^255
 * (noted at each step) and every division and shift is applied to a non-negative magnitude.
 *
 * Accuracy budget: each kernel is accurate to about 10^−26 absolute (10^−8 of an 18-decimal ulp),
 * so the final truncation to 18 decimals dominates the error.
 * @module
 */
import { uUNIT } from './decimal';

/** 1.0 in Q128. */
export const ONE_Q128 = 1n << 128n;
/** ⌊ln 2 · 2^128⌋ */
export const LN2_Q128 = 0xb17217f7d1cf79abc9e3b39803f2f6afn;
/** ⌊log2(e) · 2^128⌋ */
export const LOG2E_Q128 = 0x171547652b82fe1777d0ffda0d23a7d11n;
/** ⌊√2 · 10^18 · 2^128⌋: the mantissa threshold, compared before the division by 10^18. */
export const SQRT2_UNIT_Q128 = 0x13a04bbdfdc9be88cd3b78e40d7849a1c43cca32446106b2n;
/** Exponents (in Q128) at or above this overflow every unsigned result: 2^69 > 3.4 · 10^20. */
export const EXP2_OVERFLOW_Q128 = 69n << 128n;
/** Exponents (in Q128) below this give 2^x · 10^18 < 1, i.e. a zero result. */
export const EXP2_UNDERFLOW_Q128 = -(61n << 128n);

/** Number of odd terms of the atanh series (z, z³/3, …, z³³/33): |z| ≤ 0.1716 leaves < 10^−28. */
const ATANH_LAST_DENOMINATOR = 33n;
/** Degree of the Taylor polynomial of e^r on |r| ≤ ln2/2: the first omitted term is < 2·10^−26. */
const EXP_DEGREE = 18n;

/** Index of the most significant set bit of x > 0 (⌊log2 x⌋). */
export function msb(x: bigint): bigint {
  let n = 0n;
  for (const step of [128n, 64n, 32n, 16n, 8n, 4n, 2n, 1n]) {
    if (x >> step !== 0n) {
      x >>= step;
      n += step;
    }
  }
  return n;
}

/** Floor of the square root of n ≥ 0 (exact, by Newton's method from above). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << ((msb(n) >> 1n) + 1n);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/**
 * Splits x = xRaw / 10^18 > 0 into 2^e · m with m ∈ [1/√2, √2) and returns e together with
 * s = atanh((m − 1)/(m + 1)) in Q128, so that ln x = e·ln2 + 2s.
 */
export function logParts(xRaw: bigint): { e: bigint; s: bigint } {
  let e = msb(xRaw) - 60n; // 2^60 ≈ 1.15·10^18, so x / 2^e ∈ [1.15, 2.31)
  let shift = 128n - e; // in [61, 188]; xRaw << shift < 2^189
  if (xRaw << shift >= SQRT2_UNIT_Q128) {
    e += 1n;
    shift -= 1n;
  }
  const m = (xRaw << shift) / uUNIT;
  const negative = m < ONE_Q128;
  const numerator = negative ? ONE_Q128 - m : m - ONE_Q128; // < 0.4143·2^128
  const z = (numerator << 128n) / (m + ONE_Q128); // < 0.1716·2^128; numerator << 128 < 2^255
  const z2 = (z * z) >> 128n;
  let power = z;
  let sum = z;
  for (let k = 3n; k <= ATANH_LAST_DENOMINATOR; k += 2n) {
    power = (power * z2) >> 128n;
    sum += power / k;
  }
  return { e, s: negative ? -sum : sum };
}

/** ln x in Q128 for xRaw > 0. */
export function lnQ128(xRaw: bigint): bigint {
  const { e, s } = logParts(xRaw);
  return e * LN2_Q128 + 2n * s;
}

/** log2 x in Q128 for xRaw > 0: e + 2s·log2(e). |s|·LOG2E < 2^254. */
export function log2Q128(xRaw: bigint): bigint {
  const { e, s } = logParts(xRaw);
  const scaled = ((s < 0n ? -s : s) * LOG2E_Q128) >> 127n;
  return (e << 128n) + (s < 0n ? -scaled : scaled);
}

/**
 * 2^E · 10^18 rounded down, for E in Q128 with EXP2_UNDERFLOW_Q128 ≤ E < EXP2_OVERFLOW_Q128.
 * The result can exceed 2^128 − 1 near the top; the caller checks the range.
 */
export function exp2Q128ToRaw(exponent: bigint): bigint {
  const k = (exponent + (1n << 127n)) >> 128n; // nearest integer, in [−61, 69]
  const f = exponent - (k << 128n); // in [−1/2, 1/2)
  const negative = f < 0n;
  const r = ((negative ? -f : f) * LN2_Q128) >> 128n; // |f|·ln2 ≤ 0.3466·2^128
  // Horner form of e^{±r} = 1 ± r(1 ± r/2(1 ± … (1 ± r/18))); p·r < 1.42·0.35·2^256 < 2^255.
  let p = ONE_Q128;
  for (let n = EXP_DEGREE; n >= 1n; n--) {
    const t = (p * r) / (n << 128n);
    p = negative ? ONE_Q128 - t : ONE_Q128 + t;
  }
  return (p * uUNIT) >> (128n - k); // shift in [59, 189]
}

/** Converts a signed Q128 value to an 18-decimal raw integer, rounding toward zero. */
export function q128ToRaw(q: bigint): bigint {
  return q < 0n ? -((-q * uUNIT) >> 128n) : (q * uUNIT) >> 128n;
}
