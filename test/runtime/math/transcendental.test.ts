/*
 * ln / log2 / exp / exp2 / pow / sqrt / phiPow
 * ├── worked examples (exact values, exact identities)
 * ├── domain edges → typed errors carrying the operands
 * └── accuracy against the decimal.js oracle (60 digits), edge-biased random inputs:
 *     max error ≤ 1 in units of max(1 ulp, 1e-18·|truth|); sqrt and phiPow exact
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  SD,
  UD,
  exp,
  exp2,
  ln,
  log2,
  phiPow,
  pow,
  sqrt,
  MathDomainError,
  MathOverflowError,
  type SD128x18,
  type UD128x18,
} from '../../../runtime/math';
import { isqrt } from '../../../runtime/math/q128';
import { numRuns } from '../../support/num-runs';
import {
  errorUnits,
  toRawTruncated,
  truth,
  UD_MAX_DECIMAL,
  OracleDecimal,
} from '../../support/oracle';
import { UD_MAX, UNIT, rawIn, udRaw } from '../../support/arbitraries';

const u = UD.parse;
const s = SD.parse;
const udw = (raw: bigint) => raw as UD128x18;
const sdw = (raw: bigint) => raw as SD128x18;

/** Random inputs per function for the oracle comparison ("thousands" at the CI default). */
const ORACLE_RUNS = Math.max(2000, numRuns * 20);
const maxErrors: Record<string, number> = {};

function record(fn: string, err: number): void {
  maxErrors[fn] = Math.max(maxErrors[fn] ?? 0, err);
  expect(err, `${fn} error ${err} exceeds the bound`).to.be.at.most(1);
}

describe('transcendental functions', () => {
  after(() => {
    const line = Object.entries(maxErrors)
      .map(([fn, e]) => `${fn}=${e.toPrecision(9)}`)
      .join(' ');
    console.log(
      `      max error observed (units of the bound, ${ORACLE_RUNS} inputs each): ${line}`,
    );
  });

  describe('ln', () => {
    it('is exact at 1 and close to ln 2, ln 10, ln 0.5', () => {
      expect(ln(UD.UNIT)).to.equal(SD.ZERO);
      expect(SD.format(ln(u('2')))).to.equal('0.693147180559945309');
      expect(SD.format(ln(u('10')))).to.equal('2.302585092994045684');
      expect(SD.format(ln(u('0.5')))).to.equal('-0.693147180559945309');
      expect(SD.format(ln(u('3')))).to.equal('1.098612288668109691'); // the reference returns ln 5 here
    });
    it('covers the whole domain: 1 ulp and MAX', () => {
      expect(SD.format(ln(udw(1n)))).to.equal('-41.446531673892822312');
      expect(SD.format(ln(UD.MAX))).to.equal('47.276307437780177293');
    });
    it('throws MATH_DOMAIN for 0', () => {
      expect(() => ln(UD.ZERO))
        .to.throw(MathDomainError)
        .with.property('op', 'ln');
    });
    it('is within the bound of the oracle', () => {
      fc.assert(
        fc.property(
          udRaw().filter((x) => x > 0n),
          (x) => record('ln', errorUnits(ln(udw(x)), truth.ln(x))),
        ),
        {
          numRuns: ORACLE_RUNS,
        },
      );
    });
  });

  describe('log2', () => {
    it('is exact for powers of two', () => {
      expect(log2(u('8'))).to.equal(s('3'));
      expect(log2(u('0.25'))).to.equal(s('-2'));
      expect(log2(u('1024'))).to.equal(s('10'));
    });
    it('throws MATH_DOMAIN for 0', () => expect(() => log2(UD.ZERO)).to.throw(MathDomainError));
    it('is within the bound of the oracle', () => {
      fc.assert(
        fc.property(
          udRaw().filter((x) => x > 0n),
          (x) => record('log2', errorUnits(log2(udw(x)), truth.log2(x))),
        ),
        {
          numRuns: ORACLE_RUNS,
        },
      );
    });
  });

  describe('exp', () => {
    it('is exact at 0 and close to e', () => {
      expect(exp(SD.ZERO)).to.equal(UD.UNIT);
      expect(UD.format(exp(s('1')))).to.equal('2.718281828459045235');
      expect(UD.format(exp(s('-1')))).to.equal('0.367879441171442321');
    });
    it('returns 0 when e^x < 1e-18 and overflows past ln(MAX)', () => {
      expect(exp(s('-41.5'))).to.equal(UD.ZERO);
      expect(exp(SD.MIN)).to.equal(UD.ZERO);
      const err = catchErr(() => exp(s('47.3'))) as MathOverflowError;
      expect(err).to.be.instanceOf(MathOverflowError);
      expect(err.operands).to.deep.equal([s('47.3') as bigint, 0n, 0n]);
      expect(() => exp(SD.MAX)).to.throw(MathOverflowError);
    });
    it('is within the bound of the oracle, and overflows only where the truth is out of range', () => {
      fc.assert(
        fc.property(
          rawIn(-45n * UNIT, 48n * UNIT, [47_276307437780177293n, -41_446531673892822312n]),
          (x) => checkOrOverflow('exp', () => exp(sdw(x)), truth.exp(x)),
        ),
        { numRuns: ORACLE_RUNS },
      );
    });
  });

  describe('exp2', () => {
    it('is exact for integers', () => {
      expect(exp2(s('3'))).to.equal(u('8'));
      expect(exp2(s('-1'))).to.equal(u('0.5'));
      expect(exp2(s('68'))).to.equal(UD.fromInt(1n << 68n));
    });
    it('overflows past log2(MAX) and is 0 below 2^-60', () => {
      expect(() => exp2(s('68.21'))).to.throw(MathOverflowError);
      expect(exp2(s('-61'))).to.equal(UD.ZERO);
    });
    it('is within the bound of the oracle', () => {
      fc.assert(
        fc.property(rawIn(-62n * UNIT, 69n * UNIT, [68_205294292027477738n]), (x) =>
          checkOrOverflow('exp2', () => exp2(sdw(x)), truth.exp2(x)),
        ),
        { numRuns: ORACLE_RUNS },
      );
    });
  });

  describe('pow', () => {
    it('follows the conventions 0^0 = 1, 0^y = 0, x^0 = 1, x^1 = x, 1^y = 1', () => {
      expect(pow(UD.ZERO, SD.ZERO)).to.equal(UD.UNIT);
      expect(pow(UD.ZERO, s('2'))).to.equal(UD.ZERO);
      expect(pow(u('7.5'), SD.ZERO)).to.equal(UD.UNIT);
      expect(pow(u('7.5'), SD.UNIT)).to.equal(u('7.5'));
      expect(pow(UD.UNIT, s('-123.4'))).to.equal(UD.UNIT);
    });
    it('is exact on powers of two and close on roots', () => {
      expect(pow(u('2'), s('10'))).to.equal(u('1024'));
      expect(pow(u('4'), s('0.5'))).to.equal(u('2'));
      expect(pow(u('0.5'), s('-3'))).to.equal(u('8'));
      expect(UD.format(pow(u('2'), s('0.5')))).to.equal('1.414213562373095048');
    });
    it('throws MATH_DOMAIN for 0 to a negative power, MATH_OVERFLOW past the range', () => {
      const err = catchErr(() => pow(UD.ZERO, s('-1'))) as MathDomainError;
      expect(err).to.be.instanceOf(MathDomainError);
      expect(err.operands).to.deep.equal([0n, -UNIT, 0n]);
      expect(() => pow(u('10'), s('21'))).to.throw(MathOverflowError);
    });
    it('is within the bound of the oracle', () => {
      const pairs = fc.tuple(
        udRaw().filter((x) => x > 0n),
        rawIn(-(1n << 80n), 1n << 80n, [UNIT / 2n, -UNIT / 2n]),
      );
      fc.assert(
        fc.property(pairs, ([x, y]) => {
          const t = truth.pow(x, y);
          if (t.gt(new OracleDecimal('1e30'))) {
            expect(() => pow(udw(x), sdw(y))).to.throw(MathOverflowError);
          } else if (t.lt(new OracleDecimal('1e-30'))) {
            expect(pow(udw(x), sdw(y))).to.equal(UD.ZERO);
          } else {
            checkOrOverflow('pow', () => pow(udw(x), sdw(y)), t);
          }
        }),
        { numRuns: ORACLE_RUNS },
      );
    });
  });

  describe('sqrt', () => {
    it('is exactly the floor of the square root', () => {
      expect(UD.format(sqrt(u('2')))).to.equal('1.414213562373095048');
      expect(sqrt(u('4'))).to.equal(u('2'));
      expect(sqrt(UD.ZERO)).to.equal(UD.ZERO);
      expect(sqrt(udw(1n))).to.equal(udw(10n ** 9n));
      expect(sqrt(UD.MAX) as bigint).to.equal(18446744073709551615999999999n);
    });
    it('matches ⌊√x⌋ of the oracle exactly', () => {
      fc.assert(
        fc.property(udRaw(), (x) => {
          const r = sqrt(udw(x)) as bigint;
          expect(r * r <= x * UNIT && (r + 1n) * (r + 1n) > x * UNIT).to.equal(true);
          record('sqrt', errorUnits(r, truth.sqrt(x)));
        }),
        { numRuns: ORACLE_RUNS },
      );
    });
    it('isqrt is exact around perfect squares', () => {
      for (const r of [1n, 3n, 10n ** 9n, (1n << 94n) - 1n]) {
        expect(isqrt(r * r)).to.equal(r);
        expect(isqrt(r * r - 1n)).to.equal(r - 1n);
        expect(isqrt(r * r + 2n * r)).to.equal(r);
      }
    });
  });

  describe('phiPow', () => {
    it('gives 1, φ, φ² exactly truncated', () => {
      expect(phiPow(0n)).to.equal(UD.UNIT);
      expect(UD.format(phiPow(1n))).to.equal('1.618033988749894848');
      expect(UD.format(phiPow(2n))).to.equal('2.618033988749894848');
    });
    it('equals ⌊φ^n⌋ of the oracle for every n in [0, 98]', () => {
      for (let n = 0n; n <= 98n; n++) {
        expect(phiPow(n) as bigint, `n=${n}`).to.equal(toRawTruncated(truth.phiPow(n)));
        record('phiPow', errorUnits(phiPow(n), truth.phiPow(n)));
      }
    });
    it('throws MATH_OVERFLOW past 98 and MATH_DOMAIN below 0', () => {
      expect(() => phiPow(99n)).to.throw(MathOverflowError);
      expect(() => phiPow(-1n)).to.throw(MathDomainError);
    });
  });
});

/** Either the result is within the bound, or it overflowed and the truth is (within the bound) above MAX. */
function checkOrOverflow(
  fn: string,
  compute: () => bigint,
  t: InstanceType<typeof OracleDecimal>,
): void {
  let result: bigint;
  try {
    result = compute();
  } catch (err) {
    expect(err).to.be.instanceOf(MathOverflowError);
    expect(
      t.gte(UD_MAX_DECIMAL.mul(new OracleDecimal(1).sub('1e-18'))),
      `${fn} overflowed below MAX`,
    ).to.equal(true);
    return;
  }
  expect(result <= UD_MAX).to.equal(true);
  record(fn, errorUnits(result, t));
}

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
