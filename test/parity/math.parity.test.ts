/*
 * Math parity: the same inputs through the TypeScript runtime and the Solidity mirror (Hardhat EVM)
 * ├── when TS returns a value → the EVM returns the identical raw integer
 * └── when TS throws MATH_* → the EVM reverts with Math_* carrying the same op id and operands
 * Inputs are biased toward 0, 1 ulp, 1, domain limits ± 1 ulp and MAX.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ethers } from 'hardhat';
import type { MathHarness } from '../../typechain-types';
import { MathHarness__factory } from '../../typechain-types';
import { numRuns } from '../support/num-runs';
import { OPS, evaluate, opId, solidityErrorName, triple, type OpSpec } from '../support/math-ops';
import { UNIT, rawIn, sdRaw, udRaw } from '../support/arbitraries';

/** Inputs per EVM round trip. */
const BATCH = 32;
/** Batches per operation: a tenth of FC_NUM_RUNS, at least 4 (≥ 128 inputs per op at the default). */
const BATCH_RUNS = Math.max(4, Math.floor(numRuns / 10));

const EXP_EDGES = [
  47_276307437780177293n,
  68_205294292027477738n,
  -41_446531673892822312n,
  -60n * UNIT,
];

function arbitraryFor(spec: OpSpec): fc.Arbitrary<bigint[]> {
  const parts = spec.kinds.map((kind, i) => {
    if (kind === 'n') {
      if (spec.name === 'phiPow') return fc.bigInt({ min: 0n, max: 130n });
      if (spec.name === 'sdFromInt') return fc.bigInt({ min: -(1n << 130n), max: 1n << 130n });
      return fc.bigInt({ min: 0n, max: 1n << 130n });
    }
    if (spec.name === 'exp' || spec.name === 'exp2') {
      return fc.oneof(rawIn(-80n * UNIT, 80n * UNIT, EXP_EDGES), sdRaw());
    }
    if (spec.name === 'pow' && i === 1) return fc.oneof(rawIn(-40n * UNIT, 40n * UNIT), sdRaw());
    return kind === 'ud' ? udRaw() : sdRaw();
  });
  return fc.tuple(...parts);
}

describe('math parity: TypeScript runtime vs Solidity mirror', function () {
  let harness: MathHarness;

  before(async () => {
    const deployer = (await ethers.getSigners())[0]!;
    harness = await new MathHarness__factory(deployer).deploy();
  });

  for (const spec of OPS) {
    it(`${spec.name}: identical results and identical errors`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(arbitraryFor(spec), { minLength: BATCH, maxLength: BATCH }),
          async (inputs) => {
            const outcomes = await harness.batch(opId(spec.name), inputs.map(triple));
            inputs.forEach((args, i) => {
              const expected = evaluate(spec, args);
              const actual = outcomes[i]!;
              const label = `${spec.name}(${args.join(', ')})`;
              if (expected.ok) {
                expect(actual.ok, `${label} reverted on the EVM`).to.equal(true);
                expect(actual.value, label).to.equal(expected.value);
              } else {
                expect(actual.ok, `${label} succeeded on the EVM`).to.equal(false);
                const decoded = harness.interface.parseError(actual.revertData);
                expect(decoded?.name, label).to.equal(solidityErrorName(expected.code));
                expect([...(decoded?.args ?? [])], label).to.deep.equal([
                  BigInt(opId(spec.name)),
                  ...triple(expected.operands),
                ]);
              }
            });
          },
        ),
        { numRuns: BATCH_RUNS },
      );
    });
  }

  it('maps every runtime math code to a Solidity error present in the ABI', () => {
    for (const code of ['MATH_OVERFLOW', 'MATH_UNDERFLOW', 'MATH_DIV_BY_ZERO', 'MATH_DOMAIN']) {
      expect(harness.interface.getError(solidityErrorName(code)), code).to.not.equal(null);
    }
  });
});
