/**
 * Writes a store's ledger as export records (records.ts), lazily, one line at a time: `qfs export`
 * writes them to a file and `GET /v1/export` streams them. Nothing is verified here; the export is
 * what the store holds, for an auditor to verify with `qfs verify --export`.
 * @module
 */
import {
  amountsJson,
  guidanceToJson,
  listAccounts,
  loadGenesis,
  updateAccounts,
} from '../../engine';
import type { Account } from '../../engine';
import { cir511StateJson } from '../../guard';
import { parsePacket } from '../../ledger';
import { UD } from '../../math';
import { parseAccount, parseCoherenceEntry, parseSnapshot } from '../records';
import type { NodeStore } from '../store';
import { EXPORT_FORMAT, EXPORT_VERSION, recordLine } from './records';

/** Which bundles to export (inclusive); both default to the whole ledger. */
export type ExportRange = { readonly from?: number; readonly to?: number };

/** Thrown for a range the store does not hold. */
export class ExportRangeError extends Error {
  override readonly name = 'Node.ExportRangeError';
}

/** The range `options` asks for, checked against the store's head. */
export function exportRange(store: NodeStore, options: ExportRange): { from: number; to: number } {
  const head = store.headHeight();
  const from = options.from ?? 0;
  const to = options.to ?? head;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || to < from - 1)
    throw new ExportRangeError(`not a range of heights: from ${from} to ${to}`);
  if (to > head) throw new ExportRangeError(`the ledger ends at height ${head}, not ${to}`);
  return { from, to };
}

/**
 * The export's lines (without newlines), from the header to the end record.
 * @throws {ExportRangeError} when the range is not in the store
 */
export function* exportLines(store: NodeStore, options: ExportRange = {}): Generator<string> {
  const { from, to } = exportRange(store, options);
  const genesisDoc = JSON.parse(store.getMeta('genesis') ?? 'null') as unknown;
  const genesis = loadGenesis(genesisDoc);
  let count = 0;
  const line = (text: string): string => {
    count++;
    return text;
  };
  yield line(
    recordLine('header', {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      chainId: genesis.state.chainId,
      from: String(from),
      to: String(to),
    }),
  );
  yield line(recordLine('genesis', { genesis: genesisDoc }));
  const entries = store.keyEntries().map((r) => JSON.parse(r.entry) as Record<string, unknown>);
  let written = 0;
  const keyEntriesUpTo = function* (head: string): Generator<string> {
    while (written < entries.length && entries[written - 1]?.entryHash !== head)
      yield line(recordLine('key-entry', { entry: entries[written++] }));
  };
  if (from === 0) yield* keyEntriesUpTo(genesis.keyGenesis.entryHash);
  else {
    for (const text of checkpointLines(store, from - 1, genesis.state.accounts)) yield line(text);
    const entry = parseCoherenceEntry(store.coherence(from - 1)?.entry ?? '{}');
    yield* keyEntriesUpTo(entry.keyLedgerHead);
  }
  for (let height = from; height <= to; height++) {
    for (const text of bundleLines(store, height)) yield line(text);
    const entry = parseCoherenceEntry(store.coherence(height)?.entry ?? '{}');
    yield* keyEntriesUpTo(entry.keyLedgerHead);
    const seal = store.keySealsIn(height, height)[0];
    if (seal !== undefined)
      yield line(recordLine('key-seal', { height: String(height), seal: JSON.parse(seal.seal) }));
  }
  const halts = store.readRows(
    'SELECT record FROM halts WHERE at_height BETWEEN ? AND ? ORDER BY id',
    from,
    to + 1,
  );
  for (const h of halts)
    yield line(recordLine('operator', { operatorRecord: JSON.parse(String(h.record)) }));
  yield recordLine('end', { records: String(count) });
}

/** A bundle and its transactions. */
function* bundleLines(store: NodeStore, height: number): Generator<string> {
  const bundle = store.bundle(height);
  const coherence = store.coherence(height);
  if (bundle === undefined || coherence === undefined)
    throw new ExportRangeError(`bundle ${height} is missing`);
  const txs = store.bundleTxs(height);
  yield recordLine('bundle', {
    height: String(height),
    packet: parsePacket(JSON.parse(bundle.packet)),
    txCount: String(txs.length),
    entry: JSON.parse(coherence.entry),
    seal: JSON.parse(coherence.seal),
  });
  for (const t of txs) {
    const stored = JSON.parse(t.receipt) as Record<string, string>;
    const receipt: Record<string, string> = { status: String(stored.status) };
    if (stored.code !== undefined) receipt.code = stored.code;
    if (stored.reason !== undefined) receipt.reason = stored.reason;
    if (stored.fee !== undefined) receipt.fee = UD.format(UD.wrap(BigInt(stored.fee)));
    yield recordLine('tx', {
      height: String(height),
      index: String(t.idx),
      txHash: t.txHash,
      tx: JSON.parse(t.wire),
      receipt,
    });
  }
}

/** The state after bundle `height`: its packet, entry, seal, snapshot, then every account. */
function* checkpointLines(
  store: NodeStore,
  height: number,
  genesisAccounts: Parameters<typeof updateAccounts>[0],
): Generator<string> {
  const bundle = store.bundle(height);
  const coherence = store.coherence(height);
  if (bundle === undefined || coherence === undefined)
    throw new ExportRangeError(`bundle ${height} is missing`);
  const changed = new Map<string, Account>();
  for (const r of store.readRows(
    `SELECT address, account FROM account_changes a WHERE height = (SELECT MAX(height)
       FROM account_changes b WHERE b.address = a.address AND b.height <= ?)`,
    height,
  ))
    changed.set(String(r.address), parseAccount(String(r.account)));
  const accounts = listAccounts(updateAccounts(genesisAccounts, changed)).sort((a, b) =>
    a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1,
  );
  const snapshot = parseSnapshot(bundle.snapshot);
  yield recordLine('checkpoint', {
    height: String(height),
    packet: parsePacket(JSON.parse(bundle.packet)),
    entry: JSON.parse(coherence.entry),
    seal: JSON.parse(coherence.seal),
    supply: amountsJson(snapshot.supply),
    emission: { day: snapshot.emission.day, minted: amountsJson(snapshot.emission.minted) },
    guidance: guidanceToJson(snapshot.guidance),
    cir511: cir511StateJson(snapshot.cir511),
    accounts: String(accounts.length),
  });
  for (const { address, account } of accounts)
    yield recordLine('account', {
      address,
      balances: amountsJson(account.balances),
      nonce: account.nonce,
    });
}
