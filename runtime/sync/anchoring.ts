/**
 * What HolonetSync gives the anchoring service to put on-chain with an epoch's seals: the quorum
 * certificates' hashes of the epoch's heights (and their Merkle root, the tree of `codec/merkle`),
 * and the hashes of the equivocation evidence held. The anchoring service (runtime/chain) sends them
 * to SealAnchor's `anchorCertificates` and `anchorEvidence` through attach.ts's
 * `confirmations()`; docs/sync.md, Anchoring.
 * @module
 */
import { merkleRoot } from '../codec';
import type { SyncStore } from './sync-store';

export type EpochCertificates = {
  /** Every height of [from, to] has a certificate (a partly confirmed epoch is not anchored yet). */
  readonly complete: boolean;
  readonly certificateHashes: readonly string[];
  /** Merkle root of the certificate hashes in height order (null when none). */
  readonly root: string | null;
};

/** The certificates of the heights [from, to], in height order. */
export function epochCertificates(sync: SyncStore, from: number, to: number): EpochCertificates {
  const rows = sync.certificatesIn(from, to);
  const hashes = rows.map((r) => r.certificateHash);
  return {
    complete: rows.length === to - from + 1,
    certificateHashes: hashes,
    root: hashes.length === 0 ? null : merkleRoot(hashes),
  };
}

/** The hashes of the equivocation evidence held, oldest first (at most `limit`). */
export function evidenceHashes(sync: SyncStore, limit = 100): string[] {
  return sync.evidence(0, limit).map((e) => e.evidenceHash);
}
