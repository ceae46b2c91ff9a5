import { expect } from 'chai';
import { Mempool, type MempoolEntry } from '../../../runtime/node/mempool';
import type { SignedTx } from '../../../runtime/engine';

const A = '0x00000000000000000000000000000000000000Aa';
const B = '0x00000000000000000000000000000000000000bB';

function entry(from: string, nonce: bigint, seq: number, receivedMs = 0): MempoolEntry {
  const tx = { from, nonce, hash: `${from}-${nonce}` } as unknown as SignedTx;
  return { tx, seq, receivedMs };
}

describe('Mempool.select', () => {
  it('keeps each sender in nonce order even when later nonces arrived first', () => {
    const pool = new Mempool(100, 10);
    pool.add(entry(A, 2n, 1));
    pool.add(entry(B, 1n, 2));
    pool.add(entry(A, 1n, 3));
    pool.add(entry(A, 3n, 3));
    const order = pool.select(10, () => 1n).map((e) => `${e.tx.from.slice(-2)}:${e.tx.nonce}`);
    expect(order).to.deep.equal(['bB:1', 'Aa:1', 'Aa:2', 'Aa:3']);
  });

  it('stops a sender at a nonce gap and honours the size limit', () => {
    const pool = new Mempool(100, 10);
    pool.add(entry(A, 1n, 1));
    pool.add(entry(A, 3n, 2));
    pool.add(entry(B, 1n, 3));
    pool.add(entry(B, 2n, 4));
    expect(pool.select(10, () => 1n).map((e) => e.tx.hash)).to.deep.equal([
      `${A}-1`,
      `${B}-1`,
      `${B}-2`,
    ]);
    expect(pool.select(2, () => 1n)).to.have.length(2);
  });

  it('lists stale entries behind a gap once they are older than the cutoff', () => {
    const pool = new Mempool(100, 10);
    pool.add(entry(A, 3n, 1, 10));
    pool.add(entry(B, 1n, 2, 10));
    expect(pool.stale(100, () => 1n).map((e) => e.tx.hash)).to.deep.equal([`${A}-3`]);
    expect(pool.stale(5, () => 1n)).to.deep.equal([]);
  });
});
