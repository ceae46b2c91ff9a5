/**
 * The derived state rows, compared with re-execution: each bundle's `account_changes`, the
 * KeyLedger entries and seal it wrote, and at the end the `accounts` table (each address's last
 * change). When a row is out of place, the row that is not where re-execution puts it is named.
 * @module
 */
import type { Account } from '../../engine';
import {
  keySealHash,
  parseKeyLedgerEntry,
  type KeyFinalitySeal,
  type KeyLedgerEntry,
} from '../../ledger';
import { accountJson } from '../records';
import { toText, type NodeStore } from '../store';
import { differ, type LedgerDifference } from './difference';
import { jsonTextDifference, parseNormalJson, type TextDifference } from './json-text';
import { keySealProblem, type RecomputedBundle } from './recompute';
import { readAccountChanges, readAccounts, readKeyEntries, readKeySeal } from './store-rows';

type ChangeRow = { rowid: number; address: string; account: string; height?: number };

function changeDifference(
  row: ChangeRow,
  height: number,
  column: string,
  d: TextDifference,
): LedgerDifference {
  return {
    table: 'account_changes',
    row: `height=${height},address=${row.address}`,
    rowid: row.rowid,
    column,
    field: d.field,
    height,
    address: row.address,
    expected: d.expected,
    actual: d.actual,
  };
}

/**
 * A bundle's `account_changes` rows must be exactly the accounts it changed, with their new values.
 * A row for an address the bundle did not change has a changed address (when one it did change is
 * missing) or a changed height; a missing row was moved to another height, where it is named.
 */
export function verifyAccountChanges(
  store: NodeStore,
  height: number,
  changed: readonly { readonly address: string; readonly account: Account }[],
  lastChange: Map<string, { height: number; account: Account }>,
): void {
  const truth = new Map(changed.map((c) => [c.address, c.account]));
  const rows = readAccountChanges(store, height);
  const stored = new Set(rows.map((r) => r.address));
  const missing = changed.filter((c) => !stored.has(c.address));
  for (const row of rows) {
    const account = truth.get(row.address);
    if (account === undefined) {
      const column = missing.length > 0 ? 'address' : 'height';
      const expected = column === 'address' ? (missing[0]?.address ?? '') : 'another height';
      differ(
        changeDifference(row, height, column, {
          field: '',
          expected,
          actual: column === 'address' ? row.address : String(height),
        }),
      );
    }
    const d = jsonTextDifference(row.account, accountJson(account as Account));
    if (d !== null) differ(changeDifference(row, height, 'account', d));
  }
  for (const c of missing) {
    const text = toText(accountJson(c.account));
    const moved = store
      .readRows(
        'SELECT rowid AS rid, height, address, account FROM account_changes WHERE address = ? AND height != ? AND account = ?',
        c.address,
        height,
        text,
      )
      .map((r) => ({
        rowid: Number(r.rid),
        address: String(r.address),
        account: String(r.account),
        height: Number(r.height),
      }))[0];
    const row = moved ?? { rowid: -1, address: c.address, account: '', height };
    differ({
      ...changeDifference(row, row.height ?? height, 'height', {
        field: '',
        expected: String(height),
        actual: moved === undefined ? '(absent)' : String(moved.height),
      }),
      rowid: moved?.rowid ?? null,
    });
  }
  for (const c of changed) lastChange.set(c.address, { height, account: c.account });
}

/**
 * The `accounts` table: one row per address any verified bundle changed, holding its last value and
 * the height of that change. In a live pass, a row the node updated since the pass began must
 * match that bundle's own change.
 */
export function verifyAccounts(
  store: NodeStore,
  lastChange: ReadonlyMap<string, { height: number; account: Account }>,
  head: number,
  live: boolean,
): void {
  const rows = readAccounts(store);
  const stored = new Set(rows.map((r) => r.address));
  const missing = [...lastChange.keys()].filter((a) => !stored.has(a)).sort();
  for (const row of rows) {
    const fail = (column: string, d: TextDifference): never =>
      differ({
        table: 'accounts',
        row: `address=${row.address}`,
        rowid: row.rowid,
        column,
        field: d.field,
        height: row.height,
        address: row.address,
        expected: d.expected,
        actual: d.actual,
      });
    if (live && row.height > head) {
      const own = store.readRows(
        'SELECT account FROM account_changes WHERE height = ? AND address = ?',
        row.height,
        row.address,
      )[0];
      if (own === undefined || own.account !== row.account)
        fail('height', { field: '', expected: `at most ${head}`, actual: String(row.height) });
      continue;
    }
    const last = lastChange.get(row.address);
    if (last === undefined)
      fail('address', {
        field: '',
        expected: missing[0] ?? 'an address a bundle changed',
        actual: row.address,
      });
    const { height, account } = last as { height: number; account: Account };
    const d = jsonTextDifference(row.account, accountJson(account));
    if (d !== null) fail('account', d);
    if (row.height !== height)
      fail('height', { field: '', expected: String(height), actual: String(row.height) });
  }
  if (missing[0] !== undefined)
    differ({
      table: 'accounts',
      row: `address=${missing[0]}`,
      rowid: null,
      column: 'address',
      field: '',
      height: null,
      address: missing[0],
      expected: missing[0],
      actual: '(absent)',
    });
}

/**
 * The KeyLedger entries from `first` on must be the recomputed ones (the genesis entry is derived
 * from the genesis document, the others from the bundles' key events), each with its hash column.
 * Without `live`, there must be no more.
 */
export function verifyKeyEntries(
  store: NodeStore,
  entries: readonly KeyLedgerEntry[],
  first: number,
  live: boolean,
): void {
  const rows = readKeyEntries(store, first, live ? entries.length - 1 : Number.MAX_SAFE_INTEGER);
  const fail = (
    row: { rowid: number | null; sequence: number },
    column: string,
    d: TextDifference,
  ): never =>
    differ({
      table: 'key_entries',
      row: `sequence=${row.sequence}`,
      rowid: row.rowid,
      column,
      field: d.field,
      height: null,
      expected: d.expected,
      actual: d.actual,
    });
  for (let s = first; s < entries.length; s++) {
    const entry = entries[s] as KeyLedgerEntry;
    const row = rows.find((r) => r.sequence === s);
    if (row === undefined)
      fail({ rowid: null, sequence: s }, 'sequence', {
        field: '',
        expected: String(s),
        actual: '(absent)',
      });
    const cells = row as { rowid: number; sequence: number; entry: string; entryHash: string };
    const d = jsonTextDifference(cells.entry, entry);
    if (d !== null) fail(cells, 'entry', d);
    if (cells.entryHash !== entry.entryHash)
      fail(cells, 'entry_hash', { field: '', expected: entry.entryHash, actual: cells.entryHash });
  }
  const extra = rows.find((r) => r.sequence >= entries.length);
  if (extra !== undefined)
    fail(extra, 'sequence', {
      field: '',
      expected: `below ${entries.length}`,
      actual: String(extra.sequence),
    });
}

/**
 * The KeyLedger seal a bundle must carry (or not): its body recomputed, its signature checked
 * under a key holding `sequencer` after the bundle, its hash column.
 */
export function verifyKeySeal(
  store: NodeStore,
  height: number,
  recomputed: RecomputedBundle,
): void {
  const row = readKeySeal(store, height);
  const expected = recomputed.keySealBody;
  const fail = (rowid: number | null, column: string, d: TextDifference, at = height): never =>
    differ({
      table: 'key_seals',
      row: `height=${at}`,
      rowid,
      column,
      field: d.field,
      height: at,
      expected: d.expected,
      actual: d.actual,
    });
  if (expected === null) {
    if (row !== undefined)
      fail(row.rowid, 'height', {
        field: '',
        expected: 'a height whose bundle sealed keys',
        actual: String(height),
      });
    return;
  }
  if (row === undefined) {
    const moved = store
      .readRows(
        'SELECT rowid AS rid, height FROM key_seals WHERE height != ? AND seal LIKE ?',
        height,
        `%"headHash":"${expected.headHash}"%`,
      )
      .map((r) => ({ rowid: Number(r.rid), height: Number(r.height) }))[0];
    return fail(
      moved?.rowid ?? null,
      'height',
      {
        field: '',
        expected: String(height),
        actual: moved === undefined ? '(absent)' : String(moved.height),
      },
      moved?.height ?? height,
    );
  }
  const parsed = parseNormalJson(row.seal);
  if (!parsed.ok) fail(row.rowid, 'seal', parsed.problem);
  const signature = (parsed as { value: { signature?: unknown } }).value.signature;
  const seal: KeyFinalitySeal = { ...expected, signature: String(signature) };
  const d = jsonTextDifference(row.seal, seal);
  if (d !== null) fail(row.rowid, 'seal', d);
  const problem = keySealProblem(seal, recomputed.result.state);
  if (problem !== null) fail(row.rowid, 'seal', problem);
  const hash = keySealHash(seal);
  if (row.sealHash !== hash)
    fail(row.rowid, 'seal_hash', { field: '', expected: hash, actual: row.sealHash });
}

void parseKeyLedgerEntry;
