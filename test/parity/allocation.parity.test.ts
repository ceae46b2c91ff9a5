/*
 * Parity: AllocationRegistry.computeAllocation / computeCappedAllocation on the EVM against the runtime's
 * splitByWeight / capAllocations (runtime/math/split.ts), on random totals, weight vectors and caps.
 * Each property run sends a batch of cases through AllocationHarness in one eth_call.
 *
 * valid input ── same amounts, same capped amounts, same excess (short vectors; long vectors up to 1024)
 * bad input   ── same rejection: no recipients, too many, zero weight (first index), weight >= 2^128 (type)
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ethers } from 'hardhat';
import { loadFixture } from '@nomicfoundation/hardhat-network-helpers';
import {
  AllocationHarness__factory,
  AllocationRegistry__factory,
  SealAnchor__factory,
} from '../../typechain-types';
import type { AllocationHarness, AllocationRegistry } from '../../typechain-types';
import {
  ALLOCATION_RECIPIENTS_MAX,
  ALLOCATION_WEIGHT_MAX,
  capAllocations,
  splitByWeight,
} from '../../runtime/math/split';
import { BaseError } from '../../runtime/errors';
import type { UD128x18 } from '../../runtime/math';
import { numRuns, scaledRuns } from '../support/num-runs';

type SplitCase = { total: bigint; weights: bigint[]; cap: bigint };
type Outcome =
  | { ok: true; amounts: bigint[]; cappedAmounts: bigint[]; excess: bigint }
  | { ok: false; error: string; args: bigint[] };

const UD_MAX = (1n << 128n) - 1n;

/** What the runtime returns for a case, or the Solidity error it must map to. */
function runtimeOutcome({ total, weights, cap }: SplitCase): Outcome {
  try {
    const amounts = splitByWeight(total as UD128x18, weights);
    const capped = capAllocations(amounts, cap as UD128x18);
    return { ok: true, amounts, cappedAmounts: capped.amounts, excess: capped.excess };
  } catch (err) {
    // The runtime's split input error (code ALLOCATION_INPUT / MATH_SPLIT_INPUT): the details say which reason.
    if (!(err instanceof BaseError)) throw err;
    const d = err.details;
    if (d.index !== undefined) {
      return {
        ok: false,
        error: 'AllocationRegistry_WeightOutOfRange',
        args: [BigInt(d.index as number), d.weight as bigint],
      };
    }
    if (d.max !== undefined) {
      return {
        ok: false,
        error: 'AllocationRegistry_TooManyRecipients',
        args: [BigInt(d.recipients as number), BigInt(d.max as number)],
      };
    }
    return { ok: false, error: 'AllocationRegistry_NoRecipients', args: [] };
  }
}

/** What the registry returned for every case, through the harness in one call. */
async function chainOutcomes(
  harness: AllocationHarness,
  registry: AllocationRegistry,
  cases: readonly SplitCase[],
): Promise<Outcome[]> {
  const results = await harness.run(registry, [...cases]);
  return results.map((r): Outcome => {
    if (r.ok)
      return {
        ok: true,
        amounts: [...r.amounts],
        cappedAmounts: [...r.cappedAmounts],
        excess: r.excess,
      };
    const parsed = registry.interface.parseError(r.revertData);
    expect(parsed, `revert data ${r.revertData}`).to.not.equal(null);
    return { ok: false, error: parsed!.name, args: parsed!.args.toArray() as bigint[] };
  });
}

async function expectParity(
  harness: AllocationHarness,
  registry: AllocationRegistry,
  cases: readonly SplitCase[],
) {
  const onChain = await chainOutcomes(harness, registry, cases);
  cases.forEach((c, i) => {
    expect(
      onChain[i],
      `total ${c.total}, weights [${c.weights.join(', ')}], cap ${c.cap}`,
    ).to.deep.equal(runtimeOutcome(c));
  });
}

async function deployParity() {
  const [admin] = await ethers.getSigners();
  // computeAllocation is pure: the registry's roles and seal anchor play no part here.
  const anchor = await new SealAnchor__factory(admin!).deploy(0, admin!, ethers.ZeroAddress);
  const registry = await new AllocationRegistry__factory(admin!).deploy(
    0,
    admin!,
    ethers.ZeroAddress,
    anchor,
  );
  const harness = await new AllocationHarness__factory(admin!).deploy();
  return { registry, harness };
}

// Small weights make equal remainders (ties) common; huge ones push the weight sum past 2^128 (the 256-bit path).
const weightArb = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt({ min: 1n, max: 10n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: 1n << 64n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: 1n, max: ALLOCATION_WEIGHT_MAX }) },
  { weight: 1, arbitrary: fc.constant(ALLOCATION_WEIGHT_MAX) },
);
const totalArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 1000n }),
  fc.bigInt({ min: 0n, max: UD_MAX }),
  fc.constantFrom(0n, 1n, 10n ** 18n, UD_MAX),
);

/** A case whose cap is a random fraction (0 to 1.1) of the total, so splits are capped partly, fully or not at all. */
function caseArb(weights: fc.Arbitrary<bigint[]>): fc.Arbitrary<SplitCase> {
  return fc
    .record({ total: totalArb, weights, capPerMille: fc.integer({ min: 0, max: 1100 }) })
    .map(({ total, weights: w, capPerMille }) => {
      const cap = (total * BigInt(capPerMille)) / 1000n;
      return { total, weights: w, cap: cap > UD_MAX ? UD_MAX : cap };
    });
}

describe('allocation parity: AllocationRegistry vs runtime splitByWeight / capAllocations', () => {
  describe('valid input', () => {
    it('returns the same amounts, capped amounts and excess for short weight vectors (property)', async () => {
      const { registry, harness } = await loadFixture(deployParity);
      const cases = fc.array(caseArb(fc.array(weightArb, { minLength: 1, maxLength: 40 })), {
        minLength: 1,
        maxLength: 12,
      });
      await fc.assert(
        fc.asyncProperty(cases, (batch) => expectParity(harness, registry, batch)),
        { numRuns },
      );
    });

    it('returns the same amounts for long weight vectors, 41 to 256 recipients (property)', async () => {
      const { registry, harness } = await loadFixture(deployParity);
      const longWeights = fc.array(weightArb, { minLength: 41, maxLength: 256, size: 'max' });
      await fc.assert(
        fc.asyncProperty(fc.array(caseArb(longWeights), { minLength: 1, maxLength: 2 }), (batch) =>
          expectParity(harness, registry, batch),
        ),
        { numRuns: scaledRuns(0.1) },
      );
    });

    it('agrees on the boundary cases: 1024 recipients and 1023 leftovers, sums past 2^128, one recipient, zero total', async () => {
      const { registry, harness } = await loadFixture(deployParity);
      const max = ALLOCATION_RECIPIENTS_MAX;
      // One case per call: a 1024-recipient split with many leftovers costs up to ~3.3M gas.
      const cases: SplitCase[] = [
        { total: 1023n, weights: Array<bigint>(max).fill(7n), cap: 0n },
        {
          total: UD_MAX,
          weights: Array<bigint>(300).fill(ALLOCATION_WEIGHT_MAX),
          cap: UD_MAX / 200n,
        },
        {
          total: UD_MAX,
          weights: Array.from({ length: 300 }, (_, i) => BigInt(i + 1)),
          cap: UD_MAX / 1000n,
        },
        { total: UD_MAX, weights: [ALLOCATION_WEIGHT_MAX], cap: 1n },
        { total: 0n, weights: [1n, ALLOCATION_WEIGHT_MAX], cap: 0n },
        { total: 2n, weights: [1n, 1n, 1n], cap: 1n },
      ];
      for (const c of cases) await expectParity(harness, registry, [c]);
    });
  });

  describe('bad input', () => {
    it('rejects a zero weight with the same error naming the first zero (property)', async () => {
      const { registry, harness } = await loadFixture(deployParity);
      const withZeros = fc
        .tuple(
          fc.array(weightArb, { minLength: 1, maxLength: 20 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        )
        .map(([weights, positions]) => {
          const out = [...weights];
          for (const p of positions) out[p % out.length] = 0n;
          return out;
        });
      await fc.assert(
        fc.asyncProperty(
          fc.array(caseArb(withZeros), { minLength: 1, maxLength: 8 }),
          async (batch) => {
            await expectParity(harness, registry, batch);
            const outcomes = await chainOutcomes(harness, registry, batch);
            outcomes.forEach((o) => expect(o.ok).to.equal(false));
          },
        ),
        { numRuns: scaledRuns(0.5) },
      );
    });

    it('rejects no recipients and 1025 recipients with the same errors', async () => {
      const { registry, harness } = await loadFixture(deployParity);
      const cases: SplitCase[] = [
        { total: 5n, weights: [], cap: 0n },
        { total: 5n, weights: Array<bigint>(ALLOCATION_RECIPIENTS_MAX + 1).fill(1n), cap: 0n },
      ];
      await expectParity(harness, registry, cases);
      expect(
        (await chainOutcomes(harness, registry, cases)).map((o) => (o.ok ? 'ok' : o.error)),
      ).to.deep.equal(['AllocationRegistry_NoRecipients', 'AllocationRegistry_TooManyRecipients']);
    });

    it('rejects a weight of 2^128: the runtime throws, and uint128 cannot carry it to the contract', async () => {
      const { registry } = await loadFixture(deployParity);
      const weights = [1n, ALLOCATION_WEIGHT_MAX + 1n];
      expect(runtimeOutcome({ total: 1n, weights, cap: 0n })).to.deep.equal({
        ok: false,
        error: 'AllocationRegistry_WeightOutOfRange',
        args: [1n, ALLOCATION_WEIGHT_MAX + 1n],
      });
      expect(() =>
        registry.interface.encodeFunctionData('computeAllocation', [1n, weights]),
      ).to.throw(/out-of-bounds/);
    });
  });
});
