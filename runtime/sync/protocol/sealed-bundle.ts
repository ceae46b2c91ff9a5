/**
 * The sealed bundle as it travels between nodes (pushed on the stream, pulled by height): the
 * signed DRV packet, the signed transactions in order, the sequencer's CoherenceLedger seal and,
 * when the bundle changed the KeyLedger, its KeyLedger seal. Everything a replica needs to
 * re-execute the bundle and nothing it must trust: receipts, hashes, entries and roots are
 * recomputed. docs/sync.md, Sealed bundle.
 *
 *   {height: "h", packet, txs: [tx wire …], seal, keySeal: seal | null}
 * @module
 */
import { isCodedError } from '../../errors';
import { BUNDLE_TXS_MAX, parseTx, type SignedTx } from '../../engine';
import {
  parsePacket,
  type CoherenceSeal,
  type DrvPacket,
  type KeyFinalitySeal,
} from '../../ledger';
import { SyncMalformedError } from './errors';
import { parseKeySealJson, parseSealJson } from './signed-objects';
import { arrayField, decimalField, objectWith } from './wire-shape';

export type SealedBundle = {
  readonly height: bigint;
  readonly packet: DrvPacket;
  readonly txs: readonly SignedTx[];
  readonly seal: CoherenceSeal;
  readonly keySeal: KeyFinalitySeal | null;
};

const WHAT = 'sealed bundle';

/**
 * Reads a sealed bundle: every field's shape, every transaction through `parseTx` (limits, hash),
 * and the heights of packet and seal equal to the message's.
 * @param json - the parsed message
 * @param txsMax - most transactions accepted (at most the engine's BUNDLE_TXS_MAX)
 * @throws {SyncMalformedError} naming the field (a transaction's own error code in `reason`)
 */
export function parseSealedBundle(json: unknown, txsMax: number = BUNDLE_TXS_MAX): SealedBundle {
  const o = objectWith(json, ['height', 'packet', 'txs', 'seal', 'keySeal'], WHAT);
  const height = decimalField(o.height, WHAT, 'height');
  const packet = wrap('packet', () => parsePacket(o.packet));
  const wires = arrayField(o.txs, txsMax < BUNDLE_TXS_MAX ? txsMax : BUNDLE_TXS_MAX, WHAT, 'txs');
  const txs = wires.map((w, i) => wrap(`txs.${i}`, () => parseTx(w)));
  const seal = parseSealJson(o.seal, 'seal');
  const keySeal = o.keySeal === null ? null : parseKeySealJson(o.keySeal, 'keySeal');
  if (packet.sequence !== height || seal.height !== height)
    throw new SyncMalformedError({
      what: WHAT,
      field: 'height',
      reason: `message ${height}, packet ${packet.sequence}, seal ${seal.height}`,
    });
  return Object.freeze({ height, packet, txs: Object.freeze(txs), seal, keySeal });
}

function wrap<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!isCodedError(err)) throw err;
    throw new SyncMalformedError({ what: WHAT, field, reason: `${err.code}: ${err.message}` });
  }
}
