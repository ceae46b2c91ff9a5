/**
 * KeyLedger events and entries: their shapes, the bytes their signatures cover, and their hashes.
 * DESIGN.md §4 Ledgers and seals; the reference's KeyLedger (python-reference-spec §10) records
 * free-text events with no signatures and leaves the chain link out of the hash; here every event
 * is typed, signed where it must be, and hashed with its link.
 *
 * Entry = body ‖ signatures ‖ entryHash ‖ pqcCid, where
 * - body = {chainId, sequence, timestamp, type, data, quantumMetadata, previousHash}
 * - every signature covers canonicalBytes({chainId, type, data}) under context `QFS/keyledger/v1`:
 *   bound to this chain and this event, not to the position (see keyEventSigningBytes)
 * - entryHash = SHA-256(canonicalBytes({...body, signatures})), covering previousHash
 * - pqcCid = the first 32 hex digits of entryHash (a short correlation id for logs)
 * @module
 */
import {
  addressFromPublicKey,
  bytesToHex,
  canonicalBytes,
  isChecksumAddress,
  isHex,
  sha256Hex,
  ZERO_HASH,
} from '../codec';
import { ML_DSA_87, sign, SignatureContext, type KeyPair } from '../crypto';
import { KeyLedgerMalformedError } from './errors';
import {
  exactKeysProblem,
  isRecord,
  parseDecimal,
  stringMapProblem,
  copyStringMap,
  TIMESTAMP_MAX_MS,
} from './wire';

/** Capabilities a key can hold. */
export const Capability = {
  ADMIN: 'admin',
  ORACLE: 'oracle',
  /** Re-executes and cosigns every bundle (HolonetSync); the active holders are the replica set. */
  REPLICA: 'replica',
  SEQUENCER: 'sequencer',
} as const;
export type Capability = (typeof Capability)[keyof typeof Capability];
/** Every capability, sorted. */
export const CAPABILITIES: readonly Capability[] = Object.freeze([
  'admin',
  'oracle',
  'replica',
  'sequencer',
]);

/** Most keys a genesis may install. */
export const GENESIS_KEYS_MAX = 64;
/** Longest revocation reason, in UTF-16 code units. */
export const REVOKE_REASON_LENGTH_MAX = 256;
/** Chain ids: lowercase letters, digits, `.`, `_`, `-`; 1–64 characters, starting alphanumeric. */
export const CHAIN_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A key installed by the genesis. */
export type GenesisKey = {
  readonly keyId: string;
  readonly publicKey: string;
  readonly capabilities: readonly Capability[];
};

/** The data of each event type. Key ids are EIP-55 addresses; public keys are lowercase hex. */
export type KeyEventData = {
  readonly genesis: { readonly keys: readonly GenesisKey[] };
  readonly register: { readonly keyId: string; readonly publicKey: string };
  readonly rotate: {
    readonly keyId: string;
    readonly newKeyId: string;
    readonly newPublicKey: string;
  };
  readonly revoke: { readonly keyId: string; readonly reason: string };
  readonly grant: { readonly keyId: string; readonly capability: Capability };
  readonly withdraw: { readonly keyId: string; readonly capability: Capability };
};
export type KeyEventType = keyof KeyEventData;
/** Every event type, in the order of {@link KeyEventData}. */
export const KEY_EVENT_TYPES: readonly KeyEventType[] = Object.freeze([
  'genesis',
  'register',
  'rotate',
  'revoke',
  'grant',
  'withdraw',
]);

/** An event: a type and its data. */
export type KeyEvent = {
  [T in KeyEventType]: { readonly type: T; readonly data: KeyEventData[T] };
}[KeyEventType];

/** Where an event sits: chain, position, time, per-event quantum metadata, link. */
export type KeyEventHeader = {
  readonly chainId: string;
  readonly sequence: bigint;
  /** Deterministic timestamp in ms, passed in by the caller; never before the previous entry's. */
  readonly timestamp: bigint;
  /** Per-event quantum metadata (entropy source, QPU job id, …): a bounded string map. */
  readonly quantumMetadata: Readonly<Record<string, string>>;
  readonly previousHash: string;
};

/** What the signatures cover. */
export type KeyEventBody = KeyEventHeader & KeyEvent;

/** One signature of an entry. */
export type KeySignature = { readonly signer: string; readonly signature: string };

/** A KeyLedger entry. */
export type KeyLedgerEntry = KeyEventBody & {
  readonly signatures: readonly KeySignature[];
  readonly entryHash: string;
  readonly pqcCid: string;
};

/** Options that place an event: its deterministic timestamp and quantum metadata. */
export type KeyEventStamp = {
  readonly timestamp: bigint;
  readonly quantumMetadata?: Readonly<Record<string, string>>;
};

/**
 * The canonical bytes every signature of the entry covers: `{chainId, type, data}`. Not the ledger
 * position (sequence, timestamp, previousHash): key events reach the ledger inside transactions,
 * and a user signs before the sequencer decides where the event lands. Replays are prevented by
 * the lifecycle (a key registers once; a rotated or revoked key signs nothing again) and, for
 * admin events, by the carrying transaction's nonce, which the engine checks; the entry hash
 * still covers the position and the link.
 * @param body - an event body or an entry
 */
export function keyEventSigningBytes(body: KeyEventBody): Uint8Array {
  return canonicalBytes({ chainId: body.chainId, type: body.type, data: body.data });
}

/**
 * The entry hash: SHA-256 of the canonical bytes of body and signatures (covering previousHash).
 * @param body - an event body or an entry
 * @param signatures - its signatures, in order
 */
export function computeEntryHash(body: KeyEventBody, signatures: readonly KeySignature[]): string {
  const signed = signatures.map((s) => ({ signer: s.signer, signature: s.signature }));
  return sha256Hex(canonicalBytes({ ...pickBody(body), signatures: signed }));
}

/** The pqcCid of an entry: the first 32 hex digits of its hash. */
export function pqcCidOf(entryHash: string): string {
  return entryHash.slice(0, 32);
}

/**
 * Signs an event body with a key pair (context `QFS/keyledger/v1`).
 * @param body - the body, from `prepareKeyEvent`
 * @param keyPair - the signing key
 * @returns the signature, naming the signer's key id
 */
export function signKeyEvent(body: KeyEventBody, keyPair: KeyPair): KeySignature {
  const signature = sign(keyPair.secretKey, keyEventSigningBytes(body), SignatureContext.KEY_EVENT);
  return Object.freeze({ signer: keyPair.address, signature: bytesToHex(signature) });
}

/**
 * Completes an entry from its body and signatures (hash and cid). Validation happens when the
 * entry is applied (`applyKeyEvent`).
 */
export function finalizeKeyEntry(
  body: KeyEventBody,
  signatures: readonly KeySignature[],
): KeyLedgerEntry {
  const entryHash = computeEntryHash(body, signatures);
  const frozenSignatures = Object.freeze(
    signatures.map((s) => Object.freeze({ signer: s.signer, signature: s.signature })),
  );
  return Object.freeze({
    ...pickBody(body),
    signatures: frozenSignatures,
    entryHash,
    pqcCid: pqcCidOf(entryHash),
  }) as KeyLedgerEntry;
}

/** A key for {@link createKeyGenesis}: its public key and initial capabilities. */
export type GenesisKeyInput = {
  readonly publicKey: Uint8Array;
  readonly capabilities: readonly Capability[];
};

/**
 * The genesis entry (sequence 0): installs the initial keys and their capabilities. Genesis keys
 * need no signatures; they are recorded, and the genesis hash anchors everything after it.
 * @param options - chain id, timestamp, keys, quantum metadata
 * @returns the genesis entry
 */
export function createKeyGenesis(options: {
  readonly chainId: string;
  readonly timestamp: bigint;
  readonly keys: readonly GenesisKeyInput[];
  readonly quantumMetadata?: Readonly<Record<string, string>>;
}): KeyLedgerEntry {
  const keys = options.keys.map((k) => ({
    keyId: addressFromPublicKey(k.publicKey),
    publicKey: bytesToHex(k.publicKey),
    capabilities: [...k.capabilities].sort(),
  }));
  const body: KeyEventBody = {
    chainId: options.chainId,
    sequence: 0n,
    timestamp: options.timestamp,
    type: 'genesis',
    data: { keys },
    quantumMetadata: options.quantumMetadata ?? {},
    previousHash: ZERO_HASH,
  };
  return finalizeKeyEntry(body, []);
}

/**
 * Checks that `entry` has the shape of a KeyLedger entry (types, formats, sizes; not its place in
 * the chain, its hash or its signatures).
 * @param entry - the candidate
 * @param position - the sequence it is expected at (for the error)
 * @throws {KeyLedgerMalformedError} naming the first malformed field
 */
export function checkKeyEntryShape(
  entry: unknown,
  position: bigint,
): asserts entry is KeyLedgerEntry {
  const fail = (field: string, reason: string): never => {
    throw new KeyLedgerMalformedError({ position, field, reason });
  };
  if (!isRecord(entry)) return fail('entry', 'not an object');
  const keys = [
    'chainId',
    'sequence',
    'timestamp',
    'type',
    'data',
    'quantumMetadata',
    'previousHash',
    'signatures',
    'entryHash',
    'pqcCid',
  ];
  const keysProblem = exactKeysProblem(entry, keys);
  if (keysProblem !== null) fail('entry', keysProblem);
  if (typeof entry.chainId !== 'string' || !CHAIN_ID_PATTERN.test(entry.chainId))
    fail('chainId', 'not a chain id');
  if (typeof entry.sequence !== 'bigint' || entry.sequence < 0n)
    fail('sequence', 'not a non-negative bigint');
  if (
    typeof entry.timestamp !== 'bigint' ||
    entry.timestamp < 0n ||
    entry.timestamp > TIMESTAMP_MAX_MS
  ) {
    fail('timestamp', 'not a bigint in [0, 2^53 − 1]');
  }
  const metadataProblem = stringMapProblem(entry.quantumMetadata);
  if (metadataProblem !== null) fail('quantumMetadata', metadataProblem);
  if (!isHex(entry.previousHash, 32)) fail('previousHash', 'not 32 bytes of lowercase hex');
  if (!isHex(entry.entryHash, 32)) fail('entryHash', 'not 32 bytes of lowercase hex');
  if (typeof entry.pqcCid !== 'string') fail('pqcCid', 'not a string');
  if (!Array.isArray(entry.signatures) || entry.signatures.length > 2)
    fail('signatures', 'not an array of at most 2');
  (entry.signatures as readonly unknown[]).forEach((s, i) => {
    if (!isRecord(s) || exactKeysProblem(s, ['signer', 'signature']) !== null)
      fail(`signatures/${i}`, 'not {signer, signature}');
    const sig = s as Readonly<Record<string, unknown>>;
    if (!isChecksumAddress(sig.signer)) fail(`signatures/${i}/signer`, 'not an EIP-55 address');
    if (!isHex(sig.signature, ML_DSA_87.signatureBytes))
      fail(`signatures/${i}/signature`, 'not a 4627-byte hex signature');
  });
  if (
    typeof entry.type !== 'string' ||
    !(KEY_EVENT_TYPES as readonly string[]).includes(entry.type)
  ) {
    fail('type', 'not a key event type');
  }
  checkEventData(entry.type as KeyEventType, entry.data, fail);
}

function checkEventData(
  type: KeyEventType,
  data: unknown,
  fail: (field: string, reason: string) => never,
): void {
  if (!isRecord(data)) return fail('data', 'not an object');
  const need = (keys: string[]): void => {
    const problem = exactKeysProblem(data, keys);
    if (problem !== null) fail('data', problem);
  };
  const keyId = (field: string): void => {
    if (!isChecksumAddress(data[field])) fail(`data/${field}`, 'not an EIP-55 address');
  };
  const publicKey = (field: string): void => {
    if (!isHex(data[field], ML_DSA_87.publicKeyBytes))
      fail(`data/${field}`, 'not a 2592-byte hex public key');
  };
  const capability = (field: string): void => {
    if (!(CAPABILITIES as readonly unknown[]).includes(data[field]))
      fail(`data/${field}`, 'not a capability');
  };
  switch (type) {
    case 'genesis':
      need(['keys']);
      return checkGenesisKeys(data.keys, fail);
    case 'register':
      need(['keyId', 'publicKey']);
      keyId('keyId');
      return publicKey('publicKey');
    case 'rotate':
      need(['keyId', 'newKeyId', 'newPublicKey']);
      keyId('keyId');
      keyId('newKeyId');
      return publicKey('newPublicKey');
    case 'revoke':
      need(['keyId', 'reason']);
      keyId('keyId');
      if (typeof data.reason !== 'string' || data.reason.length > REVOKE_REASON_LENGTH_MAX) {
        fail('data/reason', `not a string of at most ${REVOKE_REASON_LENGTH_MAX}`);
      }
      return;
    case 'grant':
    case 'withdraw':
      need(['keyId', 'capability']);
      keyId('keyId');
      return capability('capability');
  }
}

function checkGenesisKeys(keys: unknown, fail: (field: string, reason: string) => never): void {
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > GENESIS_KEYS_MAX) {
    fail('data/keys', `not an array of 1 to ${GENESIS_KEYS_MAX} keys`);
  }
  (keys as readonly unknown[]).forEach((key, i) => {
    const at = `data/keys/${i}`;
    if (!isRecord(key) || exactKeysProblem(key, ['keyId', 'publicKey', 'capabilities']) !== null) {
      fail(at, 'not {keyId, publicKey, capabilities}');
    }
    const k = key as Readonly<Record<string, unknown>>;
    if (!isChecksumAddress(k.keyId)) fail(`${at}/keyId`, 'not an EIP-55 address');
    if (!isHex(k.publicKey, ML_DSA_87.publicKeyBytes))
      fail(`${at}/publicKey`, 'not a 2592-byte hex public key');
    const caps = k.capabilities;
    const isSortedSet =
      Array.isArray(caps) &&
      caps.every(
        (c, j) =>
          (CAPABILITIES as readonly unknown[]).includes(c) &&
          (j === 0 || (caps[j - 1] as string) < (c as string)),
      );
    if (!isSortedSet) fail(`${at}/capabilities`, 'not a sorted list of distinct capabilities');
  });
}

/**
 * Decodes an entry from its JSON form (integers as decimal strings, as `canonicalString` writes
 * them) and checks its shape.
 * @param json - the parsed JSON value
 * @param position - the sequence it is expected at (for the error)
 * @throws {KeyLedgerMalformedError} when it is not an entry
 */
export function parseKeyLedgerEntry(json: unknown, position: bigint): KeyLedgerEntry {
  if (!isRecord(json))
    throw new KeyLedgerMalformedError({ position, field: 'entry', reason: 'not an object' });
  const sequence = parseDecimal(json.sequence);
  const timestamp = parseDecimal(json.timestamp);
  if (sequence === undefined)
    throw new KeyLedgerMalformedError({
      position,
      field: 'sequence',
      reason: 'not a decimal string',
    });
  if (timestamp === undefined)
    throw new KeyLedgerMalformedError({
      position,
      field: 'timestamp',
      reason: 'not a decimal string',
    });
  const entry: unknown = { ...json, sequence, timestamp };
  checkKeyEntryShape(entry, position);
  return entry;
}

/** The body fields of an event body or entry, picked explicitly (no stray field is ever hashed). */
function pickBody(body: KeyEventBody): Record<string, unknown> {
  return {
    chainId: body.chainId,
    sequence: body.sequence,
    timestamp: body.timestamp,
    type: body.type,
    data: body.data,
    quantumMetadata: copyStringMap(body.quantumMetadata),
    previousHash: body.previousHash,
  };
}
