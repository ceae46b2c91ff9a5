/*
 * The portable export (issue 19): `exportLines` writes a store's ledger as documented records and
 * `verifyExport` checks them with no store and no node.
 * ├── a full export verifies to the store's head state root and head hash
 * ├── slices (a checkpoint, then bundles) verify to the state roots of their last bundles
 * ├── any one byte changed anywhere in an export fails naming its line (property)
 * └── `qfs export` / `qfs verify --export` on the command line; a bad range is a usage error
 */
import { expect } from 'chai';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../../../runtime/cli/main';
import { exportLines } from '../../../../runtime/node/export/export-store';
import { verifyExportFile } from '../../../../runtime/node/export/verify-export';
import { NodeStore } from '../../../../runtime/node/store';
import { formatDifference } from '../../../../runtime/node/verify';
import { ledgerCopy, sharedLedger } from '../../../support/ledger';
import { tempDir } from '../../../support/node';
import { numRuns } from '../../../support/num-runs';

function exportOf(file: string, range: { from?: number; to?: number } = {}): string {
  const store = NodeStore.open(file);
  try {
    return [...exportLines(store, range)].map((line) => `${line}\n`).join('');
  } finally {
    store.close();
  }
}

function headOf(file: string, height: number): { stateRoot: string; entryHash: string } {
  const store = NodeStore.open(file);
  try {
    return {
      stateRoot: store.bundle(height)?.stateRoot ?? '',
      entryHash: store.coherence(height)?.entryHash ?? '',
    };
  } finally {
    store.close();
  }
}

function writeTemp(text: string | Buffer): string {
  const file = path.join(tempDir('qfs-export-'), 'ledger.jsonl');
  fs.writeFileSync(file, text);
  return file;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr });
  return { code, stdout: out, stderr: err };
}

describe('ledger export', function () {
  this.timeout(300_000);

  it('verifies a full export to the store’s head', async () => {
    const file = await sharedLedger();
    const result = await verifyExportFile(writeTemp(exportOf(file)));
    expect(result.difference).to.equal(null);
    expect(result).to.deep.include({ height: 3, bundles: 4, txs: 9 });
    expect({ stateRoot: result.stateRoot, entryHash: result.headHash }).to.deep.equal(
      headOf(file, 3),
    );
  });

  for (const range of [{ from: 2 }, { from: 1, to: 2 }, { from: 0, to: 0 }]) {
    it(`verifies the slice ${JSON.stringify(range)} to the state root of its last bundle`, async () => {
      const file = await sharedLedger();
      const result = await verifyExportFile(writeTemp(exportOf(file, range)));
      expect(result.difference).to.equal(null);
      const last = range.to ?? 3;
      expect(result.height).to.equal(last);
      expect(result.stateRoot).to.equal(headOf(file, last).stateRoot);
    });
  }

  it('fails naming the line when any one byte of an export changed (property)', async () => {
    const bytes = Buffer.from(exportOf(await sharedLedger()));
    const starts = [0];
    bytes.forEach((b, i) => {
      if (b === 0x0a && i + 1 < bytes.length) starts.push(i + 1);
    });
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: starts.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (line, at, delta) => {
          const start = starts[line] as number;
          const end = (starts[line + 1] ?? bytes.length) - 1; // the line's LF
          const index = start + (at % (end - start + 1));
          const copy = Buffer.from(bytes);
          copy[index] = ((copy[index] as number) + delta) % 256;
          const { difference } = await verifyExportFile(writeTemp(copy));
          const where = `line ${line + 1}, byte ${index - start}, +${delta}`;
          expect(difference, where).to.not.equal(null);
          expect(difference?.rowid, `${where}: ${formatDifference(difference!)}`).to.equal(
            line + 1,
          );
        },
      ),
      { numRuns },
    );
  });

  it('writes and verifies an export on the command line, and names a changed line', async () => {
    const dir = path.dirname(await ledgerCopy());
    const out = path.join(tempDir('qfs-export-cli-'), 'ledger.jsonl');
    const written = await run(['export', '--dir', dir, '--out', out]);
    expect(written.code, written.stderr).to.equal(0);
    expect(written.stdout).to.equal(`wrote 21 records to ${out}\n`);
    const ok = await run(['verify', '--export', out, '--quiet']);
    expect(ok.code, ok.stdout + ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(
      /^ok: 4 bundles, 9 transactions verified; head 3 stateRoot [0-9a-f]{64}\n$/,
    );
    const lines = fs.readFileSync(out, 'utf8').split('\n');
    lines[5] = (lines[5] as string).replace('"status":"ok"', '"status":"failed"');
    fs.writeFileSync(out, lines.join('\n'));
    const bad = await run(['verify', '--export', out]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.match(
      /^MISMATCH at height 0: export line=6, height 0, tx [0-9a-f]{64}: tx \$\.receipt\.status: expected ok, found failed\n$/,
    );
  });

  it('refuses a range the ledger does not hold, and an existing output file', async () => {
    const dir = path.dirname(await ledgerCopy());
    const out = path.join(tempDir('qfs-export-cli-'), 'ledger.jsonl');
    const beyond = await run(['export', '--dir', dir, '--out', out, '--to', '9']);
    expect(beyond.code).to.equal(2);
    expect(beyond.stderr).to.match(/ends at height 3/);
    fs.writeFileSync(out, '');
    const exists = await run(['export', '--dir', dir, '--out', out]);
    expect(exists.code).to.equal(2);
  });
});
