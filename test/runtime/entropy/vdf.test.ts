/*
 * Wesolowski VDF over RSA-2048.
 *
 * RSA_2048_MODULUS: the challenge number (2048 bits, 617 digits, odd, no small factor)
 * evaluateVdf
 * ├── y is x squared T times (independent loop), π is x^⌊2^T/ℓ⌋ (independent exponentiation)
 * ├── ℓ is a 256-bit prime (independent Fermat test)
 * ├── deterministic: the same input and T give the same bytes; a pinned vector
 * └── throws ENTROPY_VDF_INPUT_INVALID for T = 0, T > 2^24, an empty, long or non-hex input
 * verifyVdf
 * ├── true for every evaluation (several T, including those not a multiple of the chunk size)
 * └── false for y ± 1, the other sign of y, π changed, T ± 1, another input, y = 0, y > (N−1)/2
 * isProbablePrime: small primes, Carmichael numbers, strong pseudoprimes to base 2, Mersenne primes
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import {
  challengePrime,
  elementHex,
  evaluateVdf,
  isProbablePrime,
  modPow,
  RSA_2048_MODULUS,
  vdfBase,
  VDF_T_MAX,
  verifyVdf,
} from '../../../runtime/entropy';

const N = RSA_2048_MODULUS;
const canonical = (v: bigint) => (v > N / 2n ? N - v : v);
const big = (hex: string) => BigInt(`0x${hex}`);

describe('RSA_2048_MODULUS', () => {
  it('is the 617-digit, 2048-bit challenge number, odd and without a factor below 10,000', () => {
    expect(N.toString().length).to.equal(617);
    expect(N.toString(2).length).to.equal(2048);
    expect(N.toString().startsWith('251959084756578934940271832400483985714292821262040320277771'))
      .to.be.true;
    expect(N.toString().endsWith('2120720357')).to.be.true;
    for (let p = 2n; p < 10_000n; p++) expect(N % p, `divisible by ${p}`).to.not.equal(0n);
  });
});

describe('evaluateVdf', () => {
  const input = '5a'.repeat(32);
  for (const t of [1n, 2n, 3n, 17n, 64n, 255n, 1000n]) {
    it(`computes y = x^(2^${t}) and π = x^⌊2^T/ℓ⌋ exactly (T = ${t})`, () => {
      const e = evaluateVdf(input, t);
      const x = vdfBase(Buffer.from(input, 'hex'));
      expect(e.x).to.equal(elementHex(x));
      let y = x;
      for (let i = 0n; i < t; i++) y = (y * y) % N;
      expect(e.output).to.equal(elementHex(canonical(y)));
      const l = big(e.challenge);
      expect(e.proof).to.equal(elementHex(canonical(modPow(x, (1n << t) / l, N))));
      expect(verifyVdf(input, t, e.output, e.proof)).to.equal(true);
    });
  }

  it('draws ℓ as a 256-bit prime (checked with Fermat tests to 16 bases here)', () => {
    const e = evaluateVdf(input, 100n);
    const l = big(e.challenge);
    expect(l.toString(2).length).to.equal(256);
    for (const a of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n, 41n, 43n, 47n, 53n])
      expect(modPow(a, l - 1n, l)).to.equal(1n);
    expect(challengePrime(100n, big(e.x), big(e.output))).to.equal(l);
  });

  it('is deterministic: a pinned vector (input 00×32, T = 4096)', () => {
    const a = evaluateVdf('00'.repeat(32), 4096n);
    const b = evaluateVdf('00'.repeat(32), 4096n);
    expect(a).to.deep.equal(b);
    const digest = createHash('sha256')
      .update([a.x, a.output, a.challenge, a.proof].join(''))
      .digest('hex');
    expect(digest).to.equal(PINNED_4096);
  });

  const bad: [string, string, bigint][] = [
    ['T = 0', '00', 0n],
    ['T above 2^24', '00', VDF_T_MAX + 1n],
    ['an empty input', '', 10n],
    ['an input over 256 bytes', '00'.repeat(257), 10n],
    ['uppercase hex', 'AB', 10n],
    ['odd-length hex', 'abc', 10n],
  ];
  for (const [what, inputHex, t] of bad) {
    it(`throws ENTROPY_VDF_INPUT_INVALID for ${what}`, () => {
      expect(() => evaluateVdf(inputHex, t))
        .to.throw()
        .with.property('code', 'ENTROPY_VDF_INPUT_INVALID');
    });
  }
});

describe('verifyVdf', () => {
  const input = 'c0ffee';
  const t = 333n;
  const e = evaluateVdf(input, t);
  const y = big(e.output);
  const proof = big(e.proof);

  it('accepts the evaluation', () => {
    expect(verifyVdf(input, t, e.output, e.proof)).to.equal(true);
  });
  const wrong: [string, () => boolean][] = [
    ['y + 1', () => verifyVdf(input, t, elementHex(y + 1n), e.proof)],
    ['y − 1', () => verifyVdf(input, t, elementHex(y - 1n), e.proof)],
    ['the other representative N − y', () => verifyVdf(input, t, elementHex(N - y), e.proof)],
    ['π + 1', () => verifyVdf(input, t, e.output, elementHex(proof + 1n))],
    ['π of another T', () => verifyVdf(input, t, e.output, evaluateVdf(input, t + 1n).proof)],
    ['T + 1', () => verifyVdf(input, t + 1n, e.output, e.proof)],
    ['T − 1', () => verifyVdf(input, t - 1n, e.output, e.proof)],
    ['another input', () => verifyVdf('c0ffef', t, e.output, e.proof)],
    ['y = 0', () => verifyVdf(input, t, elementHex(0n), e.proof)],
    ['π = 0', () => verifyVdf(input, t, e.output, elementHex(0n))],
  ];
  for (const [what, run] of wrong) {
    it(`rejects ${what}`, () => {
      expect(run()).to.equal(false);
    });
  }
  it('throws ENTROPY_VDF_INPUT_INVALID for an output or proof of the wrong length', () => {
    expect(() => verifyVdf(input, t, e.output.slice(2), e.proof))
      .to.throw()
      .with.property('code', 'ENTROPY_VDF_INPUT_INVALID');
    expect(() => verifyVdf(input, t, e.output, `${e.proof}00`))
      .to.throw()
      .with.property('code', 'ENTROPY_VDF_INPUT_INVALID');
  });
});

describe('isProbablePrime', () => {
  const primes = [
    2n,
    3n,
    5n,
    157n,
    163n,
    7919n,
    (1n << 61n) - 1n,
    (1n << 127n) - 1n,
    (1n << 255n) - 19n,
  ];
  const composites = [
    0n,
    1n,
    4n,
    561n, // Carmichael
    41041n, // Carmichael
    825265n, // Carmichael
    2047n, // strong pseudoprime to base 2
    3277n,
    4033n,
    3215031751n, // strong pseudoprime to bases 2, 3, 5, 7
    (1n << 127n) - 3n,
    ((1n << 61n) - 1n) * ((1n << 89n) - 1n),
  ];
  for (const p of primes) it(`says ${p} is prime`, () => expect(isProbablePrime(p)).to.equal(true));
  for (const c of composites)
    it(`says ${c} is composite`, () => expect(isProbablePrime(c)).to.equal(false));
});

/** SHA-256 of x ‖ y ‖ ℓ ‖ π for input 00×32 and T = 4096, recorded when the format was fixed. */
const PINNED_4096 = '894b45a7eb125681f239dc6589ff5059502cbf4624a00f5f83785aed9e57a413';
