import { expect } from 'chai';
import { Mempool, type MempoolEntry } from '../../../runtime/node/mempool';
import type { SignedTx } from '../../../runtime/engine';

const A = '0x00000000000000000000000000000000000000Aa';
const B = '0x00000000000000000000000000000000000000bB';
const C = '0x00000000000000000000000000000000000000Cc';

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

describe('Mempool runs, gaps and eviction', () => {
  function pool(): Mempool {
    const p = new Mempool(100, 10);
    // A: run 1..2, gaps 4 and 6; B: gaps 3, 5, 9 (nothing at 1); C: run 1.
    for (const [from, nonce, seq] of [
      [A, 1n, 1],
      [A, 2n, 2],
      [A, 4n, 3],
      [A, 6n, 4],
      [B, 3n, 5],
      [B, 5n, 6],
      [B, 9n, 7],
      [C, 1n, 8],
    ] as const)
      p.add(entry(from, nonce, seq));
    return p;
  }

  it('finds where a sender’s run ends, counting nonces held elsewhere', () => {
    const p = pool();
    expect(p.runEnd(A, 1n)).to.equal(2n);
    expect(p.runEnd(B, 1n)).to.equal(0n);
    expect(p.runEnd(A, 1n, (n) => n === 3n)).to.equal(4n);
  });

  it('lists gap entries highest nonce first and counts them over all senders', () => {
    const p = pool();
    expect(p.gapEntries(A, 1n).map((e) => e.tx.nonce)).to.deep.equal([6n, 4n]);
    expect(p.gapEntries(C, 1n)).to.deep.equal([]);
    expect(p.gapTotal(() => 1n)).to.equal(5);
  });

  it('evicts the highest gap nonce of the sender holding the most gap entries', () => {
    const p = pool();
    expect(p.evictionCandidate(() => 1n)?.tx.hash).to.equal(`${B}-9`);
    // With B's nonces 1 and 2 held by admissions in flight, B's 3 joins its run: A and B tie at
    // two gap entries each and the lower address loses one.
    const held = (sender: string, nonce: bigint) => sender === B.toLowerCase() && nonce <= 2n;
    expect(p.evictionCandidate(() => 1n, held)?.tx.hash).to.equal(`${A}-6`);
    expect(new Mempool(10, 10).evictionCandidate(() => 1n)).to.equal(undefined);
  });
});
