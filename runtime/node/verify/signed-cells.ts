/**
 * The signed cells of a bundle's rows: the coherence seal (`coherence.seal`) and the DRV packet
 * (`bundles.packet`). Each is parsed strictly (normal form, exact fields), then trusted only once
 * its signature verifies under a key the verified ledger authorises.
 * @module
 */
import { hexToBytes } from '../../codec';
import { SignatureContext, verify } from '../../crypto';
import type { EngineState } from '../../engine';
import { verifyPacketEntropy } from '../../entropy';
import { isCodedError } from '../../errors';
import {
  keyLedgerView,
  packetHash,
  packetSigningBytes,
  parsePacket,
  validatePacket,
  type CoherenceSeal,
  type DrvPacket,
} from '../../ledger';
import { parseCoherenceSeal } from '../records';
import { differ, type LedgerDifference } from './difference';
import { jsonTextDifference, parseNormalJson, type TextDifference } from './json-text';
import type { BundleCells, CoherenceCells } from './store-rows';

/** A difference in a `bundles` cell. */
export function bundleDifference(
  bundle: BundleCells,
  column: string,
  d: TextDifference,
): LedgerDifference {
  const { field, expected, actual } = d;
  return {
    table: 'bundles',
    row: `height=${bundle.height}`,
    rowid: bundle.rowid,
    column,
    field,
    height: bundle.height,
    expected,
    actual,
  };
}

/** A difference in a `coherence` cell. */
export function coherenceDifference(
  row: CoherenceCells,
  column: string,
  d: TextDifference,
): LedgerDifference {
  const { field, expected, actual } = d;
  return {
    table: 'coherence',
    row: `height=${row.height}`,
    rowid: row.rowid,
    column,
    field,
    height: row.height,
    expected,
    actual,
  };
}

/** A whole-value difference. */
export const text = (expected: string, actual: string): TextDifference => ({
  field: '',
  expected,
  actual,
});

/** The seal of a coherence row, exactly as the sequencer writes it (not yet trusted). */
export function parseSealText(row: CoherenceCells): CoherenceSeal {
  const parsed = parseNormalJson(row.seal);
  if (!parsed.ok) differ(coherenceDifference(row, 'seal', parsed.problem));
  let seal: CoherenceSeal;
  try {
    seal = parseCoherenceSeal(row.seal);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return differ(coherenceDifference(row, 'seal', text('a coherence seal', reason)));
  }
  const form = jsonTextDifference(row.seal, seal);
  if (form !== null) differ(coherenceDifference(row, 'seal', form));
  return seal;
}

/** The packet of a bundle row, exactly as the sequencer writes it (not yet trusted). */
export function parsePacketText(bundle: BundleCells): DrvPacket {
  const parsed = parseNormalJson(bundle.packet);
  if (!parsed.ok) differ(bundleDifference(bundle, 'packet', parsed.problem));
  let packet: DrvPacket;
  try {
    packet = parsePacket(parsed.value);
  } catch (err) {
    if (!isCodedError(err)) throw err;
    const field = `$.${String(err.details.field ?? '')}`;
    return differ(
      bundleDifference(bundle, 'packet', { field, expected: 'a DRV packet', actual: err.message }),
    );
  }
  const form = jsonTextDifference(bundle.packet, packet);
  if (form !== null) differ(bundleDifference(bundle, 'packet', form));
  return packet;
}

/** True when the packet's signature verifies under its signer's key (in any status). */
export function packetSignatureValid(packet: DrvPacket, state: EngineState): boolean {
  const key = keyLedgerView(state.keys).getKey(packet.signer);
  if (key === undefined) return false;
  try {
    return verify(
      hexToBytes(key.publicKey),
      packetSigningBytes(packet),
      hexToBytes(packet.signature, 4627),
      SignatureContext.DRV,
    );
  } catch {
    return false;
  }
}

/** The packet field a DRV error is about. */
const DRV_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  DRV_BAD_VERSION: '$.version',
  DRV_WRONG_CHAIN: '$.chainId',
  DRV_BAD_SEQUENCE: '$.sequence',
  DRV_TIMESTAMP_OUT_OF_RANGE: '$.ttsTimestamp',
  DRV_TIMESTAMP_NOT_INCREASING: '$.ttsTimestamp',
  DRV_TIMESTAMP_JUMP: '$.ttsTimestamp',
  DRV_BAD_SEED: '$.seed',
  DRV_PREVIOUS_HASH_MISMATCH: '$.previousHash',
  DRV_SIGNER_UNAUTHORIZED: '$.signer',
  DRV_SIGNATURE_INVALID: '$.signature',
});

/**
 * Checks a bundle's packet once its seal is trusted: it must hash to the sealed packetHash (else
 * the stored packet was changed), then pass DRV validation against the verified ledger. A packet
 * that hashes to its seal's packetHash is the one the sequencer signed (all but its signature), so
 * a validation failure of the first packet other than its signature means the genesis it is judged
 * against was changed.
 * @returns a difference naming a `bundles` cell, or what the genesis fails
 */
export function packetDifference(
  bundle: BundleCells,
  packet: DrvPacket,
  seal: CoherenceSeal,
  state: EngineState,
): { readonly cell: LedgerDifference } | { readonly genesis: TextDifference } | null {
  const hash = packetHash(packet);
  if (hash !== seal.packetHash)
    return {
      cell: bundleDifference(
        bundle,
        'packet',
        text(`a packet hashing to ${seal.packetHash}`, `${hash}${entropyVerdictOf(packet, state)}`),
      ),
    };
  try {
    validatePacket(packet, state.lastPacket, keyLedgerView(state.keys), { chainId: state.chainId });
  } catch (err) {
    if (!isCodedError(err)) throw err;
    const d = { field: DRV_FIELDS[err.code] ?? '$', expected: err.code, actual: err.message };
    // The signature is the one field the packet hash does not cover, and the seal has just
    // verified under the same key: a bad packet signature is the packet's own.
    const own = bundle.height > 0 || err.code === 'DRV_SIGNATURE_INVALID';
    return own ? { cell: bundleDifference(bundle, 'packet', d) } : { genesis: d };
  }
  if (bundle.packetHash !== hash)
    return { cell: bundleDifference(bundle, 'packet_hash', text(hash, bundle.packetHash)) };
  return null;
}

/**
 * What the entropy checks say of a changed packet (on a chain with an entropy policy), so that the
 * report names the check an edit of the beacon round, signature, VDF or QRNG bytes breaks: ''
 * when they pass or there is no policy.
 */
function entropyVerdictOf(packet: DrvPacket, state: EngineState): string {
  if (state.entropy === null) return '';
  try {
    verifyPacketEntropy(state.entropy, packet, state.lastPacket);
    return '';
  } catch (err) {
    if (!isCodedError(err)) throw err;
    return ` (its entropy record fails ${err.code}: ${err.message})`;
  }
}
