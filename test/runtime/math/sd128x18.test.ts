import { expect } from 'chai';
import {
  SD,
  UD,
  MathDivByZeroError,
  MathOverflowError,
  MathParseError,
  MathUnderflowError,
} from '../../../runtime/math';

const s = SD.parse;
const MIN = -(1n << 127n);
const MAX = (1n << 127n) - 1n;

describe('SD.parse / SD.format', () => {
  it('parses signed literals exactly', () => {
    expect(s('-0.25') as bigint).to.equal(-25n * 10n ** 16n);
    expect(s('-0') as bigint).to.equal(0n);
    expect(s('170141183460469231731.687303715884105727') as bigint).to.equal(MAX);
    expect(s('-170141183460469231731.687303715884105728') as bigint).to.equal(MIN);
  });
  it('rejects a plus sign, a double sign and an exponent with MATH_PARSE', () => {
    for (const bad of ['+1', '--1', '-', '-1e2', '- 1'])
      expect(() => s(bad), bad).to.throw(MathParseError);
  });
  it('rejects values one ulp outside the range with MATH_OVERFLOW', () => {
    expect(() => s('170141183460469231731.687303715884105728')).to.throw(MathOverflowError);
    expect(() => s('-170141183460469231731.687303715884105729')).to.throw(MathOverflowError);
  });
  it('formats negatives with 18 digits and trimmed', () => {
    expect(SD.format(s('-1.5'))).to.equal('-1.500000000000000000');
    expect(SD.formatTrimmed(s('-1.5'))).to.equal('-1.5');
    expect(SD.formatTrimmed(s('-0.000000000000000001'))).to.equal('-0.000000000000000001');
  });
});

describe('SD arithmetic', () => {
  it('adds and subtracts across zero', () => {
    expect(SD.add(s('-1.5'), s('0.5'))).to.equal(s('-1'));
    expect(SD.sub(s('0.5'), s('1.5'))).to.equal(s('-1'));
  });
  it('overflows at both ends with the operands', () => {
    const err = catchErr(() => SD.add(SD.MAX, s('0.000000000000000001'))) as MathOverflowError;
    expect(err.operands).to.deep.equal([MAX, 1n, 0n]);
    expect(() => SD.sub(SD.MIN, s('0.000000000000000001'))).to.throw(MathOverflowError);
  });
  it('mul and div round toward zero on both signs', () => {
    expect(SD.mul(s('-0.000000000000000001'), s('0.5'))).to.equal(SD.ZERO);
    expect(SD.div(s('-1'), s('3'))).to.equal(s('-0.333333333333333333'));
    expect(SD.div(s('1'), s('-3'))).to.equal(s('-0.333333333333333333'));
  });
  it('div by zero throws MATH_DIV_BY_ZERO', () =>
    expect(() => SD.div(s('1'), SD.ZERO)).to.throw(MathDivByZeroError));
  it('MIN has no negation or absolute value', () => {
    expect(() => SD.neg(SD.MIN)).to.throw(MathOverflowError);
    expect(() => SD.abs(SD.MIN)).to.throw(MathOverflowError);
    expect(SD.abs(s('-2'))).to.equal(s('2'));
    expect(SD.neg(s('2'))).to.equal(s('-2'));
  });
  it('MIN / -1 overflows', () =>
    expect(() => SD.div(SD.MIN, s('-0.000000000000000001'))).to.throw(MathOverflowError));
});

describe('SD conversions', () => {
  it('toUD refuses negatives with MATH_UNDERFLOW', () => {
    expect(() => SD.toUD(s('-1'))).to.throw(MathUnderflowError);
    expect(SD.toUD(s('2.5'))).to.equal(UD.parse('2.5'));
  });
  it('fromUD refuses values above the signed range', () => {
    expect(() => SD.fromUD(UD.MAX)).to.throw(MathOverflowError);
    expect(SD.fromUD(UD.parse('3'))).to.equal(s('3'));
  });
  it('fromInt / toInt truncate toward zero', () => {
    expect(SD.fromInt(-4n)).to.equal(s('-4'));
    expect(SD.toInt(s('-2.9'))).to.equal(-2n);
    expect(() => SD.fromInt(1n << 70n)).to.throw(MathOverflowError);
  });
  it('orders values', () => {
    expect(SD.compare(s('-1'), s('1'))).to.equal(-1);
    expect(SD.min(s('-1'), s('1'))).to.equal(s('-1'));
    expect(SD.max(s('-1'), s('1'))).to.equal(s('1'));
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
