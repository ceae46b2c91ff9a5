/**
 * A plain binary SHA-256 Merkle tree over 32-byte hashes, for ledger seals (`entriesRoot`).
 * (On-chain data such as balances and allocations uses OpenZeppelin's StandardMerkleTree instead,
 * DESIGN.md §4; this tree is only recomputed off-chain by `verifySeal`.)
 *
 * Construction, for leaves h_0 … h_{n−1} (n ≥ 1):
 * - level 0: L_i = hashDomain('QFS/merkle/leaf/v1', h_i)
 * - next level: pair neighbours left to right, N = hashDomain('QFS/merkle/node/v1', left ‖ right);
 *   an odd last node is carried up unchanged (never duplicated, so no two leaf lists share a root
 *   the way Bitcoin's duplicated-last-node trees do)
 * - the root is the single node left. A one-leaf tree's root is L_0.
 * Leaves and inner nodes use different domains, so a node can never pass for a leaf.
 * @module
 */
import { invariant } from '../assert';
import { HashDomain, hashDomain } from './hash';
import { bytesToHex, hexToBytes } from './hex';

/**
 * The Merkle root of a non-empty list of 32-byte hashes (lowercase hex).
 * @param leafHashes - the hashes, in order (at least one)
 * @returns the root, 64 lowercase hex digits
 * @throws {CodecBadHexError} when a leaf is not 32 bytes of lowercase hex
 * @example
 * merkleRoot(entries.map((e) => e.entryHash));
 */
export function merkleRoot(leafHashes: readonly string[]): string {
  invariant(leafHashes.length > 0, 'a Merkle tree has at least one leaf');
  let level = leafHashes.map((h) => hashDomain(HashDomain.MERKLE_LEAF, hexToBytes(h, 32)));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Uint8Array;
      const right = level[i + 1];
      if (right === undefined) {
        next.push(left);
        continue;
      }
      const pair = new Uint8Array(64);
      pair.set(left, 0);
      pair.set(right, 32);
      next.push(hashDomain(HashDomain.MERKLE_NODE, pair));
    }
    level = next;
  }
  return bytesToHex(level[0] as Uint8Array);
}
