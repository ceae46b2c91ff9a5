/*
 * runtime/codec/shape.ts: the JSON shape checks every parser shares
 * ├── predicates: isRecord, exactKeysProblem (missing and unexpected keys), unknownKey,
 * │   parseWholeNumber (canonical, bounded digits), parseAmount / parseCanonicalAmount
 * └── shapeChecker: each check fails through the caller's `fail` with its kind, field and reason,
 *     so one module serves parsers that throw different typed errors
 */
import { expect } from 'chai';
import {
  exactKeysProblem,
  isRecord,
  parseAmount,
  parseCanonicalAmount,
  parseWholeNumber,
  shapeChecker,
  unknownKey,
  type ShapeFault,
} from '../../../runtime/codec';
import { UD } from '../../../runtime/math';

class Fault extends Error {
  constructor(readonly fault: ShapeFault) {
    super(fault.reason);
  }
}
const shape = shapeChecker((fault) => {
  throw new Fault(fault);
});
function faultOf(run: () => unknown): ShapeFault {
  try {
    run();
  } catch (err) {
    if (err instanceof Fault) return err.fault;
    throw err;
  }
  throw new Error('expected a fault');
}

describe('shape predicates', () => {
  it('isRecord accepts plain objects only', () => {
    expect([{}, { a: 1 }].map(isRecord)).to.deep.equal([true, true]);
    expect([null, [], 'x', 1, undefined].map(isRecord)).to.deep.equal([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('exactKeysProblem names missing and unexpected keys; unknownKey the first unlisted one', () => {
    expect(exactKeysProblem({ a: 1, b: 2 }, ['b', 'a'])).to.equal(null);
    expect(exactKeysProblem({ a: 1, c: 2 }, ['a', 'b'])).to.equal('missing b; unexpected c');
    expect(unknownKey({ z: 1, a: 1, b: 1 }, ['a'])).to.equal('b');
    expect(unknownKey({ a: 1 }, ['a', 'b'])).to.equal(undefined);
  });

  it('parseWholeNumber takes canonical decimal strings of bounded length', () => {
    expect(parseWholeNumber('0', 3)).to.equal(0n);
    expect(parseWholeNumber('999', 3)).to.equal(999n);
    for (const bad of ['1000', '01', '-1', '1.0', '', ' 1', '1e3', 12, null])
      expect(parseWholeNumber(bad, 3), String(bad)).to.equal(undefined);
  });

  it('parseAmount takes 18-decimal amounts; parseCanonicalAmount only their trimmed form', () => {
    expect(parseAmount('1.50')).to.equal(UD.parse('1.5'));
    expect(parseCanonicalAmount('1.5')).to.equal(UD.parse('1.5'));
    for (const bad of ['1.50', '01', '1.', '1000.000000000000000000'])
      expect(parseCanonicalAmount(bad), bad).to.equal(undefined);
    for (const bad of ['-1', '0.0000000000000000001', 'x', 1])
      expect(parseAmount(bad), String(bad)).to.equal(undefined);
  });
});

describe('shapeChecker', () => {
  it('returns checked values', () => {
    expect(shape.object({ a: 1 }, 'f')).to.deep.equal({ a: 1 });
    expect(shape.string('ab', 'f', 2)).to.equal('ab');
    expect(shape.string('', 'f', 2, true)).to.equal('');
    expect(shape.wholeNumber('12', 'f', { digitsMax: 2, lo: 1n, hi: 12n })).to.equal(12n);
    expect(shape.amount('0.5', 'f', true)).to.equal(UD.parse('0.5'));
    expect(() => shape.exactKeys({ a: 1, b: 1 }, ['a', 'b'], 'f')).not.to.throw();
    expect(() => shape.allowOnly({ a: 1 }, ['a', 'b'], 'f')).not.to.throw();
  });

  const cases: [string, () => unknown, ShapeFault][] = [
    [
      'a non-object',
      () => shape.object([], 'x'),
      { kind: 'object', field: 'x', reason: 'must be an object' },
    ],
    [
      'other keys',
      () => shape.exactKeys({ a: 1 }, ['a', 'b'], 'x'),
      { kind: 'keys', field: 'x', reason: 'fields must be exactly a, b' },
    ],
    [
      'an unlisted key',
      () => shape.allowOnly({ c: 1 }, ['a'], 'x'),
      { kind: 'keys', field: 'x.c', reason: 'unknown field' },
    ],
    [
      'an empty string',
      () => shape.string('', 'x', 4),
      { kind: 'string', field: 'x', reason: 'must be a non-empty string' },
    ],
    [
      'a long string',
      () => shape.string('abcde', 'x', 4),
      { kind: 'length', field: 'x', reason: 'longer than 4' },
    ],
    [
      'a malformed number',
      () => shape.wholeNumber('01', 'x', { digitsMax: 4 }),
      { kind: 'number', field: 'x', reason: 'a whole number as a decimal string' },
    ],
    [
      'a number out of range',
      () => shape.wholeNumber('5', 'x', { digitsMax: 4, lo: 1n, hi: 4n }),
      { kind: 'range', field: 'x', reason: 'must lie in [1, 4]' },
    ],
    [
      'an amount not a string',
      () => shape.amount(1, 'x', false),
      { kind: 'amount', field: 'x', reason: 'a decimal string' },
    ],
    [
      'a non-canonical amount',
      () => shape.amount('1.0', 'x', true),
      { kind: 'amount', field: 'x', reason: 'in canonical form (no leading or trailing zeros)' },
    ],
  ];
  for (const [name, run, fault] of cases)
    it(`fails through the caller for ${name}`, () => expect(faultOf(run)).to.deep.equal(fault));
});
