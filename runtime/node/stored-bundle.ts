/**
 * Checks the stored bytes of one committed bundle against its CoherenceLedger entry without
 * re-executing it: every transaction's bytes hash to its recorded hash, the packet commits to those
 * hashes and hashes to the entry's packetHash, and the bundle hash recomputed from the stored
 * transactions, receipts, rewards and allocations equals the entry's. Start-up runs it on the newest
 * bundles (a changed byte there quarantines the node, CIR-412); `qfs verify` replays everything.
 * @module
 */
import {
  bundleHashOf,
  parseTx,
  TOKENS,
  type Receipt,
  type RewardBundle,
  type Allocation,
  type Token,
} from '../engine';
import type { HaltEvidence } from '../guard';
import { computePayloadHash, packetHash, parsePacket } from '../ledger';
import { UD, type UD128x18 } from '../math';
import { parseCoherenceEntry } from './records';
import type { NodeStore } from './store';

/** How many of the newest bundles start-up checks byte for byte. */
export const STARTUP_BUNDLE_CHECK_DEPTH = 16;

/** The first problem with the stored bundle at `height`, or null. */
export function storedBundleIssue(store: NodeStore, height: number): HaltEvidence | null {
  const bundle = store.bundle(height);
  const row = store.coherence(height);
  if (bundle === undefined || row === undefined)
    return { height: String(height), problem: 'bundle or ledger entry missing' };
  const entry = parseCoherenceEntry(row.entry);
  try {
    const packet = parsePacket(JSON.parse(bundle.packet));
    const rows = store.bundleTxs(height);
    const txs = rows.map((t) => parseTx(JSON.parse(t.wire)));
    const bad = txs.findIndex((tx, i) => tx.hash !== rows[i]?.txHash);
    if (bad >= 0)
      return {
        height: String(height),
        problem: `transaction ${bad} bytes do not hash to the recorded hash`,
      };
    if (
      packet.payloadHash !==
      computePayloadHash(
        txs.map((t) => t.hash),
        [],
      )
    )
      return {
        height: String(height),
        problem: 'packet payloadHash differs from the stored transactions',
      };
    if (packetHash(packet) !== entry.packetHash || bundle.packetHash !== entry.packetHash)
      return { height: String(height), problem: 'packet hash differs from the ledger entry' };
    const receipts = rows.map((t, i) => receiptOf(t.receipt, t.txHash, i));
    const summary = JSON.parse(bundle.summary) as {
      rewards: { granted: Record<string, string> };
      allocations: { address: string; token: Token; amount: string }[];
    };
    const granted = {} as Record<Token, UD128x18>;
    for (const token of TOKENS) granted[token] = UD.parse(summary.rewards.granted[token] ?? '0');
    const allocations: Allocation[] = summary.allocations.map((a) => ({
      address: a.address,
      token: a.token,
      amount: UD.parse(a.amount),
    }));
    const recomputed = bundleHashOf({
      height: BigInt(height),
      packetHash: entry.packetHash,
      txs,
      receipts,
      rewards: { granted } as unknown as RewardBundle,
      allocations,
      opLogHash: bundle.opLogHash,
      stateRoot: bundle.stateRoot,
    });
    if (recomputed !== entry.bundleHash || bundle.bundleHash !== entry.bundleHash)
      return {
        height: String(height),
        problem: 'stored bundle does not hash to the ledger entry',
        expected: entry.bundleHash,
        actual: recomputed,
      };
    if (bundle.stateRoot !== entry.stateRoot || bundle.opLogHash !== entry.opLogHash)
      return {
        height: String(height),
        problem: 'state root or op-log hash differs from the ledger entry',
      };
  } catch (err) {
    return {
      height: String(height),
      problem: 'stored bytes do not parse',
      error: err instanceof Error ? err.message : String(err),
    };
  }
  return null;
}

function receiptOf(text: string, txHash: string, index: number): Receipt {
  const j = JSON.parse(text) as { status: 'ok' | 'failed'; code?: string; fee?: string };
  return {
    txHash,
    index,
    status: j.status,
    ...(j.code === undefined ? {} : { code: j.code }),
    ...(j.fee === undefined ? {} : { fee: UD.wrap(BigInt(j.fee)) }),
  };
}
