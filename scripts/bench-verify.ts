/**
 * How long verifying a ledger takes, per 100,000 transactions (issue 19): start-up's head check
 * (state-loader.ts, before the node may produce), the full verification (`qfs verify`, and what
 * start-up runs before serving or in the background), writing an export (`qfs export`) and
 * verifying it (`qfs verify --export`). The ledger is built first by the real sequencer from the
 * benchmark workload (scripts/bench/workload.ts: transfers, actions, guidance, registrations,
 * every transaction signed), in bundles of up to 1,000. Prints one JSON object.
 *
 * Usage: npx ts-node --transpile-only scripts/bench-verify.ts [--txs 20000] [--accounts 60]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalString } from '../runtime/codec';
import { VerifyPool, SignPool } from '../runtime/crypto';
import { loadGenesis } from '../runtime/engine';
import { osEntropy, systemClock } from '../runtime/node/clock';
import { exportLines } from '../runtime/node/export/export-store';
import { verifyExportFile } from '../runtime/node/export/verify-export';
import { Sequencer } from '../runtime/node/sequencer';
import { loadState } from '../runtime/node/state-loader';
import { NodeStore } from '../runtime/node/store';
import { verifyStore } from '../runtime/node/verify';
import { benchSequencerKey, loadWorkload } from './bench/workload';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at < 0 ? undefined : Number(process.argv[at + 1]);
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} takes a count`);
  return value;
}

/** Builds a ledger of the workload's first `count` transactions; returns the store's path. */
async function buildLedger(count: number, accounts: number): Promise<string> {
  const workload = loadWorkload(Math.max(count, 20_000), accounts, (l) =>
    process.stderr.write(`${l}\n`),
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-bench-verify-'));
  const file = path.join(dir, 'qfs.db');
  const store = NodeStore.open(file);
  const { keyGenesis } = loadGenesis(workload.genesis);
  store.setMeta('genesis', canonicalString(workload.genesis));
  store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  const pool = VerifyPool.create({ log: () => undefined });
  const signer = new SignPool(1);
  const seq = await Sequencer.open({
    store,
    signer,
    key: benchSequencerKey(),
    clock: systemClock,
    entropy: osEntropy,
    pool,
    limits: { mempoolCapacity: count + 1000, mempoolPerSenderMax: count },
    log: silent,
  });
  let committed = 0;
  seq.on('bundle', (r: { receipts: readonly unknown[] }) => (committed += r.receipts.length));
  seq.start();
  const txs = workload.txs.slice(0, count);
  let next = 0;
  const feed = async () => {
    while (next < txs.length) await seq.submit(txs[next++]);
  };
  await Promise.all(Array.from({ length: 256 }, feed));
  for (let waited = 0; committed < count && waited < 600_000; waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  await seq.stop();
  await pool.close();
  await signer.close();
  store.close();
  if (committed < count) throw new Error(`only ${committed} of ${count} transactions committed`);
  return file;
}

async function timed<T>(
  run: () => Promise<T> | T,
): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const value = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { value, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

async function main(): Promise<void> {
  const count = option('txs', 20_000);
  const file = await buildLedger(count, option('accounts', 60));
  const store = NodeStore.open(file);
  const pool = VerifyPool.create({ log: () => undefined });
  try {
    const head = await timed(() => loadState(store));
    if (!head.value.ok) throw new Error(`head check failed: ${head.value.reason}`);
    const verify = await timed(() => verifyStore(store, { pool }));
    if (verify.value.difference !== null) throw new Error('the ledger does not verify');
    const out = path.join(path.dirname(file), 'ledger.jsonl');
    const exported = await timed(() => {
      const fd = fs.openSync(out, 'wx');
      for (const line of exportLines(store)) fs.writeSync(fd, `${line}\n`);
      fs.closeSync(fd);
    });
    const verifyExport = await timed(() => verifyExportFile(out, { pool }));
    if (verifyExport.value.difference !== null) throw new Error('the export does not verify');
    const txs = verify.value.txs;
    const per100k = (s: number) => Math.round((s * 100_000 * 10) / txs) / 10;
    const figure = (t: { seconds: number; cpuSeconds: number }) => ({
      seconds: Math.round(t.seconds * 100) / 100,
      cpuSeconds: Math.round(t.cpuSeconds * 100) / 100,
      secondsPer100kTxs: per100k(t.seconds),
    });
    process.stdout.write(
      `${JSON.stringify({
        bench: 'verify',
        machine: {
          cores: os.cpus().length,
          cpu: os.cpus()[0]?.model ?? '',
          node: process.version,
          load1: os.loadavg()[0],
        },
        txs,
        bundles: verify.value.bundles,
        verifyThreads: pool.threads,
        backend: pool.backend,
        exportBytes: fs.statSync(out).size,
        startupHeadCheck: figure(head),
        verifyStore: figure(verify),
        export: figure(exported),
        verifyExport: figure(verifyExport),
      })}\n`,
    );
  } finally {
    await pool.close();
    store.close();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
