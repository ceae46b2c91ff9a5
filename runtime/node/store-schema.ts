/**
 * The SQLite schema of a sequencer's data directory, as ordered migrations. A migration is never
 * edited once released; a change is a new migration. The version is SQLite's `user_version`.
 * @module
 */

/** Migrations, in order; index + 1 is the schema version it produces. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  -- Every acknowledged transaction, written once (before the 202) and updated in place when it
  -- is committed or rejected: pending rows are the durable mempool. The signature is a BLOB and
  -- the rest of the wire form is JSON text, so each transaction's bytes are written once.
  CREATE TABLE txs (
    tx_hash TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    sender TEXT NOT NULL,
    nonce TEXT NOT NULL,
    unsigned TEXT NOT NULL,
    signature BLOB NOT NULL,
    received_ms INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'committed', 'rejected')),
    height INTEGER,
    idx INTEGER,
    receipt TEXT,
    code TEXT,
    reason TEXT,
    at_ms INTEGER
  ) STRICT;
  CREATE INDEX txs_pending ON txs (seq) WHERE status = 'pending';
  CREATE INDEX txs_by_height ON txs (height, idx) WHERE status = 'committed';

  CREATE TABLE bundles (
    height INTEGER PRIMARY KEY,
    packet TEXT NOT NULL,
    packet_hash TEXT NOT NULL,
    bundle_hash TEXT NOT NULL,
    op_log_hash TEXT NOT NULL,
    state_root TEXT NOT NULL,
    tx_count INTEGER NOT NULL,
    summary TEXT NOT NULL,
    snapshot TEXT NOT NULL
  ) STRICT;

  -- The current value of every account, and each bundle's changes.
  CREATE TABLE accounts (address TEXT PRIMARY KEY, account TEXT NOT NULL, height INTEGER NOT NULL) STRICT;
  CREATE TABLE account_changes (
    height INTEGER NOT NULL,
    address TEXT NOT NULL,
    account TEXT NOT NULL,
    PRIMARY KEY (height, address)
  ) STRICT;

  CREATE TABLE key_entries (sequence INTEGER PRIMARY KEY, entry TEXT NOT NULL, entry_hash TEXT NOT NULL) STRICT;
  CREATE TABLE key_seals (height INTEGER PRIMARY KEY, seal TEXT NOT NULL, seal_hash TEXT NOT NULL) STRICT;

  CREATE TABLE coherence (
    height INTEGER PRIMARY KEY,
    entry TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    seal TEXT NOT NULL,
    seal_hash TEXT NOT NULL
  ) STRICT;

  -- Halt and resume records, signed by the sequencer key.
  CREATE TABLE halts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('halt', 'resume')),
    record TEXT NOT NULL,
    at_height INTEGER NOT NULL
  ) STRICT;
  `,
  // Version 2: a transaction's bytes apart from its status. A bundle commit sets the status,
  // height, index and receipt of each of its transactions; SQLite rewrites a row whose size changes
  // in full, overflow pages included, so with the ~5 KB of bytes in the same row every commit wrote
  // each transaction again (~35 ms of a 1,000-transaction bundle's commit; ~12 ms apart).
  `
  CREATE TABLE tx_bytes (
    tx_hash TEXT PRIMARY KEY,
    unsigned TEXT NOT NULL,
    signature BLOB NOT NULL
  ) STRICT;
  INSERT INTO tx_bytes (tx_hash, unsigned, signature) SELECT tx_hash, unsigned, signature FROM txs;
  ALTER TABLE txs DROP COLUMN unsigned;
  ALTER TABLE txs DROP COLUMN signature;
  `,
  // Version 3: a committed transaction keeps no mempool bookkeeping. Its arrival order (seq) and
  // arrival time (received_ms) only order and expire *pending* transactions; once it is in a bundle
  // nothing reads them, and nothing signed or hashed could vouch for them, so `qfs verify` could
  // not check them (issue 19: a column nothing uses goes instead of being checked). SQLite cannot
  // drop NOT NULL in place, so the table is rebuilt; committing now sets both to NULL.
  `
  CREATE TABLE txs_v3 (
    tx_hash TEXT PRIMARY KEY,
    seq INTEGER UNIQUE,
    sender TEXT NOT NULL,
    nonce TEXT NOT NULL,
    received_ms INTEGER,
    status TEXT NOT NULL CHECK (status IN ('pending', 'committed', 'rejected')),
    height INTEGER,
    idx INTEGER,
    receipt TEXT,
    code TEXT,
    reason TEXT,
    at_ms INTEGER,
    CHECK ((status = 'committed') = (seq IS NULL AND received_ms IS NULL))
  ) STRICT;
  INSERT INTO txs_v3 (tx_hash, seq, sender, nonce, received_ms, status, height, idx, receipt, code, reason, at_ms)
    SELECT tx_hash, CASE WHEN status = 'committed' THEN NULL ELSE seq END, sender, nonce,
           CASE WHEN status = 'committed' THEN NULL ELSE received_ms END, status, height, idx,
           receipt, code, reason, at_ms
    FROM txs;
  DROP TABLE txs;
  ALTER TABLE txs_v3 RENAME TO txs;
  CREATE INDEX txs_pending ON txs (seq) WHERE status = 'pending';
  CREATE INDEX txs_by_height ON txs (height, idx) WHERE status = 'committed';
  `,
  // Version 4: the anchoring service's report (last error, last success) moves out of `meta` into
  // a file beside the database (store.ts): it is operational state nothing signs, and every byte of
  // the database is ledger that `qfs verify` checks. A report written before is dropped (the next
  // anchoring pass writes a new one).
  `
  DELETE FROM meta WHERE key = 'anchor.report';
  `,
];
