/*
 * End to end: `qfs init`, `qfs start` as a child process on a loopback port, signed transactions
 * over HTTP (the SDK and `qfs tx`), read back over HTTP and with `qfs balance`, then `qfs verify`
 * and `qfs replay` on the stopped node's data directory, `qfs export` and `qfs verify --export`
 * (and a changed export byte named by its line); a daemon whose ledger or code was tampered with
 * refuses to start and exits 412.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadKey } from '../../../runtime/node/data-dir';
import { NodeStore } from '../../../runtime/node/store';
import { QfsClient } from '../../../runtime/sdk/client';
import { tempDir } from '../../support/node';
import {
  ROOT,
  TEST_PASSPHRASE,
  exited,
  qfsSync,
  startNodeProcess,
} from '../../support/node-process';

describe('qfs node end to end (child process, real HTTP)', function () {
  this.timeout(10 * 60_000);
  const dir = tempDir('qfs-e2e-');

  before(() => {
    const init = qfsSync(['init', '--dir', dir, '--kdf-log-n', '14']);
    expect(init.status, init.stderr).to.equal(0);
    expect(init.stdout).to.match(/alice: 0x[0-9a-fA-F]{40}/);
  });

  it('accepts signed transactions, commits them, serves them back, and verifies and replays', async () => {
    const node = await startNodeProcess(dir);
    const client = new QfsClient(node.url);
    const alice = loadKey(dir, 'alice', TEST_PASSPHRASE);
    const bob = loadKey(dir, 'bob', TEST_PASSPHRASE);
    const sent = await client.transfer(alice, bob.address, 'CHR', '7.25');
    const receipt = await client.waitForTx(sent.txHash, { timeoutMs: 60_000 });
    expect(receipt.status).to.equal('committed');

    const cli = qfsSync([
      'tx',
      'action',
      '--key',
      path.join(dir, 'keys', 'bob.key'),
      '--kind',
      'compute',
      '--units',
      '3',
      '--url',
      node.url,
      '--wait',
      '--json',
    ]);
    expect(cli.status, cli.stderr).to.equal(0);
    const action = JSON.parse(cli.stdout) as { status: string };
    expect(action.status).to.equal('committed');

    const balance = qfsSync(['balance', alice.address, '--url', node.url, '--json']);
    expect(balance.status, balance.stderr).to.equal(0);
    expect((JSON.parse(balance.stdout) as { balances: { CHR: string } }).balances.CHR).to.equal(
      '9992.750000000000000000',
    );

    const status = await client.status();
    node.child.kill('SIGTERM');
    expect(await exited(node.child)).to.equal(0);

    const verify = qfsSync(['verify', '--dir', dir, '--quiet']);
    expect(verify.status, verify.stdout + verify.stderr).to.equal(0);
    expect(verify.stdout).to.match(/^ok: \d+ bundles, 2 transactions verified/);
    const replay = JSON.parse(qfsSync(['replay', '--dir', dir, '--json']).stdout) as {
      stateRoot: string;
      headHash: string;
    };
    expect(replay.stateRoot).to.equal(status.stateRoot);
    expect(replay.headHash).to.equal(status.headHash);
  });

  it('exports the devnet ledger, verifies the export with no store, and names a changed line', () => {
    const out = path.join(tempDir('qfs-e2e-export-'), 'ledger.jsonl');
    const written = qfsSync(['export', '--dir', dir, '--out', out]);
    expect(written.status, written.stderr).to.equal(0);
    const ok = qfsSync(['verify', '--export', out, '--quiet']);
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/^ok: \d+ bundles, 2 transactions verified/);
    const bytes = fs.readFileSync(out);
    const at = bytes.indexOf('"amount":"7.25"') + 11;
    bytes[at] = '8'.charCodeAt(0); // the transfer's amount becomes 8.25
    fs.writeFileSync(out, bytes);
    const line = bytes.subarray(0, at).toString().split('\n').length;
    const bad = qfsSync(['verify', '--export', out, '--quiet']);
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.include(`export line=${line}`);
  });

  it('makes `qfs verify` fail with the height and a daemon exit with CIR-412 after a ledger byte changed', async () => {
    const store = NodeStore.open(path.join(dir, 'qfs.db'));
    store.rawExec(
      `UPDATE tx_bytes SET unsigned = replace(unsigned, '"7.25"', '"7.26"') WHERE tx_hash IN (SELECT tx_hash FROM txs WHERE status = 'committed')`,
    );
    store.close();
    const verify = qfsSync(['verify', '--dir', dir, '--quiet']);
    expect(verify.status).to.equal(1);
    expect(verify.stdout).to.match(/^MISMATCH at height 0: /);
    const run = qfsSync(['start', '--dir', dir, '--port', '0', '--daemon']);
    expect(run.status, 'CIR-412 exits 412 mod 256').to.equal(412 % 256);
    expect(run.stderr).to.match(/halted: CIR-412/);
  });

  it('makes a daemon exit with CIR-412 when one byte of a runtime file changed', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-code-'));
    for (const entry of [
      'runtime',
      'bin',
      'scripts',
      'typechain-types',
      'package.json',
      'tsconfig.json',
      '.qfs-manifest.json',
    ]) {
      fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    const fresh = tempDir('qfs-code-data-');
    expect(qfsSync(['init', '--dir', fresh, '--kdf-log-n', '14']).status).to.equal(0);
    const target = path.join(copy, 'runtime', 'engine', 'hsmf.ts');
    fs.appendFileSync(target, '\n');
    const run = qfsSync(
      ['start', '--dir', fresh, '--port', '0', '--daemon'],
      {},
      path.join(copy, 'bin', 'qfs.js'),
    );
    expect(run.status, run.stdout + run.stderr).to.equal(412 % 256);
    expect(run.stdout + run.stderr).to.match(/runtime\/engine\/hsmf\.ts/);
  });
});
