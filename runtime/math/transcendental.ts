/**
 * Transcendental functions over the fixed-point types: ln, log2, exp, exp2, pow, sqrt, phiPow.
 * Fixed algorithms, no caller-chosen iteration counts (the reference's defect §3.4, §18.11).
 *
 * Accuracy: ln, log2, exp, exp2 and pow are within max(1 ulp, 10^−18·|true value|) of the true
 * value over their whole domain, rounding toward zero; sqrt is exactly ⌊√x⌋; phiPow is exactly
 * ⌊φ^n⌋. Mirror: `contracts/math/UD128x18.sol`, `contracts/math/SD128x18.sol`.
 * @module
 */
import { uUNIT } from './decimal';
import { MathDomainError, MathOverflowError } from './errors';
import {
  EXP2_OVERFLOW_Q128,
  EXP2_UNDERFLOW_Q128,
  LOG2E_Q128,
  exp2Q128ToRaw,
  isqrt,
  lnQ128,
  log2Q128,
  q128ToRaw,
} from './q128';
import type { SD128x18 } from './sd128x18';
import { uMAX, type UD128x18 } from './ud128x18';

/** |x| above this (raw, 2^66 ≈ 73.8) certainly overflows exp/exp2 or gives zero. */
const EXP_INPUT_BOUND = 1n << 66n;
/** Largest n with φ^n representable: φ^98 ≈ 3.03·10^20. */
export const PHI_POW_N_MAX = 98n;

/**
 * Natural logarithm.
 * @param x - x > 0
 * @returns ln x, rounded toward zero (in [−41.45, 47.28])
 * @throws {MathDomainError} for x = 0
 * @example ln(UD.parse('2')) // 0.693147180559945309
 */
export function ln(x: UD128x18): SD128x18 {
  if (x === 0n) throw new MathDomainError('ln', x);
  return q128ToRaw(lnQ128(x)) as SD128x18;
}

/**
 * Binary logarithm; exact for powers of two.
 * @param x - x > 0
 * @returns log2 x, rounded toward zero (in [−59.80, 68.21])
 * @throws {MathDomainError} for x = 0
 */
export function log2(x: UD128x18): SD128x18 {
  if (x === 0n) throw new MathDomainError('log2', x);
  return q128ToRaw(log2Q128(x)) as SD128x18;
}

function exp2FromQ128(exponent: bigint, op: 'exp' | 'exp2' | 'pow', x: bigint, y = 0n): UD128x18 {
  if (exponent >= EXP2_OVERFLOW_Q128) throw new MathOverflowError(op, x, y);
  if (exponent < EXP2_UNDERFLOW_Q128) return 0n as UD128x18;
  const raw = exp2Q128ToRaw(exponent);
  if (raw > uMAX) throw new MathOverflowError(op, x, y);
  return raw as UD128x18;
}

/**
 * e^x, computed as 2^(x·log2 e).
 * @returns e^x rounded toward zero; 0 when e^x < 10^−18
 * @throws {MathOverflowError} when e^x exceeds the unsigned range (x > 47.2763…)
 * @example exp(SD.parse('1')) // 2.718281828459045235
 */
export function exp(x: SD128x18): UD128x18 {
  if (x > EXP_INPUT_BOUND) throw new MathOverflowError('exp', x);
  if (x < -EXP_INPUT_BOUND) return 0n as UD128x18;
  const magnitude = ((x < 0n ? -x : x) * LOG2E_Q128) / uUNIT;
  return exp2FromQ128(x < 0n ? -magnitude : magnitude, 'exp', x);
}

/**
 * 2^x; exact for integer x.
 * @returns 2^x rounded toward zero; 0 when 2^x < 10^−18
 * @throws {MathOverflowError} when 2^x exceeds the unsigned range (x > 68.2052…)
 */
export function exp2(x: SD128x18): UD128x18 {
  if (x > EXP_INPUT_BOUND) throw new MathOverflowError('exp2', x);
  if (x < -EXP_INPUT_BOUND) return 0n as UD128x18;
  const magnitude = ((x < 0n ? -x : x) << 128n) / uUNIT;
  return exp2FromQ128(x < 0n ? -magnitude : magnitude, 'exp2', x);
}

/**
 * x^y = 2^(y·log2 x), with log2 x kept at 128 fractional bits and the product taken at full
 * precision (the mirror uses a 512-bit mulDiv here). 0^0 = 1, x^0 = 1, x^1 = x, 1^y = 1.
 * @throws {MathDomainError} for x = 0 with y < 0; {@link MathOverflowError} above the range
 * @example pow(UD.parse('2'), SD.parse('0.5')) // 1.414213562373095048
 */
export function pow(x: UD128x18, y: SD128x18): UD128x18 {
  if (x === 0n) {
    if (y < 0n) throw new MathDomainError('pow', x, y);
    return (y === 0n ? uUNIT : 0n) as UD128x18;
  }
  if (y === 0n || x === uUNIT) return uUNIT as UD128x18;
  if (y === uUNIT) return x;
  const log = log2Q128(x);
  const magnitude = ((log < 0n ? -log : log) * (y < 0n ? -y : y)) / uUNIT;
  return exp2FromQ128(log < 0n !== y < 0n ? -magnitude : magnitude, 'pow', x, y);
}

/**
 * Square root: exactly ⌊√x⌋ at 18 decimals (⌊√(raw·10^18)⌋).
 * @example sqrt(UD.parse('2')) // 1.414213562373095048
 */
export function sqrt(x: UD128x18): UD128x18 {
  return isqrt(x * uUNIT) as UD128x18;
}

/** F(n) and F(n+1) by fast doubling. */
export function fibonacciPair(n: bigint): [bigint, bigint] {
  let a = 0n; // F(k)
  let b = 1n; // F(k+1)
  for (let bit = n === 0n ? -1n : msbOf(n); bit >= 0n; bit--) {
    const c = a * (2n * b - a); // F(2k)
    const d = a * a + b * b; // F(2k+1)
    if ((n >> bit) & 1n) {
      a = d;
      b = c + d;
    } else {
      a = c;
      b = d;
    }
  }
  return [a, b];
}

function msbOf(n: bigint): bigint {
  let bit = 0n;
  while (n >> (bit + 1n) !== 0n) bit++;
  return bit;
}

/**
 * φ^n for a whole n ≥ 0, exactly ⌊φ^n⌋ at 18 decimals, from the identity
 * φ^n = F(n)·φ + F(n−1) = (F(n) + 2F(n−1) + F(n)·√5) / 2 and an exact integer square root.
 * @throws {MathDomainError} for n < 0; {@link MathOverflowError} for n > 98
 * @example phiPow(1n) // 1.618033988749894848
 */
export function phiPow(n: bigint): UD128x18 {
  if (n < 0n) throw new MathDomainError('phiPow', n);
  if (n > PHI_POW_N_MAX) throw new MathOverflowError('phiPow', n);
  if (n === 0n) return uUNIT as UD128x18;
  const [fn, fnNext] = fibonacciPair(n);
  const fnPrev = fnNext - fn;
  const rational = (fn + 2n * fnPrev) * uUNIT;
  const irrational = isqrt(5n * fn * fn * uUNIT * uUNIT); // < 2^247 for n ≤ 98
  return ((rational + irrational) / 2n) as UD128x18;
}
