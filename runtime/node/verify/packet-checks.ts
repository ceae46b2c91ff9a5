/**
 * Checks of a DRV packet beyond its signature and chain links: what its fields must be given the
 * ledger before it. Today the one check is the entropy record: the seed must be recomputable from
 * what the packet records (issue 19), with one rule per entropy source. The beacon + VDF sources
 * (issue 22) are re-checked by the engine during re-execution (beacon signature, QRNG hash, VDF
 * proof, seed); the verifier adds what the engine cannot see: that the seal the record is
 * anchored to is this ledger's seal at that height. A new kind of packet check adds one function
 * to {@link PACKET_CHECKS}. Both `qfs verify` (store and export) and the node's start-up
 * verification run every check on every packet.
 * @module
 */
import { isHex, sha256HexUtf8, type JsonValue } from '../../codec';
import type { EngineState } from '../../engine';
import { verifyEntropyAnchor } from '../../entropy';
import { isCodedError } from '../../errors';
import type { DrvPacket } from '../../ledger';

/** What a packet check sees: the packet, its height and the verified ledger before it. */
export type PacketCheckInput = {
  readonly packet: DrvPacket;
  readonly height: number;
  /** The seal hash of the bundle before (64 zeros before the first bundle). */
  readonly previousSealHash: string;
  /** The re-executed state before the packet's bundle. */
  readonly state: EngineState;
  /** The verified seal hash at an earlier height (undefined for a height not verified here). */
  readonly sealHashAt: (height: bigint) => string | undefined;
};

/** A field of the packet (a JSON path) that is not what it must be. */
export type PacketProblem = {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
};

export type PacketCheck = (input: PacketCheckInput) => PacketProblem | null;

/** The rule of one entropy source: recompute the seed from the record, or say what is wrong. */
export type EntropyRule = (
  entropy: Readonly<Record<string, JsonValue>>,
  input: PacketCheckInput,
) => PacketProblem | null;

/**
 * The packet seed of the node's own entropy (runtime/node/clock.ts): SHA-256 over the UTF-8 of the
 * previous seal hash followed by 32 random bytes in hex, both recorded in the packet.
 */
export function previousSealSeed(previousSealHash: string, random: string): string {
  return sha256HexUtf8(previousSealHash + random);
}

/**
 * `os-csprng` (the node's default) and `test-counter` (tests, a counter instead of the OS random
 * bytes) record `{source, previousSealHash, random}`; the seed is {@link previousSealSeed}. The
 * random part cannot be checked (it is not derived from anything public), the link to the previous
 * seal and the derivation can.
 */
const previousSealRule: EntropyRule = (entropy, input) => {
  const keys = Object.keys(entropy).sort().join(',');
  if (keys !== 'previousSealHash,random,source')
    return {
      field: '$.entropy',
      expected: 'fields previousSealHash, random, source',
      actual: keys,
    };
  if (entropy.previousSealHash !== input.previousSealHash)
    return {
      field: '$.entropy.previousSealHash',
      expected: input.previousSealHash,
      actual: String(entropy.previousSealHash),
    };
  if (!isHex(entropy.random, 32))
    return {
      field: '$.entropy.random',
      expected: '32 bytes of hex',
      actual: String(entropy.random),
    };
  const seed = previousSealSeed(input.previousSealHash, entropy.random);
  return seed === input.packet.seed
    ? null
    : { field: '$.seed', expected: seed, actual: input.packet.seed };
};

/**
 * `beacon-vdf` and `beacon-vdf-stale+os` (a chain with a genesis entropy policy): the engine
 * re-checks the record when the bundle is re-executed; here, only on such a chain, and the seal the
 * record is anchored to must be the verified seal at that height.
 */
const beaconRule: EntropyRule = (_entropy, input) => {
  if (input.state.entropy === null)
    return {
      field: '$.entropy.source',
      expected: 'a source without a beacon (the genesis has no entropy policy)',
      actual: input.packet.entropy.source,
    };
  try {
    verifyEntropyAnchor(input.packet, input.sealHashAt);
    return null;
  } catch (err) {
    if (!isCodedError(err)) throw err;
    return { field: '$.entropy.anchor', expected: 'a seal of this ledger', actual: err.message };
  }
};

/** Entropy sources the verifier knows, by `entropy.source`. */
export const ENTROPY_SOURCES: Readonly<Record<string, EntropyRule>> = Object.freeze({
  'os-csprng': previousSealRule,
  'test-counter': previousSealRule,
  'beacon-vdf': beaconRule,
  'beacon-vdf-stale+os': beaconRule,
});

/** The packet's seed must follow from its entropy record by the rule of its source. */
export const checkEntropyRecord: PacketCheck = (input) => {
  const { entropy } = input.packet;
  const rule = Object.hasOwn(ENTROPY_SOURCES, entropy.source)
    ? ENTROPY_SOURCES[entropy.source]
    : undefined;
  if (rule === undefined)
    return {
      field: '$.entropy.source',
      expected: `one of ${Object.keys(ENTROPY_SOURCES).sort().join(', ')}`,
      actual: entropy.source,
    };
  return rule(entropy, input);
};

/** Every check, in order; the first problem is reported. */
export const PACKET_CHECKS: readonly PacketCheck[] = Object.freeze([checkEntropyRecord]);

/** The first problem any packet check finds, or null. */
export function packetProblem(input: PacketCheckInput): PacketProblem | null {
  for (const check of PACKET_CHECKS) {
    const problem = check(input);
    if (problem !== null) return problem;
  }
  return null;
}
