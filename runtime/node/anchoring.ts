/**
 * What the node and an anchoring service say to each other (types only). The service (runtime/chain)
 * reads committed epochs through {@link EpochSource} and reports an {@link AnchorStatus}, which the
 * node's API serves at `/v1/status` (`anchoring`) and `/metrics`. The node never waits for the chain:
 * anchoring runs beside sequencing and only reports how far behind it is.
 * @module
 */
import type { EpochRecord } from './epoch-record';
import type { AnchorReport } from './store';

/** How far the chain's copy of the ledger is behind the node. */
export type AnchorStatus = {
  /** The node's last committed height (−1 before the first bundle). */
  readonly localHeight: number;
  /** The last height of the last epoch whose every part is on-chain (null before the first). */
  readonly anchoredHeight: number | null;
  /** Epochs entirely on-chain. */
  readonly anchoredEpochs: number;
  /** Committed bundles not yet anchored: localHeight − anchoredHeight (−1 for none). */
  readonly lag: number;
  /** Bundles per anchoring epoch. */
  readonly epochLength: number;
  /** What the contracts held at the last successful read (null before one). */
  readonly onChain: {
    readonly coherenceHeight: number | null;
    readonly keySeals: number;
    readonly balanceEpochs: number;
    /** Chunks of the epoch being applied (0 when none is open). */
    readonly balanceChunks: number;
    readonly allocationEpochs: number;
    /** The last height whose HolonetSync certificate is anchored (null before any, or without sync). */
    readonly certificateHeight: number | null;
  } | null;
  readonly lastError: string | null;
  readonly lastErrorAtMs: number | null;
  /** Failed passes since the last successful one. */
  readonly consecutiveFailures: number;
  readonly lastAnchorAtMs: number | null;
  /** When the next attempt is due after a failure (null when none is pending). */
  readonly nextRetryAtMs: number | null;
};

/** What an anchoring service reads from the node's store. */
export type EpochSource = {
  headHeight(): number;
  epoch(first: number, last: number): EpochRecord;
  setAnchorReport(report: AnchorReport): void;
};

/**
 * What an anchoring service reads of HolonetSync when the node has it (runtime/sync/attach.ts):
 * quorum certificates to anchor once their seals are on-chain, and evidence against the sequencer
 * key.
 */
export type ConfirmationSource = {
  /** The first height with a certificate (null before any). */
  firstCertifiedHeight(): number | null;
  /** The Merkle root (hex) of the certificates of heights [from, to]; null until each exists. */
  certificateRoot(from: number, to: number): string | null;
  /** Hashes (hex) of the equivocation evidence held. */
  evidenceHashes(): readonly string[];
};
