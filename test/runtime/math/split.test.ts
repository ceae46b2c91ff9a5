import { expect } from 'chai';
import fc from 'fast-check';
import {
  splitByWeight,
  capAllocations,
  ALLOCATION_RECIPIENTS_MAX,
} from '../../../runtime/math/split';
import { MathSplitInputError } from '../../../runtime/math/errors';
import type { UD128x18 } from '../../../runtime/math';
import { numRuns } from '../../support/num-runs';

const ud = (n: bigint) => n as UD128x18;

describe('splitByWeight', () => {
  it('gives the leftover of 100 over three equal weights to the first recipient', () => {
    expect(splitByWeight(ud(100n), [1n, 1n, 1n])).to.deep.equal([34n, 33n, 33n]);
  });
  it('gives leftovers to the largest remainders first (10 by 1:2:4 → 1.43, 2.86, 5.71)', () => {
    // 10·1/7 = 1 r3, 10·2/7 = 2 r6, 10·4/7 = 5 r5: leftover 2 goes to index 1 (r6) then index 2 (r5).
    expect(splitByWeight(ud(10n), [1n, 2n, 4n])).to.deep.equal([1n, 3n, 6n]);
  });
  it('splits exactly when the weights divide the total', () => {
    expect(splitByWeight(ud(12n), [1n, 2n, 3n])).to.deep.equal([2n, 4n, 6n]);
  });
  it('gives everything to a single recipient', () => {
    expect(splitByWeight(ud(7n), [5n])).to.deep.equal([7n]);
  });
  it('splits zero into zeros', () => {
    expect(splitByWeight(ud(0n), [3n, 9n])).to.deep.equal([0n, 0n]);
  });
  it('rejects no recipients, a zero weight and too many recipients with MATH_SPLIT_INPUT', () => {
    expect(() => splitByWeight(ud(1n), [])).to.throw(MathSplitInputError);
    expect(() => splitByWeight(ud(1n), [1n, 0n]))
      .to.throw(MathSplitInputError)
      .with.nested.property('details.index', 1);
    expect(() => splitByWeight(ud(1n), Array(ALLOCATION_RECIPIENTS_MAX + 1).fill(1n))).to.throw(
      MathSplitInputError,
    );
  });
  it('conserves the total and stays within one unit of the exact share (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.array(fc.bigInt({ min: 1n, max: 1n << 64n }), { minLength: 1, maxLength: 40 }),
        (total, weights) => {
          const parts = splitByWeight(ud(total), weights);
          const sum = parts.reduce((a, b) => a + b, 0n);
          const weightSum = weights.reduce((a, b) => a + b, 0n);
          expect(sum).to.equal(total);
          parts.forEach((part, i) => {
            const floor = (total * weights[i]!) / weightSum;
            expect(part === floor || part === floor + 1n).to.equal(true);
          });
        },
      ),
      { numRuns },
    );
  });
});

describe('capAllocations', () => {
  it('cuts amounts above the cap and returns the excess', () => {
    const out = capAllocations([ud(5n), ud(12n), ud(30n)], ud(10n));
    expect(out.amounts).to.deep.equal([5n, 10n, 10n]);
    expect(out.excess).to.equal(22n);
  });
});
