import { expect } from 'chai';
import vectorsFile from '../../vectors/math.json';
import { OPS, evaluate, triple } from '../../support/math-ops';

type Vector = { op: string; args: string[]; result?: string; error?: string; operands?: string[] };
const vectors = vectorsFile.vectors as Vector[];

describe('golden vectors (test/vectors/math.json) through the TypeScript runtime', () => {
  it('holds vectors for every operation, including failing inputs', () => {
    expect(new Set(vectors.map((v) => v.op))).to.deep.equal(new Set(OPS.map((o) => o.name)));
    expect(vectors.some((v) => v.error !== undefined)).to.equal(true);
  });

  for (const spec of OPS) {
    it(`${spec.name}: every vector reproduces`, () => {
      for (const v of vectors.filter((x) => x.op === spec.name)) {
        const outcome = evaluate(spec, v.args.map(BigInt));
        const label = `${v.op}(${v.args.join(', ')})`;
        if (v.error === undefined) {
          expect(outcome, label).to.deep.equal({ ok: true, value: BigInt(v.result ?? '') });
        } else {
          expect(outcome.ok, label).to.equal(false);
          if (!outcome.ok) {
            expect(outcome.code, label).to.equal(v.error);
            expect(triple(outcome.operands).map(String), label).to.deep.equal(v.operands);
          }
        }
      }
    });
  }
});
