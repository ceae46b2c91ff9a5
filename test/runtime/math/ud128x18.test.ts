import { expect } from 'chai';
import {
  UD,
  MathOverflowError,
  MathUnderflowError,
  MathDivByZeroError,
  MathParseError,
} from '../../../runtime/math';
import { ErrorCode } from '../../../runtime/errors';

const u = UD.parse;
const MAX = (1n << 128n) - 1n;

describe('UD.parse', () => {
  const valid: [string, bigint][] = [
    ['0', 0n],
    ['1', 10n ** 18n],
    ['1.5', 15n * 10n ** 17n],
    ['0.000000000000000001', 1n],
    ['007.25', 725n * 10n ** 16n],
    ['340282366920938463463.374607431768211455', MAX],
  ];
  for (const [literal, raw] of valid) {
    it(`parses ${literal} exactly`, () => expect(u(literal) as bigint).to.equal(raw));
  }

  const malformed = [
    '',
    '-1',
    '+1',
    '1e3',
    ' 1',
    '1 ',
    '.5',
    '5.',
    '1.0000000000000000001',
    '١',
    '1,5',
    '0x10',
    'NaN',
  ];
  for (const literal of malformed) {
    it(`rejects ${JSON.stringify(literal)} with MATH_PARSE`, () => {
      expect(() => u(literal))
        .to.throw(MathParseError)
        .with.property('code', ErrorCode.MATH_PARSE);
    });
  }

  it('rejects one ulp above the maximum with MATH_OVERFLOW carrying the value', () => {
    const err = catchErr(() => u('340282366920938463463.374607431768211456'));
    expect(err).to.be.instanceOf(MathOverflowError);
    expect((err as MathOverflowError).operands[0]).to.equal(MAX + 1n);
  });
});

describe('UD.format', () => {
  it('prints 18 fractional digits', () =>
    expect(UD.format(u('1.5'))).to.equal('1.500000000000000000'));
  it('trims trailing zeros', () => {
    expect(UD.formatTrimmed(u('1.5'))).to.equal('1.5');
    expect(UD.formatTrimmed(u('2'))).to.equal('2');
    expect(UD.formatTrimmed(UD.ZERO)).to.equal('0');
  });
  it('round-trips the maximum', () => expect(UD.parse(UD.format(UD.MAX))).to.equal(UD.MAX));
});

describe('UD.fromInt / toInt', () => {
  it('scales whole numbers', () => expect(UD.fromInt(7n) as bigint).to.equal(7n * 10n ** 18n));
  it('truncates toward zero', () => expect(UD.toInt(u('2.9'))).to.equal(2n));
  it('throws MATH_UNDERFLOW for negatives', () =>
    expect(() => UD.fromInt(-1n)).to.throw(MathUnderflowError));
  it('throws MATH_OVERFLOW past the range', () =>
    expect(() => UD.fromInt(340282366920938463464n)).to.throw(MathOverflowError));
});

describe('UD.add', () => {
  it('adds', () => expect(UD.add(u('1.25'), u('2.5'))).to.equal(u('3.75')));
  it('reaches MAX exactly', () =>
    expect(UD.add(UD.wrap(MAX - 1n), UD.wrap(1n)) as bigint).to.equal(MAX));
  it('throws MATH_OVERFLOW with both operands past MAX', () => {
    const err = catchErr(() => UD.add(UD.MAX, UD.wrap(1n))) as MathOverflowError;
    expect(err.code).to.equal(ErrorCode.MATH_OVERFLOW);
    expect(err.operands).to.deep.equal([MAX, 1n, 0n]);
    expect(err.op).to.equal('add');
  });
});

describe('UD.sub', () => {
  it('subtracts', () => expect(UD.sub(u('3'), u('1.5'))).to.equal(u('1.5')));
  it('throws MATH_UNDERFLOW instead of saturating (1 − 2)', () => {
    const err = catchErr(() => UD.sub(u('1'), u('2'))) as MathUnderflowError;
    expect(err).to.be.instanceOf(MathUnderflowError);
    expect(err.operands).to.deep.equal([10n ** 18n, 2n * 10n ** 18n, 0n]);
  });
  it('absDiff is the explicit distance', () => {
    expect(UD.absDiff(u('1'), u('2.5'))).to.equal(u('1.5'));
    expect(UD.absDiff(u('2.5'), u('1'))).to.equal(u('1.5'));
  });
});

describe('UD.mul / UD.div / UD.mulDiv', () => {
  it('mul rounds toward zero', () =>
    expect(UD.mul(u('0.000000000000000001'), u('0.5')) as bigint).to.equal(0n));
  it('div rounds toward zero (1/3)', () =>
    expect(UD.div(u('1'), u('3'))).to.equal(u('0.333333333333333333')));
  it('div by zero throws MATH_DIV_BY_ZERO', () =>
    expect(() => UD.div(u('1'), UD.ZERO)).to.throw(MathDivByZeroError));
  it('mul of MAX by 1 is MAX; by 1 ulp more overflows', () => {
    expect(UD.mul(UD.MAX, UD.UNIT)).to.equal(UD.MAX);
    expect(() => UD.mul(UD.MAX, UD.wrap(10n ** 18n + 1n))).to.throw(MathOverflowError);
  });
  it('mulDiv keeps the full product before dividing', () => {
    expect(UD.mulDiv(UD.MAX, UD.MAX, UD.MAX)).to.equal(UD.MAX);
    expect(UD.mulDiv(u('10'), u('3'), u('4'))).to.equal(UD.wrap(75n * 10n ** 17n));
  });
  it('mulDiv by zero carries all three operands', () => {
    const err = catchErr(() => UD.mulDiv(u('1'), u('2'), UD.ZERO)) as MathDivByZeroError;
    expect(err.operands).to.deep.equal([10n ** 18n, 2n * 10n ** 18n, 0n]);
  });
});

describe('UD comparisons', () => {
  it('orders values', () => {
    expect(UD.compare(u('1'), u('2'))).to.equal(-1);
    expect(UD.compare(u('2'), u('2'))).to.equal(0);
    expect(UD.min(u('1'), u('2'))).to.equal(u('1'));
    expect(UD.max(u('1'), u('2'))).to.equal(u('2'));
    expect(UD.lt(u('1'), u('2'))).to.equal(true);
    expect(UD.gte(u('1'), u('2'))).to.equal(false);
  });
});

function catchErr(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}
