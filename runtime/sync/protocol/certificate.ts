/**
 * Quorum certificates: k attestations from distinct replicas active at a height, all for the same
 * seal. A certificate is what "confirmed" means: k independent nodes named on the KeyLedger
 * re-executed the bundle and cosigned the same bytes. Anyone holding the KeyLedger can check one
 * offline. HolonetSync (issue 21); docs/sync.md, Certificate.
 *
 *   certificate = {version "1", chainId, height, sealHash, entryHash, bundleHash, quorum, members,
 *                  attestations (sorted by lowercase replica address, one per replica)}
 *   certificateHash = SHA-256(canonicalBytes(certificate))
 * @module
 */
import { canonicalBytes, sha256Hex } from '../../codec';
import { hexToBytes } from '../../codec';
import { coherenceSealHash, type CoherenceSeal } from '../../ledger';
import {
  attestationHash,
  attestationIssue,
  attestationJson,
  parseAttestation,
  type Attestation,
} from './attestation';
import { memberOf, type Membership } from './membership';
import { SyncMalformedError } from './errors';
import { arrayField, decimalField, hashField, objectWith, stringField } from './wire-shape';

export const CERTIFICATE_VERSION = '1';
/** Most attestations a certificate carries (one per replica; the KeyLedger holds at most this many replicas that matter). */
export const CERTIFICATE_ATTESTATIONS_MAX = 1024;

/** What a certificate confirms. */
export type CertifiedSeal = {
  readonly chainId: string;
  readonly height: bigint;
  readonly sealHash: string;
  readonly entryHash: string;
  readonly bundleHash: string;
};

export type QuorumCertificate = CertifiedSeal & {
  readonly version: typeof CERTIFICATE_VERSION;
  /** Cosignatures the membership required. */
  readonly quorum: bigint;
  /** Replicas active at the height. */
  readonly members: bigint;
  readonly attestations: readonly Attestation[];
};

/** The certificate as JSON (integers as decimal strings). */
export function certificateJson(c: QuorumCertificate): Record<string, unknown> {
  return {
    version: c.version,
    chainId: c.chainId,
    height: c.height.toString(),
    sealHash: c.sealHash,
    entryHash: c.entryHash,
    bundleHash: c.bundleHash,
    quorum: c.quorum.toString(),
    members: c.members.toString(),
    attestations: c.attestations.map(attestationJson),
  };
}

/** SHA-256 of the certificate's canonical bytes (what an anchor would record). */
export function certificateHash(c: QuorumCertificate): string {
  return sha256Hex(canonicalBytes(certificateJson(c)));
}

/**
 * Builds a certificate from the attestations at hand if they reach the quorum: only attestations
 * for `seal`, by members, with valid signatures count, one per replica (its earliest, then lowest
 * hash). Returns null below the quorum or when the membership has none.
 */
export function buildCertificate(
  seal: CertifiedSeal,
  candidates: readonly Attestation[],
  membership: Membership,
): QuorumCertificate | null {
  if (membership.quorum === null) return null;
  const byReplica = new Map<string, Attestation>();
  for (const a of [...candidates].sort(attestationOrder)) {
    const key = a.replica.toLowerCase();
    if (byReplica.has(key) || matchProblem(a, seal) !== null) continue;
    const member = memberOf(membership, a.replica);
    if (member === undefined || attestationIssue(a, hexToBytes(member.publicKey)) !== null)
      continue;
    byReplica.set(key, a);
  }
  const chosen = [...byReplica.keys()].sort().map((k) => byReplica.get(k) as Attestation);
  if (BigInt(chosen.length) < membership.quorum) return null;
  return Object.freeze({
    version: CERTIFICATE_VERSION,
    ...pickSeal(seal),
    quorum: membership.quorum,
    members: BigInt(membership.replicas.length),
    attestations: Object.freeze(chosen),
  });
}

/**
 * Why a certificate does not confirm its seal under `membership` (the one in force at its height),
 * or null when it does. With `seal`, also checks that it certifies exactly that seal.
 */
export function certificateIssue(
  c: QuorumCertificate,
  membership: Membership,
  seal?: CoherenceSeal,
): string | null {
  if (membership.quorum === null) return 'no quorum is reachable at this height';
  if (c.quorum !== membership.quorum) return `quorum ${c.quorum}, expected ${membership.quorum}`;
  if (c.members !== BigInt(membership.replicas.length))
    return `members ${c.members}, expected ${membership.replicas.length}`;
  if (seal !== undefined) {
    const sealProblem = sealMismatch(c, seal);
    if (sealProblem !== null) return sealProblem;
  }
  if (BigInt(c.attestations.length) < membership.quorum)
    return `${c.attestations.length} attestations, quorum ${membership.quorum}`;
  let previous = '';
  for (const [i, a] of c.attestations.entries()) {
    const key = a.replica.toLowerCase();
    if (key <= previous) return `attestation ${i}: replicas not strictly ascending`;
    previous = key;
    const problem = matchProblem(a, c);
    if (problem !== null) return `attestation ${i}: ${problem}`;
    const member = memberOf(membership, a.replica);
    if (member === undefined) return `attestation ${i}: ${a.replica} is not an active replica`;
    const issue = attestationIssue(a, hexToBytes(member.publicKey));
    if (issue !== null) return `attestation ${i}: ${issue}`;
  }
  return null;
}

/**
 * Reads a certificate from JSON (shape only; {@link certificateIssue} checks it).
 * @throws {SyncMalformedError} naming the field
 */
export function parseCertificate(json: unknown): QuorumCertificate {
  const what = 'certificate';
  const o = objectWith(
    json,
    [
      'version',
      'chainId',
      'height',
      'sealHash',
      'entryHash',
      'bundleHash',
      'quorum',
      'members',
      'attestations',
    ],
    what,
  );
  if (o.version !== CERTIFICATE_VERSION)
    throw new SyncMalformedError({
      what,
      field: 'version',
      reason: `not "${CERTIFICATE_VERSION}"`,
    });
  return Object.freeze({
    version: CERTIFICATE_VERSION,
    chainId: stringField(o.chainId, 64, what, 'chainId'),
    height: decimalField(o.height, what, 'height'),
    sealHash: hashField(o.sealHash, what, 'sealHash'),
    entryHash: hashField(o.entryHash, what, 'entryHash'),
    bundleHash: hashField(o.bundleHash, what, 'bundleHash'),
    quorum: decimalField(o.quorum, what, 'quorum'),
    members: decimalField(o.members, what, 'members'),
    attestations: Object.freeze(
      arrayField(o.attestations, CERTIFICATE_ATTESTATIONS_MAX, what, 'attestations').map(
        parseAttestation,
      ),
    ),
  });
}

function pickSeal(s: CertifiedSeal): CertifiedSeal {
  return {
    chainId: s.chainId,
    height: s.height,
    sealHash: s.sealHash,
    entryHash: s.entryHash,
    bundleHash: s.bundleHash,
  };
}

function matchProblem(a: Attestation, seal: CertifiedSeal): string | null {
  if (a.chainId !== seal.chainId) return `chainId ${a.chainId}`;
  if (a.height !== seal.height) return `height ${a.height}`;
  if (a.sealHash !== seal.sealHash) return `sealHash ${a.sealHash}`;
  if (a.entryHash !== seal.entryHash) return `entryHash ${a.entryHash}`;
  return null;
}

function sealMismatch(c: QuorumCertificate, seal: CoherenceSeal): string | null {
  if (coherenceSealHash(seal) !== c.sealHash) return 'sealHash is not the seal’s hash';
  if (seal.headHash !== c.entryHash) return 'entryHash is not the seal’s head';
  if (seal.bundleHash !== c.bundleHash) return 'bundleHash is not the seal’s';
  if (seal.height !== c.height || seal.chainId !== c.chainId) return 'height or chain differ';
  return null;
}

/** Earliest replica clock first, then lowest hash: a fixed choice among a replica's duplicates. */
function attestationOrder(a: Attestation, b: Attestation): number {
  if (a.replicaTimeMs !== b.replicaTimeMs) return a.replicaTimeMs < b.replicaTimeMs ? -1 : 1;
  const ha = attestationHash(a);
  const hb = attestationHash(b);
  return ha < hb ? -1 : ha > hb ? 1 : 0;
}
