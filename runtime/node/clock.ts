/**
 * Time and entropy for the sequencer: the only places the node reads the wall clock and the OS
 * random source. The sequencer takes the clock once per bundle (the DRV ttsTimestamp) and asks an
 * entropy source for the packet seed; tests inject fixed ones (STYLE-ANCHORS §13.6).
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { DrvPacket, EntropyRecord } from '../ledger';
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

/** What the sequencer knows when it stamps a packet. */
export type EntropyContext = {
  /** The packet's sequence (the bundle height). */
  readonly height: bigint;
  readonly ttsTimestamp: bigint;
  /** The hash of the last committed seal (64 zeros before the first). */
  readonly previousSealHash: string;
  /** The previous packet, or null at genesis. */
  readonly previous: DrvPacket | null;
};

/**
 * Where packet seeds come from. `prepare` (optional) waits, bounded, until a seed can be derived
 * and resolves false when none can be now (the sequencer then produces nothing this time);
 * `derive` gives the seed and the entropy record that lets anyone recompute it, or null.
 */
export type EntropySource = {
  prepare?(): Promise<boolean>;
  derive(context: EntropyContext): { seed: string; entropy: EntropyRecord } | null;
};

/**
 * The packet seed on a chain without an entropy policy: SHA-256(previous seal hash ‖ 32 bytes
 * from the OS CSPRNG), with both inputs recorded. Anyone can recompute it, but nobody can check
 * that the sequencer did not choose the random part; chains with a genesis entropy policy use the
 * beacon and the VDF instead (runtime/entropy/service.ts).
 */
export const osEntropy: EntropySource = Object.freeze({
  derive: ({ previousSealHash }: EntropyContext) => {
    const random = randomBytes(32).toString('hex');
    return {
      seed: previousSealSeed(previousSealHash, random),
      entropy: { source: 'os-csprng', previousSealHash, random },
    };
  },
});

/** Deterministic entropy for tests: the "random" part is a counter. */
export function counterEntropy(): EntropySource {
  let n = 0;
  return {
    derive: ({ previousSealHash }) => {
      const random = (n++).toString(16).padStart(64, '0');
      return {
        seed: previousSealSeed(previousSealHash, random),
        entropy: { source: 'test-counter', previousSealHash, random },
      };
    },
  };
}
