/*
 * compareManifests
 * └── every missing, extra and changed file, in path order; nothing for identical manifests
 * assertManifestIntact
 * ├── passes for identical manifests
 * └── throws CIR412_QUARANTINE naming the first mismatch and the count
 */
import { expect } from 'chai';
import { assertManifestIntact, Cir412Halt, compareManifests } from '../../../runtime/guard';
import { caught } from '../../support/keys';

const H1 = '1'.repeat(64);
const H2 = '2'.repeat(64);
const H3 = '3'.repeat(64);

describe('compareManifests', () => {
  it('returns nothing for identical manifests (key order does not matter)', () => {
    expect(compareManifests({ a: H1, b: H2 }, { b: H2, a: H1 })).to.deep.equal([]);
  });
  it('lists missing, extra and changed files in path order', () => {
    const expected = { 'z.ts': H1, 'b.ts': H2, 'm.ts': H3 };
    const actual = { 'm.ts': H1, 'a.ts': H1, 'z.ts': H1 };
    expect(compareManifests(expected, actual)).to.deep.equal([
      { path: 'a.ts', expected: null, actual: H1 },
      { path: 'b.ts', expected: H2, actual: null },
      { path: 'm.ts', expected: H3, actual: H1 },
    ]);
  });
  it('does not mistake inherited properties for files', () => {
    expect(compareManifests({ toString: H1 }, { toString: H1 })).to.deep.equal([]);
    expect(compareManifests({}, { constructor: H1 })).to.have.length(1);
  });
});

describe('assertManifestIntact', () => {
  it('passes when nothing differs', () => {
    expect(() => assertManifestIntact({ a: H1 }, { a: H1 })).to.not.throw();
  });
  it('throws CIR412_QUARANTINE with the first mismatch and the count', () => {
    const err = caught(() => assertManifestIntact({ a: H1, b: H2 }, { b: H3 }));
    expect(err).to.be.instanceOf(Cir412Halt);
    expect((err as Cir412Halt).evidence).to.deep.equal({
      path: 'a',
      expected: H1,
      actual: 'absent',
      mismatches: '2',
    });
  });
});
