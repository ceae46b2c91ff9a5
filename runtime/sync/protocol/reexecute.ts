/**
 * The replica's check of one sealed bundle: re-execute it with the pure engine on the replica's
 * own state and require the same packet, bundle hash, op-log hash, state root, CoherenceLedger entry,
 * seal (every field, and its signature) and KeyLedger seal as the sequencer's. One function, so
 * that the shared verification module of issue 19 can replace it whole. Pure: transaction
 * signatures the caller verified on its pool come in `preverified` (the engine verifies the rest).
 * docs/sync.md, Re-execution.
 * @module
 */
import { hexToBytes } from '../../codec';
import { isCodedError } from '../../errors';
import { executeBundle, type BundleResult, type EngineState } from '../../engine';
import {
  appendCoherenceEntry,
  appendSealed,
  coherenceSealHash,
  keyLedgerView,
  keySealHash,
  verifyCoherenceSeal,
  verifySealOver,
  type CoherenceEntry,
  type KeyFinalitySeal,
  type SealedEntry,
} from '../../ledger';
import type { SealedBundle } from './sealed-bundle';

/** What the replica has before the bundle. */
export type ReplicaTip = {
  readonly state: EngineState;
  /** The CoherenceLedger head entry (null before height 0). */
  readonly head: CoherenceEntry | null;
  /**
   * What the replica keeps of every KeyLedger entry so far, from the genesis (a KeyLedger seal
   * covers all of them): its own re-executed entries, checked as they came.
   */
  readonly keyEntries: readonly SealedEntry[];
};

/** The bundle as the replica recomputed it, equal to what the sequencer sealed. */
export type Reexecuted = {
  readonly result: BundleResult;
  readonly entry: CoherenceEntry;
  readonly sealHash: string;
  readonly keyEntries: readonly SealedEntry[];
  readonly keySealHash: string | null;
};

/** The first value the replica computed differently: the sequencer's, then the replica's. */
export type Disagreement = {
  readonly height: bigint;
  readonly field: string;
  readonly sequencer: string;
  readonly replica: string;
};

export type ReexecutionOutcome =
  | { readonly ok: true; readonly value: Reexecuted }
  | { readonly ok: false; readonly disagreement: Disagreement };

/**
 * Re-executes `bundle` on `tip` and compares everything the sequencer signed.
 * @param tip - the replica's state, head entry and KeyLedger entries before the bundle
 * @param bundle - the sealed bundle (parsed, untrusted)
 * @param preverified - hashes of transactions whose signatures the caller verified
 */
export function reexecuteBundle(
  tip: ReplicaTip,
  bundle: SealedBundle,
  preverified: ReadonlySet<string>,
): ReexecutionOutcome {
  const height = tip.state.height;
  const differ = (field: string, sequencer: string, replica: string): ReexecutionOutcome => ({
    ok: false,
    disagreement: Object.freeze({ height: bundle.height, field, sequencer, replica }),
  });
  if (bundle.height !== height) return differ('height', String(bundle.height), String(height));
  const { packet, seal } = bundle;
  if (seal.signer !== packet.signer) return differ('seal.signer', seal.signer, packet.signer);
  let result: BundleResult;
  try {
    result = executeBundle(tip.state, { packet, txs: bundle.txs }, { preverified });
  } catch (err) {
    if (!isCodedError(err)) throw err;
    return differ('execution', 'a committed bundle', `${err.code}: ${err.message}`);
  }
  const entry = appendCoherenceEntry(tip.head, {
    chainId: result.state.chainId,
    timestamp: packet.ttsTimestamp,
    packetHash: result.packetHash,
    bundleHash: result.bundleHash,
    opLogHash: result.opLogHash,
    stateRoot: result.stateRoot,
    keyLedgerHead: result.state.keys.headHash,
  });
  const expected: [string, string, string][] = [
    ['seal.packetHash', seal.packetHash, result.packetHash],
    ['seal.bundleHash', seal.bundleHash, result.bundleHash],
    ['seal.opLogHash', seal.opLogHash, result.opLogHash],
    ['seal.stateRoot', seal.stateRoot, result.stateRoot],
    ['seal.headHash', seal.headHash, entry.entryHash],
    ['seal.timestamp', String(seal.timestamp), String(packet.ttsTimestamp)],
    [
      'seal.quantumMetadata',
      metadataText(seal.quantumMetadata),
      metadataText(sealMetadata(bundle)),
    ],
  ];
  for (const [field, sequencer, replica] of expected)
    if (sequencer !== replica) return differ(field, sequencer, replica);
  const signerKey = keyLedgerView(tip.state.keys).getKey(packet.signer);
  if (signerKey === undefined) return differ('seal.signer', packet.signer, '(unknown key)');
  const sealIssue = verifyCoherenceSeal(seal, entry, hexToBytes(signerKey.publicKey));
  if (sealIssue !== null)
    return differ(`seal.${sealIssue.field}`, sealIssue.actual, sealIssue.expected);
  const keyEntries = appendSealed(tip.keyEntries, result.keyEntries);
  const keySeal = checkKeySeal(
    bundle.keySeal,
    result,
    keyEntries,
    packet.ttsTimestamp,
    signerKey.publicKey,
  );
  if (typeof keySeal !== 'string' && keySeal !== null)
    return differ(keySeal.field, keySeal.sequencer, keySeal.replica);
  return {
    ok: true,
    value: Object.freeze({
      result,
      entry,
      sealHash: coherenceSealHash(seal),
      keyEntries: Object.freeze(keyEntries),
      keySealHash: keySeal,
    }),
  };
}

/**
 * The KeyLedger seal the sequencer must have made: one exactly when the bundle added key entries
 * and its key still holds `sequencer` after it, stamped with the packet's time and no metadata.
 * Returns its hash, null when there is none, or what differs.
 */
function checkKeySeal(
  keySeal: KeyFinalitySeal | null,
  result: BundleResult,
  entries: readonly SealedEntry[],
  timestamp: bigint,
  publicKey: string,
): string | null | Omit<Disagreement, 'height'> {
  const view = keyLedgerView(result.state.keys);
  const due =
    result.keyEntries.length > 0 &&
    view.hasCapability(result.state.lastPacket?.signer ?? '', 'sequencer');
  if (!due)
    return keySeal === null
      ? null
      : { field: 'keySeal', sequencer: 'a KeyLedger seal', replica: 'none due' };
  if (keySeal === null)
    return { field: 'keySeal', sequencer: 'none', replica: 'a KeyLedger seal due' };
  if (keySeal.timestamp !== timestamp)
    return {
      field: 'keySeal.timestamp',
      sequencer: String(keySeal.timestamp),
      replica: String(timestamp),
    };
  if (Object.keys(keySeal.quantumMetadata).length !== 0)
    return {
      field: 'keySeal.quantumMetadata',
      sequencer: metadataText(keySeal.quantumMetadata),
      replica: '{}',
    };
  const check = verifySealOver(keySeal, entries, hexToBytes(publicKey), { view });
  if (!check.valid)
    return { field: `keySeal.${check.check}`, sequencer: check.actual, replica: check.expected };
  return keySealHash(keySeal);
}

/** What the sequencer puts in a seal's quantum metadata: the packet's seed and entropy source. */
function sealMetadata(bundle: SealedBundle): Record<string, string> {
  return { seed: bundle.packet.seed, entropySource: bundle.packet.entropy.source };
}

function metadataText(m: Readonly<Record<string, string>>): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${m[k] as string}`)
    .join(',');
}
