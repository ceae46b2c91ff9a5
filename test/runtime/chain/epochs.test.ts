/*
 * Balance chunks of an epoch (runtime/chain/epochs.ts remainingChunks)
 * ├── a fresh epoch: pieces of at most `size`, numbered from 0, the last one marked
 * ├── a resumed epoch: from the contract's own counts of changes and chunks, whatever size the
 * │   crashed run used
 * └── nothing left to send: one empty last chunk (an epoch completes only on a chunk marked last)
 */
import { expect } from 'chai';
import { remainingChunks, type BalanceChange } from '../../../runtime/chain/epochs';

const changes: BalanceChange[] = Array.from({ length: 7 }, (_, i) => ({
  account: `0x${String(i + 1).padStart(40, '0')}`,
  tokenId: 1n,
  delta: BigInt(i + 1),
}));
const shape = (chunks: ReturnType<typeof remainingChunks>) =>
  chunks.map((c) => [c.index, c.last, c.changes.map((x) => Number(x.delta))]);

describe('remainingChunks', () => {
  it('splits a fresh epoch into pieces of at most the size, the last one marked', () => {
    expect(shape(remainingChunks(changes, 0, 0, 3))).to.deep.equal([
      [0, false, [1, 2, 3]],
      [1, false, [4, 5, 6]],
      [2, true, [7]],
    ]);
    expect(shape(remainingChunks(changes, 0, 0, 7))).to.deep.equal([
      [0, true, [1, 2, 3, 4, 5, 6, 7]],
    ]);
  });

  it('resumes from the applied changes and chunk count, whatever chunk size applied them', () => {
    // Two chunks of two went out before the crash; the restarted service sends chunks of three.
    expect(shape(remainingChunks(changes, 4, 2, 3))).to.deep.equal([[2, true, [5, 6, 7]]]);
    expect(shape(remainingChunks(changes, 1, 1, 2))).to.deep.equal([
      [1, false, [2, 3]],
      [2, false, [4, 5]],
      [3, true, [6, 7]],
    ]);
  });

  it('sends one empty last chunk when nothing is left (or nothing changed)', () => {
    expect(shape(remainingChunks([], 0, 0, 400))).to.deep.equal([[0, true, []]]);
    expect(shape(remainingChunks(changes, 7, 3, 2))).to.deep.equal([[3, true, []]]);
  });
});
