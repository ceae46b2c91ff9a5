/**
 * DRV packets (Deterministic Replayable Validation): the signed header that opens every bundle.
 * DESIGN.md §4 DRV packets; the reference (python-reference-spec §5) hashes one byte string and
 * signs another, has no timestamp monotonicity and accepts mock signatures; here the signed bytes
 * and the hashed bytes are the same canonical bytes and every failure has its own code.
 *
 * Packet fields (integers as bigints in memory, decimal strings in canonical bytes):
 * - version: "1"
 * - chainId: the chain id (lowercase letters, digits, `.`, `_`, `-`; 1–64 characters)
 * - sequence: 0 at genesis, then previous + 1
 * - ttsTimestamp: ms in [0, 2^53 − 1], strictly greater than the previous packet's, and at most
 *   `timestampJumpMaxMs` (default 30 days) after it
 * - seed: 32 bytes of lowercase hex, from the entropy source
 * - previousHash: packetHash(previous packet); 64 zeros at genesis
 * - payloadHash: computePayloadHash(ordered tx hashes, ordered guidance hashes)
 * - entropy: a canonical JSON object describing where the seed came from; `source` is required
 *   (e.g. `{source: "os-csprng", prevSealHash: "…"}`), at most 4096 canonical bytes
 * - metadata: a bounded string map
 * - signer: the EIP-55 address (key id) of the signing key; it must hold `sequencer`
 * - signature: ML-DSA-87 over canonicalBytes(packet without signature), context `QFS/drv/v1`
 *
 * packetHash = SHA-256(canonicalBytes(packet without signature)): the same bytes the signature
 * covers, so the hash commits to the signer too.
 * @module
 */
import {
  bytesToHex,
  canonicalBytes,
  hashDomainHex,
  HashDomain,
  hexToBytes,
  isChecksumAddress,
  isHex,
  sha256Hex,
  ZERO_HASH,
  type JsonValue,
} from '../codec';
import { isCodedError } from '../errors';
import { ML_DSA_87, sign, SignatureContext, verify, type KeyPair } from '../crypto';
import {
  DrvBadSeedError,
  DrvBadSequenceError,
  DrvBadVersionError,
  DrvMalformedError,
  DrvPayloadHashMismatchError,
  DrvPreviousHashMismatchError,
  DrvSignatureInvalidError,
  DrvSignerUnauthorizedError,
  DrvTimestampJumpError,
  DrvTimestampNotIncreasingError,
  DrvTimestampOutOfRangeError,
  DrvWrongChainError,
} from './errors';
import { CHAIN_ID_PATTERN } from './key-event';
import type { KeyLedgerView } from './key-ledger-state';
import {
  copyStringMap,
  exactKeysProblem,
  isRecord,
  parseDecimal,
  stringMapProblem,
  TIMESTAMP_MAX_MS,
} from './wire';

/** The packet version this runtime creates and validates. */
export const DRV_PACKET_VERSION = '1';
/** Largest ttsTimestamp (ms): 2^53 − 1. */
export const DRV_TIMESTAMP_MAX_MS = TIMESTAMP_MAX_MS;
/** Default bound on the gap between consecutive packets: 30 days in ms. */
export const DRV_TIMESTAMP_JUMP_MAX_MS = 30n * 24n * 60n * 60n * 1000n;
/** Largest canonical size of the entropy record, in bytes. */
export const DRV_ENTROPY_BYTES_MAX = 4096;
/** Most hashes one payload commitment may list (transactions plus guidance). */
export const DRV_PAYLOAD_HASHES_MAX = 100_000;

/** Where the seed came from: free-form canonical JSON with a required `source`. */
export type EntropyRecord = { readonly source: string; readonly [key: string]: JsonValue };

/** A packet before signing. */
export type UnsignedDrvPacket = {
  readonly version: string;
  readonly chainId: string;
  readonly sequence: bigint;
  readonly ttsTimestamp: bigint;
  readonly seed: string;
  readonly previousHash: string;
  readonly payloadHash: string;
  readonly entropy: EntropyRecord;
  readonly metadata: Readonly<Record<string, string>>;
};

/** What the signature covers and the hash is taken over. */
export type DrvPacketBody = UnsignedDrvPacket & { readonly signer: string };

/** A signed DRV packet. */
export type DrvPacket = DrvPacketBody & { readonly signature: string };

/** What `validatePacket` checks the packet against. */
export type PacketExpectations = {
  /** The chain the packet must belong to. */
  readonly chainId: string;
  /** The payload commitment recomputed from the bundle, when the caller has the bundle. */
  readonly payloadHash?: string;
  /** Largest allowed ttsTimestamp gap to the previous packet (default 30 days). */
  readonly timestampJumpMaxMs?: bigint;
};

/**
 * The payload commitment of a bundle: domain-separated SHA-256 (`QFS/drv/payload/v1`) of the
 * canonical bytes of `{transactions: [...txHashes], guidance: [...guidanceHashes]}`, order kept.
 * @param txHashes - the bundle's transaction hashes, in execution order (lowercase hex)
 * @param guidanceHashes - the oracle guidance hashes, in order (lowercase hex)
 * @returns 64 lowercase hex digits
 * @throws {DrvMalformedError} when a hash is not 32 bytes of lowercase hex
 */
export function computePayloadHash(
  txHashes: readonly string[],
  guidanceHashes: readonly string[],
): string {
  if (txHashes.length + guidanceHashes.length > DRV_PAYLOAD_HASHES_MAX) {
    throw new DrvMalformedError({
      field: 'payload',
      reason: `more than ${DRV_PAYLOAD_HASHES_MAX} hashes`,
    });
  }
  txHashes.forEach((h, i) => {
    if (!isHex(h, 32))
      throw new DrvMalformedError({ field: `transactions/${i}`, reason: 'not a 32-byte hash' });
  });
  guidanceHashes.forEach((h, i) => {
    if (!isHex(h, 32))
      throw new DrvMalformedError({ field: `guidance/${i}`, reason: 'not a 32-byte hash' });
  });
  const payload = { transactions: [...txHashes], guidance: [...guidanceHashes] };
  return hashDomainHex(HashDomain.DRV_PAYLOAD, canonicalBytes(payload));
}

/**
 * Creates the next unsigned packet after `previous` (or the genesis packet when it is null).
 * @param input - chain, previous packet, timestamp, seed, payload hash, entropy record, metadata
 * @returns the unsigned packet (sign it with {@link signPacket})
 * @throws {DrvMalformedError} / the other DRV errors when a field is invalid
 */
export function createPacket(input: {
  readonly chainId: string;
  readonly previous: DrvPacket | null;
  readonly ttsTimestamp: bigint;
  readonly seed: string;
  readonly payloadHash: string;
  readonly entropy: EntropyRecord;
  readonly metadata?: Readonly<Record<string, string>>;
}): UnsignedDrvPacket {
  const packet: UnsignedDrvPacket = {
    version: DRV_PACKET_VERSION,
    chainId: input.chainId,
    sequence: input.previous === null ? 0n : input.previous.sequence + 1n,
    ttsTimestamp: input.ttsTimestamp,
    seed: input.seed,
    previousHash: input.previous === null ? ZERO_HASH : packetHash(input.previous),
    payloadHash: input.payloadHash,
    entropy: input.entropy,
    metadata: copyStringMap(input.metadata ?? {}),
  };
  checkPacketShape({ ...packet, signer: '', signature: '' }, false);
  if (!isHex(packet.seed, 32))
    throw new DrvBadSeedError({
      sequence: packet.sequence,
      seed: String(packet.seed).slice(0, 80),
    });
  if (packet.ttsTimestamp < 0n || packet.ttsTimestamp > DRV_TIMESTAMP_MAX_MS) {
    const details = {
      sequence: packet.sequence,
      ttsTimestamp: packet.ttsTimestamp,
      min: 0n,
      max: DRV_TIMESTAMP_MAX_MS,
    };
    throw new DrvTimestampOutOfRangeError(details);
  }
  return Object.freeze(packet);
}

/**
 * Signs a packet: sets `signer` to the key's address and signs the canonical bytes of the packet
 * without its signature (context `QFS/drv/v1`), deterministically.
 * @param packet - the unsigned packet
 * @param keyPair - the sequencer key
 * @returns the signed packet
 */
export function signPacket(packet: UnsignedDrvPacket, keyPair: KeyPair): DrvPacket {
  const body: DrvPacketBody = { ...pickUnsigned(packet), signer: keyPair.address };
  const signature = sign(keyPair.secretKey, packetSigningBytes(body), SignatureContext.DRV);
  return Object.freeze({ ...body, signature: bytesToHex(signature) });
}

/**
 * The body of a packet signed by `signer` (an address), ready for its signature: what
 * {@link signPacket} signs, for callers that sign elsewhere (a signing worker).
 */
export function packetBody(packet: UnsignedDrvPacket, signer: string): DrvPacketBody {
  return Object.freeze({ ...pickUnsigned(packet), signer });
}

/** The canonical bytes a packet's signature covers and its hash is taken over. */
export function packetSigningBytes(packet: DrvPacketBody): Uint8Array {
  return canonicalBytes({ ...pickUnsigned(packet), signer: packet.signer });
}

/** The packet hash: SHA-256 of {@link packetSigningBytes} (the next packet's previousHash). */
export function packetHash(packet: DrvPacketBody): string {
  return sha256Hex(packetSigningBytes(packet));
}

/**
 * Validates a packet against its predecessor, the expected chain (and payload), and the
 * KeyLedger. Checks run in this order and the first failure throws: shape, version, chain, seed,
 * sequence, timestamp range, monotonicity and jump, previousHash, payloadHash, signer
 * authorisation (active key holding `sequencer`), signature.
 * @param packet - the packet (untrusted)
 * @param previous - the previous packet (already validated), or null at genesis
 * @param keyLedger - the KeyLedger view at the moment of the bundle
 * @param expected - chain id, payload hash, timestamp jump bound
 * @throws {DrvMalformedError} {DrvBadVersionError} {DrvWrongChainError} {DrvBadSeedError}
 *   {DrvBadSequenceError} {DrvTimestampOutOfRangeError} {DrvTimestampNotIncreasingError}
 *   {DrvTimestampJumpError} {DrvPreviousHashMismatchError} {DrvPayloadHashMismatchError}
 *   {DrvSignerUnauthorizedError} {DrvSignatureInvalidError}
 */
export function validatePacket(
  packet: DrvPacket,
  previous: DrvPacket | null,
  keyLedger: KeyLedgerView,
  expected: PacketExpectations,
): void {
  checkPacketShape(packet, true);
  const { sequence } = packet;
  if (packet.version !== DRV_PACKET_VERSION) {
    throw new DrvBadVersionError({ expected: DRV_PACKET_VERSION, actual: packet.version });
  }
  if (packet.chainId !== expected.chainId) {
    throw new DrvWrongChainError({ expected: expected.chainId, actual: packet.chainId });
  }
  if (!isHex(packet.seed, 32))
    throw new DrvBadSeedError({ sequence, seed: String(packet.seed).slice(0, 80) });
  const expectedSequence = previous === null ? 0n : previous.sequence + 1n;
  if (sequence !== expectedSequence)
    throw new DrvBadSequenceError({ expected: expectedSequence, actual: sequence });
  checkTimestamp(packet, previous, expected.timestampJumpMaxMs ?? DRV_TIMESTAMP_JUMP_MAX_MS);
  const previousHash = previous === null ? ZERO_HASH : packetHash(previous);
  if (packet.previousHash !== previousHash) {
    throw new DrvPreviousHashMismatchError({
      sequence,
      expected: previousHash,
      actual: packet.previousHash,
    });
  }
  if (expected.payloadHash !== undefined && packet.payloadHash !== expected.payloadHash) {
    const details = { sequence, expected: expected.payloadHash, actual: packet.payloadHash };
    throw new DrvPayloadHashMismatchError(details);
  }
  const publicKey = authorisedSigner(packet, keyLedger);
  if (!isHex(packet.signature, ML_DSA_87.signatureBytes)) {
    throw new DrvSignatureInvalidError({
      sequence,
      signer: packet.signer,
      reason: 'not 4627 bytes of hex',
    });
  }
  const valid = verify(
    publicKey,
    packetSigningBytes(packet),
    hexToBytes(packet.signature),
    SignatureContext.DRV,
  );
  if (!valid)
    throw new DrvSignatureInvalidError({
      sequence,
      signer: packet.signer,
      reason: 'does not verify',
    });
}

/**
 * Decodes a packet from its JSON form (integers as decimal strings) and checks its shape.
 * @param json - the parsed JSON value
 * @throws {DrvMalformedError} when it is not a packet
 */
export function parsePacket(json: unknown): DrvPacket {
  if (!isRecord(json)) throw new DrvMalformedError({ field: 'packet', reason: 'not an object' });
  const sequence = parseDecimal(json.sequence);
  const ttsTimestamp = parseDecimal(json.ttsTimestamp);
  if (sequence === undefined)
    throw new DrvMalformedError({ field: 'sequence', reason: 'not a decimal string' });
  if (ttsTimestamp === undefined)
    throw new DrvMalformedError({ field: 'ttsTimestamp', reason: 'not a decimal string' });
  const packet: unknown = { ...json, sequence, ttsTimestamp };
  checkPacketShape(packet, true);
  return packet;
}

function checkTimestamp(packet: DrvPacket, previous: DrvPacket | null, jumpMaxMs: bigint): void {
  const { sequence, ttsTimestamp } = packet;
  if (ttsTimestamp < 0n || ttsTimestamp > DRV_TIMESTAMP_MAX_MS) {
    throw new DrvTimestampOutOfRangeError({
      sequence,
      ttsTimestamp,
      min: 0n,
      max: DRV_TIMESTAMP_MAX_MS,
    });
  }
  if (previous === null) return;
  if (ttsTimestamp <= previous.ttsTimestamp) {
    throw new DrvTimestampNotIncreasingError({
      sequence,
      previous: previous.ttsTimestamp,
      actual: ttsTimestamp,
    });
  }
  if (ttsTimestamp - previous.ttsTimestamp > jumpMaxMs) {
    const details = { sequence, previous: previous.ttsTimestamp, actual: ttsTimestamp, jumpMaxMs };
    throw new DrvTimestampJumpError(details);
  }
}

/** The signer's public key, when the signer is an active key holding `sequencer`. */
function authorisedSigner(packet: DrvPacket, keyLedger: KeyLedgerView): Uint8Array {
  const { sequence, signer } = packet;
  const record = keyLedger.getKey(signer);
  if (record === undefined)
    throw new DrvSignerUnauthorizedError({ sequence, signer, reason: 'unknown key' });
  if (record.status !== 'active') {
    throw new DrvSignerUnauthorizedError({ sequence, signer, reason: `key is ${record.status}` });
  }
  if (!keyLedger.hasCapability(signer, 'sequencer')) {
    throw new DrvSignerUnauthorizedError({
      sequence,
      signer,
      reason: 'key does not hold sequencer',
    });
  }
  return hexToBytes(record.publicKey);
}

/**
 * Types and formats of every field (the value checks with their own codes come later). With
 * `signed` false, signer and signature are not checked (a packet being created).
 */
function checkPacketShape(packet: unknown, signed: boolean): asserts packet is DrvPacket {
  const fail = (field: string, reason: string): never => {
    throw new DrvMalformedError({ field, reason });
  };
  if (!isRecord(packet)) return fail('packet', 'not an object');
  const keys = [
    'version',
    'chainId',
    'sequence',
    'ttsTimestamp',
    'seed',
    'previousHash',
    'payloadHash',
    'entropy',
    'metadata',
    'signer',
    'signature',
  ];
  const keysProblem = exactKeysProblem(packet, keys);
  if (keysProblem !== null) fail('packet', keysProblem);
  if (typeof packet.version !== 'string') fail('version', 'not a string');
  if (typeof packet.chainId !== 'string' || !CHAIN_ID_PATTERN.test(packet.chainId))
    fail('chainId', 'not a chain id');
  if (typeof packet.sequence !== 'bigint' || packet.sequence < 0n)
    fail('sequence', 'not a non-negative bigint');
  if (typeof packet.ttsTimestamp !== 'bigint') fail('ttsTimestamp', 'not a bigint');
  if (typeof packet.seed !== 'string') fail('seed', 'not a string');
  if (!isHex(packet.previousHash, 32)) fail('previousHash', 'not 32 bytes of lowercase hex');
  if (!isHex(packet.payloadHash, 32)) fail('payloadHash', 'not 32 bytes of lowercase hex');
  const metadataProblem = stringMapProblem(packet.metadata);
  if (metadataProblem !== null) fail('metadata', metadataProblem);
  checkEntropy(packet.entropy, fail);
  if (signed && !isChecksumAddress(packet.signer)) fail('signer', 'not an EIP-55 address');
  if (signed && typeof packet.signature !== 'string') fail('signature', 'not a string');
}

function checkEntropy(entropy: unknown, fail: (field: string, reason: string) => never): void {
  if (!isRecord(entropy)) return fail('entropy', 'not an object');
  if (typeof entropy.source !== 'string' || entropy.source.length === 0)
    fail('entropy/source', 'not a non-empty string');
  let size: number;
  try {
    size = canonicalBytes(entropy).length;
  } catch (err) {
    if (isCodedError(err)) return fail('entropy', err.message);
    throw err;
  }
  if (size > DRV_ENTROPY_BYTES_MAX)
    fail('entropy', `larger than ${DRV_ENTROPY_BYTES_MAX} canonical bytes`);
}

function pickUnsigned(packet: UnsignedDrvPacket): UnsignedDrvPacket {
  return {
    version: packet.version,
    chainId: packet.chainId,
    sequence: packet.sequence,
    ttsTimestamp: packet.ttsTimestamp,
    seed: packet.seed,
    previousHash: packet.previousHash,
    payloadHash: packet.payloadHash,
    entropy: packet.entropy,
    metadata: copyStringMap(packet.metadata),
  };
}
