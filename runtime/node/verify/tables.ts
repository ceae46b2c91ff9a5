/**
 * Checks of whole tables, before and after the bundle-by-bundle pass: the genesis document, dense
 * keys (heights, sequences, halt ids), the status columns of `txs`, the halt records, and rows that
 * claim a height the ledger does not have.
 * @module
 */
import { canonicalString, hexToBytes } from '../../codec';
import { loadGenesis, type EngineState, type Genesis } from '../../engine';
import { isCodedError } from '../../errors';
import { keyLedgerView } from '../../ledger';
import { parseOperatorRecord, verifyOperatorRecord } from '../records';
import type { NodeStore } from '../store';
import { differ, type LedgerDifference } from './difference';
import { jsonTextDifference, parseNormalJson } from './json-text';
import { readHalts, readKeys, readTxsAfter } from './store-rows';
import { hashOfBytes, txDifference } from './tx-rows';

/** Keys the `meta` table may hold. */
export const META_KEYS: readonly string[] = Object.freeze(['genesis']);

/** The genesis document of `meta`, checked for form and validity. */
export function verifiedGenesis(store: NodeStore): { genesis: Genesis; rowid: number } {
  const rows = store.readRows('SELECT rowid AS rid, key, value FROM meta ORDER BY key');
  for (const r of rows)
    if (!META_KEYS.includes(String(r.key)))
      differ(
        metaDifference(Number(r.rid), String(r.key), 'key', META_KEYS.join(' or '), String(r.key)),
      );
  const row = rows.find((r) => r.key === 'genesis');
  if (row === undefined)
    return differ(metaDifference(null, 'genesis', 'value', 'a genesis document', '(absent)'));
  const rowid = Number(row.rid);
  const text = String(row.value);
  const parsed = parseNormalJson(text);
  if (!parsed.ok) differ(metaDifference(rowid, 'genesis', 'value', parsed.problem.expected, text));
  const canonical = canonicalString(parsed.value);
  if (canonical !== text) differ(metaDifference(rowid, 'genesis', 'value', canonical, text));
  try {
    return { genesis: loadGenesis(parsed.value), rowid };
  } catch (err) {
    if (!isCodedError(err)) throw err;
    return differ(
      metaDifference(rowid, 'genesis', 'value', 'a valid genesis', `${err.code}: ${err.message}`),
    );
  }
}

/** A difference in the genesis document: it does not give the ledger that was sealed. */
export function genesisDifference(
  rowid: number,
  field: string,
  expected: string,
  actual: string,
): LedgerDifference {
  return { ...metaDifference(rowid, 'genesis', 'value', expected, actual), field };
}

function metaDifference(
  rowid: number | null,
  key: string,
  column: string,
  expected: string,
  actual: string,
): LedgerDifference {
  return {
    table: 'meta',
    row: `key=${key}`,
    rowid,
    column,
    field: '',
    height: null,
    expected,
    actual,
  };
}

/**
 * The head height: `bundles` and `coherence` must both hold heights 0…n−1. A stored height is
 * unique, so a changed one lies outside that range, where it is named.
 */
export function verifiedHead(store: NodeStore): number {
  const bundles = denseKeys(store, 'bundles', 'height', 0);
  const coherence = denseKeys(store, 'coherence', 'height', 0);
  if (bundles !== coherence)
    differ({
      table: bundles < coherence ? 'bundles' : 'coherence',
      row: `height=${Math.min(bundles, coherence)}`,
      rowid: null,
      column: 'height',
      field: '',
      height: Math.min(bundles, coherence),
      expected: 'a row for every height',
      actual: '(absent)',
    });
  return bundles - 1;
}

/** KeyLedger sequences must be 0…n−1; returns n. */
export function verifyKeySequences(store: NodeStore): number {
  return denseKeys(store, 'key_entries', 'sequence', 0);
}

/** The rows of a table keyed `first`…`first + n − 1`; names a key outside that range. */
function denseKeys(
  store: NodeStore,
  table: 'bundles' | 'coherence' | 'key_entries' | 'halts',
  column: 'height' | 'sequence' | 'id',
  first: number,
): number {
  const rows = readKeys(store, table, column);
  const last = first + rows.length - 1;
  const stray = rows.find((r) => r.key < first || r.key > last);
  if (stray !== undefined)
    differ({
      table,
      row: `${column}=${stray.key}`,
      rowid: stray.rowid,
      column,
      field: '',
      height: table === 'bundles' || table === 'coherence' ? stray.key : null,
      expected: `${first}…${last}`,
      actual: String(stray.key),
    });
  return rows.length;
}

/**
 * Every `txs` row's columns fit its status: a committed row has a height, an index and a receipt
 * and no mempool fields; a pending row has its arrival order and time and nothing else; a rejected
 * one also its code, reason and time. Only pending and rejected rows are not part of the ledger.
 */
export function verifyTxStatuses(store: NodeStore): void {
  const bad = store.readRows(
    `SELECT rowid AS rid, tx_hash, status, height, idx, receipt, seq, received_ms, code, reason, at_ms
     FROM txs WHERE status NOT IN ('pending', 'committed', 'rejected')
       OR (status = 'committed' AND (height IS NULL OR idx IS NULL OR receipt IS NULL OR seq IS NOT NULL
           OR received_ms IS NOT NULL OR code IS NOT NULL OR reason IS NOT NULL OR at_ms IS NOT NULL))
       OR (status = 'pending' AND (height IS NOT NULL OR idx IS NOT NULL OR receipt IS NOT NULL
           OR seq IS NULL OR received_ms IS NULL OR code IS NOT NULL OR reason IS NOT NULL OR at_ms IS NOT NULL))
       OR (status = 'rejected' AND (height IS NOT NULL OR idx IS NOT NULL OR receipt IS NOT NULL
           OR seq IS NULL OR received_ms IS NULL OR code IS NULL OR reason IS NULL OR at_ms IS NULL))
     LIMIT 1`,
  )[0];
  if (bad === undefined) return;
  differ({
    table: 'txs',
    row: `tx_hash=${String(bad.tx_hash)}`,
    rowid: Number(bad.rid),
    column: 'status',
    field: '',
    height: bad.height === null ? null : Number(bad.height),
    txHash: String(bad.tx_hash),
    expected: 'a status whose columns are set accordingly',
    actual: String(bad.status),
  });
}

/**
 * Rows that claim a height after the verified head: committed transactions, state changes and
 * KeyLedger seals of bundles that do not exist. `liveHead` is the store's head now (the node may
 * have committed bundles since the pass began; their rows are its own).
 */
export function verifyNoRowsAfter(store: NodeStore, liveHead: number): void {
  const tx = readTxsAfter(store, liveHead)[0];
  if (tx !== undefined)
    differ(txDifference(tx, 'height', `at most ${liveHead}`, String(tx.height)));
  const tables: [string, string][] = [
    ['account_changes', 'address'],
    ['key_seals', 'height'],
  ];
  for (const [table, key] of tables) {
    const r = store.readRows(
      `SELECT rowid AS rid, height, ${key} AS k FROM ${table} WHERE height > ? OR height < 0 LIMIT 1`,
      liveHead,
    )[0];
    if (r !== undefined)
      differ({
        table,
        row: `${key}=${String(r.k)}`,
        rowid: Number(r.rid),
        column: 'height',
        field: '',
        height: Number(r.height),
        expected: `at most ${liveHead}`,
        actual: String(r.height),
      });
  }
}

/** Transaction bytes no transaction row refers to, and bytes of pending or rejected rows. */
export function verifyLooseTxBytes(store: NodeStore): void {
  const rows = store.readRows(
    `SELECT b.rowid AS rid, b.tx_hash, b.unsigned, b.signature, t.status FROM tx_bytes b
     LEFT JOIN txs t USING (tx_hash) WHERE t.tx_hash IS NULL OR t.status != 'committed'`,
  );
  for (const r of rows) {
    const hash = hashOfBytes(String(r.unsigned), r.signature as Uint8Array);
    const orphan = r.status === null;
    if (!orphan && hash === r.tx_hash) continue;
    differ({
      table: 'tx_bytes',
      row: `tx_hash=${String(r.tx_hash)}`,
      rowid: Number(r.rid),
      column: orphan && hash !== null ? 'tx_hash' : 'unsigned',
      field: '',
      height: null,
      expected: orphan ? 'the hash of a stored transaction' : String(r.tx_hash),
      actual: orphan ? String(r.tx_hash) : String(hash),
    });
  }
}

/**
 * Halt and resume records: ids 1…n, each signed by a KeyLedger key, its `kind` and `at_height`
 * columns equal to the record's, halts and resumes alternating, a resume clearing the code of the
 * halt before it.
 */
export function verifyHalts(store: NodeStore, state: EngineState): void {
  const count = denseKeys(store, 'halts', 'id', 1);
  verifyHaltSequence(store, count);
  let previous: ReturnType<typeof parseOperatorRecord> | null = null;
  readHalts(store).forEach((row, i) => {
    const fail = (column: string, expected: string, actual: string, field = ''): never =>
      differ({
        table: 'halts',
        row: `id=${row.id}`,
        rowid: row.rowid,
        column,
        field,
        height: row.atHeight,
        expected,
        actual,
      });
    if (row.id !== i + 1) fail('id', String(i + 1), String(row.id));
    const parsed = parseNormalJson(row.record);
    if (!parsed.ok) fail('record', parsed.problem.expected, parsed.problem.actual);
    let record: ReturnType<typeof parseOperatorRecord>;
    try {
      record = parseOperatorRecord(row.record);
    } catch (err) {
      return fail('record', 'a halt or resume record', err instanceof Error ? err.message : '');
    }
    const form = jsonTextDifference(row.record, record);
    if (form !== null) fail('record', form.expected, form.actual, form.field);
    const key = keyLedgerView(state.keys).getKey(record.signer);
    if (key === undefined) fail('record', 'a KeyLedger signer', record.signer, '$.signer');
    if (!operatorRecordVerifies(record, (key as { publicKey: string }).publicKey))
      fail('record', 'a valid signature', record.signature, '$.signature');
    if (row.kind !== record.kind) fail('kind', record.kind, row.kind);
    if (BigInt(row.atHeight) !== record.height)
      fail('at_height', String(record.height), String(row.atHeight));
    const expectedKind = previous?.kind === 'halt' ? 'resume' : 'halt';
    if (record.kind !== expectedKind) fail('record', expectedKind, record.kind, '$.kind');
    if (record.kind === 'resume' && record.cir !== previous?.cir)
      fail('record', String(previous?.cir), String(record.cir), '$.cir');
    previous = record;
  });
}

/**
 * SQLite's `sqlite_sequence` row of `halts` (its AUTOINCREMENT counter) must be the number of halt
 * records: ids are never reused, and records are never deleted.
 */
function verifyHaltSequence(store: NodeStore, count: number): void {
  for (const r of store.readRows('SELECT rowid AS rid, name, seq FROM sqlite_sequence')) {
    const fail = (column: string, expected: string, actual: string): never =>
      differ({
        table: 'sqlite_sequence',
        row: `name=${String(r.name)}`,
        rowid: Number(r.rid),
        column,
        field: '',
        height: null,
        expected,
        actual,
      });
    if (r.name !== 'halts') fail('name', 'halts', String(r.name));
    if (Number(r.seq) !== count) fail('seq', String(count), String(r.seq));
  }
}

function operatorRecordVerifies(
  record: ReturnType<typeof parseOperatorRecord>,
  publicKey: string,
): boolean {
  try {
    return verifyOperatorRecord(record, hexToBytes(publicKey));
  } catch {
    return false; // not hex, or not 4627 bytes
  }
}
