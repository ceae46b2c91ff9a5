/**
 * The CoherenceLedger: one hash-chained entry per committed bundle, and the signed finality seal
 * of each. DESIGN.md §4 Ledgers and seals; issue 6. (The reference's entry hash left the link out,
 * and its seal had no bundle hash, no log hash and no kept signature — reference §11.)
 *
 * entry     = {chainId, height, timestamp, packetHash, bundleHash, opLogHash, stateRoot,
 *              keyLedgerHead, previousHash}
 * entryHash = SHA-256(canonicalBytes(entry))        — covers previousHash (64 zeros at height 0)
 * seal      = {component: "COHERENCE_FINALITY_SEAL", version: "1", chainId, height, bundleHash,
 *              opLogHash, stateRoot, packetHash, entryCount, headHash, timestamp,
 *              quantumMetadata, signer} ‖ signature (ML-DSA-87, context `QFS/seal/coherence/v1`)
 * sealHash  = SHA-256(canonicalBytes(seal without signature))   — what an anchor stores
 * @module
 */
import {
  addressFromPublicKey,
  canonicalBytes,
  hexToBytes,
  isHex,
  sha256Hex,
  ZERO_HASH,
} from '../codec';
import { ML_DSA_87, SignatureContext, verify } from '../crypto';

export const COHERENCE_SEAL_COMPONENT = 'COHERENCE_FINALITY_SEAL';
export const COHERENCE_SEAL_VERSION = '1';

export type CoherenceEntryBody = {
  readonly chainId: string;
  readonly height: bigint;
  /** The bundle's DRV ttsTimestamp (ms). */
  readonly timestamp: bigint;
  readonly packetHash: string;
  readonly bundleHash: string;
  readonly opLogHash: string;
  readonly stateRoot: string;
  readonly keyLedgerHead: string;
  readonly previousHash: string;
};

export type CoherenceEntry = CoherenceEntryBody & { readonly entryHash: string };

export type CoherenceSealBody = {
  readonly component: typeof COHERENCE_SEAL_COMPONENT;
  readonly version: typeof COHERENCE_SEAL_VERSION;
  readonly chainId: string;
  readonly height: bigint;
  readonly bundleHash: string;
  readonly opLogHash: string;
  readonly stateRoot: string;
  readonly packetHash: string;
  readonly entryCount: bigint;
  readonly headHash: string;
  readonly timestamp: bigint;
  readonly quantumMetadata: Readonly<Record<string, string>>;
  readonly signer: string;
};

export type CoherenceSeal = CoherenceSealBody & { readonly signature: string };

/** The first difference found when checking entries or a seal. */
export type CoherenceMismatch = {
  readonly height: bigint;
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
};

/** The hash of an entry body (covers the link). */
export function coherenceEntryHash(body: CoherenceEntryBody): string {
  return sha256Hex(canonicalBytes(pickEntry(body)));
}

/**
 * The next entry of the chain.
 * @param previous - the head entry, or null for height 0
 */
export function appendCoherenceEntry(
  previous: CoherenceEntry | null,
  fields: Omit<CoherenceEntryBody, 'height' | 'previousHash'>,
): CoherenceEntry {
  const body: CoherenceEntryBody = {
    ...fields,
    height: previous === null ? 0n : previous.height + 1n,
    previousHash: previous === null ? ZERO_HASH : previous.entryHash,
  };
  return Object.freeze({
    ...pickEntry(body),
    entryHash: coherenceEntryHash(body),
  }) as CoherenceEntry;
}

/**
 * Checks a run of consecutive entries: heights dense, each previousHash the entry before's hash,
 * each entryHash recomputed. `before` is the entry preceding the run (null when it starts at 0).
 * @returns the first mismatch, or null
 */
export function verifyCoherenceChain(
  entries: readonly CoherenceEntry[],
  before: CoherenceEntry | null,
): CoherenceMismatch | null {
  let previous = before;
  for (const entry of entries) {
    const height = previous === null ? 0n : previous.height + 1n;
    const link = previous === null ? ZERO_HASH : previous.entryHash;
    if (entry.height !== height)
      return {
        height: entry.height,
        field: 'height',
        expected: String(height),
        actual: String(entry.height),
      };
    if (entry.previousHash !== link)
      return { height, field: 'previousHash', expected: link, actual: entry.previousHash };
    const hash = coherenceEntryHash(entry);
    if (entry.entryHash !== hash)
      return { height, field: 'entryHash', expected: hash, actual: entry.entryHash };
    previous = entry;
  }
  return null;
}

/** The body of a head entry's seal by `signer` (an address), for callers that sign elsewhere. */
export function coherenceSealBody(
  head: CoherenceEntry,
  stamp: { readonly timestamp: bigint; readonly quantumMetadata: Readonly<Record<string, string>> },
  signer: string,
): CoherenceSealBody {
  return {
    component: COHERENCE_SEAL_COMPONENT,
    version: COHERENCE_SEAL_VERSION,
    chainId: head.chainId,
    height: head.height,
    bundleHash: head.bundleHash,
    opLogHash: head.opLogHash,
    stateRoot: head.stateRoot,
    packetHash: head.packetHash,
    entryCount: head.height + 1n,
    headHash: head.entryHash,
    timestamp: stamp.timestamp,
    quantumMetadata: { ...stamp.quantumMetadata },
    signer,
  };
}

/** What a seal's signature covers and its hash is taken over. */
export function coherenceSealSigningBytes(seal: CoherenceSealBody): Uint8Array {
  return canonicalBytes(pickSeal(seal));
}

/** The seal hash (what an anchor records). */
export function coherenceSealHash(seal: CoherenceSealBody): string {
  return sha256Hex(coherenceSealSigningBytes(seal));
}

/**
 * Checks a seal against the entry it seals and the signer's public key.
 * @returns the first mismatch, or null when the seal is valid
 */
export function verifyCoherenceSeal(
  seal: CoherenceSeal,
  entry: CoherenceEntry,
  publicKey: Uint8Array,
): CoherenceMismatch | null {
  const height = entry.height;
  const pairs: [string, string, string][] = [
    ['component', COHERENCE_SEAL_COMPONENT, seal.component],
    ['chainId', entry.chainId, seal.chainId],
    ['height', String(entry.height), String(seal.height)],
    ['bundleHash', entry.bundleHash, seal.bundleHash],
    ['opLogHash', entry.opLogHash, seal.opLogHash],
    ['stateRoot', entry.stateRoot, seal.stateRoot],
    ['packetHash', entry.packetHash, seal.packetHash],
    ['entryCount', String(entry.height + 1n), String(seal.entryCount)],
    ['headHash', entry.entryHash, seal.headHash],
  ];
  for (const [field, expected, actual] of pairs)
    if (expected !== actual) return { height, field, expected, actual };
  const signer =
    publicKey.length === ML_DSA_87.publicKeyBytes
      ? addressFromPublicKey(publicKey)
      : '(malformed key)';
  if (signer !== seal.signer)
    return { height, field: 'signer', expected: signer, actual: seal.signer };
  if (!isHex(seal.signature, ML_DSA_87.signatureBytes))
    return {
      height,
      field: 'signature',
      expected: 'ML-DSA-87 hex',
      actual: String(seal.signature).slice(0, 16),
    };
  const valid = verify(
    publicKey,
    coherenceSealSigningBytes(seal),
    hexToBytes(seal.signature),
    SignatureContext.COHERENCE_SEAL,
  );
  return valid
    ? null
    : {
        height,
        field: 'signature',
        expected: 'a valid signature',
        actual: `${seal.signature.slice(0, 16)}…`,
      };
}

function pickEntry(b: CoherenceEntryBody): CoherenceEntryBody {
  return {
    chainId: b.chainId,
    height: b.height,
    timestamp: b.timestamp,
    packetHash: b.packetHash,
    bundleHash: b.bundleHash,
    opLogHash: b.opLogHash,
    stateRoot: b.stateRoot,
    keyLedgerHead: b.keyLedgerHead,
    previousHash: b.previousHash,
  };
}

function pickSeal(s: CoherenceSealBody): CoherenceSealBody {
  return {
    component: s.component,
    version: s.version,
    chainId: s.chainId,
    height: s.height,
    bundleHash: s.bundleHash,
    opLogHash: s.opLogHash,
    stateRoot: s.stateRoot,
    packetHash: s.packetHash,
    entryCount: s.entryCount,
    headHash: s.headHash,
    timestamp: s.timestamp,
    quantumMetadata: { ...s.quantumMetadata },
    signer: s.signer,
  };
}
