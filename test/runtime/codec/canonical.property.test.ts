import { expect } from 'chai';
import fc from 'fast-check';
import { canonicalString, CodecUnencodableError } from '../../../runtime/codec';
import { numRuns } from '../../support/num-runs';

/** Encodable values: strings (full Unicode), booleans, null, safe integers, bigints, arrays, objects. */
const { value: encodable } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.boolean(),
    fc.constant(null),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  ),
}));

/** A reference RFC 8785 encoder for these values, written independently of the runtime. */
function reference(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'number')
    return String(value);
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort((a, b) => {
    // Compare UTF-16 code units explicitly.
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = a.charCodeAt(i) - b.charCodeAt(i);
      if (d !== 0) return d;
    }
    return a.length - b.length;
  });
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
}

/** The same object graph with every object's keys inserted in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(record).reverse()) out[key] = reverseKeys(record[key]);
  return out;
}

/** What JSON.parse gives back: bigints become decimal strings. */
function normalise(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(normalise);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    Object.defineProperty(out, key, {
      value: normalise(record[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

describe('canonicalString (properties)', () => {
  it('matches an independent RFC 8785 encoder', () => {
    fc.assert(
      fc.property(encodable, (v) => canonicalString(v) === reference(v)),
      { numRuns },
    );
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(encodable, (v) => canonicalString(reverseKeys(v)) === canonicalString(v)),
      { numRuns },
    );
  });

  it('round-trips through JSON.parse (bigints come back as decimal strings) and is idempotent', () => {
    fc.assert(
      fc.property(encodable, (v) => {
        const text = canonicalString(v);
        const parsed: unknown = JSON.parse(text);
        expect(parsed).to.deep.equal(normalise(v));
        expect(canonicalString(parsed)).to.equal(text);
      }),
      { numRuns },
    );
  });

  it('encodes any Unicode string, astral planes included, and reads it back unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(JSON.parse(canonicalString({ s })).s).to.equal(s);
      }),
      { numRuns },
    );
  });

  it('rejects every lone surrogate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.string({ maxLength: 4 }),
        (unit, tail) => {
          const s = `${String.fromCharCode(unit)}${unit < 0xdc00 ? 'x' : ''}${tail}`;
          expect(() => canonicalString([s])).to.throw(CodecUnencodableError);
        },
      ),
      { numRuns },
    );
  });

  it('writes any large integer exactly as a decimal string', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 1024n), max: 2n ** 1024n }), (n) => {
        expect(BigInt(JSON.parse(canonicalString({ n })).n)).to.equal(n);
      }),
      { numRuns },
    );
  });

  it('rejects every non-integer or non-finite number, wherever it sits', () => {
    const bad = fc.oneof(
      fc.double({ noNaN: false }).filter((d) => !Number.isSafeInteger(d) || Object.is(d, -0)),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, 0.1, 2 ** 53),
    );
    fc.assert(
      fc.property(encodable, bad, fc.string({ maxLength: 4 }), (v, d, key) => {
        expect(() => canonicalString({ v, [`${key}!`]: [d] }))
          .to.throw(CodecUnencodableError)
          .with.nested.property('details.path')
          .that.matches(/^\$\/.*\/0$/);
      }),
      { numRuns },
    );
  });
});
