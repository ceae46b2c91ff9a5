/**
 * Equivocation evidence: two different objects of one kind, both validly signed by the same
 * sequencer key for the same chain and height (two seals, or two DRV packets). It needs nothing
 * but itself to check: it carries the signer's public key, whose address is the signer. A replica
 * that holds such a pair stores and serves it, and never cosigns for that key again. HolonetSync
 * (issue 21); docs/sync.md, Evidence.
 *
 *   evidence     = {version "1", kind "seal"|"packet", chainId, height, signer, publicKey, first, second}
 *                  first and second in ascending order of their hashes (one pair, one evidence)
 *   evidenceHash = SHA-256(canonicalBytes(evidence))
 * @module
 */
import { addressFromPublicKey, canonicalBytes, hexToBytes, sha256Hex } from '../../codec';
import { ML_DSA_87, SignatureContext, verify } from '../../crypto';
import {
  coherenceSealHash,
  coherenceSealSigningBytes,
  packetHash,
  packetSigningBytes,
  parsePacket,
  type CoherenceSeal,
  type DrvPacket,
} from '../../ledger';
import { isCodedError } from '../../errors';
import { SyncMalformedError } from './errors';
import { packetJson, parseSealJson, sealJson } from './signed-objects';
import { addressField, decimalField, hexField, objectWith, stringField } from './wire-shape';

export const EVIDENCE_VERSION = '1';

export type EquivocationEvidence =
  | (EvidenceHeader & {
      readonly kind: 'seal';
      readonly first: CoherenceSeal;
      readonly second: CoherenceSeal;
    })
  | (EvidenceHeader & {
      readonly kind: 'packet';
      readonly first: DrvPacket;
      readonly second: DrvPacket;
    });

type EvidenceHeader = {
  readonly version: typeof EVIDENCE_VERSION;
  readonly chainId: string;
  readonly height: bigint;
  readonly signer: string;
  /** The signer's ML-DSA-87 public key (hex); its address is `signer`. */
  readonly publicKey: string;
};

/** Two seals of one height by one key, as evidence (order fixed by their hashes). */
export function sealEvidence(
  a: CoherenceSeal,
  b: CoherenceSeal,
  publicKey: string,
): EquivocationEvidence {
  const [first, second] = coherenceSealHash(a) < coherenceSealHash(b) ? [a, b] : [b, a];
  return Object.freeze({
    version: EVIDENCE_VERSION,
    kind: 'seal',
    chainId: a.chainId,
    height: a.height,
    signer: a.signer,
    publicKey,
    first,
    second,
  });
}

/** Two packets of one sequence by one key, as evidence (order fixed by their hashes). */
export function packetEvidence(
  a: DrvPacket,
  b: DrvPacket,
  publicKey: string,
): EquivocationEvidence {
  const [first, second] = packetHash(a) < packetHash(b) ? [a, b] : [b, a];
  return Object.freeze({
    version: EVIDENCE_VERSION,
    kind: 'packet',
    chainId: a.chainId,
    height: a.sequence,
    signer: a.signer,
    publicKey,
    first,
    second,
  });
}

/** The evidence as JSON (integers as decimal strings). */
export function evidenceJson(e: EquivocationEvidence): Record<string, unknown> {
  const objects =
    e.kind === 'seal'
      ? { first: sealJson(e.first), second: sealJson(e.second) }
      : { first: packetJson(e.first), second: packetJson(e.second) };
  return {
    version: e.version,
    kind: e.kind,
    chainId: e.chainId,
    height: e.height.toString(),
    signer: e.signer,
    publicKey: e.publicKey,
    ...objects,
  };
}

/** SHA-256 of the evidence's canonical bytes (what an anchor would record). */
export function evidenceHash(e: EquivocationEvidence): string {
  return sha256Hex(canonicalBytes(evidenceJson(e)));
}

/**
 * Why `e` is not proof of equivocation, or null when it is: the key's address is the signer, both
 * objects are of the evidence's chain and height, signed by the signer, different, in hash order,
 * and both signatures verify under the key (`QFS/seal/coherence/v1` or `QFS/drv/v1`).
 */
export function evidenceIssue(e: EquivocationEvidence): string | null {
  const publicKey = hexToBytes(e.publicKey);
  if (addressFromPublicKey(publicKey) !== e.signer) return 'publicKey is not the signer’s';
  const pair =
    e.kind === 'seal'
      ? [e.first, e.second].map((s) => ({
          chainId: s.chainId,
          height: s.height,
          signer: s.signer,
          hash: coherenceSealHash(s),
          bytes: coherenceSealSigningBytes(s),
          signature: s.signature,
        }))
      : [e.first, e.second].map((p) => ({
          chainId: p.chainId,
          height: p.sequence,
          signer: p.signer,
          hash: packetHash(p),
          bytes: packetSigningBytes(p),
          signature: p.signature,
        }));
  const context = e.kind === 'seal' ? SignatureContext.COHERENCE_SEAL : SignatureContext.DRV;
  for (const [i, o] of pair.entries()) {
    if (o.chainId !== e.chainId || o.height !== e.height)
      return `object ${i}: other chain or height`;
    if (o.signer !== e.signer) return `object ${i}: signed by ${o.signer}`;
    if (!verify(publicKey, o.bytes, hexToBytes(o.signature), context))
      return `object ${i}: the signature does not verify`;
  }
  const [a, b] = [pair[0]?.hash ?? '', pair[1]?.hash ?? ''];
  if (a === b) return 'the two objects are the same';
  if (a > b) return 'objects not in ascending hash order';
  return null;
}

/**
 * Reads evidence from JSON (shapes only; {@link evidenceIssue} checks it).
 * @throws {SyncMalformedError} naming the field
 */
export function parseEvidence(json: unknown): EquivocationEvidence {
  const what = 'evidence';
  const o = objectWith(
    json,
    ['version', 'kind', 'chainId', 'height', 'signer', 'publicKey', 'first', 'second'],
    what,
  );
  if (o.version !== EVIDENCE_VERSION)
    throw new SyncMalformedError({ what, field: 'version', reason: `not "${EVIDENCE_VERSION}"` });
  const header = {
    version: EVIDENCE_VERSION,
    chainId: stringField(o.chainId, 64, what, 'chainId'),
    height: decimalField(o.height, what, 'height'),
    signer: addressField(o.signer, what, 'signer'),
    publicKey: hexField(o.publicKey, ML_DSA_87.publicKeyBytes, what, 'publicKey'),
  } as const;
  if (o.kind === 'seal')
    return Object.freeze({
      ...header,
      kind: 'seal',
      first: parseSealJson(o.first, 'evidence.first'),
      second: parseSealJson(o.second, 'evidence.second'),
    });
  if (o.kind === 'packet')
    return Object.freeze({
      ...header,
      kind: 'packet',
      first: packetOf(o.first, 'first'),
      second: packetOf(o.second, 'second'),
    });
  throw new SyncMalformedError({ what, field: 'kind', reason: 'not "seal" or "packet"' });
}

function packetOf(json: unknown, field: string): DrvPacket {
  try {
    return parsePacket(json);
  } catch (err) {
    if (!isCodedError(err)) throw err;
    throw new SyncMalformedError({ what: 'evidence', field, reason: err.message });
  }
}
