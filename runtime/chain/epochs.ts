/**
 * What one anchoring epoch puts on-chain, in the contracts' encoding, from the node's typed record of
 * its bundles: the CoherenceLedger seal hashes, the KeyLedger seals committed with them, the Merkle
 * root of its reward allocations (OpenZeppelin StandardMerkleTree of (address, tokenId, amount)), and
 * the net balance change of every account it touched, split into chunks that each fit one
 * transaction (epoch 0 also carries the genesis balances, since the token contract starts empty).
 * Epoch e covers bundle heights [e·L, (e+1)·L − 1].
 * @module
 */
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { TOKEN_IDS } from '../engine';
import type { EpochRecord } from '../node';

/** The zero bytes32 (no predecessor, no allocations). */
export const ZERO_BYTES32 = `0x${'0'.repeat(64)}`;

export type BalanceChange = {
  readonly account: string;
  readonly tokenId: bigint;
  readonly delta: bigint;
};

export type EpochPlan = {
  readonly epoch: number;
  readonly firstHeight: number;
  readonly lastHeight: number;
  /** Coherence seal hashes for heights first…last, 0x-prefixed. */
  readonly sealHashes: readonly string[];
  readonly prevSealHash: string;
  readonly lastSealHash: string;
  /** Key seals committed in the epoch: their ordinal on the anchor's Key chain and hash. */
  readonly keySeals: readonly {
    readonly ordinal: number;
    readonly sealHash: string;
    readonly prevSealHash: string;
  }[];
  readonly allocationRoot: string;
  readonly allocationLeaves: readonly [string, string, string][];
  readonly balanceChanges: readonly BalanceChange[];
};

/** One token-contract call of an epoch: chunk `index`, the epoch's last when `last`. */
export type BalanceChunk = {
  readonly index: number;
  readonly last: boolean;
  readonly changes: readonly BalanceChange[];
};

export const hex32 = (hex: string): string => `0x${hex}`;

/** The plan of epoch `epoch` from the node's record of heights [epoch·L, (epoch+1)·L − 1]. */
export function planEpoch(record: EpochRecord, epoch: number): EpochPlan {
  const leaves = record.allocations.map(
    (a) => [a.address, String(TOKEN_IDS[a.token]), String(a.amount)] as [string, string, string],
  );
  return Object.freeze({
    epoch,
    firstHeight: record.first,
    lastHeight: record.last,
    sealHashes: record.sealHashes.map(hex32),
    prevSealHash: record.prevSealHash === null ? ZERO_BYTES32 : hex32(record.prevSealHash),
    lastSealHash: hex32(record.sealHashes[record.sealHashes.length - 1] as string),
    keySeals: record.keySeals.map((s) => ({
      ordinal: s.ordinal,
      sealHash: hex32(s.sealHash),
      prevSealHash: s.prevSealHash === null ? ZERO_BYTES32 : hex32(s.prevSealHash),
    })),
    allocationRoot:
      leaves.length === 0
        ? ZERO_BYTES32
        : StandardMerkleTree.of(leaves, ['address', 'uint256', 'uint256']).root,
    allocationLeaves: leaves,
    balanceChanges: record.balanceChanges.map((c) => ({
      account: c.address,
      tokenId: BigInt(TOKEN_IDS[c.token]),
      delta: c.delta,
    })),
  });
}

/**
 * The chunks still to send when the contract has applied `applied` changes in `nextChunk` chunks:
 * the rest in pieces of at most `size`, numbered from `nextChunk`, the last one marked. Resuming
 * from the contract's own counts (not from a chunk size remembered elsewhere) makes a restart send
 * exactly what is missing, even with another chunk size. An epoch with nothing left to send still
 * needs its last chunk, empty.
 */
export function remainingChunks(
  changes: readonly BalanceChange[],
  applied: number,
  nextChunk: number,
  size: number,
): BalanceChunk[] {
  const rest = changes.slice(applied);
  const chunks: BalanceChunk[] = [];
  for (let i = 0; i === 0 || i * size < rest.length; i++) {
    const part = rest.slice(i * size, (i + 1) * size);
    chunks.push({ index: nextChunk + i, last: (i + 1) * size >= rest.length, changes: part });
  }
  return chunks;
}
