/**
 * What the read API and the metrics need from a node: its committed state and store, its halt,
 * where a transaction stands, and its 'bundle' events. The sequencer has it; so does a HolonetSync
 * replica (runtime/sync/replica.ts), which serves the same reads from its own store and refuses
 * writes.
 * @module
 */
import type { BundleResult } from '../engine';
import type { BundleTiming, Sequencer } from './sequencer';

export type LedgerNode = Pick<
  Sequencer,
  | 'state'
  | 'store'
  | 'coherenceHead'
  | 'lastSealHash'
  | 'halted'
  | 'mempoolSize'
  | 'pendingNonce'
  | 'txStatus'
  | 'submit'
> & {
  on(event: 'bundle', listener: (result: BundleResult) => void): unknown;
  off(event: 'bundle', listener: (result: BundleResult) => void): unknown;
  /** Where a bundle's production time went (the sequencer; a replica emits none). */
  on(event: 'timing', listener: (timing: BundleTiming) => void): unknown;
  off(event: 'timing', listener: (timing: BundleTiming) => void): unknown;
};
