/**
 * The verifier's view of the SQLite store: every row it checks, with its rowid, read through
 * `NodeStore.readRows`. Nothing here interprets a value; store-verifier.ts does.
 * @module
 */
import type { NodeStore } from '../store';

export type BundleCells = {
  readonly rowid: number;
  readonly height: number;
  readonly packet: string;
  readonly packetHash: string;
  readonly bundleHash: string;
  readonly opLogHash: string;
  readonly stateRoot: string;
  readonly txCount: number;
  readonly summary: string;
  readonly snapshot: string;
};

export type CoherenceCells = {
  readonly rowid: number;
  readonly height: number;
  readonly entry: string;
  readonly entryHash: string;
  readonly seal: string;
  readonly sealHash: string;
};

/** A committed transaction's status row joined with its bytes (null when none match its hash). */
export type TxCells = {
  readonly rowid: number;
  readonly txHash: string;
  readonly height: number;
  readonly idx: number;
  readonly sender: string;
  readonly nonce: string;
  readonly receipt: string;
  readonly bytesRowid: number | null;
  readonly unsigned: string | null;
  readonly signature: Uint8Array | null;
};

export type KeyEntryCells = {
  readonly rowid: number;
  readonly sequence: number;
  readonly entry: string;
  readonly entryHash: string;
};

export type KeySealCells = {
  readonly rowid: number;
  readonly height: number;
  readonly seal: string;
  readonly sealHash: string;
};

export type AccountCells = {
  readonly rowid: number;
  readonly address: string;
  readonly account: string;
  readonly height: number;
};

export type HaltCells = {
  readonly rowid: number;
  readonly id: number;
  readonly kind: string;
  readonly record: string;
  readonly atHeight: number;
};

const num = (v: unknown): number => Number(v);
const str = (v: unknown): string => String(v);

export function readBundle(store: NodeStore, height: number): BundleCells | undefined {
  const r = store.readRows('SELECT rowid AS rid, * FROM bundles WHERE height = ?', height)[0];
  return r === undefined
    ? undefined
    : {
        rowid: num(r.rid),
        height: num(r.height),
        packet: str(r.packet),
        packetHash: str(r.packet_hash),
        bundleHash: str(r.bundle_hash),
        opLogHash: str(r.op_log_hash),
        stateRoot: str(r.state_root),
        txCount: num(r.tx_count),
        summary: str(r.summary),
        snapshot: str(r.snapshot),
      };
}

export function readCoherence(store: NodeStore, height: number): CoherenceCells | undefined {
  const r = store.readRows('SELECT rowid AS rid, * FROM coherence WHERE height = ?', height)[0];
  return r === undefined
    ? undefined
    : {
        rowid: num(r.rid),
        height: num(r.height),
        entry: str(r.entry),
        entryHash: str(r.entry_hash),
        seal: str(r.seal),
        sealHash: str(r.seal_hash),
      };
}

const TX_COLUMNS = `t.rowid AS rid, t.tx_hash, t.height, t.idx, t.sender, t.nonce, t.receipt,
  b.rowid AS brid, b.unsigned, b.signature`;

function txCells(r: Record<string, unknown>): TxCells {
  return {
    rowid: num(r.rid),
    txHash: str(r.tx_hash),
    height: num(r.height),
    idx: num(r.idx),
    sender: str(r.sender),
    nonce: str(r.nonce),
    receipt: str(r.receipt),
    bytesRowid: r.brid === null ? null : num(r.brid),
    unsigned: r.unsigned === null ? null : str(r.unsigned),
    signature: r.signature === null ? null : (r.signature as Uint8Array),
  };
}

/** The committed transactions that claim `height`, in index order. */
export function readBundleTxs(store: NodeStore, height: number): TxCells[] {
  return store
    .readRows(
      `SELECT ${TX_COLUMNS} FROM txs t LEFT JOIN tx_bytes b USING (tx_hash)
       WHERE t.status = 'committed' AND t.height = ? ORDER BY t.idx, t.rowid`,
      height,
    )
    .map(txCells);
}

/**
 * Committed transactions that claim a height after `height` (or a negative one), with an index of
 * at most `idxMax`.
 */
export function readTxsAfter(
  store: NodeStore,
  height: number,
  idxMax: number = Number.MAX_SAFE_INTEGER,
): TxCells[] {
  return store
    .readRows(
      `SELECT ${TX_COLUMNS} FROM txs t LEFT JOIN tx_bytes b USING (tx_hash)
       WHERE t.status = 'committed' AND (t.height > ? OR t.height < 0) AND t.idx <= ?
       ORDER BY t.height, t.idx`,
      height,
      idxMax,
    )
    .map(txCells);
}

export function readAccountChanges(
  store: NodeStore,
  height: number,
): { rowid: number; address: string; account: string }[] {
  return store
    .readRows(
      'SELECT rowid AS rid, address, account FROM account_changes WHERE height = ? ORDER BY address',
      height,
    )
    .map((r) => ({ rowid: num(r.rid), address: str(r.address), account: str(r.account) }));
}

export function readKeyEntries(store: NodeStore, from: number, to: number): KeyEntryCells[] {
  return store
    .readRows(
      'SELECT rowid AS rid, * FROM key_entries WHERE sequence BETWEEN ? AND ? ORDER BY sequence',
      from,
      to,
    )
    .map((r) => ({
      rowid: num(r.rid),
      sequence: num(r.sequence),
      entry: str(r.entry),
      entryHash: str(r.entry_hash),
    }));
}

export function readKeySeal(store: NodeStore, height: number): KeySealCells | undefined {
  const r = store.readRows('SELECT rowid AS rid, * FROM key_seals WHERE height = ?', height)[0];
  return r === undefined
    ? undefined
    : { rowid: num(r.rid), height: num(r.height), seal: str(r.seal), sealHash: str(r.seal_hash) };
}

export function readAccounts(store: NodeStore): AccountCells[] {
  return store
    .readRows('SELECT rowid AS rid, address, account, height FROM accounts ORDER BY address')
    .map((r) => ({
      rowid: num(r.rid),
      address: str(r.address),
      account: str(r.account),
      height: num(r.height),
    }));
}

export function readHalts(store: NodeStore): HaltCells[] {
  return store.readRows('SELECT rowid AS rid, * FROM halts ORDER BY id').map((r) => ({
    rowid: num(r.rid),
    id: num(r.id),
    kind: str(r.kind),
    record: str(r.record),
    atHeight: num(r.at_height),
  }));
}

/** The values of an integer key column, ascending, with their rowids. */
export function readKeys(
  store: NodeStore,
  table: 'bundles' | 'coherence' | 'key_entries' | 'halts',
  column: 'height' | 'sequence' | 'id',
): { rowid: number; key: number }[] {
  return store
    .readRows(`SELECT rowid AS rid, ${column} AS k FROM ${table} ORDER BY ${column}`)
    .map((r) => ({ rowid: num(r.rid), key: num(r.k) }));
}
