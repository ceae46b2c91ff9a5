import { expect } from 'chai';
import { ethers } from 'hardhat';
import vectorsFile from '../vectors/math.json';
import { MathHarness__factory, type MathHarness } from '../../typechain-types';
import { OPS, opId, solidityErrorName } from '../support/math-ops';

type Vector = { op: string; args: string[]; result?: string; error?: string; operands?: string[] };
const vectors = vectorsFile.vectors as Vector[];

describe('golden vectors (test/vectors/math.json) through the Solidity mirror', () => {
  let harness: MathHarness;

  before(async () => {
    const deployer = (await ethers.getSigners())[0]!;
    harness = await new MathHarness__factory(deployer).deploy();
  });

  for (const spec of OPS) {
    it(`${spec.name}: every vector reproduces on the EVM`, async () => {
      const mine = vectors.filter((v) => v.op === spec.name);
      const args = mine.map(
        (v) => [0, 1, 2].map((i) => BigInt(v.args[i] ?? '0')) as [bigint, bigint, bigint],
      );
      const outcomes = await harness.batch(opId(spec.name), args);
      mine.forEach((v, i) => {
        const actual = outcomes[i]!;
        const label = `${v.op}(${v.args.join(', ')})`;
        if (v.error === undefined) {
          expect(actual.ok, label).to.equal(true);
          expect(actual.value.toString(), label).to.equal(v.result);
        } else {
          expect(actual.ok, label).to.equal(false);
          const decoded = harness.interface.parseError(actual.revertData);
          expect(decoded?.name, label).to.equal(solidityErrorName(v.error));
          expect([...(decoded?.args ?? [])].map(String), label).to.deep.equal([
            String(opId(spec.name)),
            ...(v.operands ?? []),
          ]);
        }
      });
    });
  }
});
