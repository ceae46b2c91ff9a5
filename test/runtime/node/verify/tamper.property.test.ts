/*
 * The tamper property (issue 19): over a real ledger (test/support/ledger.ts: transfers, actions,
 * a failed transfer, oracle guidance, a key rotation with its KeyLedger entry and seal, a halt and
 * its resume), fast-check picks a table, a row, a column and a byte of every table SQLite holds,
 * changes that byte in a copy of the store, and `verifyStore` (what `qfs verify` runs) must fail
 * naming that table, that row (its rowid) and that column. There is no list of columns left out.
 * ├── every cell of every table is a candidate (SQLite's own sqlite_sequence included)
 * └── a change SQLite itself refuses (a key made equal to another row's) is skipped: it cannot be
 *     made in a consistent database file
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import fc from 'fast-check';
import { NodeStore } from '../../../../runtime/node/store';
import {
  formatDifference,
  verifyStore,
  type LedgerDifference,
} from '../../../../runtime/node/verify';
import { ledgerCopy, sharedLedger } from '../../../support/ledger';
import { numRuns } from '../../../support/num-runs';

/** One non-NULL value of the ledger's store. */
export type Cell = {
  readonly table: string;
  readonly rowid: number;
  readonly column: string;
  /** The column is the table's INTEGER PRIMARY KEY (changing it changes the rowid). */
  readonly isRowid: boolean;
  readonly kind: 'text' | 'blob' | 'integer';
  readonly size: number;
};

/** Every non-NULL cell of every table of the store at `file`. */
export function cellsOf(file: string): Cell[] {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    const cells: Cell[] = [];
    for (const table of tables) {
      const info = db.pragma(`table_info(${table})`) as {
        name: string;
        type: string;
        pk: number;
      }[];
      const rowidAlias =
        info.filter((c) => c.pk > 0).length === 1
          ? info.find((c) => c.pk === 1 && c.type === 'INTEGER')?.name
          : undefined;
      const rows = db
        .prepare(`SELECT rowid AS __rowid, * FROM ${table}`)
        .safeIntegers(true)
        .all() as Record<string, unknown>[];
      for (const row of rows)
        for (const { name } of info) {
          const value = row[name];
          if (value === null || value === undefined) continue;
          const kind =
            typeof value === 'string' ? 'text' : typeof value === 'bigint' ? 'integer' : 'blob';
          const size =
            kind === 'text'
              ? Buffer.byteLength(value as string)
              : kind === 'blob'
                ? (value as Buffer).length
                : 8;
          if (size === 0) continue;
          cells.push({
            table,
            rowid: Number(row.__rowid),
            column: name,
            isRowid: name === rowidAlias,
            kind,
            size,
          });
        }
    }
    return cells;
  } finally {
    db.close();
  }
}

/**
 * Changes byte `at` of a cell (its UTF-8, its bytes, or its 64-bit big-endian two's complement) by
 * adding `delta` (1…255) modulo 256. Returns the rowid the row has afterwards, or null when SQLite
 * refuses the change (a key equal to another row's).
 */
export function tamper(file: string, cell: Cell, at: number, delta: number): number | null {
  const db = new Database(file);
  try {
    db.pragma('ignore_check_constraints = ON');
    const row = db
      .prepare(`SELECT ${cell.column} AS v FROM ${cell.table} WHERE rowid = ?`)
      .safeIntegers(true)
      .get(cell.rowid) as { v: unknown };
    const index = at % cell.size;
    const bump = (bytes: Buffer): Buffer => {
      const out = Buffer.from(bytes);
      out[index] = ((out[index] as number) + delta) % 256;
      return out;
    };
    let value: unknown;
    let sql = `UPDATE ${cell.table} SET ${cell.column} = ? WHERE rowid = ?`;
    if (cell.kind === 'text') {
      value = bump(Buffer.from(row.v as string, 'utf8'));
      sql = `UPDATE ${cell.table} SET ${cell.column} = CAST(? AS TEXT) WHERE rowid = ?`;
    } else if (cell.kind === 'blob') {
      value = bump(row.v as Buffer);
    } else {
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64BE(row.v as bigint);
      value = bump(bytes).readBigInt64BE();
    }
    try {
      db.prepare(sql).run(value, cell.rowid);
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) return null;
      throw err;
    }
    return cell.isRowid ? Number(value as bigint) : cell.rowid;
  } finally {
    db.close();
  }
}

/** Runs the verifier on a store file. */
export async function verifyFile(file: string): Promise<LedgerDifference | null> {
  const store = NodeStore.open(file);
  try {
    return (await verifyStore(store)).difference;
  } finally {
    store.close();
  }
}

describe('verifyStore over a tampered copy (property)', function () {
  this.timeout(600_000);

  it('names the table, row and column of any one changed byte', async () => {
    const cells = cellsOf(await sharedLedger());
    const tables = [...new Set(cells.map((c) => c.table))].sort();
    expect(tables).to.include.members([
      'accounts',
      'account_changes',
      'bundles',
      'coherence',
      'halts',
      'key_entries',
      'key_seals',
      'meta',
      'sqlite_sequence',
      'tx_bytes',
      'txs',
    ]);
    const byTable = tables.map((t) => cells.filter((c) => c.table === t));
    const pickCell = (table: number, row: number, column: number): Cell => {
      const inTable = byTable[table] as Cell[];
      const rowids = [...new Set(inTable.map((c) => c.rowid))];
      const rowid = rowids[row % rowids.length];
      const inRow = inTable.filter((c) => c.rowid === rowid);
      return inRow[column % inRow.length] as Cell;
    };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: tables.length - 1 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (table, row, column, at, delta) => {
          const cell = pickCell(table, row, column);
          const file = await ledgerCopy();
          const rowid = tamper(file, cell, at, delta);
          fc.pre(rowid !== null);
          const found = await verifyFile(file);
          const where = `${cell.table}.${cell.column} rowid ${cell.rowid} byte ${at % cell.size} +${delta}`;
          expect(found, where).to.not.equal(null);
          const d = found as LedgerDifference;
          expect(
            { table: d.table, column: d.column, rowid: d.rowid },
            `${where}: ${formatDifference(d)}`,
          ).to.deep.equal({
            table: cell.table,
            column: cell.column,
            rowid,
          });
        },
      ),
      { numRuns },
    );
  });
});
