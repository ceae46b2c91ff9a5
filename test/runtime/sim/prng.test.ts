/*
 * SeededRandom
 * ├── the stream is SHA-256("QFS/sim/prng/v1\n" ‖ seed ‖ "\n" ‖ block), big-endian 32-bit words
 * ├── same seed → same stream; another seed → another stream
 * ├── below(n) stays in [0, n) and reaches every value; between(lo, hi) is inclusive
 * ├── chance(0) never, chance(1000) always; pick from a list; bytes(n)
 * └── rejects bounds outside [1, 2^32] and picking from an empty list
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { SeededRandom } from '../../../runtime/sim';

describe('SeededRandom', () => {
  it('reads SHA-256 counter blocks as big-endian 32-bit words', () => {
    const rng = new SeededRandom('seed=1');
    const block0 = createHash('sha256').update('QFS/sim/prng/v1\nseed=1\n0').digest();
    const block1 = createHash('sha256').update('QFS/sim/prng/v1\nseed=1\n1').digest();
    const words = Array.from({ length: 9 }, () => rng.nextU32());
    expect(words.slice(0, 8)).to.deep.equal(
      Array.from({ length: 8 }, (_, i) => block0.readUInt32BE(4 * i)),
    );
    expect(words[8]).to.equal(block1.readUInt32BE(0));
  });

  it('repeats for the same seed and differs for another', () => {
    const draw = (seed: string) => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: 20 }, () => rng.below(1000));
    };
    expect(draw('a')).to.deep.equal(draw('a'));
    expect(draw('a')).to.not.deep.equal(draw('b'));
  });

  it('keeps below(n) in [0, n) and reaches every value', () => {
    const rng = new SeededRandom('below');
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const v = rng.below(7);
      expect(v).to.be.within(0, 6);
      seen.add(v);
    }
    expect(seen.size).to.equal(7);
    expect(rng.below(1)).to.equal(0);
    expect(rng.below(2 ** 32)).to.be.within(0, 2 ** 32 - 1);
  });

  it('makes between(lo, hi) inclusive', () => {
    const rng = new SeededRandom('between');
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(rng.between(5, 7));
    expect([...seen].sort()).to.deep.equal([5, 6, 7]);
  });

  it('answers chance(0) never and chance(1000) always', () => {
    const rng = new SeededRandom('chance');
    for (let i = 0; i < 100; i++) {
      expect(rng.chance(0)).to.equal(false);
      expect(rng.chance(1000)).to.equal(true);
    }
  });

  it('picks list elements and produces bytes', () => {
    const rng = new SeededRandom('pick');
    expect(['x', 'y', 'z']).to.include(rng.pick(['x', 'y', 'z']));
    const bytes = rng.bytes(7);
    expect(bytes).to.have.length(7);
    expect(new SeededRandom('pick').bytes(32)).to.not.deep.equal(
      new SeededRandom('other').bytes(32),
    );
  });

  it('rejects a bound outside [1, 2^32] and an empty pick', () => {
    const rng = new SeededRandom('bad');
    expect(() => rng.below(0)).to.throw(RangeError);
    expect(() => rng.below(1.5)).to.throw(RangeError);
    expect(() => rng.below(2 ** 32 + 1)).to.throw(RangeError);
    expect(() => rng.pick([])).to.throw(RangeError);
  });
});
