/**
 * Strict readers and JSON forms of the signed objects sync messages carry: CoherenceLedger seals
 * and KeyLedger seals (the node stores both as JSON with integers as decimal strings; here every
 * field is checked before anything is verified). DRV packets have their own reader (`parsePacket`).
 * @module
 */
import { ML_DSA_87 } from '../../crypto';
import {
  COHERENCE_SEAL_COMPONENT,
  COHERENCE_SEAL_VERSION,
  KEY_SEAL_COMPONENT,
  KEY_SEAL_VERSION,
  METADATA_ENTRIES_MAX,
  METADATA_VALUE_LENGTH_MAX,
  type CoherenceSeal,
  type DrvPacket,
  type KeyFinalitySeal,
} from '../../ledger';
import { SyncMalformedError } from './errors';
import {
  addressField,
  decimalField,
  hashField,
  hexField,
  objectWith,
  stringField,
} from './wire-shape';

const SEAL_KEYS = [
  'component',
  'version',
  'chainId',
  'height',
  'bundleHash',
  'opLogHash',
  'stateRoot',
  'packetHash',
  'entryCount',
  'headHash',
  'timestamp',
  'quantumMetadata',
  'signer',
  'signature',
];

const KEY_SEAL_KEYS = [
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

/**
 * A CoherenceLedger seal from its stored JSON form.
 * @throws {SyncMalformedError} naming the field
 */
export function parseSealJson(json: unknown, what = 'seal'): CoherenceSeal {
  const o = objectWith(json, SEAL_KEYS, what);
  if (o.component !== COHERENCE_SEAL_COMPONENT || o.version !== COHERENCE_SEAL_VERSION)
    throw new SyncMalformedError({ what, field: 'component', reason: 'not a coherence seal v1' });
  return Object.freeze({
    component: COHERENCE_SEAL_COMPONENT,
    version: COHERENCE_SEAL_VERSION,
    chainId: stringField(o.chainId, 64, what, 'chainId'),
    height: decimalField(o.height, what, 'height'),
    bundleHash: hashField(o.bundleHash, what, 'bundleHash'),
    opLogHash: hashField(o.opLogHash, what, 'opLogHash'),
    stateRoot: hashField(o.stateRoot, what, 'stateRoot'),
    packetHash: hashField(o.packetHash, what, 'packetHash'),
    entryCount: decimalField(o.entryCount, what, 'entryCount'),
    headHash: hashField(o.headHash, what, 'headHash'),
    timestamp: decimalField(o.timestamp, what, 'timestamp'),
    quantumMetadata: stringMap(o.quantumMetadata, what),
    signer: addressField(o.signer, what, 'signer'),
    signature: hexField(o.signature, ML_DSA_87.signatureBytes, what, 'signature'),
  });
}

/**
 * A KeyLedger seal from its stored JSON form.
 * @throws {SyncMalformedError} naming the field
 */
export function parseKeySealJson(json: unknown, what = 'keySeal'): KeyFinalitySeal {
  const o = objectWith(json, KEY_SEAL_KEYS, what);
  if (o.component !== KEY_SEAL_COMPONENT || o.version !== KEY_SEAL_VERSION)
    throw new SyncMalformedError({ what, field: 'component', reason: 'not a key seal v1' });
  return Object.freeze({
    component: KEY_SEAL_COMPONENT,
    version: KEY_SEAL_VERSION,
    chainId: stringField(o.chainId, 64, what, 'chainId'),
    height: decimalField(o.height, what, 'height'),
    entryCount: decimalField(o.entryCount, what, 'entryCount'),
    headHash: hashField(o.headHash, what, 'headHash'),
    entriesRoot: hashField(o.entriesRoot, what, 'entriesRoot'),
    timestamp: decimalField(o.timestamp, what, 'timestamp'),
    quantumMetadata: stringMap(o.quantumMetadata, what),
    signer: addressField(o.signer, what, 'signer'),
    signature: hexField(o.signature, ML_DSA_87.signatureBytes, what, 'signature'),
  });
}

/** A seal's JSON form (integers as decimal strings; the stored and served form). */
export function sealJson(seal: CoherenceSeal): Record<string, unknown> {
  return {
    component: seal.component,
    version: seal.version,
    chainId: seal.chainId,
    height: seal.height.toString(),
    bundleHash: seal.bundleHash,
    opLogHash: seal.opLogHash,
    stateRoot: seal.stateRoot,
    packetHash: seal.packetHash,
    entryCount: seal.entryCount.toString(),
    headHash: seal.headHash,
    timestamp: seal.timestamp.toString(),
    quantumMetadata: { ...seal.quantumMetadata },
    signer: seal.signer,
    signature: seal.signature,
  };
}

/** A packet's JSON form (integers as decimal strings). */
export function packetJson(packet: DrvPacket): Record<string, unknown> {
  return {
    ...packet,
    sequence: packet.sequence.toString(),
    ttsTimestamp: packet.ttsTimestamp.toString(),
  };
}

function stringMap(value: unknown, what: string): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SyncMalformedError({ what, field: 'quantumMetadata', reason: 'not an object' });
  const keys = Object.keys(value).sort();
  if (keys.length > METADATA_ENTRIES_MAX)
    throw new SyncMalformedError({ what, field: 'quantumMetadata', reason: 'too many entries' });
  const out: Record<string, string> = {};
  for (const key of keys) {
    const v = (value as Record<string, unknown>)[key];
    if (typeof v !== 'string' || v.length > METADATA_VALUE_LENGTH_MAX || key.length > 64)
      throw new SyncMalformedError({
        what,
        field: `quantumMetadata.${key.slice(0, 64)}`,
        reason: 'not a bounded string',
      });
    out[key] = v;
  }
  return Object.freeze(out);
}
