/*
 * NodeStore schema
 * ├── a new store is at the latest version: transaction status rows apart from their bytes, in
 * │   16 KiB pages
 * ├── a version-1 store (bytes inside the status rows) migrates to version 2 keeping every
 * │   pending and committed transaction's exact wire form and status, and its page size
 * ├── a version-2 store migrates to version 3: committed transactions drop their mempool order and
 * │   arrival time (nothing reads them after the commit), pending ones keep them
 * ├── a version-3 store migrates to version 4: the anchoring report leaves `meta` (it lives in a
 * │   file beside the database, read back as written)
 * ├── an acknowledgement writes status and bytes together; sending an expired transaction again
 * │   keeps the bytes first stored
 * └── a store written by a newer version is refused (NODE_STORE)
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { isCodedError } from '../../../runtime/errors';
import { NodeStore, STORE_PAGE_BYTES, type AckRow } from '../../../runtime/node/store';
import { MIGRATIONS } from '../../../runtime/node/store-schema';
import { tempDir } from '../../support/node';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function ack(txHash: string, seq: number, unsigned: string, signature: number[]): AckRow {
  return {
    txHash,
    seq,
    sender: '0x0000000000000000000000000000000000000001',
    nonce: String(seq),
    unsigned,
    signature: new Uint8Array(signature),
    receivedMs: 1000 + seq,
  };
}

/** Reads a store file with a connection of its own, closed afterwards. */
function readDb<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const columns = (file: string, table: string): string[] =>
  readDb(file, (db) =>
    (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name),
  );

const pageBytes = (file: string): number =>
  readDb(file, (db) => db.pragma('page_size', { simple: true }) as number);

describe('NodeStore schema', () => {
  it('opens a new store at the latest version, status rows apart from transaction bytes', () => {
    const file = path.join(tempDir(), 'qfs.db');
    const store = NodeStore.open(file);
    try {
      expect(store.schemaVersion).to.equal(MIGRATIONS.length).and.equal(4);
    } finally {
      store.close();
    }
    expect(columns(file, 'txs')).not.to.include.members(['unsigned']);
    expect(columns(file, 'txs')).not.to.include.members(['signature']);
    expect(columns(file, 'tx_bytes')).to.deep.equal(['tx_hash', 'unsigned', 'signature']);
    expect(pageBytes(file)).to.equal(STORE_PAGE_BYTES).and.equal(16384);
  });

  it('migrates a version-1 store, keeping each transaction’s wire form and status', () => {
    const file = path.join(tempDir(), 'qfs.db');
    const v1 = new Database(file);
    v1.exec(MIGRATIONS[0] as string);
    v1.pragma('user_version = 1');
    const insert = v1.prepare(
      `INSERT INTO txs (tx_hash, seq, sender, nonce, unsigned, signature, received_ms, status, height, idx, receipt)
       VALUES (?, ?, '0x01', ?, ?, ?, 5, ?, ?, ?, ?)`,
    );
    insert.run(HASH_A, 1, '1', '{"n":"1"}', Buffer.from([0xab, 0x01]), 'committed', 0, 0, '{}');
    insert.run(HASH_B, 2, '2', '{"n":"2"}', Buffer.from([0xcd]), 'pending', null, null, null);
    v1.close();

    const store = NodeStore.open(file);
    try {
      expect(store.schemaVersion).to.equal(MIGRATIONS.length);
      expect(store.bundleTxs(0).map((t) => [t.txHash, t.idx, t.wire])).to.deep.equal([
        [HASH_A, 0, '{"n":"1","signature":"ab01"}'],
      ]);
      expect(store.mempoolTx(HASH_B)?.wire).to.equal('{"n":"2","signature":"cd"}');
      expect(store.loadMempool().map((r) => r.txHash)).to.deep.equal([HASH_B]);
      expect(store.txOutcome(HASH_A)).to.deep.equal({
        status: 'committed',
        height: 0,
        idx: 0,
        receipt: '{}',
      });
    } finally {
      store.close();
    }
    expect(columns(file, 'txs')).not.to.include('unsigned');
    expect(pageBytes(file)).to.equal(4096); // an existing file keeps its pages
  });

  it('migrates a version-2 store: committed transactions keep no mempool order or arrival time', () => {
    const file = path.join(tempDir(), 'qfs.db');
    const v2 = new Database(file);
    v2.exec(MIGRATIONS[0] as string);
    v2.exec(MIGRATIONS[1] as string);
    v2.pragma('user_version = 2');
    const insert = v2.prepare(
      `INSERT INTO txs (tx_hash, seq, sender, nonce, received_ms, status, height, idx, receipt)
       VALUES (?, ?, '0x01', ?, 5, ?, ?, ?, ?)`,
    );
    insert.run(HASH_A, 1, '1', 'committed', 0, 0, '{}');
    insert.run(HASH_B, 2, '2', 'pending', null, null, null);
    v2.close();
    NodeStore.open(file).close();
    const rows = readDb(file, (db) =>
      db.prepare('SELECT tx_hash, seq, received_ms FROM txs ORDER BY tx_hash').all(),
    );
    expect(rows).to.deep.equal([
      { tx_hash: HASH_A, seq: null, received_ms: null },
      { tx_hash: HASH_B, seq: 2, received_ms: 5 },
    ]);
  });

  it('migrates a version-3 store: the anchoring report leaves the database for a file beside it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'qfs.db');
    const v3 = new Database(file);
    for (const migration of MIGRATIONS.slice(0, 3)) v3.exec(migration);
    v3.pragma('user_version = 3');
    v3.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('genesis', '{}');
    v3.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('anchor.report', '{}');
    v3.close();
    const store = NodeStore.open(file);
    try {
      const keys = readDb(file, (db) => db.prepare('SELECT key FROM meta ORDER BY key').all());
      expect(keys).to.deep.equal([{ key: 'genesis' }]);
      const report = { lastError: 'rpc down', lastErrorAtMs: 7, lastAnchorAtMs: null };
      store.setAnchorReport(report);
      expect(store.anchorReport()).to.deep.equal(report);
      expect(
        JSON.parse(fs.readFileSync(path.join(dir, 'anchor-report.json'), 'utf8')),
      ).to.deep.equal(report);
    } finally {
      store.close();
    }
  });

  it('writes status and bytes together, and keeps the first bytes of a transaction sent again', () => {
    const store = NodeStore.open(path.join(tempDir(), 'qfs.db'));
    try {
      store.insertMempool([ack(HASH_A, 1, '{"n":"1"}', [1, 2])]);
      expect(store.mempoolTx(HASH_A)?.wire).to.equal('{"n":"1","signature":"0102"}');
      store.rejectMempool([{ txHash: HASH_A, code: 'TX_EXPIRED', reason: 'gap', atMs: 9 }]);
      expect(store.mempoolTx(HASH_A)).to.equal(undefined);
      store.insertMempool([ack(HASH_A, 2, '{"n":"1"}', [9, 9])]);
      const again = store.mempoolTx(HASH_A);
      expect([again?.seq, again?.wire]).to.deep.equal([2, '{"n":"1","signature":"0102"}']);
    } finally {
      store.close();
    }
  });

  it('refuses a store written by a newer version', () => {
    const file = path.join(tempDir(), 'qfs.db');
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    let caught: unknown;
    try {
      NodeStore.open(file);
    } catch (err) {
      caught = err;
    }
    expect(isCodedError(caught, 'NODE_STORE')).to.equal(true);
  });
});
