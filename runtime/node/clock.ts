/**
 * Time and entropy for the sequencer: the only places the node reads the wall clock and the OS
 * random source. The sequencer takes the clock once per bundle (the DRV ttsTimestamp) and draws
 * the packet seed here; tests inject fixed ones (STYLE-ANCHORS §13.6).
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { EntropyRecord } from '../ledger';
import { previousSealSeed } from './verify/packet-checks';

export type Clock = { nowMs(): bigint };

/** The wall clock. */
export const systemClock: Clock = Object.freeze({ nowMs: () => BigInt(Date.now()) });

/** A clock that starts at `startMs` and advances `stepMs` per reading (tests, simulation). */
export function fixedClock(startMs: bigint, stepMs: bigint): Clock {
  let next = startMs;
  return {
    nowMs: () => {
      const now = next;
      next += stepMs;
      return now;
    },
  };
}

export type EntropySource = (previousSealHash: string) => { seed: string; entropy: EntropyRecord };

/**
 * The packet seed: SHA-256(previous seal hash ‖ 32 bytes from the OS CSPRNG), with both inputs
 * recorded in the packet's entropy record so that anyone can recompute the seed.
 */
export const osEntropy: EntropySource = (previousSealHash) => {
  const random = randomBytes(32).toString('hex');
  return {
    seed: previousSealSeed(previousSealHash, random),
    entropy: { source: 'os-csprng', previousSealHash, random },
  };
};

/** Deterministic entropy for tests: the "random" part is a counter. */
export function counterEntropy(): EntropySource {
  let n = 0;
  return (previousSealHash) => {
    const random = (n++).toString(16).padStart(64, '0');
    return {
      seed: previousSealSeed(previousSealHash, random),
      entropy: { source: 'test-counter', previousSealHash, random },
    };
  };
}
