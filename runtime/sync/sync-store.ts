/**
 * HolonetSync's durable records, in a SQLite file of their own next to the node's store
 * (`sync.db`): attestations received (sequencer) or made (replica), quorum certificates,
 * equivocation evidence, CIR-511 dissonance records, and the sequencer keys a replica no longer
 * cosigns for. Its own file and migrations, so the node's schema is not touched (docs/decisions.md,
 * HolonetSync). WAL, synchronous=FULL: a replica's record of what it cosigned is durable before the
 * attestation leaves the process.
 * @module
 */
import Database from 'better-sqlite3';
import { StoreError } from '../node/errors';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
  -- Attestations: a sequencer's received ones (any replica), a replica's own (replica = itself).
  CREATE TABLE attestations (
    height INTEGER NOT NULL,
    replica TEXT NOT NULL,
    seal_hash TEXT NOT NULL,
    attestation TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (height, replica, seal_hash)
  ) STRICT;
  -- What a replica cosigned: one seal per height, ever (the primary key enforces it).
  CREATE TABLE cosigned (
    height INTEGER PRIMARY KEY,
    seal_hash TEXT NOT NULL,
    attestation TEXT NOT NULL,
    reported INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE TABLE certificates (
    height INTEGER PRIMARY KEY,
    seal_hash TEXT NOT NULL,
    bundle_hash TEXT NOT NULL UNIQUE,
    certificate_hash TEXT NOT NULL,
    certificate TEXT NOT NULL,
    confirmed_ms INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE evidence (
    evidence_hash TEXT PRIMARY KEY,
    height INTEGER NOT NULL,
    kind TEXT NOT NULL,
    signer TEXT NOT NULL,
    evidence TEXT NOT NULL,
    found_ms INTEGER NOT NULL
  ) STRICT;
  -- CIR-511 records: a replica's refusals (signed), a sequencer's clock dissonance, refusals
  -- replicas reported to the sequencer.
  CREATE TABLE dissonance (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    height INTEGER NOT NULL,
    reason TEXT NOT NULL,
    origin TEXT NOT NULL,
    record TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    UNIQUE (height, reason, origin)
  ) STRICT;
  `,
];

export type StoredAttestation = {
  height: number;
  replica: string;
  sealHash: string;
  attestation: string;
  receivedMs: number;
};
export type StoredCertificate = {
  height: number;
  sealHash: string;
  bundleHash: string;
  certificateHash: string;
  certificate: string;
  confirmedMs: number;
};
export type StoredEvidence = {
  evidenceHash: string;
  height: number;
  kind: string;
  signer: string;
  evidence: string;
  foundMs: number;
};
export type StoredDissonance = {
  id: number;
  height: number;
  reason: string;
  origin: string;
  record: string;
  atMs: number;
};

export class SyncStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #s: ReturnType<typeof prepare>;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    this.#s = prepare(db);
  }

  /** Opens (creating and migrating if needed) the sync store at `path`. */
  static open(path: string): SyncStore {
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (err) {
      throw new StoreError('cannot open the sync store', { path }, err);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length)
      throw new StoreError('the sync store was written by a newer QFS', { version, path });
    for (let v = version; v < MIGRATIONS.length; v++)
      db.transaction(() => {
        db.exec(MIGRATIONS[v] as string);
        db.pragma(`user_version = ${v + 1}`);
      })();
    return new SyncStore(path, db);
  }

  close(): void {
    this.#db.close();
  }

  getMeta(key: string): string | undefined {
    return (this.#s.getMeta.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.#s.setMeta.run(key, value);
  }

  /** Stores an attestation; false when the same (height, replica, seal) is stored already. */
  insertAttestation(a: StoredAttestation): boolean {
    return (
      this.#s.insertAttestation.run(a.height, a.replica, a.sealHash, a.attestation, a.receivedMs)
        .changes === 1
    );
  }

  attestations(height: number): StoredAttestation[] {
    return (this.#s.attestations.all(height) as Record<string, unknown>[]).map(attestationRow);
  }

  /** The newest attestation of each replica (for clock samples and lag). */
  latestAttestations(): StoredAttestation[] {
    return (this.#s.latestAttestations.all() as Record<string, unknown>[]).map(attestationRow);
  }

  /** What this replica cosigned at `height`, or undefined. */
  cosigned(
    height: number,
  ): { sealHash: string; attestation: string; reported: boolean } | undefined {
    const row = this.#s.cosigned.get(height) as Record<string, unknown> | undefined;
    return row === undefined
      ? undefined
      : {
          sealHash: String(row.seal_hash),
          attestation: String(row.attestation),
          reported: row.reported === 1,
        };
  }

  /**
   * Records, durably, that this replica cosigns `sealHash` at `height` — before the attestation is
   * sent. Returns false (and records nothing) when it cosigned a different seal there already.
   */
  recordCosigned(height: number, sealHash: string, attestation: string): boolean {
    const existing = this.cosigned(height);
    if (existing !== undefined) return existing.sealHash === sealHash;
    this.#s.insertCosigned.run(height, sealHash, attestation);
    return true;
  }

  /** Cosigned attestations not yet delivered to the sequencer, oldest first, at most `limit`. */
  unreported(limit: number): { height: number; attestation: string }[] {
    return (this.#s.unreported.all(limit) as Record<string, unknown>[]).map((r) => ({
      height: Number(r.height),
      attestation: String(r.attestation),
    }));
  }

  markReported(heights: readonly number[]): void {
    this.#db.transaction(() => {
      for (const h of heights) this.#s.markReported.run(h);
    })();
  }

  /** Highest height this replica cosigned (−1 before any). */
  lastCosigned(): number {
    return (this.#s.lastCosigned.get() as { h: number | null }).h ?? -1;
  }

  /** Stores a certificate; false when the height has one already (a certificate is final). */
  insertCertificate(c: StoredCertificate): boolean {
    return (
      this.#s.insertCertificate.run(
        c.height,
        c.sealHash,
        c.bundleHash,
        c.certificateHash,
        c.certificate,
        c.confirmedMs,
      ).changes === 1
    );
  }

  certificate(height: number): StoredCertificate | undefined {
    const row = this.#s.certificate.get(height) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : certificateRow(row);
  }

  certificateByBundle(bundleHash: string): StoredCertificate | undefined {
    const row = this.#s.certificateByBundle.get(bundleHash) as Record<string, unknown> | undefined;
    return row === undefined ? undefined : certificateRow(row);
  }

  /** Certificates with heights in [from, to], ascending. */
  certificatesIn(from: number, to: number): StoredCertificate[] {
    return (this.#s.certificatesIn.all(from, to) as Record<string, unknown>[]).map(certificateRow);
  }

  /** The lowest height with a certificate (null before any). */
  firstCertifiedHeight(): number | null {
    return (this.#s.firstCertified.get() as { h: number | null }).h;
  }

  /** The highest confirmed height (−1 before any). */
  confirmedHeight(): number {
    return (this.#s.confirmedHeight.get() as { h: number | null }).h ?? -1;
  }

  /** Stores evidence; false when it is known already. */
  insertEvidence(e: StoredEvidence): boolean {
    return (
      this.#s.insertEvidence.run(e.evidenceHash, e.height, e.kind, e.signer, e.evidence, e.foundMs)
        .changes === 1
    );
  }

  /** Stored evidence, oldest first, from `offset`, at most `limit`. */
  evidence(offset: number, limit: number): StoredEvidence[] {
    return (this.#s.evidence.all(limit, offset) as Record<string, unknown>[]).map((r) => ({
      evidenceHash: String(r.evidence_hash),
      height: Number(r.height),
      kind: String(r.kind),
      signer: String(r.signer),
      evidence: String(r.evidence),
      foundMs: Number(r.found_ms),
    }));
  }

  evidenceCount(): number {
    return (this.#s.evidenceCount.get() as { n: number }).n;
  }

  /** Stores a CIR-511 record; false when one with the same height, reason and origin exists. */
  insertDissonance(
    height: number,
    reason: string,
    origin: string,
    record: string,
    atMs: number,
  ): boolean {
    return this.#s.insertDissonance.run(height, reason, origin, record, atMs).changes === 1;
  }

  /** The newest CIR-511 records, newest first, at most `limit`. */
  dissonance(limit: number): StoredDissonance[] {
    return (this.#s.dissonance.all(limit) as Record<string, unknown>[]).map((r) => ({
      id: Number(r.id),
      height: Number(r.height),
      reason: String(r.reason),
      origin: String(r.origin),
      record: String(r.record),
      atMs: Number(r.at_ms),
    }));
  }

  /** Runs one statement (tests that tamper with rows). */
  rawExec(sql: string, ...params: unknown[]): void {
    this.#db.prepare(sql).run(...params);
  }
}

function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    insertAttestation: db.prepare(
      'INSERT INTO attestations (height, replica, seal_hash, attestation, received_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    attestations: db.prepare(
      'SELECT * FROM attestations WHERE height = ? ORDER BY replica, seal_hash',
    ),
    latestAttestations: db.prepare(
      `SELECT a.* FROM attestations a JOIN (SELECT replica, MAX(height) AS h FROM attestations GROUP BY replica) m
         ON a.replica = m.replica AND a.height = m.h ORDER BY a.replica`,
    ),
    cosigned: db.prepare('SELECT * FROM cosigned WHERE height = ?'),
    insertCosigned: db.prepare(
      'INSERT INTO cosigned (height, seal_hash, attestation) VALUES (?, ?, ?)',
    ),
    unreported: db.prepare(
      'SELECT height, attestation FROM cosigned WHERE reported = 0 ORDER BY height LIMIT ?',
    ),
    markReported: db.prepare('UPDATE cosigned SET reported = 1 WHERE height = ?'),
    lastCosigned: db.prepare('SELECT MAX(height) AS h FROM cosigned'),
    insertCertificate: db.prepare(
      'INSERT INTO certificates (height, seal_hash, bundle_hash, certificate_hash, certificate, confirmed_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    certificate: db.prepare('SELECT * FROM certificates WHERE height = ?'),
    certificateByBundle: db.prepare('SELECT * FROM certificates WHERE bundle_hash = ?'),
    certificatesIn: db.prepare(
      'SELECT * FROM certificates WHERE height BETWEEN ? AND ? ORDER BY height',
    ),
    confirmedHeight: db.prepare('SELECT MAX(height) AS h FROM certificates'),
    firstCertified: db.prepare('SELECT MIN(height) AS h FROM certificates'),
    insertEvidence: db.prepare(
      'INSERT INTO evidence (evidence_hash, height, kind, signer, evidence, found_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    evidence: db.prepare(
      'SELECT * FROM evidence ORDER BY found_ms, evidence_hash LIMIT ? OFFSET ?',
    ),
    evidenceCount: db.prepare('SELECT COUNT(*) AS n FROM evidence'),
    insertDissonance: db.prepare(
      'INSERT INTO dissonance (height, reason, origin, record, at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    dissonance: db.prepare('SELECT * FROM dissonance ORDER BY id DESC LIMIT ?'),
  };
}

const attestationRow = (r: Record<string, unknown>): StoredAttestation => ({
  height: Number(r.height),
  replica: String(r.replica),
  sealHash: String(r.seal_hash),
  attestation: String(r.attestation),
  receivedMs: Number(r.received_ms),
});

const certificateRow = (r: Record<string, unknown>): StoredCertificate => ({
  height: Number(r.height),
  sealHash: String(r.seal_hash),
  bundleHash: String(r.bundle_hash),
  certificateHash: String(r.certificate_hash),
  certificate: String(r.certificate),
  confirmedMs: Number(r.confirmed_ms),
});
