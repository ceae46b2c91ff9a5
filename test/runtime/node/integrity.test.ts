/*
 * AntiTamper covers what runs (issue 19, point 6).
 * ├── every native addon a node process loads (its memory map, after opening a store and
 * │   verifying a signature with the selected backend) is listed in the manifest with its hash
 * └── a running node whose manifest-listed addon is replaced halts (CIR-412) through its
 *     watchdog and, as a daemon, exits 156 naming the file — a real child process on a copy of
 *     the code, so the project's own files are never touched
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureManifest, readManifest } from '../../../runtime/node/integrity';
import { exited, qfsSync, ROOT, startNodeProcess } from '../../support/node-process';
import { tempDir } from '../../support/node';

const linux = process.platform === 'linux';

/** The `.node` files mapped into a fresh process that loads what the node loads. */
function loadedAddons(): string[] {
  const script = `
    require('ts-node').register({ transpileOnly: true, project: 'tsconfig.json' });
    const { NodeStore } = require('./runtime/node/store');
    const crypto = require('./runtime/crypto');
    const store = NodeStore.open(':memory:');
    const key = crypto.generateKeyPair(new Uint8Array(32));
    const message = new Uint8Array([1, 2, 3]);
    const signature = crypto.sign(key.secretKey, message, crypto.SignatureContext.TX);
    if (!crypto.verify(key.publicKey, message, signature, crypto.SignatureContext.TX)) process.exit(3);
    store.close();
    const maps = require('node:fs').readFileSync('/proc/self/maps', 'utf8');
    const addons = [...new Set(maps.split('\\n').map((l) => l.split(/\\s+/)[5] ?? '').filter((p) => p.endsWith('.node')))];
    process.stdout.write(JSON.stringify({ addons, backend: crypto.getVerifyBackend().name }));`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(run.status, run.stderr).to.equal(0);
  const out = JSON.parse(run.stdout) as { addons: string[]; backend: string };
  return out.addons.map((p) => path.relative(ROOT, p).split(path.sep).join('/')).sort();
}

/** A copy of the code with its own node_modules: symlinks, except QFS's addons, copied. */
function codeCopy(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-code-'));
  for (const entry of [
    'runtime',
    'bin',
    'scripts',
    'typechain-types',
    'package.json',
    'tsconfig.json',
    '.qfs-manifest.json',
  ])
    fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  fs.mkdirSync(path.join(copy, 'node_modules'));
  for (const entry of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    const source = path.join(ROOT, 'node_modules', entry);
    const target = path.join(copy, 'node_modules', entry);
    if (entry === '.qfs-native') fs.cpSync(source, target, { recursive: true });
    else fs.symlinkSync(source, target);
  }
  return copy;
}

describe('code integrity (AntiTamper)', function () {
  this.timeout(240_000);

  (linux ? it : it.skip)('lists every native addon a node process loads in the manifest', () => {
    const manifest = readManifest();
    expect(manifest, 'npm run manifest').to.not.equal(null);
    const addons = loadedAddons();
    expect(addons.length, 'better-sqlite3 and an ML-DSA addon').to.be.at.least(2);
    for (const addon of addons) {
      expect(manifest, addon).to.have.property(addon);
      expect(measureManifest()[addon]).to.equal(manifest?.[addon]);
    }
  });

  it('halts a running node with CIR-412 when a manifest-listed addon is replaced', async function () {
    const addons = Object.keys(readManifest() ?? {}).filter((f) =>
      f.startsWith('node_modules/.qfs-native/'),
    );
    if (addons.length === 0) this.skip(); // QFS's addon is not built here (QFS_NATIVE_BUILD=0)
    const copy = codeCopy();
    const dir = tempDir('qfs-watchdog-');
    const init = qfsSync(
      ['init', '--dir', dir, '--kdf-log-n', '14'],
      {},
      path.join(copy, 'bin', 'qfs.js'),
    );
    expect(init.status, init.stderr).to.equal(0);
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as object;
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ ...config, watchdogIntervalMs: 200 }),
    );
    const node = await startNodeProcess(dir, ['--daemon'], {}, path.join(copy, 'bin', 'qfs.js'));
    const before = (await (await fetch(`${node.url}/v1/status`)).json()) as { halted: unknown };
    expect(before.halted, 'the node runs before the change').to.equal(null);
    // Replaced the way an attacker would: a new file renamed over the old one.
    const target = path.join(copy, addons[0] as string);
    fs.writeFileSync(`${target}.new`, Buffer.concat([fs.readFileSync(target), Buffer.from([0])]));
    fs.renameSync(`${target}.new`, target);
    const timeout = setTimeout(() => node.child.kill('SIGKILL'), 90_000); // bounded wait
    const code = await exited(node.child);
    clearTimeout(timeout);
    expect(code, node.output()).to.equal(412 % 256);
    expect(node.output()).to.match(/halted: CIR-412/);
    expect(node.output()).to.include(addons[0]);
  });
});
