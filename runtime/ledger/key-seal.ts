/**
 * KeyLedger finality seals: a signed statement of a ledger's head that anyone holding the entries
 * and the sequencer's public key can check. DESIGN.md §4 Ledgers and seals (the reference signs
 * its seal and throws the signature away, python-reference-spec §10).
 *
 * Seal = body ‖ signature, body = {component: "KEY_FINALITY_SEAL", version: "1", chainId,
 * height, entryCount, headHash, entriesRoot, timestamp, quantumMetadata, signer}:
 * - height = sequence of the head entry (entryCount − 1)
 * - headHash = the head entry's entryHash
 * - entriesRoot = merkleRoot(entry hashes in order) (codec/merkle.ts)
 * - timestamp = deterministic ms, not before the head entry's timestamp
 * - signer = address of the sealing key, which must hold `sequencer` when sealing
 * - signature = ML-DSA-87 over canonicalBytes(body), context `QFS/seal/key/v1`
 * - sealHash = SHA-256(canonicalBytes(body)) (what an anchor stores)
 * @module
 */
import {
  addressFromPublicKey,
  bytesToHex,
  canonicalBytes,
  hexToBytes,
  isChecksumAddress,
  isHex,
  merkleRoot,
  sha256Hex,
  ZERO_HASH,
} from '../codec';
import { ML_DSA_87, sign, SignatureContext, verify, type KeyPair } from '../crypto';
import { invariant } from '../assert';
import {
  KeyLedgerMalformedError,
  KeyLedgerSealMismatchError,
  KeyLedgerUnauthorizedError,
} from './errors';
import { checkKeyEntryShape, computeEntryHash, pqcCidOf, type KeyLedgerEntry } from './key-event';
import type { KeyLedgerView } from './key-ledger-state';
import { copyStringMap, exactKeysProblem, isRecord, stringMapProblem } from './wire';

/**
 * What a seal needs of each entry: the head's chain and position, and every entry's hash. A
 * sequencer keeps only this of the entries it has sealed (~150 bytes each instead of the ~15 KB of
 * a registration with its public key and signatures), so memory grows slowly with the key count.
 */
export type SealedEntry = Pick<KeyLedgerEntry, 'chainId' | 'sequence' | 'entryHash' | 'timestamp'>;

/**
 * `sealed` followed by what is kept of `added`; `sealed` itself when nothing was added, so that a
 * bundle without key events does not copy the whole list.
 */
export function appendSealed(
  sealed: readonly SealedEntry[],
  added: readonly KeyLedgerEntry[],
): readonly SealedEntry[] {
  return added.length === 0 ? sealed : [...sealed, ...added.map(sealedEntryOf)];
}

/** What a sequencer or a replica keeps of a KeyLedger entry it has sealed or checked. */
export function sealedEntryOf(entry: KeyLedgerEntry): SealedEntry {
  return Object.freeze({
    chainId: entry.chainId,
    sequence: entry.sequence,
    entryHash: entry.entryHash,
    timestamp: entry.timestamp,
  });
}

/** The seal's component tag. */
export const KEY_SEAL_COMPONENT = 'KEY_FINALITY_SEAL';
/** The seal format version. */
export const KEY_SEAL_VERSION = '1';

/** What the seal's signature covers. */
export type KeySealBody = {
  readonly component: typeof KEY_SEAL_COMPONENT;
  readonly version: typeof KEY_SEAL_VERSION;
  readonly chainId: string;
  readonly height: bigint;
  readonly entryCount: bigint;
  readonly headHash: string;
  readonly entriesRoot: string;
  readonly timestamp: bigint;
  readonly quantumMetadata: Readonly<Record<string, string>>;
  readonly signer: string;
};

/** A signed KeyLedger finality seal. */
export type KeyFinalitySeal = KeySealBody & { readonly signature: string };

/** The checks of {@link verifySeal}, in the order they run. */
export type KeySealCheck =
  | 'shape'
  | 'entries'
  | 'entry-shape'
  | 'entry-sequence'
  | 'entry-chain'
  | 'entry-link'
  | 'entry-hash'
  | 'entry-cid'
  | 'chain-id'
  | 'entry-count'
  | 'height'
  | 'head-hash'
  | 'entries-root'
  | 'timestamp'
  | 'signer'
  | 'signer-capability'
  | 'signature';

/** The first mismatch {@link verifySeal} found; `position` is the entry index when one is at fault. */
export type KeySealMismatch = {
  readonly check: KeySealCheck;
  readonly position: number | null;
  readonly expected: string;
  readonly actual: string;
};

/** The result of {@link verifySeal}. */
export type KeySealVerification =
  | { readonly valid: true; readonly sealHash: string }
  | ({ readonly valid: false } & KeySealMismatch);

/**
 * Seals a ledger: signs its head with a key that holds `sequencer` now.
 * @param entries - every entry of the ledger, from the genesis
 * @param view - the ledger state after those entries
 * @param stamp - the seal's deterministic timestamp and quantum metadata
 * @param keyPair - the sequencer key
 * @returns the signed seal
 * @throws {KeyLedgerUnauthorizedError} when the key does not hold `sequencer`
 */
export function createKeySeal(
  entries: readonly SealedEntry[],
  view: KeyLedgerView,
  stamp: {
    readonly timestamp: bigint;
    readonly quantumMetadata?: Readonly<Record<string, string>>;
  },
  keyPair: KeyPair,
): KeyFinalitySeal {
  const head = entries[entries.length - 1];
  invariant(head !== undefined, 'a sealed ledger has a genesis');
  invariant(
    view.entryCount === BigInt(entries.length) && view.headHash === head.entryHash,
    'the view is the state after the entries',
  );
  if (!view.hasCapability(keyPair.address, 'sequencer')) {
    const position = BigInt(entries.length);
    throw new KeyLedgerUnauthorizedError({
      position,
      signer: keyPair.address,
      reason: 'sealing requires sequencer',
    });
  }
  const body = keySealBody(entries, stamp, keyPair.address);
  const signature = sign(keyPair.secretKey, keySealSigningBytes(body), SignatureContext.KEY_SEAL);
  return Object.freeze({ ...body, signature: bytesToHex(signature) });
}

/**
 * The body of the seal of `entries` by `signer` (an address): what {@link createKeySeal} signs, for
 * callers that check a stored seal against the entries it must seal.
 * @param entries - every entry of the ledger, from the genesis (at least one)
 * @param stamp - the seal's timestamp and quantum metadata
 * @param signer - the sealing key's address
 */
export function keySealBody(
  entries: readonly SealedEntry[],
  stamp: {
    readonly timestamp: bigint;
    readonly quantumMetadata?: Readonly<Record<string, string>>;
  },
  signer: string,
): KeySealBody {
  const head = entries[entries.length - 1];
  invariant(head !== undefined, 'a sealed ledger has a genesis');
  return {
    component: KEY_SEAL_COMPONENT,
    version: KEY_SEAL_VERSION,
    chainId: head.chainId,
    height: head.sequence,
    entryCount: BigInt(entries.length),
    headHash: head.entryHash,
    entriesRoot: merkleRoot(entries.map((e) => e.entryHash)),
    timestamp: stamp.timestamp,
    quantumMetadata: copyStringMap(stamp.quantumMetadata ?? {}),
    signer,
  };
}

/** The canonical bytes the seal's signature covers and its hash is taken over. */
export function keySealSigningBytes(seal: KeySealBody): Uint8Array {
  return canonicalBytes(pickSealBody(seal));
}

/** The seal hash: SHA-256 of its signed bytes (what an anchor records). */
export function keySealHash(seal: KeySealBody): string {
  return sha256Hex(keySealSigningBytes(seal));
}

/**
 * Checks a seal against the entries it claims to seal: recomputes every entry hash and link, the
 * count, height, head hash, Merkle root and timestamp bound, then the signer and the signature.
 * Entry signatures and lifecycle rules are `replayKeyLedger`'s job; pass `view` (the replayed
 * state) to also require that the signer holds `sequencer`.
 * @param seal - the seal (untrusted)
 * @param entries - the ledger's entries from the genesis (untrusted)
 * @param publicKey - the sealing key's public key
 * @param options - `view`: the replayed state, to check the signer's capability
 * @returns `{valid: true, sealHash}` or the first mismatch
 */
export function verifySeal(
  seal: KeyFinalitySeal,
  entries: readonly KeyLedgerEntry[],
  publicKey: Uint8Array,
  options: { readonly view?: KeyLedgerView } = {},
): KeySealVerification {
  const shape = sealShapeProblem(seal);
  if (shape !== null) return mismatch('shape', null, 'a KEY_FINALITY_SEAL', shape);
  if (entries.length === 0) return mismatch('entries', null, 'at least one entry', '0');
  const chain = checkEntries(entries);
  if (chain !== null) return { valid: false, ...chain };
  return verifySealOver(seal, entries, publicKey, options);
}

/**
 * {@link verifySeal} over entries whose hashes and links the caller has already checked, one by one
 * as they came: a replica's own re-executed entries. It checks the seal against their count, head,
 * Merkle root and timestamp, the signer and the signature, without re-hashing every entry at every
 * seal (O(key entries) per bundle with key events otherwise).
 * @param seal - the seal (untrusted)
 * @param entries - what the caller keeps of every entry from the genesis (trusted)
 */
export function verifySealOver(
  seal: KeyFinalitySeal,
  entries: readonly SealedEntry[],
  publicKey: Uint8Array,
  options: { readonly view?: KeyLedgerView } = {},
): KeySealVerification {
  const shape = sealShapeProblem(seal);
  if (shape !== null) return mismatch('shape', null, 'a KEY_FINALITY_SEAL', shape);
  const head = entries[entries.length - 1];
  if (head === undefined) return mismatch('entries', null, 'at least one entry', '0');
  const root = merkleRoot(entries.map((e) => e.entryHash));
  const checks: readonly [KeySealCheck, string, string][] = [
    ['chain-id', head.chainId, seal.chainId],
    ['entry-count', String(entries.length), String(seal.entryCount)],
    ['height', String(head.sequence), String(seal.height)],
    ['head-hash', head.entryHash, seal.headHash],
    ['entries-root', root, seal.entriesRoot],
  ];
  for (const [check, expected, actual] of checks) {
    if (expected !== actual) return mismatch(check, null, expected, actual);
  }
  if (seal.timestamp < head.timestamp) {
    return mismatch('timestamp', null, `>= ${head.timestamp}`, String(seal.timestamp));
  }
  const address =
    publicKey.length === ML_DSA_87.publicKeyBytes
      ? addressFromPublicKey(publicKey)
      : '(malformed public key)';
  if (address !== seal.signer) return mismatch('signer', null, address, seal.signer);
  if (options.view !== undefined && !options.view.hasCapability(seal.signer, 'sequencer')) {
    return mismatch('signer-capability', null, 'sequencer', seal.signer);
  }
  const signature = hexToBytes(seal.signature);
  if (!verify(publicKey, keySealSigningBytes(seal), signature, SignatureContext.KEY_SEAL)) {
    return mismatch('signature', null, 'a valid signature', `${seal.signature.slice(0, 16)}…`);
  }
  return { valid: true, sealHash: keySealHash(seal) };
}

/**
 * {@link verifySeal} that throws instead of returning the mismatch.
 * @throws {KeyLedgerSealMismatchError} with the first mismatch
 */
export function assertSealValid(
  seal: KeyFinalitySeal,
  entries: readonly KeyLedgerEntry[],
  publicKey: Uint8Array,
  options: { readonly view?: KeyLedgerView } = {},
): string {
  const result = verifySeal(seal, entries, publicKey, options);
  if (!result.valid) {
    const { check, position, expected, actual } = result;
    throw new KeyLedgerSealMismatchError({ check, position, expected, actual });
  }
  return result.sealHash;
}

/** The first broken link of the entries (sequence, chain, previousHash, entryHash, pqcCid). */
function checkEntries(entries: readonly KeyLedgerEntry[]): KeySealMismatch | null {
  let previousHash = ZERO_HASH;
  const chainId = entries[0]?.chainId;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as KeyLedgerEntry;
    const shape = entryShapeProblem(entry, i);
    if (shape !== null) return at('entry-shape', i, 'a KeyLedger entry', shape);
    if (entry.sequence !== BigInt(i))
      return at('entry-sequence', i, String(i), String(entry.sequence));
    if (entry.chainId !== chainId) return at('entry-chain', i, String(chainId), entry.chainId);
    if (entry.previousHash !== previousHash)
      return at('entry-link', i, previousHash, entry.previousHash);
    const entryHash = computeEntryHash(entry, entry.signatures);
    if (entry.entryHash !== entryHash) return at('entry-hash', i, entryHash, entry.entryHash);
    if (entry.pqcCid !== pqcCidOf(entryHash))
      return at('entry-cid', i, pqcCidOf(entryHash), entry.pqcCid);
    previousHash = entryHash;
  }
  return null;
}

function entryShapeProblem(entry: unknown, index: number): string | null {
  try {
    checkKeyEntryShape(entry, BigInt(index));
    return null;
  } catch (err) {
    if (err instanceof KeyLedgerMalformedError)
      return `${String(err.details.field)}: ${String(err.details.reason)}`;
    throw err;
  }
}

function sealShapeProblem(seal: unknown): string | null {
  if (!isRecord(seal)) return 'not an object';
  const keys = [
    'component',
    'version',
    'chainId',
    'height',
    'entryCount',
    'headHash',
    'entriesRoot',
    'timestamp',
    'quantumMetadata',
    'signer',
    'signature',
  ];
  const keysProblem = exactKeysProblem(seal, keys);
  if (keysProblem !== null) return keysProblem;
  if (seal.component !== KEY_SEAL_COMPONENT) return `component ${String(seal.component)}`;
  if (seal.version !== KEY_SEAL_VERSION) return `version ${String(seal.version)}`;
  if (typeof seal.chainId !== 'string') return 'chainId is not a string';
  for (const field of ['height', 'entryCount', 'timestamp']) {
    if (typeof seal[field] !== 'bigint' || (seal[field] as bigint) < 0n)
      return `${field} is not a non-negative bigint`;
  }
  if (!isHex(seal.headHash, 32) || !isHex(seal.entriesRoot, 32))
    return 'headHash or entriesRoot is not a hash';
  const metadataProblem = stringMapProblem(seal.quantumMetadata);
  if (metadataProblem !== null) return `quantumMetadata: ${metadataProblem}`;
  if (!isChecksumAddress(seal.signer)) return 'signer is not an EIP-55 address';
  if (!isHex(seal.signature, ML_DSA_87.signatureBytes)) return 'signature is not 4627 bytes of hex';
  return null;
}

function pickSealBody(seal: KeySealBody): Record<string, unknown> {
  return {
    component: seal.component,
    version: seal.version,
    chainId: seal.chainId,
    height: seal.height,
    entryCount: seal.entryCount,
    headHash: seal.headHash,
    entriesRoot: seal.entriesRoot,
    timestamp: seal.timestamp,
    quantumMetadata: copyStringMap(seal.quantumMetadata),
    signer: seal.signer,
  };
}

function at(
  check: KeySealCheck,
  position: number,
  expected: string,
  actual: string,
): KeySealMismatch {
  return { check, position, expected, actual };
}

function mismatch(
  check: KeySealCheck,
  position: number | null,
  expected: string,
  actual: string,
): KeySealVerification {
  return { valid: false, check, position, expected, actual };
}
