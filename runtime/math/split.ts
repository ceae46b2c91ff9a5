/**
 * The exact split of an amount among weighted recipients: RewardAllocator's kernel (DESIGN.md §4
 * Tokens and economics), kept in runtime/math so that CertifiedMath can record it as one operation. The parts always sum to the total: each recipient first gets
 * ⌊total·wᵢ/W⌋, and the leftover units (fewer than the number of recipients) go one each to the
 * largest remainders (total·wᵢ mod W), ties to the lower index — callers order recipients by
 * address ascending, so ties go to the lower address. Mirrored on-chain by
 * `AllocationRegistry.computeAllocation`, which must return exactly these amounts.
 * @module
 */
import type { UD128x18 } from './ud128x18';
import { MathSplitInputError } from './errors';

/** Most recipients one split may have (bounds the work per bundle and on-chain). */
export const ALLOCATION_RECIPIENTS_MAX = 1024;
/** Largest weight of one recipient (raw, the unsigned 128-bit range). */
export const ALLOCATION_WEIGHT_MAX = (1n << 128n) - 1n;

/**
 * Splits `total` (raw units) in proportion to `weights`, exactly.
 * @param total - the amount to split
 * @param weights - positive weights, in recipient order (address ascending)
 * @returns one amount per weight, in the same order, summing to `total`
 * @throws {MathSplitInputError} for no recipients, too many, or a weight outside (0, 2^128)
 * @example splitByWeight(100n, [1n, 1n, 1n]) // [34n, 33n, 33n]
 */
export function splitByWeight(total: UD128x18, weights: readonly bigint[]): UD128x18[] {
  checkWeights(weights);
  let weightSum = 0n;
  for (const weight of weights) weightSum += weight;
  const amounts: bigint[] = [];
  const remainders: bigint[] = [];
  let given = 0n;
  for (const weight of weights) {
    const product = total * weight;
    amounts.push(product / weightSum);
    remainders.push(product % weightSum);
    given += product / weightSum;
  }
  let leftover = total - given; // fewer units than recipients
  const order = weights.map((_, i) => i).sort((a, b) => compareRemainders(remainders, a, b));
  for (const index of order) {
    if (leftover === 0n) break;
    amounts[index] = (amounts[index] as bigint) + 1n;
    leftover -= 1n;
  }
  return amounts as UD128x18[];
}

function compareRemainders(remainders: readonly bigint[], a: number, b: number): number {
  const ra = remainders[a] as bigint;
  const rb = remainders[b] as bigint;
  if (ra !== rb) return ra > rb ? -1 : 1;
  return a - b;
}

function checkWeights(weights: readonly bigint[]): void {
  if (weights.length === 0) throw new MathSplitInputError('no recipients', { recipients: 0 });
  if (weights.length > ALLOCATION_RECIPIENTS_MAX) {
    throw new MathSplitInputError('too many recipients', {
      recipients: weights.length,
      max: ALLOCATION_RECIPIENTS_MAX,
    });
  }
  weights.forEach((weight, index) => {
    if (weight <= 0n || weight > ALLOCATION_WEIGHT_MAX) {
      throw new MathSplitInputError('weight outside (0, 2^128)', { index, weight });
    }
  });
}

/**
 * Applies a per-recipient cap: every amount above `cap` is cut to `cap`, and the sum of the cuts is
 * returned as `excess` (it goes back to the treasury). Σ amounts + excess = Σ input amounts.
 */
export function capAllocations(
  amounts: readonly UD128x18[],
  cap: UD128x18,
): { amounts: UD128x18[]; excess: UD128x18 } {
  let excess = 0n;
  const capped = amounts.map((amount) => {
    if (amount <= cap) return amount;
    excess += amount - cap;
    return cap;
  });
  return { amounts: capped, excess: excess as UD128x18 };
}
