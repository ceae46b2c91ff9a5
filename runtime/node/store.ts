/**
 * The sequencer's durable store: SQLite (better-sqlite3 12) in WAL mode with synchronous=FULL, so a
 * committed transaction survives kill -9 and power loss. One storage transaction per bundle holds
 * the packet, transactions, receipts, state changes, KeyLedger entries, op-log hash, the
 * CoherenceLedger entry and its seal. Values are stored as JSON text (integers as decimal strings;
 * hashes are always recomputed from the parsed objects, never from the stored text), signatures as
 * BLOBs; a transaction's bytes are written once, at acknowledgement.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { getAccount, isToken, loadGenesis, listAccounts, type Account } from '../engine';
import { UD } from '../math';
import {
  netBalanceChanges,
  sumAllocations,
  type EpochAllocation,
  type EpochKeySeal,
  type EpochRecord,
} from './epoch-record';
import { StoreError } from './errors';
import { parseAccount, parseOperatorRecord, type OperatorRecord } from './records';
import { MIGRATIONS } from './store-schema';

/**
 * Page size of a new store. A transaction's bytes (~5 KB, most of it the signature) overflow a
 * 4 KiB page onto two more; at 16 KiB three transactions share a page, and acknowledging a group of
 * ~170 transactions wrote ~45 µs per transaction instead of ~80 on the node's thread, with the WAL
 * checkpointed a quarter as often (docs/decisions.md, Throughput).
 */
export const STORE_PAGE_BYTES = 16 * 1024;

/** An acknowledged transaction as the mempool stores it: the wire form split into JSON and signature. */
export type AckRow = {
  txHash: string;
  seq: number;
  sender: string;
  nonce: string;
  /** The wire form without its signature, as JSON text. */
  unsigned: string;
  /** The signature's bytes (decoded once, for verification, and stored as they are). */
  signature: Uint8Array;
  receivedMs: number;
};
export type MempoolRow = {
  txHash: string;
  seq: number;
  sender: string;
  nonce: string;
  wire: string;
  receivedMs: number;
};
export type CommittedTxRow = {
  txHash: string;
  height: number;
  idx: number;
  wire: string;
  receipt: string;
};
export type TxOutcome =
  | { readonly status: 'pending' }
  | {
      readonly status: 'committed';
      readonly height: number;
      readonly idx: number;
      readonly receipt: string;
    }
  | { readonly status: 'rejected'; readonly code: string; readonly reason: string };
export type RejectedRow = { txHash: string; code: string; reason: string; atMs: number };
export type BundleRow = {
  height: number;
  packet: string;
  packetHash: string;
  bundleHash: string;
  opLogHash: string;
  stateRoot: string;
  txCount: number;
  summary: string;
  snapshot: string;
};
export type CoherenceRow = {
  height: number;
  entry: string;
  entryHash: string;
  seal: string;
  sealHash: string;
};
export type HaltRow = { id: number; kind: 'halt' | 'resume'; record: string; atHeight: number };

/** What the anchoring service last reported, kept so that `qfs anchor status` can show it. */
export type AnchorReport = {
  readonly lastError: string | null;
  readonly lastErrorAtMs: number | null;
  readonly lastAnchorAtMs: number | null;
};

/** Everything one bundle writes, committed atomically. */
export type BundleCommit = {
  readonly bundle: BundleRow;
  readonly txs: readonly { txHash: string; height: number; idx: number; receipt: string }[];
  readonly accounts: readonly { address: string; account: string }[];
  readonly keyEntries: readonly { sequence: number; entry: string; entryHash: string }[];
  readonly keySeal: { seal: string; sealHash: string } | null;
  readonly coherence: CoherenceRow;
};

type GenesisAccounts = ReturnType<typeof loadGenesis>['state']['accounts'];

/**
 * The anchoring service's report is operational state, not ledger data: it lives in a file beside
 * the database, so that every byte of the database is ledger the verifier checks (issue 19).
 */
const ANCHOR_REPORT_FILE = 'anchor-report.json';

/** Canonical JSON text of a value (bigints as decimal strings). */
export const toText = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export class NodeStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #stmts: ReturnType<typeof prepare>;
  #genesis: GenesisAccounts | undefined;
  readonly #reads = new Map<string, Database.Statement>();

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    this.#stmts = prepare(db);
  }

  /**
   * Opens (creating if needed) and migrates the store at `path` (':memory:' for tests).
   * @param options - `synchronous`: FULL (default; an acknowledged transaction survives power
   *   loss) or NORMAL (a HolonetSync replica's store: WAL without an fsync per bundle; consistent
   *   after any crash, and what power loss takes it fetches again — its cosignatures are recorded
   *   with FULL in sync.db)
   */
  static open(path: string, options: { synchronous?: 'FULL' | 'NORMAL' } = {}): NodeStore {
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (err) {
      throw new StoreError('cannot open the store', { path }, err);
    }
    // Before WAL, and only a new (empty) file takes it: an existing store keeps its page size.
    db.pragma(`page_size = ${STORE_PAGE_BYTES}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new NodeStore(path, db);
  }

  close(): void {
    this.#db.close();
  }

  /** Schema version (SQLite user_version). */
  get schemaVersion(): number {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  getMeta(key: string): string | undefined {
    return (this.#stmts.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.#stmts.setMeta.run(key, value);
  }

  /** Durably records acknowledged transactions (one fsync for the whole group). */
  insertMempool(rows: readonly AckRow[]): void {
    this.#db.transaction(() => {
      for (const r of rows) {
        this.#stmts.insertAck.run(r.txHash, r.seq, r.sender, r.nonce, r.receivedMs);
        this.#stmts.insertTxBytes.run(r.txHash, r.unsigned, r.signature);
      }
    })();
  }

  loadMempool(): MempoolRow[] {
    return (this.#stmts.loadMempool.all() as Record<string, unknown>[]).map(mempoolRow);
  }

  maxMempoolSeq(): number {
    const row = this.#stmts.maxSeq.get() as { seq: number | null };
    return row.seq ?? 0;
  }

  /** Marks acknowledged transactions rejected, with the recorded reason. */
  rejectMempool(rows: readonly RejectedRow[]): void {
    this.#db.transaction(() => {
      for (const r of rows) this.#stmts.reject.run(r.code, r.reason, r.atMs, r.txHash);
    })();
  }

  /** Commits a bundle: everything in one SQLite transaction, or nothing. */
  commitBundle(commit: BundleCommit): void {
    const s = this.#stmts;
    this.#db.transaction(() => {
      for (const t of commit.txs) {
        // Every bundled transaction was acknowledged first, so its row exists: only the outcome is written.
        if (s.commitTx.run(t.height, t.idx, t.receipt, t.txHash).changes !== 1) {
          throw new StoreError('a bundled transaction has no pending row', { txHash: t.txHash });
        }
      }
      this.#writeBundle(commit);
    })();
  }

  /**
   * Commits a bundle that arrived with its transactions (a HolonetSync replica has no mempool): each
   * transaction's bytes and its committed row are written once, with the bundle, in one SQLite
   * transaction, or nothing.
   */
  commitBundleWithTxs(rows: readonly AckRow[], commit: BundleCommit): void {
    const s = this.#stmts;
    this.#db.transaction(() => {
      commit.txs.forEach((t, i) => {
        const r = rows[i];
        if (r === undefined || r.txHash !== t.txHash)
          throw new StoreError('a bundled transaction has no bytes', { txHash: t.txHash });
        s.insertCommitted.run(r.txHash, r.sender, r.nonce, t.height, t.idx, t.receipt);
        s.insertTxBytes.run(r.txHash, r.unsigned, r.signature);
      });
      this.#writeBundle(commit);
    })();
  }

  /** The rows of a bundle besides its transactions' (inside the caller's transaction). */
  #writeBundle(commit: BundleCommit): void {
    const s = this.#stmts;
    const b = commit.bundle;
    s.insertBundle.run(
      b.height,
      b.packet,
      b.packetHash,
      b.bundleHash,
      b.opLogHash,
      b.stateRoot,
      b.txCount,
      b.summary,
      b.snapshot,
    );
    for (const a of commit.accounts) {
      s.upsertAccount.run(a.address, a.account, b.height);
      s.insertAccountChange.run(b.height, a.address, a.account);
    }
    for (const k of commit.keyEntries) s.insertKeyEntry.run(k.sequence, k.entry, k.entryHash);
    if (commit.keySeal !== null)
      s.insertKeySeal.run(b.height, commit.keySeal.seal, commit.keySeal.sealHash);
    const c = commit.coherence;
    s.insertCoherence.run(c.height, c.entry, c.entryHash, c.seal, c.sealHash);
  }

  /** Height of the last committed bundle, or −1 before the first. */
  headHeight(): number {
    const row = this.#stmts.head.get() as { height: number | null };
    return row.height ?? -1;
  }

  bundle(height: number): BundleRow | undefined {
    const row = this.#stmts.bundle.get(height) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : bundleRow(row);
  }

  bundleTxs(height: number): CommittedTxRow[] {
    return (this.#stmts.bundleTxs.all(height) as Record<string, unknown>[]).map(txRow);
  }

  /** The transaction hashes of a bundle, in order (cheaper than bundleTxs). */
  bundleTxHashes(height: number): string[] {
    return (this.#stmts.bundleTxHashes.all(height) as { tx_hash: string }[]).map((r) => r.tx_hash);
  }

  /**
   * Where a transaction stands, in one indexed lookup without its bytes (every submission asks,
   * to answer a duplicate like the first submission).
   */
  txOutcome(txHash: string): TxOutcome | undefined {
    const row = this.#stmts.outcome.get(txHash) as Record<string, unknown> | undefined;
    if (row === undefined) return undefined;
    if (row.status === 'committed')
      return {
        status: 'committed',
        height: Number(row.height),
        idx: Number(row.idx),
        receipt: String(row.receipt),
      };
    if (row.status === 'rejected')
      return { status: 'rejected', code: String(row.code), reason: String(row.reason) };
    return { status: 'pending' };
  }

  mempoolTx(txHash: string): MempoolRow | undefined {
    const row = this.#stmts.mempoolTx.get(txHash) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : mempoolRow(row);
  }

  coherence(height: number): CoherenceRow | undefined {
    const row = this.#stmts.coherence.get(height) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : coherenceRow(row);
  }

  /** Coherence rows in [from, to], ascending. */
  coherenceRange(from: number, to: number): CoherenceRow[] {
    return (this.#stmts.coherenceRange.all(from, to) as Record<string, unknown>[]).map(
      coherenceRow,
    );
  }

  allAccounts(): { address: string; account: string }[] {
    return this.#stmts.accounts.all() as { address: string; account: string }[];
  }

  account(address: string): string | undefined {
    return (this.#stmts.account.get(address) as { account: string } | undefined)?.account;
  }

  /** The account at `address` as of the end of bundle `height` (undefined: never changed by then). */
  accountAt(address: string, height: number): string | undefined {
    return (this.#stmts.accountAt.get(address, height) as { account: string } | undefined)?.account;
  }

  /** Addresses some bundle in [from, to] changed, sorted. */
  changedAddresses(from: number, to: number): string[] {
    return (this.#stmts.changedAddresses.all(from, to) as { address: string }[]).map(
      (r) => r.address,
    );
  }

  /** Key seals committed with bundles in [from, to], by bundle height. */
  keySealsIn(from: number, to: number): { height: number; seal: string; sealHash: string }[] {
    return (this.#stmts.keySealsIn.all(from, to) as Record<string, unknown>[]).map((r) => ({
      height: Number(r.height),
      seal: String(r.seal),
      sealHash: String(r.seal_hash),
    }));
  }

  /** Number of key seals committed with bundles up to `height` (their ordinal on the anchor's Key chain). */
  keySealCountUpTo(height: number): number {
    return (this.#stmts.keySealCount.get(height) as { n: number }).n;
  }

  keyEntries(): { sequence: number; entry: string; entryHash: string }[] {
    return (this.#stmts.keyEntries.all() as Record<string, unknown>[]).map((r) => ({
      sequence: Number(r.sequence),
      entry: String(r.entry),
      entryHash: String(r.entry_hash),
    }));
  }

  insertKeyEntry(sequence: number, entry: string, entryHash: string): void {
    this.#stmts.insertKeyEntry.run(sequence, entry, entryHash);
  }

  latestKeySeal(): { height: number; seal: string; sealHash: string } | undefined {
    const row = this.#stmts.latestKeySeal.get() as Record<string, unknown> | undefined;
    return row === undefined
      ? undefined
      : { height: Number(row.height), seal: String(row.seal), sealHash: String(row.seal_hash) };
  }

  insertHalt(kind: 'halt' | 'resume', record: string, atHeight: number): void {
    this.#stmts.insertHalt.run(kind, record, atHeight);
  }

  /** The most recent halt or resume record. */
  lastHaltRecord(): HaltRow | undefined {
    const row = this.#stmts.lastHalt.get() as Record<string, unknown> | undefined;
    return row === undefined
      ? undefined
      : {
          id: Number(row.id),
          kind: row.kind as 'halt' | 'resume',
          record: String(row.record),
          atHeight: Number(row.at_height),
        };
  }

  /** A stored transaction's signed wire form (any status), or undefined. */
  txWire(txHash: string): string | undefined {
    const row = this.#stmts.txBytes.get(txHash) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : wireOfRow(row);
  }

  /** Committed transactions of a bundle from position `offset`, at most `limit`, in order. */
  bundleTxPage(height: number, offset: number, limit: number): CommittedTxRow[] {
    return (this.#stmts.bundleTxPage.all(height, offset, limit) as Record<string, unknown>[]).map(
      txRow,
    );
  }

  /** The newest halt and resume records, newest first, at most `limit`. */
  haltRecords(limit: number): HaltRow[] {
    return (this.#stmts.haltRecords.all(limit) as Record<string, unknown>[]).map((row) => ({
      id: Number(row.id),
      kind: row.kind as 'halt' | 'resume',
      record: String(row.record),
      atHeight: Number(row.at_height),
    }));
  }

  /** Heights and summaries of the newest bundles that recorded CIR-511 dissonance, newest first. */
  dissonanceBundles(limit: number): { height: number; summary: string }[] {
    return (this.#stmts.dissonanceBundles.all(limit) as Record<string, unknown>[]).map((r) => ({
      height: Number(r.height),
      summary: String(r.summary),
    }));
  }

  /**
   * Bundles `first`..`last` as one typed record (see {@link EpochRecord}): seal hashes, the KeyLedger
   * seals committed with them, summed allocations and net balance changes.
   * @throws {StoreError} when a bundle of the range is not committed
   */
  epoch(first: number, last: number): EpochRecord {
    const rows = this.coherenceRange(first, last);
    if (first < 0 || last < first || rows.length !== last - first + 1)
      throw new StoreError('the range is not committed', { first, last, committed: rows.length });
    const prev = first === 0 ? undefined : this.coherence(first - 1);
    const allocations: EpochAllocation[] = [];
    for (let h = first; h <= last; h++) allocations.push(...this.#allocationsAt(h));
    const genesis = this.#genesisAccounts();
    const addresses = this.changedAddresses(first, last);
    if (first === 0) for (const { address } of listAccounts(genesis)) addresses.push(address);
    const at = (height: number) => (address: string) => this.#accountAt(genesis, address, height);
    return Object.freeze({
      first,
      last,
      sealHashes: rows.map((r) => r.sealHash),
      prevSealHash: prev?.sealHash ?? null,
      keySeals: this.#keySealsOf(first, last),
      allocations: sumAllocations(allocations),
      balanceChanges: netBalanceChanges(
        addresses,
        first === 0 ? () => undefined : at(first - 1),
        at(last),
      ),
    });
  }

  /** The most recent halt or resume record, parsed. */
  lastOperatorRecord(): OperatorRecord | undefined {
    const row = this.lastHaltRecord();
    return row === undefined ? undefined : parseOperatorRecord(row.record);
  }

  /** Records a signed halt or resume record. */
  insertOperatorRecord(record: OperatorRecord): void {
    this.insertHalt(record.kind, toText(record), Number(record.height));
  }

  /** What the anchoring service last reported (all null before its first report). */
  anchorReport(): AnchorReport {
    const file = this.#anchorReportFile();
    let j: Record<string, unknown> = {};
    try {
      if (file !== null && fs.existsSync(file))
        j = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      j = {}; // a torn or hand-edited report: report nothing rather than fail a status read
    }
    const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
    return Object.freeze({
      lastError: typeof j.lastError === 'string' ? j.lastError : null,
      lastErrorAtMs: num(j.lastErrorAtMs),
      lastAnchorAtMs: num(j.lastAnchorAtMs),
    });
  }

  setAnchorReport(report: AnchorReport): void {
    const file = this.#anchorReportFile();
    if (file === null) return;
    // Written whole and renamed, so a reader never sees half a report.
    fs.writeFileSync(`${file}.tmp`, toText(report));
    fs.renameSync(`${file}.tmp`, file);
  }

  /** The report file beside the database (null for an in-memory store). */
  #anchorReportFile(): string | null {
    return this.path === ':memory:' ? null : path.join(path.dirname(this.path), ANCHOR_REPORT_FILE);
  }

  /** The genesis accounts (parsed once: the genesis document never changes). */
  #genesisAccounts(): GenesisAccounts {
    if (this.#genesis === undefined) {
      const text = this.getMeta('genesis');
      if (text === undefined) throw new StoreError('the store has no genesis', { path: this.path });
      this.#genesis = loadGenesis(JSON.parse(text)).state.accounts;
    }
    return this.#genesis;
  }

  /** An account as of the end of bundle `height`: its last change by then, else its genesis value. */
  #accountAt(genesis: GenesisAccounts, address: string, height: number): Account | undefined {
    const text = this.accountAt(address, height);
    return text === undefined ? getAccount(genesis, address) : parseAccount(text);
  }

  #allocationsAt(height: number): EpochAllocation[] {
    const summary = this.bundle(height)?.summary;
    if (summary === undefined) throw new StoreError('bundle missing', { height });
    const list = (JSON.parse(summary) as { allocations?: unknown }).allocations;
    if (!Array.isArray(list))
      throw new StoreError('stored bundle summary has no allocations', { height });
    return list.map((a: { address?: unknown; token?: unknown; amount?: unknown }) => {
      if (typeof a.address !== 'string' || !isToken(a.token) || typeof a.amount !== 'string')
        throw new StoreError('stored allocation is malformed', { height });
      return { address: a.address, token: a.token, amount: UD.parse(a.amount) };
    });
  }

  #keySealsOf(first: number, last: number): EpochKeySeal[] {
    let ordinal = first === 0 ? 0 : this.keySealCountUpTo(first - 1);
    let prev =
      ordinal === 0
        ? null
        : (this.#stmts.keySealBefore.get(first) as { seal_hash: string }).seal_hash;
    return this.keySealsIn(first, last).map((s) => {
      const seal = Object.freeze({
        ordinal: ordinal++,
        height: s.height,
        sealHash: s.sealHash,
        prevSealHash: prev,
      });
      prev = s.sealHash;
      return seal;
    });
  }

  /**
   * Rows of a read-only query, each with the columns it selects, integers as bigints (the ledger
   * verifier reads rows by rowid through this, runtime/node/verify). Statements are prepared once
   * per SQL text.
   */
  readRows(sql: string, ...params: unknown[]): Record<string, unknown>[] {
    let stmt = this.#reads.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql);
      if (!stmt.reader) throw new StoreError('readRows takes a query', { sql: sql.slice(0, 80) });
      // Integers come back as bigints, so that a value beyond 2^53 (a changed byte) is read
      // rather than refused; callers convert.
      stmt.safeIntegers(true);
      this.#reads.set(sql, stmt);
    }
    return stmt.all(...params) as Record<string, unknown>[];
  }

  /**
   * Runs `read` on one snapshot of the store: every read it makes sees the store as it was at its
   * first read, whatever another connection commits meanwhile (WAL). For a connection that does
   * not write while `read` runs: `qfs verify` and `qfs export` on a running node's store.
   */
  async readSnapshot<T>(read: () => Promise<T>): Promise<T> {
    this.#db.exec('BEGIN');
    try {
      return await read();
    } finally {
      this.#db.exec('COMMIT');
    }
  }

  /** Runs `fn` inside one SQLite transaction (for tests that tamper with rows). */
  rawExec(sql: string, ...params: unknown[]): void {
    this.#db.prepare(sql).run(...params);
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StoreError('the store was written by a newer QFS', {
      version,
      supported: MIGRATIONS.length,
    });
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/**
 * Every statement of the store, prepared once. Long, and kept so: it is a table (one statement per
 * entry, the SQL next to its name), and splitting it would only scatter the schema's queries.
 */
function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    insertAck: db.prepare(
      `INSERT INTO txs (tx_hash, seq, sender, nonce, received_ms, status) VALUES (?, ?, ?, ?, ?, 'pending')
       ON CONFLICT (tx_hash) DO UPDATE SET status = 'pending', seq = excluded.seq, received_ms = excluded.received_ms,
         code = NULL, reason = NULL, at_ms = NULL WHERE txs.status = 'rejected'`,
    ),
    // A transaction sent again after it expired keeps the bytes first stored (same hash, so the
    // same signed content; its first signature verified).
    insertTxBytes: db.prepare(
      'INSERT INTO tx_bytes (tx_hash, unsigned, signature) VALUES (?, ?, ?) ON CONFLICT (tx_hash) DO NOTHING',
    ),
    loadMempool: db.prepare(
      "SELECT * FROM txs JOIN tx_bytes USING (tx_hash) WHERE status = 'pending' ORDER BY seq",
    ),
    mempoolTx: db.prepare(
      "SELECT * FROM txs JOIN tx_bytes USING (tx_hash) WHERE tx_hash = ? AND status = 'pending'",
    ),
    outcome: db.prepare(
      'SELECT status, height, idx, receipt, code, reason FROM txs WHERE tx_hash = ?',
    ),
    maxSeq: db.prepare('SELECT MAX(seq) AS seq FROM txs'),
    reject: db.prepare(
      "UPDATE txs SET status = 'rejected', code = ?, reason = ?, at_ms = ? WHERE tx_hash = ? AND status = 'pending'",
    ),
    insertBundle: db.prepare(
      'INSERT INTO bundles (height, packet, packet_hash, bundle_hash, op_log_hash, state_root, tx_count, summary, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertCommitted: db.prepare(
      // A committed row keeps no mempool order or arrival time (schema version 3).
      `INSERT INTO txs (tx_hash, seq, sender, nonce, received_ms, status, height, idx, receipt)
       VALUES (?, NULL, ?, ?, NULL, 'committed', ?, ?, ?)`,
    ),
    commitTx: db.prepare(
      // The mempool's arrival order and time go with the pending state (schema version 3).
      "UPDATE txs SET status = 'committed', height = ?, idx = ?, receipt = ?, seq = NULL, received_ms = NULL WHERE tx_hash = ? AND status = 'pending'",
    ),
    upsertAccount: db.prepare(
      'INSERT INTO accounts (address, account, height) VALUES (?, ?, ?) ON CONFLICT (address) DO UPDATE SET account = excluded.account, height = excluded.height',
    ),
    insertAccountChange: db.prepare(
      'INSERT INTO account_changes (height, address, account) VALUES (?, ?, ?)',
    ),
    insertKeyEntry: db.prepare(
      'INSERT INTO key_entries (sequence, entry, entry_hash) VALUES (?, ?, ?)',
    ),
    insertKeySeal: db.prepare('INSERT INTO key_seals (height, seal, seal_hash) VALUES (?, ?, ?)'),
    insertCoherence: db.prepare(
      'INSERT INTO coherence (height, entry, entry_hash, seal, seal_hash) VALUES (?, ?, ?, ?, ?)',
    ),
    head: db.prepare('SELECT MAX(height) AS height FROM bundles'),
    bundle: db.prepare('SELECT * FROM bundles WHERE height = ?'),
    bundleTxs: db.prepare(
      "SELECT * FROM txs JOIN tx_bytes USING (tx_hash) WHERE status = 'committed' AND height = ? ORDER BY idx",
    ),
    bundleTxHashes: db.prepare(
      "SELECT tx_hash FROM txs WHERE status = 'committed' AND height = ? ORDER BY idx",
    ),
    coherence: db.prepare('SELECT * FROM coherence WHERE height = ?'),
    coherenceRange: db.prepare(
      'SELECT * FROM coherence WHERE height BETWEEN ? AND ? ORDER BY height',
    ),
    accounts: db.prepare('SELECT address, account FROM accounts ORDER BY address'),
    account: db.prepare('SELECT account FROM accounts WHERE address = ?'),
    keyEntries: db.prepare('SELECT * FROM key_entries ORDER BY sequence'),
    accountAt: db.prepare(
      'SELECT account FROM account_changes WHERE address = ? AND height <= ? ORDER BY height DESC LIMIT 1',
    ),
    changedAddresses: db.prepare(
      'SELECT DISTINCT address FROM account_changes WHERE height BETWEEN ? AND ? ORDER BY address',
    ),
    keySealsIn: db.prepare('SELECT * FROM key_seals WHERE height BETWEEN ? AND ? ORDER BY height'),
    keySealCount: db.prepare('SELECT COUNT(*) AS n FROM key_seals WHERE height <= ?'),
    keySealBefore: db.prepare(
      'SELECT seal_hash FROM key_seals WHERE height < ? ORDER BY height DESC LIMIT 1',
    ),
    latestKeySeal: db.prepare('SELECT * FROM key_seals ORDER BY height DESC LIMIT 1'),
    insertHalt: db.prepare('INSERT INTO halts (kind, record, at_height) VALUES (?, ?, ?)'),
    lastHalt: db.prepare('SELECT * FROM halts ORDER BY id DESC LIMIT 1'),
    txBytes: db.prepare('SELECT unsigned, signature FROM tx_bytes WHERE tx_hash = ?'),
    bundleTxPage: db.prepare(
      "SELECT * FROM txs JOIN tx_bytes USING (tx_hash) WHERE status = 'committed' AND height = ? AND idx >= ? ORDER BY idx LIMIT ?",
    ),
    haltRecords: db.prepare('SELECT * FROM halts ORDER BY id DESC LIMIT ?'),
    // The summary is canonical-order JSON written by bundleSummaryJson: an empty list reads exactly so.
    dissonanceBundles: db.prepare(
      `SELECT height, summary FROM bundles WHERE summary NOT LIKE '%"dissonance":[]%' ORDER BY height DESC LIMIT ?`,
    ),
  };
}

const mempoolRow = (r: Record<string, unknown>): MempoolRow => ({
  txHash: String(r.tx_hash),
  seq: Number(r.seq),
  sender: String(r.sender),
  nonce: String(r.nonce),
  wire: wireOfRow(r),
  receivedMs: Number(r.received_ms),
});

/** The full wire form: the stored JSON with the signature put back (hex). */
function wireOfRow(r: Record<string, unknown>): string {
  const unsigned = String(r.unsigned);
  const signature = (r.signature as Buffer).toString('hex');
  return `${unsigned.slice(0, -1)},"signature":"${signature}"}`;
}

const txRow = (r: Record<string, unknown>): CommittedTxRow => ({
  txHash: String(r.tx_hash),
  height: Number(r.height),
  idx: Number(r.idx),
  wire: wireOfRow(r),
  receipt: String(r.receipt),
});

const bundleRow = (r: Record<string, unknown>): BundleRow => ({
  height: Number(r.height),
  packet: String(r.packet),
  packetHash: String(r.packet_hash),
  bundleHash: String(r.bundle_hash),
  opLogHash: String(r.op_log_hash),
  stateRoot: String(r.state_root),
  txCount: Number(r.tx_count),
  summary: String(r.summary),
  snapshot: String(r.snapshot),
});

const coherenceRow = (r: Record<string, unknown>): CoherenceRow => ({
  height: Number(r.height),
  entry: String(r.entry),
  entryHash: String(r.entry_hash),
  seal: String(r.seal),
  sealHash: String(r.seal_hash),
});
