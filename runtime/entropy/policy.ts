/**
 * The entropy policy: the genesis `entropy` section that turns on beacon-derived seeds for a chain.
 * It names the beacon chains the chain trusts (public key, chain hash, genesis, period), the VDF's
 * delay T, how old a round may be when a packet uses it, and after how many stale rounds a packet
 * counts as a CIR-511 dissonance. The genesis hash commits to it, so every replica checks packets
 * against the same policy. Issue 22.
 *
 *   "entropy": {
 *     "beacons": [ { name, scheme, publicKey, chainHash, genesisTime, periodSeconds, groupHash,
 *                    beaconId }, … ],
 *     "vdf": { "modulus": "rsa-2048", "t": "131072" },
 *     "roundAgeMaxMs": "12000", "clockSkewMaxMs": "2000", "staleRoundsCir511": "10"
 *   }
 * @module
 */
import { beaconChainJson, parseBeaconChain, type BeaconChain } from './beacon';
import { EntropyPolicyInvalidError } from './errors';
import { VDF_MODULUS_ID, VDF_T_MAX } from './vdf';

/** Most beacon chains one genesis may trust. */
export const POLICY_BEACONS_MAX = 8;

export type EntropyPolicy = {
  /** Trusted beacon chains (distinct chain hashes), in the genesis's order. */
  readonly beacons: readonly BeaconChain[];
  readonly vdfModulus: typeof VDF_MODULUS_ID;
  /** The VDF's delay: squarings per evaluation. */
  readonly vdfT: bigint;
  /** A packet uses a fresh round when its timestamp is at most this long after the round. */
  readonly roundAgeMaxMs: bigint;
  /** How far a round may lie after the packet's timestamp (clocks differ by this much). */
  readonly clockSkewMaxMs: bigint;
  /** A packet whose round is this many rounds behind its timestamp is a CIR-511 dissonance. */
  readonly staleRoundsCir511: bigint;
};

/** Defaults of the optional numeric fields (the measured default T is in docs/entropy.md). */
export const POLICY_DEFAULTS = Object.freeze({
  vdfT: 65_536n,
  roundAgeMaxMs: 12_000n,
  clockSkewMaxMs: 2_000n,
  staleRoundsCir511: 10n,
});

/**
 * Validates a genesis `entropy` section.
 * @param json - the section (integers as decimal strings; `vdf`, the bounds and the CIR-511 count
 *   are optional and default to {@link POLICY_DEFAULTS})
 * @throws {EntropyPolicyInvalidError} naming the first bad field
 */
export function parseEntropyPolicy(json: unknown): EntropyPolicy {
  const fail = (field: string, reason: string): never => {
    throw new EntropyPolicyInvalidError({ field, reason });
  };
  if (!isObject(json)) return fail('entropy', 'not an object');
  const allowed = ['beacons', 'clockSkewMaxMs', 'roundAgeMaxMs', 'staleRoundsCir511', 'vdf'];
  for (const key of Object.keys(json).sort())
    if (!allowed.includes(key)) fail(`entropy.${key}`, 'unknown field');
  const list = json.beacons;
  if (!Array.isArray(list) || list.length === 0 || list.length > POLICY_BEACONS_MAX)
    fail('entropy.beacons', `1 to ${POLICY_BEACONS_MAX} beacon chains`);
  const beacons = (list as readonly unknown[]).map((b, i) =>
    parseBeaconChain(b, `entropy.beacons[${i}]`),
  );
  const hashes = beacons.map((b) => b.chainHash);
  if (new Set(hashes).size !== hashes.length) fail('entropy.beacons', 'a chain is listed twice');
  const vdf = json.vdf ?? { modulus: VDF_MODULUS_ID, t: POLICY_DEFAULTS.vdfT.toString() };
  if (!isObject(vdf)) return fail('entropy.vdf', 'not an object');
  if (Object.keys(vdf).sort().join(',') !== 'modulus,t') fail('entropy.vdf', 'fields modulus, t');
  if (vdf.modulus !== VDF_MODULUS_ID) fail('entropy.vdf.modulus', `only ${VDF_MODULUS_ID}`);
  const vdfT = bounded(vdf.t, 'entropy.vdf.t', 1n, VDF_T_MAX, fail);
  const roundAgeMaxMs = optional(json.roundAgeMaxMs, POLICY_DEFAULTS.roundAgeMaxMs);
  const clockSkewMaxMs = optional(json.clockSkewMaxMs, POLICY_DEFAULTS.clockSkewMaxMs);
  const staleRounds = optional(json.staleRoundsCir511, POLICY_DEFAULTS.staleRoundsCir511);
  const ageMax = bounded(roundAgeMaxMs, 'entropy.roundAgeMaxMs', 1000n, 3_600_000n, fail);
  // A round must stay usable for its own period plus the next round's fetch and VDF.
  const periodMaxMs =
    beacons.reduce((m, b) => (b.periodSeconds > m ? b.periodSeconds : m), 0n) * 1000n;
  if (ageMax < 2n * periodMaxMs)
    fail('entropy.roundAgeMaxMs', `at least two beacon periods (${2n * periodMaxMs} ms)`);
  return Object.freeze({
    beacons: Object.freeze(beacons),
    vdfModulus: VDF_MODULUS_ID,
    vdfT,
    roundAgeMaxMs: ageMax,
    clockSkewMaxMs: bounded(clockSkewMaxMs, 'entropy.clockSkewMaxMs', 0n, 60_000n, fail),
    staleRoundsCir511: bounded(staleRounds, 'entropy.staleRoundsCir511', 1n, 1_000_000n, fail),
  });
}

/** The policy as genesis JSON (decimal strings): what {@link parseEntropyPolicy} reads. */
export function entropyPolicyJson(policy: EntropyPolicy): Record<string, unknown> {
  return {
    beacons: policy.beacons.map(beaconChainJson),
    vdf: { modulus: policy.vdfModulus, t: policy.vdfT.toString() },
    roundAgeMaxMs: policy.roundAgeMaxMs.toString(),
    clockSkewMaxMs: policy.clockSkewMaxMs.toString(),
    staleRoundsCir511: policy.staleRoundsCir511.toString(),
  };
}

/** The trusted chain with this chain hash, if any. */
export function policyBeacon(policy: EntropyPolicy, chainHash: string): BeaconChain | undefined {
  return policy.beacons.find((b) => b.chainHash === chainHash);
}

function optional(value: unknown, fallback: bigint): unknown {
  return value === undefined ? fallback.toString() : value;
}

function bounded(
  value: unknown,
  field: string,
  min: bigint,
  max: bigint,
  fail: (field: string, reason: string) => never,
): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(value))
    return fail(field, 'a decimal string');
  const n = BigInt(value);
  if (n < min || n > max) fail(field, `in [${min}, ${max}]`);
  return n;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
