/**
 * The entropy record a DRV packet carries, the seed derived from it, and its offline verification
 * (the check packet validation, replay and `qfs verify` run). Issue 22; format in docs/entropy.md.
 *
 *   { source: "beacon-vdf" | "beacon-vdf-stale+os",
 *     beacon: { chainHash, round, signature },
 *     qrng:   { provider, requestId, bytes, sha256 } | null,
 *     anchor: { height, sealHash } | null,
 *     vdf:    { modulus: "rsa-2048", t, input, output, proof },
 *     osRandom: "<32 bytes hex>"            (only when the source is "beacon-vdf-stale+os") }
 *
 *   VDF input = hashDomain('QFS/entropy/vdf-input/v1', canonical({anchor, beacon: {chainHash,
 *               randomness, round}, chainId, qrng: sha256 | null}))
 *   seed      = hashDomain('QFS/entropy/seed/v1', canonical({anchorSealHash, height,
 *               osRandom | null, vdfOutput}))                        (getQuantumEnhancedSeed)
 *
 * One VDF is evaluated per beacon round; every packet that uses the round carries the same beacon,
 * QRNG, anchor and VDF parts and differs only in its seed (its height). The anchor is the newest
 * seal when the round's VDF input was fixed: "the previous seal" of the round. The seed does not
 * mix in the seal of the bundle just before the packet, because the sequencer chooses that
 * bundle's content after it knows the VDF output (docs/decisions.md, "Seeds are not grindable").
 * @module
 */
import { canonicalBytes, hashDomainHex, HashDomain, isHex, sha256Hex } from '../codec';
import { hexToBytes, parseWholeNumber } from '../codec';
import {
  beaconRandomness,
  BEACON_ROUND_MAX,
  BEACON_SIGNATURE_BYTES,
  roundAtMs,
  roundTimeMs,
  verifyBeaconSignature,
} from './beacon';
import {
  DrvEntropyAnchorError,
  DrvEntropyBeaconSignatureError,
  DrvEntropyMalformedError,
  DrvEntropyQrngHashError,
  DrvEntropyRoundFromFutureError,
  DrvEntropyRoundRegressedError,
  DrvEntropyRoundStaleError,
  DrvEntropySeedMismatchError,
  DrvEntropySourceMismatchError,
  DrvEntropyUnknownBeaconError,
  DrvEntropyVdfInputError,
  DrvEntropyVdfParamsError,
  DrvEntropyVdfProofError,
} from './errors';
import { policyBeacon, type EntropyPolicy } from './policy';
import { verifyVdf, VDF_ELEMENT_BYTES, VDF_MODULUS_ID } from './vdf';

/** The record's source when the round is fresh. */
export const SOURCE_BEACON_VDF = 'beacon-vdf';
/** The record's source when the round is older than the policy allows and OS randomness is mixed in. */
export const SOURCE_BEACON_VDF_STALE = 'beacon-vdf-stale+os';
/** Most QRNG bytes a record carries. */
export const QRNG_BYTES_MAX = 64;
/** Longest provider name and request id. */
export const QRNG_LABEL_LENGTH_MAX = 128;

/** The QRNG provider's answer, recorded as received (it cannot be verified, only mixed in). */
export type QrngRecord = {
  readonly provider: string;
  readonly requestId: string;
  /** The raw bytes, lowercase hex. */
  readonly bytes: string;
  /** SHA-256 of the bytes, lowercase hex. */
  readonly sha256: string;
};

/** The seal the round's VDF input is bound to. */
export type EntropyAnchor = { readonly height: bigint; readonly sealHash: string };

/** The part of a record that belongs to the beacon round (shared by every packet of the round). */
export type RoundEntropy = {
  readonly beacon: {
    readonly chainHash: string;
    readonly round: bigint;
    readonly signature: string;
  };
  readonly qrng: QrngRecord | null;
  readonly anchor: EntropyAnchor | null;
  readonly vdf: {
    readonly modulus: typeof VDF_MODULUS_ID;
    readonly t: bigint;
    readonly input: string;
    readonly output: string;
    readonly proof: string;
  };
};

/** A packet's entropy record, parsed. */
export type BeaconEntropyRecord = RoundEntropy & {
  readonly source: typeof SOURCE_BEACON_VDF | typeof SOURCE_BEACON_VDF_STALE;
  /** 32 bytes of OS randomness, present exactly when the source is stale. */
  readonly osRandom: string | null;
};

/** What the check found: recorded with the bundle and shown on /v1/status. */
export type EntropyVerdict = {
  readonly source: BeaconEntropyRecord['source'];
  readonly chainHash: string;
  readonly round: bigint;
  /** Rounds the beacon is behind the packet's timestamp (0 or 1 when fresh). */
  readonly staleRounds: bigint;
  /** True when `staleRounds` reached the policy's CIR-511 count. */
  readonly cir511: boolean;
};

/**
 * The VDF input of a beacon round: binds the chain, the round's randomness, the QRNG bytes and the
 * anchor seal.
 * @returns 64 lowercase hex digits
 */
export function vdfInputOf(input: {
  readonly chainId: string;
  readonly chainHash: string;
  readonly round: bigint;
  readonly signature: string;
  readonly qrng: QrngRecord | null;
  readonly anchor: EntropyAnchor | null;
}): string {
  const body = {
    anchor:
      input.anchor === null
        ? null
        : { height: input.anchor.height.toString(), sealHash: input.anchor.sealHash },
    beacon: {
      chainHash: input.chainHash,
      randomness: beaconRandomness(input.signature),
      round: input.round.toString(),
    },
    chainId: input.chainId,
    qrng: input.qrng === null ? null : input.qrng.sha256,
  };
  return hashDomainHex(HashDomain.ENTROPY_VDF_INPUT, canonicalBytes(body));
}

/**
 * getQuantumEnhancedSeed: a packet's seed from its round's VDF output, its height and the round's
 * anchor seal (and, only for a stale round, the OS randomness mixed in).
 * @param input - VDF output y (hex), packet height, anchor seal hash (64 zeros before the first
 *   seal), OS randomness or null
 * @returns the 32-byte seed, lowercase hex
 * @example
 * getQuantumEnhancedSeed({ vdfOutput, height: 7n, anchorSealHash, osRandom: null });
 */
export function getQuantumEnhancedSeed(input: {
  readonly vdfOutput: string;
  readonly height: bigint;
  readonly anchorSealHash: string;
  readonly osRandom: string | null;
}): string {
  const body = {
    anchorSealHash: input.anchorSealHash,
    height: input.height.toString(),
    osRandom: input.osRandom,
    vdfOutput: input.vdfOutput,
  };
  return hashDomainHex(HashDomain.ENTROPY_SEED, canonicalBytes(body));
}

/** The anchor's seal hash as it enters the seed: 64 zeros before the first seal. */
export function anchorSealHash(anchor: EntropyAnchor | null): string {
  return anchor === null ? '0'.repeat(64) : anchor.sealHash;
}

/**
 * The record of a packet at `height` using `round` (the wire form, decimal strings).
 * @param round - the round's beacon, QRNG, anchor and VDF parts
 * @param osRandom - 32 bytes of OS randomness when the round is stale, else null
 */
export function entropyRecordJson(
  round: RoundEntropy,
  osRandom: string | null,
): Record<string, unknown> & { readonly source: string } {
  return {
    source: osRandom === null ? SOURCE_BEACON_VDF : SOURCE_BEACON_VDF_STALE,
    beacon: {
      chainHash: round.beacon.chainHash,
      round: round.beacon.round.toString(),
      signature: round.beacon.signature,
    },
    qrng: round.qrng === null ? null : { ...round.qrng },
    anchor:
      round.anchor === null
        ? null
        : { height: round.anchor.height.toString(), sealHash: round.anchor.sealHash },
    vdf: {
      modulus: round.vdf.modulus,
      t: round.vdf.t.toString(),
      input: round.vdf.input,
      output: round.vdf.output,
      proof: round.vdf.proof,
    },
    ...(osRandom === null ? {} : { osRandom }),
  };
}

/** A packet as far as its entropy is concerned. */
export type EntropyPacket = {
  readonly chainId: string;
  readonly sequence: bigint;
  readonly ttsTimestamp: bigint;
  readonly seed: string;
  readonly entropy: Readonly<Record<string, unknown>>;
};

/**
 * Checks a packet's entropy record against the chain's policy and the previous packet, and
 * recomputes its seed. Checks, in order (the first failure throws): shape; source is beacon-VDF;
 * beacon chain trusted; round not after the packet (clock-skew bound); round not older than the
 * previous packet's; freshness matches the source marking; anchor below the packet and not behind
 * the previous anchor; then, unless the round part equals the previous packet's (already checked):
 * beacon signature, QRNG hash, VDF parameters, VDF input, VDF proof; finally the seed.
 * @param policy - the genesis entropy policy
 * @param packet - the packet (its signature is checked elsewhere)
 * @param previous - the previous packet, or null at genesis
 * @returns what the record says: source, round, stale rounds, CIR-511
 * @throws the `DRV_ENTROPY_*` error naming the failing check
 */
export function verifyPacketEntropy(
  policy: EntropyPolicy,
  packet: EntropyPacket,
  previous: EntropyPacket | null,
): EntropyVerdict {
  const { sequence } = packet;
  const record = parseEntropyRecord(packet.entropy, sequence);
  const chain = policyBeacon(policy, record.beacon.chainHash);
  if (chain === undefined)
    throw new DrvEntropyUnknownBeaconError({ sequence, chainHash: record.beacon.chainHash });
  const { round } = record.beacon;
  const roundMs = roundTimeMs(chain, round);
  if (roundMs > packet.ttsTimestamp + policy.clockSkewMaxMs) {
    const details = { round, roundTimeMs: roundMs, ttsTimestamp: packet.ttsTimestamp };
    throw new DrvEntropyRoundFromFutureError({
      sequence,
      ...details,
      clockSkewMaxMs: policy.clockSkewMaxMs,
    });
  }
  const prior = previous === null ? null : priorRecord(policy, previous);
  checkRoundOrder(sequence, { chainHash: chain.chainHash, round, roundMs }, prior);
  const ageMs = packet.ttsTimestamp - roundMs;
  const fresh = ageMs <= policy.roundAgeMaxMs;
  checkSourceMarking(sequence, record, fresh, { round, ageMs, max: policy.roundAgeMaxMs });
  checkAnchor(sequence, record.anchor, prior?.record.anchor ?? null, prior !== null);
  if (prior === null || !sameRound(record, prior.record))
    checkRound(policy, packet.chainId, sequence, record);
  const expected = getQuantumEnhancedSeed({
    vdfOutput: record.vdf.output,
    height: sequence,
    anchorSealHash: anchorSealHash(record.anchor),
    osRandom: record.osRandom,
  });
  if (packet.seed !== expected)
    throw new DrvEntropySeedMismatchError({ sequence, expected, actual: packet.seed });
  const atPacket = roundAtMs(chain, packet.ttsTimestamp);
  const staleRounds = atPacket > round ? atPacket - round : 0n;
  return Object.freeze({
    source: record.source,
    chainHash: chain.chainHash,
    round,
    staleRounds,
    cir511: staleRounds >= policy.staleRoundsCir511,
  });
}

/**
 * Checks that a record's anchor names a seal of this ledger (the caller looks seals up by height:
 * replay and `qfs verify` hold them; the engine does not).
 * @throws {DrvEntropyAnchorError} when the stored seal at that height has another hash
 */
export function verifyEntropyAnchor(
  packet: EntropyPacket,
  sealHashAt: (height: bigint) => string | undefined,
): void {
  const record = parseEntropyRecord(packet.entropy, packet.sequence);
  if (record.anchor === null) return;
  const stored = sealHashAt(record.anchor.height);
  if (stored !== record.anchor.sealHash) {
    throw new DrvEntropyAnchorError({
      sequence: packet.sequence,
      reason: `seal ${record.anchor.height} hashes to ${stored ?? 'nothing'}, the record says ${record.anchor.sealHash}`,
    });
  }
}

/** The round-level checks: beacon signature, QRNG hash, VDF parameters, input and proof. */
function checkRound(
  policy: EntropyPolicy,
  chainId: string,
  sequence: bigint,
  record: BeaconEntropyRecord,
): void {
  const { beacon, qrng, vdf } = record;
  if (
    !verifyBeaconSignature(
      { publicKey: publicKeyOf(policy, beacon.chainHash) },
      beacon.round,
      beacon.signature,
    )
  )
    throw new DrvEntropyBeaconSignatureError({ sequence, ...beacon });
  if (qrng !== null) {
    const actual = sha256Hex(hexToBytes(qrng.bytes));
    if (actual !== qrng.sha256)
      throw new DrvEntropyQrngHashError({ sequence, expected: actual, actual: qrng.sha256 });
  }
  if (vdf.t !== policy.vdfT) {
    const details = { field: 't', expected: policy.vdfT.toString(), actual: vdf.t.toString() };
    throw new DrvEntropyVdfParamsError({ sequence, ...details });
  }
  const input = vdfInputOf({ chainId, ...beacon, qrng, anchor: record.anchor });
  if (input !== vdf.input)
    throw new DrvEntropyVdfInputError({ sequence, expected: input, actual: vdf.input });
  if (!verifyVdf(vdf.input, vdf.t, vdf.output, vdf.proof))
    throw new DrvEntropyVdfProofError({ sequence, input: vdf.input, t: vdf.t });
}

function publicKeyOf(policy: EntropyPolicy, chainHash: string): string {
  return (policyBeacon(policy, chainHash) as { publicKey: string }).publicKey;
}

type Prior = { readonly record: BeaconEntropyRecord; readonly roundMs: bigint };

/** The previous packet's record (already validated when it was admitted). */
function priorRecord(policy: EntropyPolicy, previous: EntropyPacket): Prior | null {
  const record = parseEntropyRecord(previous.entropy, previous.sequence);
  const chain = policyBeacon(policy, record.beacon.chainHash);
  if (chain === undefined) return null;
  return { record, roundMs: roundTimeMs(chain, record.beacon.round) };
}

/** Rounds never go back: not to an earlier time, and not to a lower round of the same chain. */
function checkRoundOrder(
  sequence: bigint,
  current: { chainHash: string; round: bigint; roundMs: bigint },
  prior: Prior | null,
): void {
  if (prior === null) return;
  const before = prior.record.beacon;
  const sameChain = before.chainHash === current.chainHash;
  if (current.roundMs < prior.roundMs || (sameChain && current.round < before.round)) {
    throw new DrvEntropyRoundRegressedError({
      sequence,
      round: current.round,
      roundTimeMs: current.roundMs,
      previousRound: before.round,
      previousRoundTimeMs: prior.roundMs,
    });
  }
}

function checkSourceMarking(
  sequence: bigint,
  record: BeaconEntropyRecord,
  fresh: boolean,
  age: { round: bigint; ageMs: bigint; max: bigint },
): void {
  if (!fresh && record.source === SOURCE_BEACON_VDF)
    throw new DrvEntropyRoundStaleError({
      sequence,
      round: age.round,
      ageMs: age.ageMs,
      roundAgeMaxMs: age.max,
    });
  if (fresh && record.source === SOURCE_BEACON_VDF_STALE)
    throw new DrvEntropySourceMismatchError({
      sequence,
      expected: SOURCE_BEACON_VDF,
      actual: record.source,
    });
}

function checkAnchor(
  sequence: bigint,
  anchor: EntropyAnchor | null,
  priorAnchor: EntropyAnchor | null,
  hasPrior: boolean,
): void {
  if (anchor !== null && anchor.height >= sequence)
    throw new DrvEntropyAnchorError({
      sequence,
      reason: `anchor height ${anchor.height} is not below the packet`,
    });
  if (!hasPrior || priorAnchor === null) return;
  if (anchor === null || anchor.height < priorAnchor.height)
    throw new DrvEntropyAnchorError({
      sequence,
      reason: `anchor ${anchor?.height ?? 'none'} is behind the previous packet's ${priorAnchor.height}`,
    });
}

/** True when two records share their round part byte for byte (the earlier one was verified). */
function sameRound(a: BeaconEntropyRecord, b: BeaconEntropyRecord): boolean {
  const part = (r: BeaconEntropyRecord) =>
    entropyRecordJson(r, null) as unknown as Readonly<Record<string, unknown>>;
  return hashCanonicalHex(part(a)) === hashCanonicalHex(part(b));
}

function hashCanonicalHex(value: unknown): string {
  return sha256Hex(canonicalBytes(value));
}

/**
 * Parses an entropy record (the wire form) and checks every field's type and length.
 * @throws {DrvEntropyMalformedError} naming the field, or {DrvEntropySourceMismatchError} for a
 *   source other than the two beacon-VDF ones
 */
export function parseEntropyRecord(
  json: Readonly<Record<string, unknown>>,
  sequence: bigint,
): BeaconEntropyRecord {
  const fail = (field: string, reason: string): never => {
    throw new DrvEntropyMalformedError({ sequence, field, reason });
  };
  const source = json.source;
  if (source !== SOURCE_BEACON_VDF && source !== SOURCE_BEACON_VDF_STALE) {
    throw new DrvEntropySourceMismatchError({
      sequence,
      expected: `${SOURCE_BEACON_VDF} or ${SOURCE_BEACON_VDF_STALE}`,
      actual: String(source),
    });
  }
  const stale = source === SOURCE_BEACON_VDF_STALE;
  const keys = ['anchor', 'beacon', 'qrng', 'source', 'vdf', ...(stale ? ['osRandom'] : [])];
  if (Object.keys(json).sort().join(',') !== keys.sort().join(','))
    fail('record', `fields must be exactly ${keys.join(', ')}`);
  const osRandom = stale
    ? isHex(json.osRandom, 32)
      ? json.osRandom
      : fail('osRandom', 'not 32 bytes of hex')
    : null;
  return Object.freeze({
    source,
    beacon: parseBeacon(json.beacon, fail),
    qrng: parseQrng(json.qrng, fail),
    anchor: parseAnchor(json.anchor, fail),
    vdf: parseVdf(json.vdf, fail),
    osRandom,
  });
}

type Fail = (field: string, reason: string) => never;

function fields(
  value: unknown,
  names: string,
  field: string,
  fail: Fail,
): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(field, 'not an object');
  const obj = value as Readonly<Record<string, unknown>>;
  if (Object.keys(obj).sort().join(',') !== names) fail(field, `fields must be exactly ${names}`);
  return obj;
}

function parseBeacon(value: unknown, fail: Fail): RoundEntropy['beacon'] {
  const b = fields(value, 'chainHash,round,signature', 'beacon', fail);
  if (!isHex(b.chainHash, 32)) fail('beacon.chainHash', 'not 32 bytes of hex');
  const round = decimal(b.round) ?? fail('beacon.round', 'not a decimal string');
  if (round < 1n || round > BEACON_ROUND_MAX) fail('beacon.round', 'not in [1, 2^53 − 1]');
  if (!isHex(b.signature, BEACON_SIGNATURE_BYTES)) fail('beacon.signature', 'not 48 bytes of hex');
  return Object.freeze({
    chainHash: b.chainHash as string,
    round,
    signature: b.signature as string,
  });
}

function parseQrng(value: unknown, fail: Fail): QrngRecord | null {
  if (value === null) return null;
  const q = fields(value, 'bytes,provider,requestId,sha256', 'qrng', fail);
  const label = /^[\x20-\x7e]{0,128}$/;
  if (typeof q.provider !== 'string' || q.provider.length === 0 || !label.test(q.provider))
    fail('qrng.provider', 'printable ASCII, 1–128 characters');
  if (typeof q.requestId !== 'string' || !label.test(q.requestId))
    fail('qrng.requestId', 'printable ASCII, at most 128 characters');
  if (!isHex(q.bytes) || q.bytes.length === 0 || q.bytes.length > 2 * QRNG_BYTES_MAX)
    fail('qrng.bytes', `1 to ${QRNG_BYTES_MAX} bytes of hex`);
  if (!isHex(q.sha256, 32)) fail('qrng.sha256', 'not 32 bytes of hex');
  return Object.freeze({
    provider: q.provider as string,
    requestId: q.requestId as string,
    bytes: q.bytes as string,
    sha256: q.sha256 as string,
  });
}

function parseAnchor(value: unknown, fail: Fail): EntropyAnchor | null {
  if (value === null) return null;
  const a = fields(value, 'height,sealHash', 'anchor', fail);
  const height = decimal(a.height) ?? fail('anchor.height', 'not a decimal string');
  if (!isHex(a.sealHash, 32)) fail('anchor.sealHash', 'not 32 bytes of hex');
  return Object.freeze({ height, sealHash: a.sealHash as string });
}

function parseVdf(value: unknown, fail: Fail): RoundEntropy['vdf'] {
  const v = fields(value, 'input,modulus,output,proof,t', 'vdf', fail);
  if (v.modulus !== VDF_MODULUS_ID) fail('vdf.modulus', `not ${VDF_MODULUS_ID}`);
  const t = decimal(v.t) ?? fail('vdf.t', 'not a decimal string');
  if (!isHex(v.input, 32)) fail('vdf.input', 'not 32 bytes of hex');
  if (!isHex(v.output, VDF_ELEMENT_BYTES)) fail('vdf.output', 'not 256 bytes of hex');
  if (!isHex(v.proof, VDF_ELEMENT_BYTES)) fail('vdf.proof', 'not 256 bytes of hex');
  return Object.freeze({
    modulus: VDF_MODULUS_ID,
    t,
    input: v.input as string,
    output: v.output as string,
    proof: v.proof as string,
  });
}

function decimal(value: unknown): bigint | undefined {
  return parseWholeNumber(value, 18);
}
