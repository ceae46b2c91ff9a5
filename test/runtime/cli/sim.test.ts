/*
 * qfs sim
 * ├── --json prints exactly one JSON object with the documented fields
 * ├── the same arguments give byte-identical output; another seed another state root
 * ├── seed 7 still gives the state root, op-log hash and supply recorded when it was pinned
 * ├── the workload produces failed transactions of the kinds that reach the engine
 * ├── --signed (every transaction really signed and verified) gives the state root of the
 * │   unsigned mode for the same seed
 * ├── without --json a readable summary that says how signatures were handled
 * └── bad arguments exit 2
 */
import { expect } from 'chai';
import { runCli } from '../../support/cli';

async function simJson(args: string[]): Promise<Record<string, unknown>> {
  const run = await runCli(['sim', ...args, '--json']);
  expect(run.code, run.stderr).to.equal(0);
  const lines = run.stdout.split('\n');
  expect(lines).to.have.length(2);
  expect(lines[1]).to.equal('');
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

describe('qfs sim', function () {
  // Each bundle's DRV packet is signed and verified for real (ML-DSA-87).
  this.timeout(120_000);

  it('prints one JSON object with the documented fields', async () => {
    const report = await simJson(['--seed', '3', '--bundles', '4', '--txs', '25']);
    expect(Object.keys(report)).to.deep.equal([
      'seed',
      'bundles',
      'txs',
      'failedTxs',
      'signatures',
      'stateRoot',
      'opLogHash',
      'supply',
      'failures',
      'accounts',
      'keys',
    ]);
    expect(report).to.include({ seed: 3, bundles: 4, txs: 100, signatures: 'simulated' });
    expect(report.stateRoot).to.match(/^[0-9a-f]{64}$/);
    expect(report.opLogHash).to.match(/^[0-9a-f]{64}$/);
    const supply = report.supply as Record<string, string>;
    expect(Object.keys(supply)).to.deep.equal(['CHR', 'FLX', 'PSI', 'ATR', 'RES']);
    for (const amount of Object.values(supply)) expect(amount).to.match(/^[0-9]+\.[0-9]{18}$/);
    const failures = report.failures as Record<string, number>;
    const total = Object.values(failures).reduce((a, b) => a + b, 0);
    expect(total).to.equal(report.failedTxs);
  });

  it('gives byte-identical output for the same arguments', async () => {
    const args = ['sim', '--seed', '11', '--bundles', '5', '--txs', '30', '--json'];
    const one = await runCli(args);
    const two = await runCli(args);
    expect(two.stdout).to.equal(one.stdout);
  });

  // A regression vector: these values were recorded from an earlier version of the engine. If a
  // change moves them, it changes what every ledger commits to (state roots, op-log hashes), so
  // existing ledgers would no longer replay: that is a protocol version change, not a refactor.
  it('keeps the pinned state root, op-log hash and supply of seed 7', async () => {
    const report = await simJson(['--seed', '7', '--bundles', '5', '--txs', '50']);
    expect(report).to.deep.include({
      txs: 250,
      failedTxs: 56,
      stateRoot: '40b2e16bef019d1f6f5bc8e72dd1134ad3a0e5e424d6943563575e102685ffad',
      opLogHash: '416f2b45df006da4ea85c841a90e3d5d5078d5d5481b09e0b6cb82c3118d458a',
    });
    expect(report.supply).to.deep.equal({
      CHR: '17320364.672835909354320457',
      FLX: '15293060.317858834999071207',
      PSI: '18657047.875137790935432043',
      ATR: '16510755.110257895467716021',
      RES: '15925495.743953358187086407',
    });
  });

  it('gives another state root for another seed', async () => {
    const a = await simJson(['--seed', '1', '--bundles', '3', '--txs', '20']);
    const b = await simJson(['--seed', '2', '--bundles', '3', '--txs', '20']);
    expect(b.stateRoot).to.not.equal(a.stateRoot);
    expect(b.opLogHash).to.not.equal(a.opLogHash);
  });

  it('includes failed transactions of the kinds that reach the engine', async () => {
    const report = await simJson(['--seed', '5', '--bundles', '8', '--txs', '60']);
    expect(report.failedTxs as number).to.be.greaterThan(0);
    const codes = Object.keys(report.failures as Record<string, number>);
    for (const code of ['TX_BAD_NONCE', 'TX_INSUFFICIENT_BALANCE', 'TX_UNKNOWN_SENDER']) {
      expect(codes).to.include(code);
    }
  });

  it('gives the unsigned state root when every transaction is signed and verified (--signed)', async () => {
    const args = ['--seed', '7', '--bundles', '3', '--txs', '8'];
    const unsigned = await simJson(args);
    const signed = await simJson([...args, '--signed']);
    expect(signed.signatures).to.equal('real');
    expect(signed.stateRoot).to.equal(unsigned.stateRoot);
    expect(signed.opLogHash).to.equal(unsigned.opLogHash);
    expect(signed.failures).to.deep.equal(unsigned.failures);
  });

  it('prints a readable summary without --json', async () => {
    const run = await runCli(['sim', '--seed', '3', '--bundles', '2', '--txs', '10']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain('seed 3: 2 bundles, 20 transactions');
    expect(run.stdout).to.contain('signatures: simulated (transactions unsigned and pre-verified');
    expect(run.stdout).to.match(/state root: [0-9a-f]{64}/);
  });

  it('exits 2 for bad arguments', async () => {
    for (const args of [
      ['--bundles', '0'],
      ['--txs', 'abc'],
      ['--txs', '10001'],
      ['--seed', '1.5'],
      ['--seed', '9007199254740992'],
    ]) {
      const run = await runCli(['sim', ...args, '--json']);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.stdout).to.equal('');
    }
  });
});
