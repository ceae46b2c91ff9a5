/**
 * A replica's CIR-511 dissonance record: why it refused to cosign the bundle at a height, with the
 * sequencer's value and its own, signed by the replica under `QFS/dissonance/v1` so that the
 * refusal itself is evidence anyone can check. HolonetSync (issue 21); docs/sync.md, Refusals.
 *
 *   record = {cir "511", reason, chainId, height, sealHash, field, sequencer, replica value,
 *             replicaTimeMs, replica} ‖ signature
 *
 * Reasons: `reexecution` (the replica computed a different value: `field` names it),
 * `timestamp` (the packet's time is beyond the drift bound from the replica's clock).
 * @module
 */
import { addressFromPublicKey, bytesToHex, canonicalBytes, hexToBytes } from '../../codec';
import { ML_DSA_87, SignatureContext, sign, verify, type KeyPair } from '../../crypto';
import { SyncMalformedError } from './errors';
import {
  addressField,
  decimalField,
  hashField,
  hexField,
  objectWith,
  stringField,
} from './wire-shape';

export const DISSONANCE_REASONS = Object.freeze(['reexecution', 'timestamp'] as const);
export type DissonanceReason = (typeof DISSONANCE_REASONS)[number];

/** Longest value a record carries for either side (longer values are cut, with a mark). */
export const DISSONANCE_VALUE_LENGTH_MAX = 512;

export type ReplicaDissonanceBody = {
  readonly cir: '511';
  readonly reason: DissonanceReason;
  readonly chainId: string;
  readonly height: bigint;
  /** The hash of the seal refused (the sequencer's). */
  readonly sealHash: string;
  /** What differs (`seal.stateRoot`, `execution`, `ttsTimestamp`, …). */
  readonly field: string;
  /** The sequencer's value. */
  readonly sequencer: string;
  /** The replica's value. */
  readonly replicaValue: string;
  readonly replicaTimeMs: bigint;
  readonly replica: string;
};

export type ReplicaDissonance = ReplicaDissonanceBody & { readonly signature: string };

/** A value cut to the record's limit (the cut is marked so that it is never mistaken for a value). */
export function boundedValue(value: string): string {
  return value.length <= DISSONANCE_VALUE_LENGTH_MAX
    ? value
    : `${value.slice(0, DISSONANCE_VALUE_LENGTH_MAX - 1)}…`;
}

function signingBytes(b: ReplicaDissonanceBody): Uint8Array {
  return canonicalBytes({
    cir: b.cir,
    reason: b.reason,
    chainId: b.chainId,
    height: b.height,
    sealHash: b.sealHash,
    field: b.field,
    sequencer: b.sequencer,
    replicaValue: b.replicaValue,
    replicaTimeMs: b.replicaTimeMs,
    replica: b.replica,
  });
}

/** Signs a dissonance record with the replica key. */
export function signDissonance(
  body: Omit<ReplicaDissonanceBody, 'replica' | 'cir'>,
  key: KeyPair,
): ReplicaDissonance {
  const full: ReplicaDissonanceBody = {
    ...body,
    cir: '511',
    sequencer: boundedValue(body.sequencer),
    replicaValue: boundedValue(body.replicaValue),
    replica: key.address,
  };
  const signature = sign(key.secretKey, signingBytes(full), SignatureContext.DISSONANCE);
  return Object.freeze({ ...full, signature: bytesToHex(signature) });
}

/** Why the record does not verify under `publicKey`, or null. */
export function dissonanceIssue(r: ReplicaDissonance, publicKey: Uint8Array): string | null {
  if (publicKey.length !== ML_DSA_87.publicKeyBytes) return 'malformed public key';
  if (addressFromPublicKey(publicKey) !== r.replica)
    return 'the public key is not the replica address';
  return verify(publicKey, signingBytes(r), hexToBytes(r.signature), SignatureContext.DISSONANCE)
    ? null
    : 'the signature does not verify';
}

export function dissonanceJson(r: ReplicaDissonance): Record<string, string> {
  return {
    cir: r.cir,
    reason: r.reason,
    chainId: r.chainId,
    height: r.height.toString(),
    sealHash: r.sealHash,
    field: r.field,
    sequencer: r.sequencer,
    replicaValue: r.replicaValue,
    replicaTimeMs: r.replicaTimeMs.toString(),
    replica: r.replica,
    signature: r.signature,
  };
}

/**
 * Reads a record from JSON (shape only).
 * @throws {SyncMalformedError} naming the field
 */
export function parseDissonance(json: unknown): ReplicaDissonance {
  const what = 'dissonance record';
  const o = objectWith(
    json,
    [
      'cir',
      'reason',
      'chainId',
      'height',
      'sealHash',
      'field',
      'sequencer',
      'replicaValue',
      'replicaTimeMs',
      'replica',
      'signature',
    ],
    what,
  );
  if (o.cir !== '511') throw new SyncMalformedError({ what, field: 'cir', reason: 'not "511"' });
  const reason = DISSONANCE_REASONS.find((r) => r === o.reason);
  if (reason === undefined)
    throw new SyncMalformedError({ what, field: 'reason', reason: DISSONANCE_REASONS.join(' | ') });
  const text = (field: string) =>
    typeof o[field] === 'string' && (o[field] as string).length <= DISSONANCE_VALUE_LENGTH_MAX
      ? (o[field] as string)
      : (() => {
          throw new SyncMalformedError({ what, field, reason: 'not a bounded string' });
        })();
  return Object.freeze({
    cir: '511',
    reason,
    chainId: stringField(o.chainId, 64, what, 'chainId'),
    height: decimalField(o.height, what, 'height'),
    sealHash: hashField(o.sealHash, what, 'sealHash'),
    field: stringField(o.field, 128, what, 'field'),
    sequencer: text('sequencer'),
    replicaValue: text('replicaValue'),
    replicaTimeMs: decimalField(o.replicaTimeMs, what, 'replicaTimeMs'),
    replica: addressField(o.replica, what, 'replica'),
    signature: hexField(o.signature, ML_DSA_87.signatureBytes, what, 'signature'),
  });
}
