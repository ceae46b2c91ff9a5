/**
 * The ledger verifier over a data directory's store, used by `qfs verify`, `qfs replay` and the
 * node's start-up (issue 19: nothing is trusted from a column). From the genesis, bundle by bundle,
 * it takes as true only what is signed (the sequencer's packets and seals, the users'
 * transactions) and what re-executing them gives, and compares every stored copy with that:
 *
 *   seal (signature) → packet (hash in the seal, signature, chain, entropy) → transaction rows
 *   (their hashes in the packet's payloadHash, their bytes, their signatures) → re-execution →
 *   the sealed hashes and state root → every derived column: entry, hashes, summary, snapshot,
 *   receipts, state changes, KeyLedger entries and seals; then the tables as a whole (accounts,
 *   rows claiming heights that do not exist, loose bytes, halt records).
 *
 * It stops at the first difference and names its table, row (with the rowid) and column. Where a
 * check fails because an input it trusts was altered (the genesis document is the one unsigned
 * input of execution), the difference names that input, not the check.
 * @module
 */
import { ZERO_HASH } from '../../codec';
import type { VerifyPool } from '../../crypto';
import type { Account, EngineState, Genesis, SignedTx } from '../../engine';
import { isCodedError } from '../../errors';
import {
  coherenceSealHash,
  type CoherenceEntry,
  type CoherenceSeal,
  type DrvPacket,
  type KeyLedgerEntry,
} from '../../ledger';
import { bundleSummaryJson, receiptJson, snapshotJson } from '../records';
import type { NodeStore } from '../store';
import { DifferenceFound, differ, type LedgerDifference } from './difference';
import { jsonTextDifference } from './json-text';
import { packetProblem } from './packet-checks';
import {
  bodyDifference,
  coherenceSealProblem,
  recomputeBundle,
  txSignatureVerdicts,
  type RecomputedBundle,
} from './recompute';
import {
  bundleDifference,
  coherenceDifference,
  packetDifference,
  packetSignatureValid,
  parsePacketText,
  parseSealText,
  text,
} from './signed-cells';
import {
  verifyAccountChanges,
  verifyAccounts,
  verifyKeyEntries,
  verifyKeySeal,
} from './state-rows';
import { readBundle, readCoherence, type BundleCells, type CoherenceCells } from './store-rows';
import {
  genesisDifference,
  verifiedGenesis,
  verifiedHead,
  verifyHalts,
  verifyKeySequences,
  verifyLooseTxBytes,
  verifyNoRowsAfter,
  verifyTxStatuses,
} from './tables';
import { bundleTxs, txDifference, type BundleTx } from './tx-rows';

export type VerifyOptions = {
  readonly pool?: VerifyPool;
  /** Last height to verify (default: the head). Table-wide checks run only up to the head. */
  readonly to?: number;
  readonly onProgress?: (height: number, last: number) => void;
  /**
   * The node's background pass: yield to the event loop between bundles, stop when asked, and
   * treat rows of bundles committed after the pass began as the node's own.
   */
  readonly live?: { readonly shouldStop: () => boolean };
};

export type VerifyResult = {
  /** The last height verified (−1 when none). */
  readonly height: number;
  readonly stateRoot: string;
  readonly headHash: string;
  readonly bundles: number;
  readonly txs: number;
  /** The first difference, or null when every checked byte is what it must be. */
  readonly difference: LedgerDifference | null;
  /** True when a live pass was asked to stop before it finished. */
  readonly stopped: boolean;
};

/** What the verifier knows to be true after the bundles verified so far. */
type Verified = {
  readonly state: EngineState;
  readonly entry: CoherenceEntry | null;
  readonly sealHash: string;
  readonly keyEntries: readonly KeyLedgerEntry[];
  /** Each account's last change: height and value (for the `accounts` table). */
  readonly lastChange: Map<string, { height: number; account: Account }>;
  readonly txs: number;
};

type Context = {
  readonly store: NodeStore;
  readonly pool: VerifyPool | undefined;
  readonly genesis: Genesis;
  readonly genesisRowid: number;
};

/**
 * Verifies the store from the genesis.
 * @returns the recomputed head and the first difference (null when everything checked out); it
 *   never throws for a tampered store
 */
export async function verifyStore(
  store: NodeStore,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  let verified: Verified | null = null;
  try {
    const { genesis, rowid } = verifiedGenesis(store);
    const ctx: Context = { store, pool: options.pool, genesis, genesisRowid: rowid };
    const head = verifiedHead(store);
    verifyKeySequences(store);
    verifyTxStatuses(store);
    const last = Math.min(options.to ?? head, head);
    verified = {
      state: genesis.state,
      entry: null,
      sealHash: ZERO_HASH,
      keyEntries: [genesis.keyGenesis],
      lastChange: new Map(),
      txs: 0,
    };
    for (let height = 0; height <= last; height++) {
      if (options.live !== undefined) {
        await new Promise((resolve) => setImmediate(resolve));
        if (options.live.shouldStop()) return result(verified, null, true);
      }
      verified = await verifyBundle(ctx, verified, height);
      options.onProgress?.(height, last);
    }
    if (last === head) verifyTables(ctx, verified, head, options.live !== undefined);
    return result(verified, null, false);
  } catch (err) {
    if (!(err instanceof DifferenceFound)) throw err;
    return result(verified, err.difference, false);
  }
}

function result(
  v: Verified | null,
  difference: LedgerDifference | null,
  stopped: boolean,
): VerifyResult {
  const height = v === null ? -1 : Number(v.state.height) - 1;
  return Object.freeze({
    height,
    stateRoot: v?.state.stateRoot ?? '',
    headHash: v?.entry?.entryHash ?? '',
    bundles: height + 1,
    txs: v?.txs ?? 0,
    difference,
    stopped,
  });
}

/** The checks after the last bundle: the tables as a whole. */
function verifyTables(ctx: Context, v: Verified, head: number, live: boolean): void {
  verifyKeyEntries(ctx.store, v.keyEntries, 0, live);
  verifyAccounts(ctx.store, v.lastChange, head, live);
  verifyNoRowsAfter(ctx.store, live ? ctx.store.headHeight() : head);
  verifyLooseTxBytes(ctx.store);
  verifyHalts(ctx.store, v.state);
}

/**
 * Verifies bundle `height` on top of what is verified; returns what is verified after it. It reads
 * as the five steps in their order (seal, packet, transactions, re-execution, stored copies), each
 * a call with its comment; the order is the point, so it stays one function.
 */
async function verifyBundle(ctx: Context, v: Verified, height: number): Promise<Verified> {
  const coherence = readCoherence(ctx.store, height) as CoherenceCells;
  const bundle = readBundle(ctx.store, height) as BundleCells;
  const seal = parseSealText(coherence);
  const packet = parsePacketText(bundle);
  // Step 1: the seal, under a key holding `sequencer` before the bundle. Before the first bundle
  // those keys come from the unsigned genesis: if they verify neither the first seal nor the
  // first packet, the genesis is what changed.
  const sealProblem = coherenceSealProblem(seal, v.state);
  if (sealProblem !== null) {
    if (height === 0 && !packetSignatureValid(packet, v.state))
      differ(genesisDifference(ctx.genesisRowid, '$.keys', 'the keys that signed', 'other keys'));
    differ(coherenceDifference(coherence, 'seal', sealProblem));
  }
  const sealHash = coherenceSealHash(seal);
  if (coherence.sealHash !== sealHash)
    differ(coherenceDifference(coherence, 'seal_hash', text(sealHash, coherence.sealHash)));
  // Step 2: the packet the seal names, valid after the verified ledger, with its entropy.
  const packetIssue = packetDifference(bundle, packet, seal, v.state);
  if (packetIssue !== null)
    differ(
      'cell' in packetIssue
        ? packetIssue.cell
        : {
            ...genesisDifference(
              ctx.genesisRowid,
              '',
              'a genesis the first packet is valid in',
              packetIssue.genesis.actual,
            ),
          },
    );
  // Seals below `height` verified already (each stored seal_hash was compared with its seal).
  const sealHashAt = (h: bigint) =>
    h < BigInt(height) ? ctx.store.coherence(Number(h))?.sealHash : undefined;
  const entropy = packetProblem({
    packet,
    height,
    previousSealHash: v.sealHash,
    state: v.state,
    sealHashAt,
  });
  if (entropy !== null) differ(bundleDifference(bundle, 'packet', entropy));
  // Step 3: the transactions the packet commits to, their bytes and signatures.
  const txs = bundleTxs(ctx.store, height, packet);
  if (bundle.txCount !== txs.length)
    differ(bundleDifference(bundle, 'tx_count', text(String(txs.length), String(bundle.txCount))));
  const preverified = await checkedSignatures(ctx, v, { txs, packet, seal });
  // Step 4: re-execution, which must give what the seal signed.
  const recomputed = execute(ctx, v, bundle, txs, preverified, packet);
  const sealed = bodyDifference(recomputed.sealBody, seal);
  if (sealed !== null)
    differ(
      height === 0
        ? genesisDifference(
            ctx.genesisRowid,
            '',
            `the sealed ${sealed.field} ${sealed.actual}`,
            sealed.expected,
          )
        : coherenceDifference(coherence, 'seal', sealed),
    );
  // Step 5: every stored copy of what the bundle derived.
  verifyDerived(ctx, v, { bundle, coherence, txs, recomputed });
  return {
    state: recomputed.result.state,
    entry: recomputed.entry,
    sealHash,
    keyEntries: recomputed.keyEntries,
    lastChange: v.lastChange,
    txs: v.txs + txs.length,
  };
}

/**
 * Every transaction's signature, under its sender's key. A committed transaction passed admission
 * with a valid signature, unless its receipt records the engine refusing it for that reason, so
 * any other invalid one had its signature (or, without a key, its sender) changed. In the first
 * bundle the keys come from the unsigned genesis: there, the bundle is first re-executed as if the
 * signature were valid, and if that does not give the sealed state root the genesis is named.
 */
async function checkedSignatures(
  ctx: Context,
  v: Verified,
  bundle: { txs: readonly BundleTx[]; packet: DrvPacket; seal: CoherenceSeal },
): Promise<Set<string>> {
  const { txs } = bundle;
  const verdicts = await txSignatureVerdicts(
    v.state,
    txs.map((t) => t.tx),
    ctx.pool,
  );
  const preverified = new Set<string>();
  verdicts.forEach((verdict, i) => {
    const { cells, tx } = txs[i] as BundleTx;
    if (verdict === 'valid') return void preverified.add(tx.hash);
    const code = receiptCode(cells.receipt);
    if (verdict === 'invalid' && code === 'TX_BAD_SIGNATURE') return;
    if (verdict === 'no-key' && (code === 'TX_UNKNOWN_SENDER' || code === 'TX_MALFORMED')) return;
    if (cells.height === 0 && !genesisGivesSeal(v, bundle)) {
      const d = { field: '$.keys', expected: 'the keys that signed', actual: 'other keys' };
      differ(genesisDifference(ctx.genesisRowid, d.field, d.expected, d.actual));
    }
    differ({
      table: 'tx_bytes',
      row: `tx_hash=${tx.hash}`,
      rowid: cells.bytesRowid,
      column: verdict === 'invalid' ? 'signature' : 'unsigned',
      field: verdict === 'invalid' ? '' : '$.from',
      height: cells.height,
      txHash: tx.hash,
      expected: verdict === 'invalid' ? 'a valid signature' : 'a sender with a KeyLedger key',
      actual: verdict === 'invalid' ? 'a signature that does not verify' : tx.from,
    });
  });
  return preverified;
}

/** True when the bundle, executed with every signature taken as valid, gives the sealed root. */
function genesisGivesSeal(
  v: Verified,
  bundle: { txs: readonly BundleTx[]; packet: DrvPacket; seal: CoherenceSeal },
): boolean {
  const txs = bundle.txs.map((t) => t.tx);
  try {
    const trial = recomputeBundle(v.state, bundle.packet, txs, v, new Set(txs.map((t) => t.hash)));
    return trial.result.stateRoot === bundle.seal.stateRoot;
  } catch {
    return false;
  }
}

function receiptCode(receipt: string): string | undefined {
  try {
    const code = (JSON.parse(receipt) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Re-executes the bundle. Every input is verified, so a bundle that does not execute names the
 * genesis when it is the first one (the genesis being the only unverified input) and the packet
 * the sequencer signed otherwise.
 */
function execute(
  ctx: Context,
  v: Verified,
  bundle: BundleCells,
  txs: readonly BundleTx[],
  preverified: ReadonlySet<string>,
  packet: DrvPacket,
): RecomputedBundle {
  try {
    return recomputeBundle(
      v.state,
      packet,
      txs.map((t): SignedTx => t.tx),
      v,
      preverified,
    );
  } catch (err) {
    if (!isCodedError(err)) throw err;
    const actual = `${err.code}: ${err.message}`;
    return differ(
      bundle.height === 0
        ? genesisDifference(ctx.genesisRowid, '', 'a genesis the first bundle executes on', actual)
        : bundleDifference(bundle, 'packet', {
            field: '',
            expected: 'a bundle that executes',
            actual,
          }),
    );
  }
}

/** Step 5: the stored copies of what the bundle derived, against re-execution. */
function verifyDerived(
  ctx: Context,
  v: Verified,
  b: {
    bundle: BundleCells;
    coherence: CoherenceCells;
    txs: readonly BundleTx[];
    recomputed: RecomputedBundle;
  },
): void {
  const { bundle, coherence, recomputed } = b;
  const { result, entry } = recomputed;
  const entryText = jsonTextDifference(coherence.entry, entry);
  if (entryText !== null) differ(coherenceDifference(coherence, 'entry', entryText));
  if (coherence.entryHash !== entry.entryHash)
    differ(
      coherenceDifference(coherence, 'entry_hash', text(entry.entryHash, coherence.entryHash)),
    );
  const columns: [string, string, string][] = [
    ['bundle_hash', result.bundleHash, bundle.bundleHash],
    ['op_log_hash', result.opLogHash, bundle.opLogHash],
    ['state_root', result.stateRoot, bundle.stateRoot],
  ];
  for (const [column, expected, actual] of columns)
    if (expected !== actual) differ(bundleDifference(bundle, column, text(expected, actual)));
  const summary = jsonTextDifference(bundle.summary, bundleSummaryJson(result));
  if (summary !== null) differ(bundleDifference(bundle, 'summary', summary));
  const snapshot = jsonTextDifference(bundle.snapshot, snapshotJson(result.state));
  if (snapshot !== null) differ(bundleDifference(bundle, 'snapshot', snapshot));
  b.txs.forEach(({ cells }, i) => {
    const receipt = jsonTextDifference(cells.receipt, receiptJson(result.receipts[i]!));
    if (receipt !== null)
      differ(txDifference(cells, 'receipt', receipt.expected, receipt.actual, receipt.field));
  });
  verifyAccountChanges(ctx.store, bundle.height, result.changedAccounts, v.lastChange);
  verifyKeyEntries(ctx.store, recomputed.keyEntries, v.keyEntries.length, true);
  verifyKeySeal(ctx.store, bundle.height, recomputed);
}
