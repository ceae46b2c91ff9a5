import fs from 'node:fs';
import os from 'node:os';
import { expect } from 'chai';
import {
  CryptoInvalidInputError,
  CryptoPoolClosedError,
  POOL_TASK_ITEMS_MAX,
  sign,
  SignatureContext,
  VerifyPool,
  type VerifyItem,
} from '../../../runtime/crypto';
import { ErrorCode } from '../../../runtime/errors';
import { flipByte, testKey } from '../../support/keys';

const utf8 = (s: string) => new TextEncoder().encode(s);

/** `count` items; item i is valid unless i % 3 === 1 (flipped signature) or i % 5 === 2 (other context). */
function mixedBatch(count: number): { items: VerifyItem[]; expected: boolean[] } {
  const keys = [testKey(1), testKey(2)];
  const signed = keys.map((key, k) => {
    const message = utf8(`tx ${k}`);
    return { key, message, signature: sign(key.secretKey, message, SignatureContext.TX) };
  });
  const items: VerifyItem[] = [];
  const expected: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const { key, message, signature } = signed[i % 2] as (typeof signed)[number];
    const flipped = i % 3 === 1;
    const otherContext = i % 5 === 2;
    items.push({
      publicKey: key.publicKey,
      message,
      signature: flipped ? flipByte(signature, i % 4627) : signature,
      context: otherContext ? SignatureContext.KEY_SEAL : SignatureContext.TX,
    });
    expected.push(!flipped && !otherContext);
  }
  return { items, expected };
}

describe('VerifyPool', function () {
  this.timeout(120_000);
  let pool: VerifyPool;
  before(() => {
    pool = VerifyPool.create({ threads: 2 });
  });
  after(async () => {
    await pool.close();
  });

  describe('verifyBatch', () => {
    it('returns one verdict per item, in input order, for a mixed batch spanning several tasks', async () => {
      const { items, expected } = mixedBatch(2 * POOL_TASK_ITEMS_MAX + 7);
      expect(await pool.verifyBatch(items)).to.deep.equal(expected);
    });

    it('returns [] for an empty batch', async () => {
      expect(await pool.verifyBatch([])).to.deep.equal([]);
    });

    it('throws CRYPTO_INVALID_INPUT naming the malformed item', async () => {
      const { items } = mixedBatch(4);
      const bad = [...items];
      bad[3] = { ...(items[3] as VerifyItem), signature: new Uint8Array(12) };
      const err = await pool.verifyBatch(bad).then(
        () => expect.fail('expected a rejection'),
        (e: unknown) => e as CryptoInvalidInputError,
      );
      expect(err).to.be.instanceOf(CryptoInvalidInputError);
      expect(err.details).to.include({ field: 'signature', index: 3 });
    });
  });

  it('defaults to one thread per core', async () => {
    const defaultPool = VerifyPool.create({ backend: 'noble' });
    try {
      expect(defaultPool.threads).to.equal(os.availableParallelism());
      expect(defaultPool.backend).to.equal('noble');
    } finally {
      await defaultPool.close();
    }
  });

  it('throws CRYPTO_INVALID_INPUT for a thread count outside [1, 256]', () => {
    for (const threads of [0, 1.5, 257]) {
      expect(() => VerifyPool.create({ threads }))
        .to.throw(CryptoInvalidInputError)
        .with.nested.property('details.field', 'threads');
    }
  });

  it('throws CRYPTO_INVALID_INPUT for a niceness outside [0, 19]', () => {
    for (const nice of [-1, 2.5, 20]) {
      expect(() => VerifyPool.create({ nice }))
        .to.throw(CryptoInvalidInputError)
        .with.nested.property('details.field', 'nice');
    }
  });

  // Linux keeps a niceness per thread, visible in /proc/self/task/<tid>/stat (field 19).
  const threadNices = (): number[] =>
    fs
      .readdirSync('/proc/self/task')
      .map((tid) => fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'))
      .map((stat) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));

  (process.platform === 'linux' ? it : it.skip)(
    'runs its worker threads at the niceness asked for, leaving the calling thread alone',
    async () => {
      const before = threadNices().filter((n) => n === 7).length;
      const nicePool = VerifyPool.create({ threads: 2, backend: 'noble', nice: 7 });
      try {
        await nicePool.verifyBatch(mixedBatch(4).items); // the workers are up
        expect(threadNices().filter((n) => n === 7).length - before).to.equal(2);
        expect(os.getPriority(0)).to.equal(0);
      } finally {
        await nicePool.close();
      }
    },
  );

  it('gives the same verdicts with the noble backend, which has no key cache to report', async () => {
    const noblePool = VerifyPool.create({ threads: 1, backend: 'noble' });
    try {
      const { items, expected } = mixedBatch(10);
      expect(await noblePool.verifyBatch(items)).to.deep.equal(expected);
      expect(noblePool.cacheStats()).to.equal(null);
    } finally {
      await noblePool.close();
    }
  });

  it('reports the native key cache: the same two keys again are 30 hits and no miss', async function () {
    const native = VerifyPool.create({ threads: 1, backend: 'auto' });
    try {
      if (native.backend !== 'native') this.skip(); // no native build here: the noble test covers it
      expect(native.cacheStats()).to.equal(null);
      await native.verifyBatch(mixedBatch(30).items);
      // The backend's known-answer check at start-up counts too, so the first batch is a floor.
      const first = native.cacheStats() as { hits: number; misses: number };
      expect(first.misses).to.be.at.least(2);
      await native.verifyBatch(mixedBatch(30).items);
      expect(native.cacheStats()).to.deep.equal({ hits: first.hits + 30, misses: first.misses });
    } finally {
      await native.close();
    }
  });

  it('throws CRYPTO_POOL_CLOSED after close', async () => {
    const closing = VerifyPool.create({ threads: 1, backend: 'noble' });
    await closing.close();
    await closing.close();
    const err = await closing.verifyBatch([]).then(
      () => expect.fail('expected a rejection'),
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(CryptoPoolClosedError);
    expect((err as CryptoPoolClosedError).code).to.equal(ErrorCode.CRYPTO_POOL_CLOSED);
  });
});
