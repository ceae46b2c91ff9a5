/*
 * findDuplicateKey: the strict-JSON check of request bodies
 * ├── examples: top level, nested objects, objects inside arrays (path with the index), keys
 * │   written with escapes, quotes and brackets inside strings, equal keys in sibling objects
 * └── properties: never a finding for what JSON.stringify writes; always the first duplicate
 *     when one key is written twice into some object of a generated value
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { findDuplicateKey } from '../../../../runtime/node/api/strict-json';
import '../../../support/num-runs';

describe('findDuplicateKey', () => {
  const cases: [string, ReturnType<typeof findDuplicateKey>][] = [
    ['{"a":1,"b":2}', null],
    ['{"a":1,"a":2}', { path: '$', key: 'a' }],
    ['{"a":{"b":1,"b":1}}', { path: '$.a', key: 'b' }],
    ['{"a":[{"x":1},{"y":1,"y":2}]}', { path: '$.a[1]', key: 'y' }],
    ['[[{"k":1}],{"k":1,"k":2}]', { path: '$[1]', key: 'k' }],
    ['{"a":1,"\\u0061":2}', { path: '$', key: 'a' }],
    ['{"s":"{\\"s\\":1,\\"s\\":2}","t":"]}[{"}', null],
    ['{"q\\\\":1,"q\\\\":2}', { path: '$', key: 'q\\' }],
    ['{"a":{"k":1},"b":{"k":1}}', null],
    ['{}', null],
    ['"just a string"', null],
  ];
  for (const [text, expected] of cases)
    it(`${text} → ${expected === null ? 'none' : `${expected.path} ${expected.key}`}`, () => {
      JSON.parse(text); // every case is valid JSON
      expect(findDuplicateKey(text)).to.deep.equal(expected);
    });

  it('finds nothing in what JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(findDuplicateKey(JSON.stringify(value))).to.equal(null);
      }),
    );
  });

  it('finds a key written twice into a generated object', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }),
        fc.nat(),
        (object, pick) => {
          const keys = Object.keys(object);
          const key = keys[pick % keys.length] as string;
          const text = `${JSON.stringify(object).slice(0, -1)},${JSON.stringify(key)}:0}`;
          expect(findDuplicateKey(text)).to.deep.equal({ path: '$', key });
        },
      ),
    );
  });
});
