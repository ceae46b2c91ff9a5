/**
 * The auditor's tools over a data directory: `verify` checks every hash link, every signature and
 * every seal, and replays every bundle through the engine from genesis comparing what it recomputes
 * with what the ledger recorded; `replay` recomputes the head. Both re-verify every transaction
 * signature (in the worker pool when given one). issue 6: `qfs verify`, `qfs replay`.
 * @module
 */
import { hexToBytes } from '../codec';
import {
  publicKeyFromHex,
  SignatureContext,
  verify,
  type VerifyItem,
  type VerifyPool,
} from '../crypto';
import {
  executeBundle,
  loadGenesis,
  parseTx,
  txSignatureBytes,
  txSigningBytes,
  type EngineState,
  type SignedTx,
} from '../engine';
import { verifyEntropyAnchor } from '../entropy';
import { isCodedError } from '../errors';
import {
  appendCoherenceEntry,
  coherenceSealHash,
  keyLedgerView,
  parseKeyLedgerEntry,
  parsePacket,
  replayKeyLedger,
  verifyCoherenceSeal,
  type CoherenceEntry,
  type DrvPacket,
  type KeyLedgerState,
} from '../ledger';
import { parseCoherenceEntry, parseCoherenceSeal } from './records';
import { storedGenesis } from './state-loader';
import type { NodeStore } from './store';

/** The first thing that does not match, with its height. */
export type AuditMismatch = {
  readonly height: number;
  readonly what: string;
  readonly expected: string;
  readonly actual: string;
};

export type ReplayResult = {
  readonly height: number;
  readonly stateRoot: string;
  readonly headHash: string;
  readonly bundles: number;
  readonly txs: number;
  readonly mismatch: AuditMismatch | null;
};

export type ReplayOptions = {
  /** Last height to replay (default: the head). */
  readonly to?: number;
  readonly pool?: VerifyPool;
  /** Check seals and stored hash columns too (verify), not only recompute (replay). */
  readonly checkSeals?: boolean;
  readonly onProgress?: (height: number, head: number) => void;
};

/** Replays the ledger from genesis; stops at the first mismatch. */
export async function replayLedger(
  store: NodeStore,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const genesis = loadGenesis(storedGenesis(store));
  const keyEntries = store
    .keyEntries()
    .map((r, i) => parseKeyLedgerEntry(JSON.parse(r.entry), BigInt(i)));
  let finalKeys: KeyLedgerState;
  try {
    finalKeys = replayKeyLedger(keyEntries).state;
  } catch (err) {
    return result(-1, genesis.state.stateRoot, '', 0, 0, {
      height: -1,
      what: 'KeyLedger',
      expected: 'a valid KeyLedger',
      actual: err instanceof Error ? err.message : String(err),
    });
  }
  const head = Math.min(options.to ?? store.headHeight(), store.headHeight());
  let state: EngineState = genesis.state;
  let previous: CoherenceEntry | null = null;
  let txCount = 0;
  for (let height = 0; height <= head; height++) {
    const step = await replayOne(store, state, previous, height, finalKeys, options);
    if ('mismatch' in step)
      return result(
        height - 1,
        state.stateRoot,
        previous?.entryHash ?? '',
        height,
        txCount,
        step.mismatch,
      );
    state = step.state;
    previous = step.entry;
    txCount += step.txs;
    options.onProgress?.(height, head);
  }
  return result(head, state.stateRoot, previous?.entryHash ?? '', head + 1, txCount, null);
}

type Step =
  | { state: EngineState; entry: CoherenceEntry; txs: number }
  | { mismatch: AuditMismatch };

async function replayOne(
  store: NodeStore,
  state: EngineState,
  previous: CoherenceEntry | null,
  height: number,
  finalKeys: KeyLedgerState,
  options: ReplayOptions,
): Promise<Step> {
  const miss = (what: string, expected: string, actual: string): Step => ({
    mismatch: { height, what, expected, actual },
  });
  const bundle = store.bundle(height);
  const row = store.coherence(height);
  if (bundle === undefined || row === undefined) return miss('bundle', 'present', 'missing');
  let txs: SignedTx[];
  let packet;
  try {
    packet = parsePacket(JSON.parse(bundle.packet));
    txs = store.bundleTxs(height).map((t) => {
      const tx = parseTx(JSON.parse(t.wire));
      if (tx.hash !== t.txHash)
        throw new Error(`tx ${t.idx}: stored hash ${t.txHash}, bytes hash to ${tx.hash}`);
      return tx;
    });
  } catch (err) {
    return miss(
      'stored bytes',
      'parseable packet and transactions',
      err instanceof Error ? err.message : String(err),
    );
  }
  const anchorIssue = entropyAnchorIssue(store, state, packet);
  if (anchorIssue !== null) return miss('entropy anchor', 'the seal the record names', anchorIssue);
  const preverified = await verifySignatures(state, txs, options.pool);
  let replayed;
  try {
    replayed = executeBundle(state, { packet, txs }, { preverified });
  } catch (err) {
    return miss(
      'execution',
      'the bundle executes',
      isCodedError(err) ? `${err.code}: ${err.message}` : String(err),
    );
  }
  const recorded = parseCoherenceEntry(row.entry);
  const entry = appendCoherenceEntry(previous, {
    chainId: replayed.state.chainId,
    timestamp: packet.ttsTimestamp,
    packetHash: replayed.packetHash,
    bundleHash: replayed.bundleHash,
    opLogHash: replayed.opLogHash,
    stateRoot: replayed.stateRoot,
    keyLedgerHead: replayed.state.keys.headHash,
  });
  const checks: [string, string, string][] = [
    ['packetHash', recorded.packetHash, replayed.packetHash],
    ['bundleHash', recorded.bundleHash, replayed.bundleHash],
    ['opLogHash', recorded.opLogHash, replayed.opLogHash],
    ['stateRoot', recorded.stateRoot, replayed.stateRoot],
    ['keyLedgerHead', recorded.keyLedgerHead, replayed.state.keys.headHash],
    ['entryHash', recorded.entryHash, entry.entryHash],
    ['stored state_root', bundle.stateRoot, replayed.stateRoot],
    ['stored bundle_hash', bundle.bundleHash, replayed.bundleHash],
    ['stored entry_hash', row.entryHash, entry.entryHash],
  ];
  for (const [what, expected, actual] of checks)
    if (expected !== actual) return miss(what, expected, actual);
  if (options.checkSeals === true) {
    const seal = parseCoherenceSeal(row.seal);
    const signer = keyLedgerView(finalKeys).getKey(seal.signer);
    if (signer === undefined) return miss('seal signer', 'a KeyLedger key', seal.signer);
    const issue = verifyCoherenceSeal(seal, entry, hexToBytes(signer.publicKey));
    if (issue !== null) return miss(`seal ${issue.field}`, issue.expected, issue.actual);
    if (coherenceSealHash(seal) !== row.sealHash)
      return miss('stored seal_hash', coherenceSealHash(seal), row.sealHash);
  }
  return { state: replayed.state, entry, txs: txs.length };
}

/**
 * On a chain with an entropy policy, the seal a packet's VDF input is bound to must be the stored
 * seal at that height (the engine checks everything else in the record, but holds no seals).
 */
function entropyAnchorIssue(
  store: NodeStore,
  state: EngineState,
  packet: DrvPacket,
): string | null {
  if (state.entropy === null) return null;
  try {
    verifyEntropyAnchor(packet, (height) =>
      height < state.height ? store.coherence(Number(height))?.sealHash : undefined,
    );
    return null;
  } catch (err) {
    if (isCodedError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
}

/** Verifies every transaction signature against its sender's key (or the registering key). */
async function verifySignatures(
  state: EngineState,
  txs: readonly SignedTx[],
  pool?: VerifyPool,
): Promise<Set<string>> {
  const view = keyLedgerView(state.keys);
  const items: VerifyItem[] = [];
  const hashes: string[] = [];
  for (const tx of txs) {
    const key =
      tx.body.type === 'key' && tx.body.event.type === 'register'
        ? tx.body.event.data.publicKey
        : view.getKey(tx.from)?.publicKey;
    // Keys registered inside this bundle are verified by the engine itself.
    if (key === undefined || key.length !== 5184) continue;
    items.push({
      publicKey: publicKeyFromHex(key),
      message: txSigningBytes(tx),
      signature: txSignatureBytes(tx),
      context: SignatureContext.TX,
    });
    hashes.push(tx.hash);
  }
  const verdicts =
    pool === undefined
      ? items.map((i) => verify(i.publicKey, i.message, i.signature, i.context))
      : await pool.verifyBatch(items);
  return new Set(hashes.filter((_, i) => verdicts[i] === true));
}

function result(
  height: number,
  stateRoot: string,
  headHash: string,
  bundles: number,
  txs: number,
  mismatch: AuditMismatch | null,
): ReplayResult {
  return Object.freeze({ height, stateRoot, headHash, bundles, txs, mismatch });
}
