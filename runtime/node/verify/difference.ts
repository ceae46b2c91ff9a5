/**
 * What the ledger verifier reports: the first stored value that differs from what signed data and
 * re-execution say it must be, named by table, row and column (and by height, account or
 * transaction where one applies). `qfs verify`, start-up and `qfs verify --export` all report
 * through this type (issue 19).
 * @module
 */
import type { HaltEvidence } from '../../guard';

/** The first difference found. */
export type LedgerDifference = {
  /** The SQLite table (`bundles`, `txs`, …), or `export` for a record of an export file. */
  readonly table: string;
  /** The row, as `column=value` of its key (`height=3`, `tx_hash=…`), or `line=N` in an export. */
  readonly row: string;
  /** SQLite's rowid of the row (export: the line number), or null for a missing row. */
  readonly rowid: number | null;
  /** The column (export: the record field) that holds the wrong value. */
  readonly column: string;
  /** Where inside a JSON column the value differs (`$.fees`), or '' for the whole column. */
  readonly field: string;
  readonly height: number | null;
  readonly address?: string;
  readonly txHash?: string;
  readonly expected: string;
  readonly actual: string;
};

/** Thrown inside the verifier to stop at the first difference; never escapes it. */
export class DifferenceFound extends Error {
  override readonly name = 'Node.DifferenceFound';
  readonly difference: LedgerDifference;
  constructor(difference: LedgerDifference) {
    super(formatDifference(difference));
    this.difference = difference;
  }
}

/** Stops verification at `difference`. */
export function differ(difference: LedgerDifference): never {
  throw new DifferenceFound(difference);
}

/** One line for an operator: where, what was expected, what was found. */
export function formatDifference(d: LedgerDifference): string {
  const where = [
    `${d.table} ${d.row}`,
    d.height === null ? '' : `height ${d.height}`,
    d.txHash === undefined || d.row.includes(d.txHash) ? '' : `tx ${d.txHash}`,
    d.address === undefined || d.row.includes(d.address) ? '' : `account ${d.address}`,
  ]
    .filter((part) => part !== '')
    .join(', ');
  const column = d.field === '' ? d.column : `${d.column} ${d.field}`;
  return `${where}: ${column}: expected ${shorten(d.expected)}, found ${shorten(d.actual)}`;
}

/** The difference as halt evidence (strings only), for a CIR-412 record. */
export function differenceEvidence(d: LedgerDifference): HaltEvidence {
  return {
    table: d.table,
    row: d.row,
    column: d.column,
    ...(d.field === '' ? {} : { field: d.field }),
    ...(d.height === null ? {} : { height: String(d.height) }),
    ...(d.address === undefined ? {} : { address: d.address }),
    ...(d.txHash === undefined ? {} : { txHash: d.txHash }),
    expected: shorten(d.expected),
    actual: shorten(d.actual),
  };
}

/** Long values (signatures, texts) are cut for messages; the difference keeps them whole. */
function shorten(value: string): string {
  return value.length <= 160 ? value : `${value.slice(0, 157)}…`;
}
