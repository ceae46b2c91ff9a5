import { expect } from 'chai';
import {
  canonicalBytes,
  canonicalString,
  CodecUnencodableError,
  CANONICAL_DEPTH_MAX,
} from '../../../runtime/codec';
import { ErrorCode } from '../../../runtime/errors';
import { caught } from '../../support/keys';

describe('canonicalString', () => {
  describe('when the value is encodable', () => {
    const cases: [string, unknown, string][] = [
      ['null', null, 'null'],
      ['booleans', [true, false], '[true,false]'],
      [
        'a bigint as a decimal string',
        123456789012345678901234567890n,
        '"123456789012345678901234567890"',
      ],
      ['a negative bigint', -5n, '"-5"'],
      ['a safe integer as a number', 9007199254740991, '9007199254740991'],
      ['zero', 0, '0'],
      [
        'nested objects with sorted keys',
        { b: { d: 1, c: 2 }, a: [] },
        '{"a":[],"b":{"c":2,"d":1}}',
      ],
      ['control characters escaped', '\u0000\u001f"\\', '"\\u0000\\u001f\\"\\\\"'],
      ['non-ASCII kept as UTF-8', 'é€😀', '"é€😀"'],
      [
        'a null-prototype object',
        Object.assign(Object.create(null), { z: '1', a: '2' }),
        '{"a":"2","z":"1"}',
      ],
      [
        'a "__proto__" key as an ordinary key',
        JSON.parse('{"__proto__":"x","a":"y"}'),
        '{"__proto__":"x","a":"y"}',
      ],
    ];
    for (const [name, value, expected] of cases) {
      it(`encodes ${name}`, () => expect(canonicalString(value)).to.equal(expected));
    }

    it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)', () => {
      const value = {
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '\ufb33': 'Hebrew Letter Dalet With Dagesh',
        '1': 'One',
        '\ud83d\ude00': 'Emoji: Grinning Face',
        '\u0080': 'Control',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
      };
      const order = ['\\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'];
      const text = canonicalString(value);
      const positions = order.map((k) => text.indexOf(`"${k}"`));
      expect(positions.every((p) => p >= 0)).to.equal(true);
      expect([...positions].sort((a, b) => a - b)).to.deep.equal(positions);
    });

    it('keeps a shared (acyclic) reference', () => {
      const shared = { x: '1' };
      expect(canonicalString({ a: shared, b: shared })).to.equal('{"a":{"x":"1"},"b":{"x":"1"}}');
    });

    it('returns the UTF-8 bytes of the text', () => {
      expect(Buffer.from(canonicalBytes({ k: '€' })).toString('hex')).to.equal(
        Buffer.from('{"k":"€"}', 'utf8').toString('hex'),
      );
    });
  });

  describe('when the value has no canonical encoding', () => {
    class Point {
      x = 1;
    }
    const cycle: Record<string, unknown> = { a: '1' };
    cycle.self = { back: cycle };
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    let deep: unknown = 'leaf';
    for (let i = 0; i <= CANONICAL_DEPTH_MAX; i++) deep = [deep];
    const cases: [string, unknown, string, string][] = [
      ['a float', { a: [1.5] }, '$/a/0', 'non-integer number'],
      ['NaN', { n: Number.NaN }, '$/n', 'non-finite number'],
      ['Infinity', [Infinity], '$/0', 'non-finite number'],
      ['an unsafe integer', 2 ** 53, '$', 'unsafe integer'],
      ['negative zero', { z: -0 }, '$/z', 'negative zero'],
      ['undefined in an object', { u: undefined }, '$/u', 'undefined'],
      ['undefined in an array', [undefined], '$/0', 'undefined'],
      ['a function', { f: () => 1 }, '$/f', 'function'],
      ['a symbol', { s: Symbol('s') }, '$/s', 'symbol'],
      ['a symbol key', { [Symbol('k')]: '1' }, '$', 'symbol key'],
      ['a cycle', cycle, '$/self/back', 'cycle'],
      ['a Map', { m: new Map() }, '$/m', 'not a plain object'],
      ['a Set', new Set([1]), '$', 'not a plain object'],
      ['a Date', { d: new Date(0) }, '$/d', 'not a plain object'],
      ['a Uint8Array', { b: new Uint8Array(2) }, '$/b', 'not a plain object'],
      ['a class instance', { p: new Point() }, '$/p', 'not a plain object'],
      ['a boxed string', { s: Object('x') }, '$/s', 'not a plain object'],
      ['a lone high surrogate', { s: 'a\ud800' }, '$/s', 'lone surrogate'],
      ['a lone low surrogate in a key', { 'k\udc00': '1' }, '$/k\udc00', 'lone surrogate'],
      ['a sparse array', sparse, '$/1', 'sparse array'],
      ['nesting too deep', deep, `$${'/0'.repeat(CANONICAL_DEPTH_MAX)}`, 'too deep'],
      [
        'a key with / and ~ (escaped in the path)',
        { 'a/b~': 1.5 },
        '$/a~1b~0',
        'non-integer number',
      ],
    ];
    for (const [name, value, path, reason] of cases) {
      it(`throws CODEC_UNENCODABLE for ${name}, naming ${path}`, () => {
        const err = caught(() => canonicalString(value)) as CodecUnencodableError;
        expect(err).to.be.instanceOf(CodecUnencodableError);
        expect(err.code).to.equal(ErrorCode.CODEC_UNENCODABLE);
        expect(err.details.path).to.equal(path);
        expect(err.details.reason).to.equal(reason);
      });
    }
  });
});
