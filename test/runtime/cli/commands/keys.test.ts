import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { expect } from 'chai';
import { main } from '../../../../runtime/cli/main';
import type { CliIo } from '../../../../runtime/cli/io';
import { decryptKey, keyFingerprint, readKeyFile } from '../../../../runtime/crypto';
import { hexToBytes } from '../../../../runtime/codec';

/** Runs `qfs argv` with captured output and the given stdin text. */
async function qfs(
  argv: string[],
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: '', err: '' };
  stdout.on('data', (c: Buffer) => (chunks.out += c.toString()));
  stderr.on('data', (c: Buffer) => (chunks.err += c.toString()));
  const io: CliIo = { stdin: Readable.from([stdin]), stdout, stderr };
  const code = await main(argv, io);
  return { code, stdout: chunks.out, stderr: chunks.err };
}

describe('qfs keygen / qfs key show', function () {
  this.timeout(60_000);
  let dir: string;
  const saved = process.env.QFS_PASSPHRASE;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-cli-keys-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    if (saved === undefined) delete process.env.QFS_PASSPHRASE;
    else process.env.QFS_PASSPHRASE = saved;
  });

  it('keygen writes an encrypted key file (passphrase from QFS_PASSPHRASE) and prints its address', async () => {
    process.env.QFS_PASSPHRASE = 'env secret';
    const out = path.join(dir, 'env.json');
    const run = await qfs(['keygen', '--out', out, '--kdf-log-n', '14']);
    expect(run.code, run.stderr).to.equal(0);
    const file = readKeyFile(out);
    expect(run.stdout).to.equal(
      `address: ${file.address}\nfingerprint: ${keyFingerprint(hexToBytes(file.publicKey))}\n`,
    );
    expect(file.kdf.N).to.equal(2 ** 14);
    expect(decryptKey(file, 'env secret').keyPair.address).to.equal(file.address);
  });

  it('keygen reads the passphrase from the first line of stdin when QFS_PASSPHRASE is unset', async () => {
    delete process.env.QFS_PASSPHRASE;
    const out = path.join(dir, 'stdin.json');
    const run = await qfs(['keygen', '--out', out, '--kdf-log-n', '14'], 'piped secret\nignored\n');
    expect(run.code, run.stderr).to.equal(0);
    expect(decryptKey(readKeyFile(out), 'piped secret').keyPair.address).to.equal(
      readKeyFile(out).address,
    );
  });

  it('keygen refuses to overwrite an existing file (exit 1, KEYSTORE_EXISTS)', async () => {
    process.env.QFS_PASSPHRASE = 'x';
    const out = path.join(dir, 'twice.json');
    expect((await qfs(['keygen', '--out', out, '--kdf-log-n', '14'])).code).to.equal(0);
    const before = fs.readFileSync(out, 'utf8');
    const run = await qfs(['keygen', '--out', out, '--kdf-log-n', '14']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^error: KEYSTORE_EXISTS: /);
    expect(fs.readFileSync(out, 'utf8')).to.equal(before);
  });

  it('keygen fails with KEYSTORE_NO_PASSPHRASE when there is no passphrase anywhere', async () => {
    delete process.env.QFS_PASSPHRASE;
    const out = path.join(dir, 'none.json');
    const run = await qfs(['keygen', '--out', out, '--kdf-log-n', '14'], '');
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/^error: KEYSTORE_NO_PASSPHRASE: /);
    expect(fs.existsSync(out)).to.equal(false);
  });

  it('keygen has no passphrase option (never a command-line argument)', async () => {
    const run = await qfs(['keygen', '--out', path.join(dir, 'p.json'), '--passphrase', 'x']);
    expect(run.code).to.equal(2);
  });

  it('keygen rejects a weak --kdf-log-n (exit 2)', async () => {
    process.env.QFS_PASSPHRASE = 'x';
    const run = await qfs(['keygen', '--out', path.join(dir, 'weak.json'), '--kdf-log-n', '10']);
    expect(run.code).to.equal(2);
  });

  it('key show prints address, fingerprint and kdf without a passphrase', async () => {
    process.env.QFS_PASSPHRASE = 'show me';
    const out = path.join(dir, 'show.json');
    await qfs(['keygen', '--out', out, '--kdf-log-n', '14']);
    delete process.env.QFS_PASSPHRASE;
    const file = readKeyFile(out);
    const run = await qfs(['key', 'show', out]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(
      `address: ${file.address}\nfingerprint: ${keyFingerprint(hexToBytes(file.publicKey))}\n` +
        'kdf: scrypt N=16384 r=8 p=1\n',
    );
  });

  it('key show fails with KEYSTORE_CORRUPT for a damaged file and KEYSTORE_NOT_FOUND for a missing one', async () => {
    const damaged = path.join(dir, 'damaged.json');
    fs.writeFileSync(damaged, '{"version":1,');
    const corrupt = await qfs(['key', 'show', damaged]);
    expect(corrupt.code).to.equal(1);
    expect(corrupt.stderr).to.match(/^error: KEYSTORE_CORRUPT: /);
    const missing = await qfs(['key', 'show', path.join(dir, 'nope.json')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^error: KEYSTORE_NOT_FOUND: /);
  });
});
