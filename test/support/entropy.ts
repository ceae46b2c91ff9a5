/**
 * Entropy fixtures: a fixed-key devnet beacon, policies, evaluated rounds and packets whose seed
 * derives from them, for the entropy, engine and node suites.
 * @module
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  beaconChainJson,
  entropyRecordJson,
  evaluateVdf,
  getQuantumEnhancedSeed,
  anchorSealHash,
  parseEntropyPolicy,
  roundTimeMs,
  signBeaconRound,
  vdfInputOf,
  type BeaconChain,
  type EntropyAnchor,
  type EntropyPacket,
  type EntropyPolicy,
  type QrngRecord,
  type RoundEntropy,
} from '../../runtime/entropy';
import { devnetBeaconOf, type DevnetBeacon } from '../../runtime/entropy/beacon-server';

export type FixtureRound = { round: number; signature: string; randomness?: string };
type FixtureChain = { info: Record<string, unknown>; rounds: FixtureRound[] };

/** Real recorded drand rounds and a recorded QRNG answer (sources inside the file). */
export const DRAND_FIXTURE = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/entropy/drand-rounds.json'), 'utf8'),
) as {
  quicknet: FixtureChain;
  walkthrough: FixtureChain;
  anuQuantumNumbers: { request: { length: number; type: string; size: number }; body: unknown };
};

/** A small delay so tests evaluate VDFs in milliseconds. */
export const TEST_VDF_T = 256n;

/** A devnet beacon with a fixed key (period 1 s, genesis 2023-11-14). */
export const TEST_BEACON: DevnetBeacon = devnetBeaconOf(
  Uint8Array.from(createHash('sha256').update('qfs test beacon').digest()).map((b, i) =>
    i === 0 ? b & 0x3f : b,
  ),
  { genesisTime: 1_700_000_000n, periodSeconds: 1n },
);

/** A policy trusting `chains` (default the test beacon) with the test VDF delay. */
export function testPolicy(
  overrides: Record<string, unknown> = {},
  chains: readonly BeaconChain[] = [TEST_BEACON.chain],
): EntropyPolicy {
  return parseEntropyPolicy({
    beacons: chains.map(beaconChainJson),
    vdf: { modulus: 'rsa-2048', t: TEST_VDF_T.toString() },
    roundAgeMaxMs: '3000',
    clockSkewMaxMs: '1000',
    staleRoundsCir511: '5',
    ...overrides,
  });
}

/** The SHA-256-labelled QRNG record of some bytes. */
export function qrngRecord(bytes: string, requestId = 'req-1'): QrngRecord {
  return {
    provider: 'anu-quantum-numbers',
    requestId,
    bytes,
    sha256: createHash('sha256').update(Buffer.from(bytes, 'hex')).digest('hex'),
  };
}

/** A round with its VDF evaluated, as the entropy service builds it. */
export function testRound(options: {
  readonly round: bigint;
  readonly chainId?: string;
  readonly qrng?: QrngRecord | null;
  readonly anchor?: EntropyAnchor | null;
  readonly t?: bigint;
  readonly beacon?: { readonly chain: BeaconChain; readonly signature: (round: bigint) => string };
}): RoundEntropy {
  const chain = options.beacon?.chain ?? TEST_BEACON.chain;
  const signature = (
    options.beacon?.signature ?? ((r) => signBeaconRound(TEST_BEACON.secretKey, r))
  )(options.round);
  const qrng = options.qrng ?? null;
  const anchor = options.anchor ?? null;
  const input = vdfInputOf({
    chainId: options.chainId ?? 'qfs-test',
    chainHash: chain.chainHash,
    round: options.round,
    signature,
    qrng,
    anchor,
  });
  const e = evaluateVdf(input, options.t ?? TEST_VDF_T);
  return {
    beacon: { chainHash: chain.chainHash, round: options.round, signature },
    qrng,
    anchor,
    vdf: { modulus: 'rsa-2048', t: e.t, input, output: e.output, proof: e.proof },
  };
}

/** The packet at `sequence`, stamped `ttsTimestamp`, using `round` (stale with `osRandom`). */
export function testPacket(
  round: RoundEntropy,
  sequence: bigint,
  ttsTimestamp: bigint,
  osRandom: string | null = null,
  chainId = 'qfs-test',
): EntropyPacket {
  const seed = getQuantumEnhancedSeed({
    vdfOutput: round.vdf.output,
    height: sequence,
    anchorSealHash: anchorSealHash(round.anchor),
    osRandom,
  });
  return { chainId, sequence, ttsTimestamp, seed, entropy: entropyRecordJson(round, osRandom) };
}

/** When a test-beacon round is published (ms). */
export function testRoundMs(round: bigint): bigint {
  return roundTimeMs(TEST_BEACON.chain, round);
}
