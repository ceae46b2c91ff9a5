/*
 * QFS's ML-DSA-87 addon (runtime/crypto/native/): verification with its cache of expanded keys,
 * and deterministic signing.
 * - verdicts equal noble's with the cache off, holding one key, and holding many
 * - a cached key is used only for the byte-identical public key (same ρ, other t1: rejected)
 * - least recently used keys leave first; hits and misses are counted
 * - caches are independent objects, and verify takes no other object for one
 * - argument checks: typed errors for non-bytes and a wrong key length; views are read at their
 *   offset; a wrong signature length is an invalid signature
 * - signing: noble's bytes exactly (deterministic, rnd = 0), for many keys, messages and sizes;
 *   the signature verifies; typed errors for bad arguments
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  contextMessage,
  nobleBackend,
  nobleSigner,
  sign,
  SignatureContext,
} from '../../../../runtime/crypto';
import { usableAddon } from '../../../../runtime/crypto/native-build';
import { caught, flipByte, testKey } from '../../../support/keys';

type Stats = { capacity: number; keys: number; hits: number; misses: number };
type Cache = { readonly brand: 'cache' };
type Addon = {
  createCache(keys: number): Cache;
  verify(cache: Cache, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  cacheStats(cache: Cache): Stats;
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
};

/** A signed framed message under test key `n`. */
function signed(n: number, text: string) {
  const key = testKey(n);
  const message = new TextEncoder().encode(text);
  return {
    publicKey: key.publicKey,
    d: contextMessage(SignatureContext.TX, message),
    signature: sign(key.secretKey, message, SignatureContext.TX),
  };
}

describe('crypto/native/ml-dsa-87', function () {
  this.timeout(60_000);
  let addon: Addon;
  before(function () {
    const built = usableAddon();
    if (built === null) this.skip();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    addon = require(built.file) as Addon;
  });

  /** Hits and misses `fn` adds to `cache`. */
  function counted(cache: Cache, fn: () => void): { hits: number; misses: number } {
    const before = addon.cacheStats(cache);
    fn();
    const after = addon.cacheStats(cache);
    return { hits: after.hits - before.hits, misses: after.misses - before.misses };
  }

  it('agrees with noble with the cache off, holding one key, and holding many', () => {
    const items = [1, 2, 3].flatMap((n) => [signed(n, `a${n}`), signed(n, `bb${n}`.repeat(50))]);
    for (const capacity of [0, 1, 256]) {
      const cache = addon.createCache(capacity);
      for (const [i, { publicKey, d, signature }] of items.entries()) {
        const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
          [publicKey, d, signature],
          [publicKey, d, flipByte(signature, 64 + 37 * i)],
          [publicKey, flipByte(d, d.length - 1), signature],
          [(items[(i + 2) % items.length] as (typeof items)[0]).publicKey, d, signature],
        ];
        for (const [k, [pk, m, s]] of cases.entries()) {
          const label = `capacity ${capacity} item ${i} case ${k}`;
          expect(addon.verify(cache, pk, m, s), label).to.equal(nobleBackend.verify(pk, m, s));
          expect(addon.verify(cache, pk, m, s), label).to.equal(k === 0);
        }
      }
    }
  });

  it('uses a cached key only for the byte-identical public key', () => {
    const cache = addon.createCache(4);
    const { publicKey, d, signature } = signed(4, 'cached');
    expect(addon.verify(cache, publicKey, d, signature)).to.equal(true);
    // Same ρ (bytes 0..31), another t1: another key, whose matrix would be the cached one's.
    for (const at of [32, 1300, 2591]) {
      const other = flipByte(publicKey, at);
      const delta = counted(cache, () =>
        expect(addon.verify(cache, other, d, signature), `byte ${at}`).to.equal(false),
      );
      expect(delta).to.deep.equal({ hits: 0, misses: 1 });
    }
    const delta = counted(cache, () =>
      expect(addon.verify(cache, publicKey, d, signature)).to.equal(true),
    );
    expect(delta).to.deep.equal({ hits: 1, misses: 0 });
  });

  it('keeps the most recently used keys and counts hits and misses', () => {
    const cache = addon.createCache(2);
    const [k1, k2, k3] = [5, 6, 7].map((n) => signed(n, `lru ${n}`));
    const use = (item: ReturnType<typeof signed> | undefined) =>
      expect(addon.verify(cache, item!.publicKey, item!.d, item!.signature)).to.equal(true);
    expect(counted(cache, () => [k1, k2, k1].forEach(use))).to.deep.equal({ hits: 1, misses: 2 });
    // k3 replaces k2, the least recently used; k1 stays.
    expect(counted(cache, () => use(k3))).to.deep.equal({ hits: 0, misses: 1 });
    expect(counted(cache, () => use(k1))).to.deep.equal({ hits: 1, misses: 0 });
    expect(counted(cache, () => use(k2))).to.deep.equal({ hits: 0, misses: 1 });
    expect(addon.cacheStats(cache)).to.include({ capacity: 2, keys: 2 });
  });

  it('keeps caches apart, and takes no other object for one', () => {
    const [a, b] = [addon.createCache(8), addon.createCache(8)];
    const { publicKey, d, signature } = signed(8, 'two caches');
    expect(addon.verify(a, publicKey, d, signature)).to.equal(true);
    expect(addon.cacheStats(a)).to.deep.equal({ capacity: 8, keys: 1, hits: 0, misses: 1 });
    expect(addon.cacheStats(b)).to.deep.equal({ capacity: 8, keys: 0, hits: 0, misses: 0 });
    const verifyWith = addon.verify as (cache: unknown, ...rest: Uint8Array[]) => boolean;
    for (const notCache of [{}, null, publicKey, new Uint8Array(8)])
      expect(caught(() => verifyWith(notCache, publicKey, d, signature))).to.be.instanceOf(
        TypeError,
      );
  });

  it('reads views at their offset and takes Buffers', () => {
    const cache = addon.createCache(4);
    const { publicKey, d, signature } = signed(9, 'views');
    const padded = (bytes: Uint8Array) => {
      const out = new Uint8Array(bytes.length + 7).fill(0xee);
      out.set(bytes, 3);
      return out.subarray(3, 3 + bytes.length);
    };
    expect(addon.verify(cache, padded(publicKey), padded(d), padded(signature))).to.equal(true);
    const buffers = [publicKey, d, signature].map((bytes) => Buffer.from(bytes));
    expect(addon.verify(cache, ...(buffers as [Buffer, Buffer, Buffer]))).to.equal(true);
    expect(addon.verify(cache, publicKey, new Uint8Array(0), signature)).to.equal(false);
  });

  it('throws typed errors for bad arguments, and a wrong signature length is invalid', () => {
    const { publicKey, d, signature } = signed(10, 'args');
    const cache = addon.createCache(1);
    const code = (fn: () => unknown) => (caught(fn) as { code?: string }).code;
    expect(code(() => addon.verify(cache, publicKey.subarray(1), d, signature))).to.equal(
      'ERR_QFS_NATIVE_ARG',
    );
    const asAny = addon.verify as (...args: unknown[]) => boolean;
    expect(caught(() => asAny(cache, '00', d, signature))).to.be.instanceOf(TypeError);
    expect(caught(() => asAny(cache, publicKey, new Float64Array(2), signature))).to.be.instanceOf(
      TypeError,
    );
    expect(code(() => asAny(cache, publicKey, d))).to.equal('ERR_QFS_NATIVE_ARG');
    expect(addon.verify(cache, publicKey, d, signature.subarray(1))).to.equal(false);
    expect(addon.verify(cache, publicKey, d, new Uint8Array([...signature, 0]))).to.equal(false);
    const create = addon.createCache as (keys: unknown) => Cache;
    for (const bad of [-1, 4097, '8'])
      expect(
        code(() => create(bad)),
        String(bad),
      ).to.equal('ERR_QFS_NATIVE_ARG');
  });

  describe('signing', () => {
    it("gives exactly noble's deterministic signature, for any key and message", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 40 }),
          fc.uint8Array({ maxLength: 3000 }),
          (n, message) => {
            const { secretKey } = testKey(100 + n);
            const native = addon.sign(secretKey, message);
            expect(native).to.be.instanceOf(Uint8Array).with.lengthOf(4627);
            expect(Buffer.from(native).equals(nobleSigner.sign(secretKey, message))).to.equal(true);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('signs what verifies, the same bytes every time, and other bytes for another message', () => {
      const key = testKey(11);
      const d = contextMessage(
        SignatureContext.COHERENCE_SEAL,
        new TextEncoder().encode('seal body'),
      );
      const signature = addon.sign(key.secretKey, d);
      expect(addon.verify(addon.createCache(1), key.publicKey, d, signature)).to.equal(true);
      expect(nobleBackend.verify(key.publicKey, d, signature)).to.equal(true);
      expect(addon.sign(key.secretKey, d)).to.deep.equal(signature);
      expect(addon.sign(key.secretKey, flipByte(d, 5))).not.to.deep.equal(signature);
    });

    it('throws typed errors for bad arguments', () => {
      const { secretKey } = testKey(12);
      const code = (fn: () => unknown) => (caught(fn) as { code?: string }).code;
      expect(code(() => addon.sign(secretKey.subarray(1), new Uint8Array(3)))).to.equal(
        'ERR_QFS_NATIVE_ARG',
      );
      const asAny = addon.sign as (...args: unknown[]) => Uint8Array;
      expect(code(() => asAny(secretKey))).to.equal('ERR_QFS_NATIVE_ARG');
      expect(caught(() => asAny('00', new Uint8Array(3)))).to.be.instanceOf(TypeError);
      expect(caught(() => asAny(secretKey, [1, 2, 3]))).to.be.instanceOf(TypeError);
    });
  });
});
