/*
 * Start-up verification (what `qfs start` runs after loading the head state): the same verifier as
 * `qfs verify`, before serving for a small ledger and in the background for a large one; the first
 * difference quarantines the node (CIR-412) with table, row and column as evidence.
 * ├── an intact ledger: verified before serving, no halt
 * ├── the cases `qfs start` used to miss — an old receipt, a summary fee, the newest
 * │   packet's signature, the newest transaction's signature — each quarantine it, named
 * └── above `verifySyncTxsMax` the pass runs in the background and quarantines when it gets there
 */
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { VerifyPool } from '../../../runtime/crypto';
import { startVerification } from '../../../runtime/node/startup-verify';
import { ledgerCopy } from '../../support/ledger';
import { openSequencer, silentLog } from '../../support/node';

function edit(file: string, sql: string): void {
  const db = new Database(file);
  try {
    expect(db.prepare(sql).run().changes, sql).to.equal(1);
  } finally {
    db.close();
  }
}

/** Opens a sequencer on a (changed) copy of the test ledger and runs start-up verification. */
async function startOn(change: string | null, syncTxsMax = 20_000) {
  const file = await ledgerCopy();
  if (change !== null) edit(file, change);
  const sequencer = await openSequencer(file);
  const pool = VerifyPool.create({ threads: 1, log: () => undefined });
  try {
    const verification = await startVerification({ sequencer, pool, syncTxsMax, log: silentLog });
    const haltedBeforeServing = sequencer.halted?.cir ?? null;
    const result = await verification.done;
    return { verification, result, haltedBeforeServing, halt: sequencer.halted };
  } finally {
    await pool.close();
    sequencer.store.close();
  }
}

describe('startVerification', function () {
  this.timeout(120_000);

  it('verifies an intact ledger before serving and does not halt', async () => {
    const { verification, result, halt } = await startOn(null);
    expect(verification.mode).to.equal('sync');
    expect(result?.difference).to.equal(null);
    expect(result?.bundles).to.equal(4);
    expect(halt).to.equal(null);
  });

  const cases: [string, string, Record<string, string>][] = [
    [
      'an older receipt edited from "ok" to "failed"',
      `UPDATE txs SET receipt = replace(receipt, '"ok"', '"failed"') WHERE height = 2 AND idx = 0`,
      { table: 'txs', column: 'receipt', height: '2' },
    ],
    [
      'a fee in a bundle summary',
      `UPDATE bundles SET summary = replace(summary, '"fees":"0.0', '"fees":"9.0') WHERE height = 1`,
      { table: 'bundles', column: 'summary', field: '$.fees', height: '1' },
    ],
    [
      'a signature byte of the newest packet',
      `UPDATE bundles SET packet = replace(packet, '"signature":"', '"signature":"0') WHERE height = 3`,
      { table: 'bundles', column: 'packet', height: '3' },
    ],
    [
      'a signature byte of the newest transaction',
      `UPDATE tx_bytes SET signature = CAST(x'ff' || substr(signature, 2) AS BLOB)
       WHERE tx_hash IN (SELECT tx_hash FROM txs WHERE height = 3)`,
      { table: 'tx_bytes', column: 'signature', height: '3' },
    ],
  ];
  for (const [name, change, evidence] of cases) {
    it(`quarantines with CIR-412 before serving after ${name}`, async () => {
      const { haltedBeforeServing, halt } = await startOn(change);
      expect(haltedBeforeServing).to.equal(412);
      expect(halt?.evidence).to.deep.include(evidence);
    });
  }

  it('verifies a ledger above verifySyncTxsMax in the background and quarantines when it finds the difference', async () => {
    const { verification, haltedBeforeServing, halt, result } = await startOn(
      `UPDATE txs SET receipt = replace(receipt, '"ok"', '"failed"') WHERE height = 2 AND idx = 0`,
      0,
    );
    expect(verification.mode).to.equal('background');
    expect(haltedBeforeServing, 'the node serves while the pass runs').to.equal(null);
    expect(result?.difference?.table).to.equal('txs');
    expect(halt?.cir).to.equal(412);
    expect(halt?.evidence).to.deep.include({ table: 'txs', column: 'receipt', height: '2' });
  });
});
