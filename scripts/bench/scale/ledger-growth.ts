/**
 * Series `accounts` and `height`: one ledger grown in-process, bundle after bundle, by transfers
 * from 60 funded senders to fresh addresses (each transfer adds an account and a transaction), and
 * measured at each checkpoint:
 * - accounts: per-bundle time in the engine and in the SQLite commit (the sequencer's own timing
 *   of the last bundles), the state-root update for a bundle's worth of changed accounts on the
 *   account tree as it stands, the process's RSS and the store's size;
 * - height (the node stopped and opened again on the same store): opening the sequencer (state
 *   reload), the full verification pass (`qfs verify`, and `qfs replay`, which is the same pass
 *   since issue 19) in transactions per second, and the time to serve the oldest and the newest
 *   transaction and bundle over the API.
 * @module
 */
import fs from 'node:fs';
import { SignPool, type KeyPair } from '../../../runtime/crypto';
import { getAccount, updateAccounts, type Account } from '../../../runtime/engine';
import { buildApp } from '../../../runtime/node/api/app';
import type { BundleTiming } from '../../../runtime/node/sequencer';
import { verifyStore } from '../../../runtime/node/verify';
import { transferBody } from '../../../runtime/sdk/tx-builder';
import {
  feed,
  fundedGenesis,
  openBenchNode,
  receiverAddress,
  reopenBenchNode,
  say,
  scaleKey,
  signAll,
  storeBytes,
  type BenchNode,
} from './common';
import { round } from './senders';

const SENDERS = 60;
/** Transfers per fed chunk: signed, then fed, then the next (the node sees ~1,000-tx bundles). */
const CHUNK = 10_000;
/** Accounts a bundle of 1,000 transfers changes: its senders and 1,000 receivers. */
const ROOT_PROBE_CHANGES = 1_060;

export type AccountsPoint = {
  readonly series: 'accounts';
  readonly accounts: number;
  readonly bundleExecuteMs: number;
  readonly bundleCommitMs: number;
  readonly bundleTxs: number;
  readonly stateRootUpdateMs: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly storeMb: number;
};

export type HeightPoint = {
  readonly series: 'height';
  readonly txs: number;
  readonly bundles: number;
  readonly storeMb: number;
  readonly reopenSeconds: number;
  readonly verifyTxsPerSecond: number;
  readonly verifySeconds: number;
  readonly serveOldestTxMs: number;
  readonly serveNewestTxMs: number;
  readonly serveOldestBundleMs: number;
  readonly serveNewestBundleMs: number;
};

type Growth = {
  node: BenchNode;
  readonly senders: readonly KeyPair[];
  readonly nonces: bigint[];
  txs: number;
  readonly timings: BundleTiming[];
};

/**
 * Grows the ledger through every checkpoint (ascending; accounts ≈ transactions + 61 genesis
 * accounts) and yields the points of both series as it passes each.
 */
export async function* ledgerGrowth(
  checkpoints: readonly number[],
  heightCheckpoints: readonly number[],
  signer: SignPool,
): AsyncGenerator<AccountsPoint | HeightPoint> {
  const senders = Array.from({ length: SENDERS }, (_, i) => scaleKey(`grower-${i}`));
  const node = await openBenchNode(fundedGenesis(senders), scaleKey('sequencer'), CHUNK);
  const g: Growth = { node, senders, nonces: senders.map(() => 0n), txs: 0, timings: [] };
  follow(g);
  const marks = [...new Set([...checkpoints, ...heightCheckpoints])].sort((a, b) => a - b);
  try {
    for (const mark of marks) {
      while (g.txs < mark) await grow(g, signer, Math.min(CHUNK, mark - g.txs));
      if (checkpoints.includes(mark)) yield accountsPoint(g);
      if (heightCheckpoints.includes(mark)) yield await heightPoint(g);
    }
  } finally {
    await g.node.close();
    fs.rmSync(g.node.dir, { recursive: true, force: true });
  }
}

function follow(g: Growth): void {
  g.node.seq.on('timing', (t: BundleTiming) => {
    g.timings.push(t);
    if (g.timings.length > 64) g.timings.shift();
  });
}

/** Signs and feeds `count` more transfers, each to a fresh address. */
async function grow(g: Growth, signer: SignPool, count: number): Promise<void> {
  const plan = Array.from({ length: count }, (_, k) => {
    const i = g.txs + k;
    const s = i % SENDERS;
    g.nonces[s] = (g.nonces[s] as bigint) + 1n;
    return {
      key: g.senders[s] as KeyPair,
      nonce: g.nonces[s] as bigint,
      body: transferBody('CHR', receiverAddress(i), '1'),
    };
  });
  await feed(g.node, await signAll(signer, plan));
  g.txs += count;
  say(`ledger: ${g.txs} transactions, ${Number(g.node.seq.state.height)} bundles`);
}

function accountsPoint(g: Growth): AccountsPoint {
  const full = g.timings.filter((t) => t.txs >= 500); // the load's bundles, not a tail's
  const median = (values: number[]) =>
    round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0, 2);
  (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  return {
    series: 'accounts',
    accounts: g.node.seq.state.accounts.size,
    bundleExecuteMs: median(full.map((t) => t.executeMs)),
    bundleCommitMs: median(full.map((t) => t.commitMs)),
    bundleTxs: median(full.map((t) => t.txs)),
    stateRootUpdateMs: stateRootProbe(g),
    rssMb: Math.round(memory.rss / 2 ** 20),
    heapMb: Math.round(memory.heapUsed / 2 ** 20),
    storeMb: round(storeBytes(g.node.dir) / 2 ** 20, 1),
  };
}

/**
 * The state commitment's cost for one bundle on the tree as it stands: a bundle's worth of
 * changed accounts (existing senders and new receivers) applied to the account tree, which
 * re-hashes the touched buckets and their paths to the root. Median of five.
 */
function stateRootProbe(g: Growth): number {
  const tree = g.node.seq.state.accounts;
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const updates = new Map<string, Account>();
    for (const s of g.senders) {
      const a = getAccount(tree, s.address) as Account;
      updates.set(s.address, { ...a, nonce: a.nonce + 1n });
    }
    for (let k = 0; updates.size < ROOT_PROBE_CHANGES; k++) {
      const address = receiverAddress(10_000_000 + r * 10_000 + k);
      updates.set(address, {
        balances: (getAccount(tree, g.senders[0]?.address ?? '') as Account).balances,
        nonce: 0n,
      });
    }
    const started = performance.now();
    updateAccounts(tree, updates);
    runs.push(performance.now() - started);
  }
  return round(runs.sort((a, b) => a - b)[2] as number, 2);
}

/** Stops the node, opens it again on its store, verifies it, and times reads at both ends. */
async function heightPoint(g: Growth): Promise<HeightPoint> {
  const dir = g.node.dir;
  await g.node.close();
  const reopening = performance.now();
  g.node = await reopenBenchNode(dir, scaleKey('sequencer'), CHUNK);
  const reopenSeconds = (performance.now() - reopening) / 1000;
  follow(g);
  const verifying = performance.now();
  const verified = await verifyStore(g.node.store, { pool: g.node.pool });
  const verifySeconds = (performance.now() - verifying) / 1000;
  if (verified.difference !== null) throw new Error('bench:scale: the grown ledger did not verify');
  const serve = await serveTimes(g.node);
  return {
    series: 'height',
    txs: verified.txs,
    bundles: verified.bundles,
    storeMb: round(storeBytes(dir) / 2 ** 20, 1),
    reopenSeconds: round(reopenSeconds, 2),
    verifyTxsPerSecond: Math.round(verified.txs / verifySeconds),
    verifySeconds: round(verifySeconds, 1),
    ...serve,
  };
}

/** Median time of 25 API reads of the oldest and newest transaction and bundle (in-process). */
async function serveTimes(node: BenchNode) {
  const app = buildApp(
    { sequencer: node.seq, version: 'bench-scale' },
    { limits: { rateLimitMax: 100_000_000 }, processMetrics: false },
  );
  try {
    const head = node.store.headHeight();
    const oldest = node.store.bundleTxs(0)[0]?.txHash ?? '';
    const newest = node.store.bundleTxs(head).at(-1)?.txHash ?? '';
    const time = async (url: string) => {
      const runs: number[] = [];
      for (let i = 0; i < 25; i++) {
        const started = performance.now();
        const res = await app.inject({ method: 'GET', url });
        if (res.statusCode !== 200)
          throw new Error(`bench:scale: ${url} answered ${res.statusCode}`);
        runs.push(performance.now() - started);
      }
      return round(runs.sort((a, b) => a - b)[12] as number, 3);
    };
    return {
      serveOldestTxMs: await time(`/v1/tx/${oldest}`),
      serveNewestTxMs: await time(`/v1/tx/${newest}`),
      serveOldestBundleMs: await time('/v1/bundles/0'),
      serveNewestBundleMs: await time(`/v1/bundles/${head}`),
    };
  } finally {
    await app.close();
  }
}
