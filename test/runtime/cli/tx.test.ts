/*
 * qfs tx transfer|action|status and qfs balance, against a node on a loopback port
 * ├── transfer/action: unlock the key file, sign, submit, print hash and nonce; --wait prints the
 * │   receipt (exit 1 if it failed); --json prints one JSON object
 * ├── balance: five balances, nonce and key status; --json; the URL from QFS_URL
 * ├── usage errors (token, units, timeout) → exit 2
 * └── coded failures (bad address, wrong passphrase, no node, node refusal) → exit 1 with the code
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encryptKey, serializeKeyFile } from '../../../runtime/crypto';
import { getAccount } from '../../../runtime/engine';
import { UD } from '../../../runtime/math';
import { keys } from '../../support/engine';
import { runCli } from '../../support/cli';
import { tempDir } from '../../support/node';
import { apiNode, listenLoopback, type ApiNode } from '../../support/api';

const PASSPHRASE = 'correct horse battery staple';

/** A key file for test key `n` (same seed derivation as test/support/keys.ts), cheap scrypt. */
function writeTestKeyFile(dir: string, n: number): string {
  const seed = new Uint8Array(createHash('sha256').update(`qfs-test-key-${n}`).digest());
  const file = path.join(dir, `key-${n}.json`);
  fs.writeFileSync(file, serializeKeyFile(encryptKey(seed, PASSPHRASE, { scryptN: 2 ** 10 })));
  return file;
}

describe('qfs tx and qfs balance', () => {
  const a = keys.user(0);
  const b = keys.user(1);
  const saved = { pass: process.env.QFS_PASSPHRASE, url: process.env.QFS_URL };
  let node: ApiNode;
  let url: string;
  let keyA: string;
  let keyB: string;

  before(async () => {
    const dir = tempDir('qfs-cli-');
    keyA = writeTestKeyFile(dir, 200);
    keyB = writeTestKeyFile(dir, 201);
    node = await apiNode();
    url = await listenLoopback(node);
    node.seq.start();
    process.env.QFS_PASSPHRASE = PASSPHRASE;
    delete process.env.QFS_URL;
  });

  after(async () => {
    await node.close();
    for (const [name, value] of [
      ['QFS_PASSPHRASE', saved.pass],
      ['QFS_URL', saved.url],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const transfer = (extra: string[]) => [
    'tx',
    'transfer',
    '--key',
    keyA,
    '--to',
    b.address,
    '--token',
    'CHR',
    '--url',
    url,
    ...extra,
  ];

  describe('qfs tx transfer', () => {
    it('signs and submits, printing the hash, nonce and status', async () => {
      const run = await runCli(transfer(['--amount', '1.5']));
      expect(run.stderr).to.equal('');
      expect(run.code).to.equal(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).to.match(/^tx: [0-9a-f]{64}$/);
      expect(lines.slice(1)).to.deep.equal(['nonce: 1', 'status: pending']);
      expect(node.seq.txStatus(lines[0]!.slice(4))).to.not.equal(null);
    });

    it('with --wait prints the committed receipt', async () => {
      const run = await runCli(transfer(['--amount', '2', '--wait']));
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^nonce: 2$/m);
      expect(run.stdout).to.match(/^status: committed$/m);
      expect(run.stdout).to.match(/^height: [0-9]+$/m);
      expect(run.stdout).to.match(/^receipt: ok$/m);
    });

    it('with --wait exits 1 when the receipt failed', async () => {
      const run = await runCli(transfer(['--amount', '5000', '--wait']));
      expect(run.code).to.equal(1);
      expect(run.stdout).to.match(/^receipt: failed TX_INSUFFICIENT_BALANCE: /m);
    });

    it('exits 2 for an unknown token', async () => {
      const argv = transfer(['--amount', '1']);
      argv[argv.indexOf('CHR')] = 'DOGE';
      const run = await runCli(argv);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.include('--token must be one of CHR, FLX, PSI, ATR, RES');
    });

    it('exits 1 with CODEC_BAD_ADDRESS for a malformed recipient', async () => {
      const argv = transfer(['--amount', '1']);
      argv[argv.indexOf(b.address)] = '0x1234';
      const run = await runCli(argv);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/^error: CODEC_BAD_ADDRESS: /);
    });

    it('exits 1 with MATH_PARSE for an amount that is not a decimal', async () => {
      const run = await runCli(transfer(['--amount', '1e3']));
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/^error: MATH_PARSE: /);
    });

    it('exits 1 with KEYSTORE_BAD_PASSPHRASE for a wrong passphrase', async () => {
      process.env.QFS_PASSPHRASE = 'wrong';
      try {
        const run = await runCli(transfer(['--amount', '1']));
        expect(run.code).to.equal(1);
        expect(run.stderr).to.match(/^error: KEYSTORE_BAD_PASSPHRASE: /);
      } finally {
        process.env.QFS_PASSPHRASE = PASSPHRASE;
      }
    });
  });

  describe('qfs tx action', () => {
    it('with --wait --json prints the settled transaction as JSON', async () => {
      const run = await runCli([
        'tx',
        'action',
        '--key',
        keyB,
        '--kind',
        'compute',
        '--units',
        '3',
        '--ref',
        'job-7',
        '--url',
        url,
        '--wait',
        '--json',
      ]);
      expect(run.code, run.stderr).to.equal(0);
      const view = JSON.parse(run.stdout);
      expect(view).to.deep.include({ status: 'committed', nonce: '1' });
      expect(view.receipt.status).to.equal('ok');
      expect(view.receipt.fee).to.match(/^[0-9]+\.[0-9]{18}$/);
    });

    for (const [flag, value] of [
      ['--units', '0'],
      ['--units', '1.5'],
      ['--timeout', 'soon'],
    ] as const) {
      it(`exits 2 for ${flag} ${value}`, async () => {
        const argv = [
          'tx',
          'action',
          '--key',
          keyB,
          '--kind',
          'compute',
          '--units',
          '1',
          '--url',
          url,
        ];
        argv.push(flag, value);
        const run = await runCli(argv);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.include(flag);
      });
    }
  });

  describe('qfs tx status', () => {
    it('prints where a transaction stands, and exits 1 with NOT_FOUND for an unknown one', async () => {
      const submitted = await runCli(transfer(['--amount', '0.5', '--wait', '--json']));
      const { txHash } = JSON.parse(submitted.stdout);
      const run = await runCli(['tx', 'status', txHash, '--url', url]);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include(`tx: ${txHash}\nstatus: committed\n`);
      const unknown = await runCli(['tx', 'status', 'ab'.repeat(32), '--url', url]);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.match(/^error: NOT_FOUND: transaction not found\ndetails: /);
    });
  });

  describe('qfs balance', () => {
    it('prints the five balances, nonce and key status', async () => {
      const run = await runCli(['balance', a.address, '--url', url]);
      expect(run.code, run.stderr).to.equal(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).to.equal(`address: ${a.address}`);
      expect(lines.map((l) => l.split(':')[0])).to.deep.equal([
        'address',
        'height',
        'nonce',
        'CHR',
        'FLX',
        'PSI',
        'ATR',
        'RES',
        'key',
      ]);
      expect(lines[lines.length - 1]).to.equal('key: active (capabilities: none)');
      const chr = lines.find((l) => l.startsWith('CHR: '))!.slice(5);
      expect(UD.format(UD.parse(chr))).to.equal(chr);
    });

    it('prints JSON with --json, taking the URL from QFS_URL', async () => {
      process.env.QFS_URL = url;
      try {
        const run = await runCli(['balance', a.address.toLowerCase(), '--json']);
        expect(run.code, run.stderr).to.equal(0);
        const view = JSON.parse(run.stdout);
        expect(view.address).to.equal(a.address);
        const committed = getAccount(node.seq.state.accounts, a.address)?.nonce ?? 0n;
        expect(view.nonce).to.equal(committed.toString());
        expect(Object.keys(view.balances)).to.deep.equal(['CHR', 'FLX', 'PSI', 'ATR', 'RES']);
      } finally {
        delete process.env.QFS_URL;
      }
    });

    it('exits 1 with API_BAD_REQUEST for a malformed address', async () => {
      const run = await runCli(['balance', '0xnope', '--url', url]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/^error: API_BAD_REQUEST: /);
    });

    it('exits 1 with SDK_UNREACHABLE when no node listens', async () => {
      const run = await runCli(['balance', a.address, '--url', 'http://127.0.0.1:9']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/^error: SDK_UNREACHABLE: /);
    });
  });

  describe('when the node is halted', () => {
    it('exits 1 with NODE_HALTED and the CIR code in the details', async () => {
      node.seq.halt(302, 'cli test', {});
      const run = await runCli(transfer(['--amount', '1']));
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/^error: NODE_HALTED: the sequencer is halted\n/);
      expect(run.stderr).to.include('"cir":302');
    });
  });
});
