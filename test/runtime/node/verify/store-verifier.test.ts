/*
 * verifyStore (`qfs verify`, `qfs replay`, start-up): the cases issue 19 found undetected, each as
 * a named regression test on a copy of a real ledger (test/support/ledger.ts), and what it returns
 * for an intact ledger.
 * ├── an intact ledger: the recomputed head equals the live node's, twice; `to` stops early
 * ├── each case of the issue fails naming table, row (rowid), column and, where one applies, the
 * │   field, the transaction or the account
 * └── a packet whose seed does not follow from its entropy record fails naming the seed
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../../runtime/cli/main';
import { expect } from 'chai';
import { NodeStore } from '../../../../runtime/node/store';
import { verifyStore, type LedgerDifference } from '../../../../runtime/node/verify';
import { signTx, transferBody } from '../../../../runtime/sdk/tx-builder';
import { fixedClock } from '../../../../runtime/node/clock';
import { Sequencer } from '../../../../runtime/node/sequencer';
import { CHAIN_ID, GENESIS_TIME, keys } from '../../../support/engine';
import { ledgerCopy, sharedLedger } from '../../../support/ledger';
import { initStore, silentLog, tempDir } from '../../../support/node';

/** Runs SQL on a store file (outside the node, as an attacker with the file would). */
function edit(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  try {
    expect(db.prepare(sql).run(...params).changes, sql).to.equal(1);
  } finally {
    db.close();
  }
}

/** Runs the CLI in-process and captures its output. */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr });
  return { code, stdout: out, stderr: err };
}

/** SQL for `column` with the first hex digit after `"signature":"` replaced (same length). */
function flipSignatureDigit(column: string): string {
  const at = `instr(${column}, '"signature":"') + 13`;
  return `substr(${column}, 1, ${at} - 1) || (CASE substr(${column}, ${at}, 1) WHEN '0' THEN '1' ELSE '0' END) || substr(${column}, ${at} + 1)`;
}

function read<T>(file: string, sql: string, ...params: unknown[]): T {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).get(...params) as T;
  } finally {
    db.close();
  }
}

async function verifyFile(file: string, to?: number) {
  const store = NodeStore.open(file);
  try {
    return await verifyStore(store, to === undefined ? {} : { to });
  } finally {
    store.close();
  }
}

/** Verifies a copy after `change` and returns the difference it must report. */
async function differenceAfter(change: (file: string) => void): Promise<LedgerDifference> {
  const file = await ledgerCopy();
  change(file);
  const { difference } = await verifyFile(file);
  expect(difference, 'the change is detected').to.not.equal(null);
  return difference as LedgerDifference;
}

describe('verifyStore', function () {
  this.timeout(120_000);

  describe('on an intact ledger', () => {
    it('recomputes the head the node had, and the same twice', async () => {
      const file = await sharedLedger();
      const first = await verifyFile(file);
      expect(first.difference).to.equal(null);
      expect(first).to.deep.include({ height: 3, bundles: 4, txs: 9, stopped: false });
      const head = read<{ state_root: string }>(
        file,
        'SELECT state_root FROM bundles WHERE height = 3',
      );
      const entry = read<{ entry_hash: string }>(
        file,
        'SELECT entry_hash FROM coherence WHERE height = 3',
      );
      expect(first.stateRoot).to.equal(head.state_root);
      expect(first.headHash).to.equal(entry.entry_hash);
      expect(await verifyFile(file)).to.deep.equal(first);
    });

    it('stops at a given height', async () => {
      const file = await sharedLedger();
      const partial = await verifyFile(file, 0);
      expect(partial.difference).to.equal(null);
      expect(partial.height).to.equal(0);
      expect(partial.stateRoot).to.equal(
        read<{ state_root: string }>(file, 'SELECT state_root FROM bundles WHERE height = 0')
          .state_root,
      );
    });
  });

  describe('on a store another connection writes to (a running node)', () => {
    it('sees one snapshot inside readSnapshot, and reports a row committed mid-pass outside it', async () => {
      const file = await ledgerCopy();
      const writer = new Database(file);
      const commitBeyondHead = (): void => {
        writer
          .prepare(
            `INSERT INTO account_changes (height, address, account) VALUES (4, '0x000000000000000000000000000000000000dEaD', '{}')`,
          )
          .run();
      };
      const store = NodeStore.open(file);
      try {
        const inSnapshot = await store.readSnapshot(() =>
          verifyStore(store, { onProgress: (h) => h === 0 && commitBeyondHead() }),
        );
        expect(inSnapshot.difference).to.equal(null);
        const after = await verifyStore(store);
        expect(after.difference).to.deep.include({
          table: 'account_changes',
          column: 'height',
          height: 4,
        });
      } finally {
        store.close();
        writer.close();
      }
    });
  });

  describe('the cases of issue 19', () => {
    it('a receipt of an older bundle edited from "ok" to "failed" (txs.receipt, naming the transaction)', async () => {
      const row = read<{ rowid: number; tx_hash: string }>(
        await sharedLedger(),
        'SELECT rowid, tx_hash FROM txs WHERE height = 2 AND idx = 0',
      );
      const d = await differenceAfter((f) =>
        edit(
          f,
          `UPDATE txs SET receipt = replace(receipt, '"ok"', '"failed"') WHERE rowid = ?`,
          row.rowid,
        ),
      );
      expect(d).to.deep.include({
        table: 'txs',
        column: 'receipt',
        field: '$.status',
        rowid: row.rowid,
        height: 2,
        txHash: row.tx_hash,
      });
      expect(d).to.deep.include({ expected: 'ok', actual: 'failed' });
    });

    it('a KeyLedger seal signature altered (key_seals.seal $.signature)', async () => {
      const d = await differenceAfter((f) =>
        edit(f, `UPDATE key_seals SET seal = ${flipSignatureDigit('seal')} WHERE height = 1`),
      );
      expect(d).to.deep.include({
        table: 'key_seals',
        column: 'seal',
        field: '$.signature',
        rowid: 1,
        height: 1,
      });
    });

    it('a KeyLedger seal entriesRoot altered (key_seals.seal $.entriesRoot)', async () => {
      const d = await differenceAfter((f) =>
        edit(
          f,
          `UPDATE key_seals SET seal = replace(seal, '"entriesRoot":"2', '"entriesRoot":"3') WHERE height = 1`,
        ),
      );
      expect(d).to.deep.include({
        table: 'key_seals',
        column: 'seal',
        field: '$.entriesRoot',
        rowid: 1,
      });
    });

    it('the key_seals.seal_hash column altered (what anchoring anchors)', async () => {
      const d = await differenceAfter((f) =>
        edit(f, `UPDATE key_seals SET seal_hash = 'ff' || substr(seal_hash, 3) WHERE height = 1`),
      );
      expect(d).to.deep.include({ table: 'key_seals', column: 'seal_hash', rowid: 1 });
    });

    it('bundles.packet_hash altered (served as packetHash)', async () => {
      const d = await differenceAfter((f) =>
        edit(f, `UPDATE bundles SET packet_hash = 'ff' || substr(packet_hash, 3) WHERE height = 2`),
      );
      expect(d).to.deep.include({ table: 'bundles', column: 'packet_hash', rowid: 2, height: 2 });
    });

    it('key_entries.entry_hash altered', async () => {
      const d = await differenceAfter((f) =>
        edit(
          f,
          `UPDATE key_entries SET entry_hash = 'ff' || substr(entry_hash, 3) WHERE sequence = 1`,
        ),
      );
      expect(d).to.deep.include({ table: 'key_entries', column: 'entry_hash', rowid: 1 });
    });

    it('an accounts row changed (naming the account)', async () => {
      const row = read<{ rowid: number; address: string }>(
        await sharedLedger(),
        'SELECT rowid, address FROM accounts WHERE height = 3 ORDER BY address LIMIT 1',
      );
      const d = await differenceAfter((f) =>
        edit(
          f,
          `UPDATE accounts SET account = replace(account, '"nonce":"', '"nonce":"1') WHERE rowid = ?`,
          row.rowid,
        ),
      );
      expect(d).to.deep.include({
        table: 'accounts',
        column: 'account',
        field: '$.nonce',
        rowid: row.rowid,
        address: row.address,
      });
    });

    it('a fee digit of a bundle summary changed (bundles.summary $.fees)', async () => {
      const d = await differenceAfter((f) =>
        edit(
          f,
          `UPDATE bundles SET summary = replace(summary, '"fees":"0.0', '"fees":"9.0') WHERE height = 1`,
        ),
      );
      expect(d).to.deep.include({ table: 'bundles', column: 'summary', field: '$.fees', rowid: 1 });
    });

    it('a bundle summary made invalid JSON', async () => {
      const d = await differenceAfter((f) =>
        edit(f, `UPDATE bundles SET summary = substr(summary, 2) WHERE height = 0`),
      );
      expect(d).to.deep.include({ table: 'bundles', column: 'summary', rowid: 0 });
      expect(d.actual).to.match(/^not JSON/);
    });

    it('the stored state snapshot changed (bundles.snapshot)', async () => {
      const d = await differenceAfter((f) =>
        edit(
          f,
          `UPDATE bundles SET snapshot = replace(snapshot, '"consecutive":"0"', '"consecutive":"1"') WHERE height = 0`,
        ),
      );
      expect(d).to.deep.include({
        table: 'bundles',
        column: 'snapshot',
        field: '$.cir511.consecutive',
        rowid: 0,
      });
    });

    it('an account_changes row changed (what balance anchoring reads; naming the account)', async () => {
      const row = read<{ rowid: number; address: string }>(
        await sharedLedger(),
        'SELECT rowid, address FROM account_changes WHERE height = 1 ORDER BY address LIMIT 1',
      );
      const d = await differenceAfter((f) =>
        edit(
          f,
          `UPDATE account_changes SET account = replace(account, '"FLX":"0.', '"FLX":"1.') WHERE rowid = ?`,
          row.rowid,
        ),
      );
      expect(d).to.deep.include({
        table: 'account_changes',
        column: 'account',
        field: '$.balances.FLX',
        rowid: row.rowid,
        height: 1,
        address: row.address,
      });
    });

    it('one signature byte of the newest bundle’s packet changed (bundles.packet $.signature)', async () => {
      const d = await differenceAfter((f) =>
        edit(f, `UPDATE bundles SET packet = ${flipSignatureDigit('packet')} WHERE height = 3`),
      );
      expect(d).to.deep.include({
        table: 'bundles',
        column: 'packet',
        field: '$.signature',
        rowid: 3,
        height: 3,
      });
    });

    it('one signature byte of the newest bundle’s transaction changed (tx_bytes.signature, naming the transaction)', async () => {
      const row = read<{ rowid: number; tx_hash: string }>(
        await sharedLedger(),
        'SELECT b.rowid AS rowid, b.tx_hash FROM tx_bytes b JOIN txs t USING (tx_hash) WHERE t.height = 3',
      );
      const d = await differenceAfter((f) =>
        edit(
          f,
          `UPDATE tx_bytes SET signature = CAST(x'ff' || substr(signature, 2) AS BLOB) WHERE rowid = ?`,
          row.rowid,
        ),
      );
      expect(d).to.deep.include({
        table: 'tx_bytes',
        column: 'signature',
        rowid: row.rowid,
        height: 3,
        txHash: row.tx_hash,
      });
    });
  });

  describe('on the command line', () => {
    it('qfs verify --dir prints ok for an intact ledger and the named difference for a changed one (exit 1)', async () => {
      const file = await ledgerCopy();
      const ok = await cli(['verify', '--dir', path.dirname(file), '--quiet']);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(ok.stdout).to.match(
        /^ok: 4 bundles, 9 transactions verified; head 3 stateRoot [0-9a-f]{64}\n$/,
      );
      edit(
        file,
        `UPDATE txs SET receipt = replace(receipt, '"ok"', '"failed"') WHERE height = 2 AND idx = 0`,
      );
      const bad = await cli(['verify', '--dir', path.dirname(file), '--quiet']);
      expect(bad.code).to.equal(1);
      expect(bad.stdout).to.match(
        /^MISMATCH at height 2: txs tx_hash=[0-9a-f]{64}, height 2: receipt \$\.status: expected ok, found failed\n$/,
      );
    });
  });

  describe('the entropy record', () => {
    it('fails naming the seed when a signed packet’s seed does not follow from its entropy record', async () => {
      const file = initStore(tempDir());
      const rogue = await openRogueSequencer(file);
      await rogue.submit(
        signTx(keys.user(0), CHAIN_ID, 1n, transferBody('CHR', keys.user(1).address, '1')),
      );
      expect(await rogue.produceBundle()).to.not.equal(null);
      rogue.store.close();
      const { difference } = await verifyFile(file);
      expect(difference).to.deep.include({
        table: 'bundles',
        column: 'packet',
        field: '$.seed',
        rowid: 0,
      });
    });
  });
});

/**
 * The test sequencer key with an entropy source that records one random value and uses another
 * seed: its packets are validly signed, their seeds just do not follow from what they record.
 */
function openRogueSequencer(file: string): Promise<Sequencer> {
  return Sequencer.open({
    store: NodeStore.open(file),
    key: keys.sequencer,
    clock: fixedClock(GENESIS_TIME + 1000n, 10n),
    entropy: {
      derive: ({ previousSealHash }) => ({
        seed: 'ab'.repeat(32),
        entropy: { source: 'os-csprng', previousSealHash, random: 'cd'.repeat(32) },
      }),
    },
    limits: { bundleIntervalMs: 0, ackBatchDelayMs: 0 },
    log: silentLog,
  });
}
