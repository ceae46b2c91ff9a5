/**
 * What one bundle writes to the store, built from the engine's result, its CoherenceLedger entry
 * and seals: the same rows whether the sequencer produced the bundle or a replica re-executed it,
 * so that both stores hold the same bytes and serve the same reads.
 * @module
 */
import type { BundleResult, Receipt, SignedTx } from '../engine';
import {
  coherenceSealHash,
  keySealHash,
  type CoherenceEntry,
  type CoherenceSeal,
  type DrvPacket,
  type KeyFinalitySeal,
} from '../ledger';
import { accountJson, bundleSummaryJson, receiptJson, snapshotJson } from './records';
import { toText, type AckRow, type BundleCommit } from './store';

/**
 * The rows of one committed bundle.
 * @param result - what executeBundle returned
 * @param packet - the bundle's signed packet
 * @param txHashes - its transactions' hashes, in order
 * @param entry - its CoherenceLedger entry
 * @param seal - the signed seal of that entry
 * @param keySeal - the KeyLedger seal made with the bundle, or null
 */
export function bundleCommitOf(
  result: BundleResult,
  packet: DrvPacket,
  txHashes: readonly string[],
  entry: CoherenceEntry,
  seal: CoherenceSeal,
  keySeal: KeyFinalitySeal | null,
): BundleCommit {
  const height = Number(result.height);
  return {
    bundle: {
      height,
      packet: toText(packet),
      packetHash: result.packetHash,
      bundleHash: result.bundleHash,
      opLogHash: result.opLogHash,
      stateRoot: result.stateRoot,
      txCount: txHashes.length,
      summary: toText(bundleSummaryJson(result)),
      snapshot: toText(snapshotJson(result.state)),
    },
    txs: txHashes.map((txHash, i) => ({
      txHash,
      height,
      idx: i,
      receipt: toText(receiptJson(result.receipts[i] as Receipt)),
    })),
    accounts: result.changedAccounts.map((c) => ({
      address: c.address,
      account: toText(accountJson(c.account)),
    })),
    keyEntries: result.keyEntries.map((k) => ({
      sequence: Number(k.sequence),
      entry: toText(k),
      entryHash: k.entryHash,
    })),
    keySeal: keySeal === null ? null : { seal: toText(keySeal), sealHash: keySealHash(keySeal) },
    coherence: {
      height,
      entry: toText(entry),
      entryHash: entry.entryHash,
      seal: toText(seal),
      sealHash: coherenceSealHash(seal),
    },
  };
}

/**
 * The stored row of a transaction that arrives inside a bundle (a replica's store: no mempool, the
 * bytes are written with the bundle). Same columns the sequencer writes at acknowledgement.
 */
export function txRowOf(
  tx: SignedTx,
  signature: Uint8Array,
  seq: number,
  receivedMs: number,
): AckRow {
  return {
    txHash: tx.hash,
    seq,
    sender: tx.from,
    nonce: tx.nonce.toString(),
    unsigned: toText({
      chainId: tx.chainId,
      from: tx.from,
      nonce: tx.nonce.toString(),
      body: tx.wireBody,
    }),
    signature,
    receivedMs,
  };
}
