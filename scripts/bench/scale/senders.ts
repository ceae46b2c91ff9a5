/**
 * Series `senders`: the node over HTTP, one transaction per `POST /v1/tx`, as the number of
 * distinct active senders grows. Every sender holds its own ML-DSA-87 key: the first 60 are
 * registered at genesis (its limit is 64 keys), the others register through key events before the
 * load; all are funded (genesis accounts, up to its 10,000, then transfers). The load is
 * `max(loadTxs, senders)` transfers, round-robin over the senders, sent by the benchmark's HTTP
 * client in its own process (512 connections, one request in flight on each: a closed loop at a
 * fixed concurrency). Reported: commit rate, acknowledgement-to-commit latency, the verifiers'
 * expanded-key cache hit rate, and where the node's CPU went per thread.
 * @module
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { GENESIS_ACCOUNTS_MAX, devnetGenesis, type BundleResult } from '../../../runtime/engine';
import { buildApp } from '../../../runtime/node/api/app';
import { SignPool, type KeyPair } from '../../../runtime/crypto';
import { registerBody, transferBody, type TxWire } from '../../../runtime/sdk/tx-builder';
import { steadyRate } from '../steady-rate';
import {
  cpuSplit,
  feed,
  openBenchNode,
  say,
  scaleKey,
  SCALE_CHAIN_ID,
  SCALE_GENESIS_TIME,
  signAll,
  threadCpuMs,
  waitUntil,
  type BenchNode,
} from './common';

/** Senders registered at genesis (GENESIS_KEYS_MAX is 64; three keys are the node's). */
const GENESIS_SENDERS = 60;
/** Funding source for senders beyond what the genesis can fund. */
const WHALE_BALANCE = '1000000000';

export type SendersPoint = {
  readonly series: 'senders';
  readonly senders: number;
  readonly txs: number;
  readonly tps: number;
  readonly p50ms: number;
  readonly p99ms: number;
  readonly cacheHitRate: number | null;
  readonly mainCpuMsPerTx: number;
  readonly verifyCpuMsPerTx: number;
  readonly otherCpuMsPerTx: number;
  readonly clientRefusals: number;
  readonly wallSeconds: number;
};

/** Runs one point: `senders` distinct senders, `loadTxs` transactions at least. */
export async function sendersPoint(
  senders: number,
  loadTxs: number,
  signer: SignPool,
): Promise<SendersPoint> {
  const keys = Array.from({ length: senders }, (_, i) => scaleKey(`sender-${i}`));
  const node = await openBenchNode(
    sendersGenesis(keys),
    scaleKey('sequencer'),
    Math.max(loadTxs, senders),
  );
  try {
    await setUpSenders(node, keys, signer);
    const load = await loadFor(keys, Math.max(loadTxs, senders), signer);
    return await measureHttp(node, senders, load);
  } finally {
    await node.close();
    fs.rmSync(node.dir, { recursive: true, force: true });
  }
}

function sendersGenesis(keys: readonly KeyPair[]): Record<string, unknown> {
  const funded = keys.slice(0, GENESIS_ACCOUNTS_MAX - 1);
  return devnetGenesis({
    chainId: SCALE_CHAIN_ID,
    genesisTime: SCALE_GENESIS_TIME,
    sequencer: scaleKey('sequencer'),
    oracle: scaleKey('oracle'),
    admin: scaleKey('admin'),
    users: [...keys.slice(0, GENESIS_SENDERS), scaleKey('whale')],
    accounts: [
      ...funded.map((k) => ({ address: k.address, balances: { CHR: '1000000', FLX: '1000' } })),
      { address: scaleKey('whale').address, balances: { CHR: WHALE_BALANCE } },
    ],
    treasury: scaleKey('admin').address,
  });
}

/** Registrations of the senders beyond the genesis's, and funding of those it could not fund. */
async function setUpSenders(
  node: BenchNode,
  keys: readonly KeyPair[],
  signer: SignPool,
): Promise<void> {
  const whale = scaleKey('whale');
  const registrations = keys
    .slice(GENESIS_SENDERS)
    .map((key) => ({ key, nonce: 1n, body: registerBody(SCALE_CHAIN_ID, key) }));
  const funding = keys.slice(GENESIS_ACCOUNTS_MAX - 1).map((key, i) => ({
    key: whale,
    nonce: BigInt(i + 1),
    body: transferBody('CHR', key.address, '1000000'),
  }));
  if (registrations.length + funding.length === 0) return;
  say(`senders ${keys.length}: registering ${registrations.length}, funding ${funding.length}`);
  await feed(node, await signAll(signer, [...registrations, ...funding]));
}

/** `count` transfers, round-robin over the senders, each to the next sender. */
async function loadFor(
  keys: readonly KeyPair[],
  count: number,
  signer: SignPool,
): Promise<TxWire[]> {
  // A registration took nonce 1 of each sender the genesis did not register.
  const next: bigint[] = keys.map((_, i) => (i < GENESIS_SENDERS ? 1n : 2n));
  const plan = Array.from({ length: count }, (_, i) => {
    const s = i % keys.length;
    const to = keys[(s + 1) % keys.length] as KeyPair;
    const nonce = next[s] as bigint;
    next[s] = nonce + 1n;
    return { key: keys[s] as KeyPair, nonce, body: transferBody('CHR', to.address, '1') };
  });
  say(`senders ${keys.length}: signing a load of ${count}`);
  return signAll(signer, plan);
}

async function measureHttp(
  node: BenchNode,
  senders: number,
  load: readonly TxWire[],
): Promise<SendersPoint> {
  const file = path.join(node.dir, 'load.jsonl');
  writeLines(file, load);
  const app = buildApp(
    { sequencer: node.seq, version: 'bench-scale' },
    { limits: { rateLimitMax: 100_000_000 }, processMetrics: false },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const startCount = node.commits.count;
  const latency = recordCommitLatency(node);
  const cacheBefore = node.pool.cacheStats();
  const cpuBefore = threadCpuMs();
  const started = performance.now();
  try {
    const client = await runClient(`http://127.0.0.1:${port}`, file, load.length);
    const loadEndMs = performance.now();
    await waitUntil(
      () => node.commits.count >= startCount + load.length,
      30 * 60_000,
      'the load committed',
    );
    const cpu = cpuSplit(cpuBefore, threadCpuMs(), node.pool.osThreads());
    const marks = node.commits.marks
      .filter((m) => m.committed > startCount)
      .map((m) => ({ atMs: m.atMs, committed: m.committed - startCount }));
    const { tps } = steadyRate(marks, load.length, loadEndMs);
    return {
      series: 'senders',
      senders,
      txs: load.length,
      tps,
      p50ms: latency.percentile(0.5),
      p99ms: latency.percentile(0.99),
      cacheHitRate: hitRate(cacheBefore, node.pool.cacheStats()),
      mainCpuMsPerTx: round(cpu.mainMs / load.length, 4),
      verifyCpuMsPerTx: round(cpu.workersMs / load.length, 4),
      otherCpuMsPerTx: round(cpu.otherMs / load.length, 4),
      clientRefusals: client.refused,
      wallSeconds: round((performance.now() - started) / 1000, 1),
    };
  } finally {
    latency.stop();
    await app.close();
  }
}

/** One transaction a line, written in pieces (the whole load can exceed V8's longest string). */
function writeLines(file: string, txs: readonly TxWire[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (let i = 0; i < txs.length; i += 1000)
      fs.writeSync(
        fd,
        `${txs
          .slice(i, i + 1000)
          .map((t) => JSON.stringify(t))
          .join('\n')}\n`,
      );
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Acknowledgement-to-commit latency of every transaction: the time `submit` resolved (the 202)
 * to the time its bundle was announced, recorded in the node's process as `npm run bench` does.
 */
function recordCommitLatency(node: BenchNode) {
  const ackAt = new Map<string, number>();
  const latencies: number[] = [];
  const submit = node.seq.submit.bind(node.seq);
  node.seq.submit = async (wire: unknown) => {
    const r = await submit(wire);
    if (!ackAt.has(r.txHash)) ackAt.set(r.txHash, performance.now());
    return r;
  };
  const onBundle = (r: BundleResult) => {
    const now = performance.now();
    for (const receipt of r.receipts) {
      const acked = ackAt.get(receipt.txHash);
      if (acked !== undefined) latencies.push(now - acked);
    }
  };
  node.seq.on('bundle', onBundle);
  return {
    percentile(p: number): number {
      const sorted = [...latencies].sort((a, b) => a - b);
      return round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0, 1);
    },
    stop() {
      node.seq.submit = submit;
      node.seq.off('bundle', onBundle);
    },
  };
}

type ClientReport = { refused: number };

/** The benchmark's HTTP client (scripts/bench/http-client.ts) in its own process. */
function runClient(url: string, file: string, count: number): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        path.join(__dirname, '..', 'http-client.ts'),
        url,
        file,
        String(count),
        '512',
        '1',
        '1',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`http client exited with ${code}`));
      resolve({ refused: (JSON.parse(out) as { refused: number }).refused });
    });
  });
}

function hitRate(
  before: { hits: number; misses: number } | null,
  after: { hits: number; misses: number } | null,
): number | null {
  if (after === null) return null;
  const hits = after.hits - (before?.hits ?? 0);
  const misses = after.misses - (before?.misses ?? 0);
  return hits + misses === 0 ? null : round(hits / (hits + misses), 4);
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
