/**
 * `npm run bench -- --replicas N --json`: HolonetSync under the benchmark load. The sequencer runs
 * in this process (store on disk, synchronous=FULL, packets and seals signed, the hub pushing every
 * sealed bundle on the stream) and is fed the benchmark workload in-process as `--modes inproc`
 * feeds it; N replicas run as `qfs replica start` child processes, each re-verifying every
 * signature and re-executing every bundle into its own store, cosigning, and reporting. It prints,
 * for the same run: the sequencer's committed rate; each replica's follow rate over its own steady
 * window, its capacity (transactions over the seconds it was busy) and their ratios to the
 * sequencer's rate; commit → confirmation p50/p99; the stream's bytes per transaction; CPU per
 * transaction of each process; then the catch-up rate of one more replica started from zero on the
 * whole ledger (its ratio to the sequencer's rate). docs/scaling.md quotes it.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { bytesToHex, canonicalString } from '../../runtime/codec';
import { createKeyFile, SignPool, VerifyPool, writeKeyFile } from '../../runtime/crypto';
import { loadGenesis, type BundleResult } from '../../runtime/engine';
import { buildApp } from '../../runtime/node/api/app';
import { osEntropy, systemClock } from '../../runtime/node/clock';
import { Sequencer } from '../../runtime/node/sequencer';
import { NodeStore } from '../../runtime/node/store';
import { SyncHub } from '../../runtime/sync/hub';
import type { Attestation, QuorumCertificate } from '../../runtime/sync/protocol';
import { genesisHashOf, initReplicaDir } from '../../runtime/sync/replica-dir';
import { syncRoutes } from '../../runtime/sync/routes';
import { SyncStore } from '../../runtime/sync/sync-store';
import { steadyRate, type BundleMark } from './steady-rate';
import { benchSequencerKey, loadWorkload } from './workload';

const ROOT = path.join(__dirname, '..', '..');
const PASSPHRASE = 'qfs-bench-replicas';
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

export type ReplicaBenchArgs = {
  readonly txs: number;
  readonly replicas: number;
  /** Verification threads per replica (0: one per core). */
  readonly replicaThreads: number;
  readonly v8PoolSize: number;
};

type Child = {
  readonly child: ChildProcess;
  readonly url: string;
  readonly dir: string;
  readonly address: string;
};

/** Runs the replica benchmark; resolves with the JSON objects to print. */
export async function runReplicaBench(args: ReplicaBenchArgs): Promise<Record<string, unknown>[]> {
  // Genesis holds at most 64 keys: sequencer, oracle, admin, the replicas, and the senders.
  const accounts = 64 - 3 - args.replicas - 1;
  const workload = loadWorkload(args.txs, accounts, log);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-bench-sync-'));
  const replicaKeys = Array.from({ length: args.replicas + 1 }, (_, i) => {
    const made = createKeyFile(PASSPHRASE, { scryptN: 2 ** 14 });
    const file = path.join(root, `replica-${i + 1}.key`);
    writeKeyFile(file, made.file);
    return { file, keyPair: made.keyPair };
  });
  const genesis = {
    ...workload.genesis,
    keys: [
      ...(workload.genesis.keys as unknown[]),
      // The last key catches up from zero at the end; it is not a member (its attestations do not count).
      ...replicaKeys
        .slice(0, args.replicas)
        .map((k) => ({ publicKey: bytesToHex(k.keyPair.publicKey), capabilities: ['replica'] })),
    ],
  };
  const node = await startSequencer(root, genesis, args.txs);
  const ports = await Promise.all(replicaKeys.map(() => freePort()));
  const children: Child[] = [];
  try {
    for (let i = 0; i < args.replicas; i++)
      children.push(
        await startReplicaChild(
          root,
          i,
          node.url,
          genesis,
          replicaKeys[i] as ReplicaKey,
          ports,
          args,
        ),
      );
    const live = await measureLoad(node, workload.txs.slice(0, args.txs), children, args);
    const catchUp = await measureCatchUp(
      root,
      node,
      genesis,
      replicaKeys[args.replicas] as ReplicaKey,
      ports,
      args,
      live.sequencerTps as number,
    );
    return [{ ...live, catchUp }];
  } finally {
    for (const c of children) c.child.kill('SIGTERM');
    await Promise.all(children.map((c) => exited(c.child)));
    await node.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

type ReplicaKey = { readonly file: string; readonly keyPair: { readonly address: string } };

type SequencerNode = {
  readonly url: string;
  readonly sequencer: Sequencer;
  readonly hub: SyncHub;
  close(): Promise<void>;
};

async function startSequencer(
  root: string,
  genesis: Record<string, unknown>,
  txs: number,
): Promise<SequencerNode> {
  const dir = path.join(root, 'sequencer');
  fs.mkdirSync(dir);
  const store = NodeStore.open(path.join(dir, 'qfs.db'));
  const { keyGenesis } = loadGenesis(genesis);
  store.setMeta('genesis', canonicalString(genesis));
  store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  const pool = VerifyPool.create({ log: () => undefined });
  const signer = new SignPool(1);
  const sequencer = await Sequencer.open({
    store,
    signer,
    key: benchSequencerKey(),
    clock: systemClock,
    entropy: osEntropy,
    pool,
    limits: { mempoolCapacity: txs + 1000, mempoolPerSenderMax: txs },
    log: silent,
  });
  const sync = SyncStore.open(path.join(dir, 'sync.db'));
  const hub = new SyncHub({
    sequencer,
    sync,
    clock: systemClock,
    log: silent,
    driftMaxMs: 10_000n,
  });
  hub.start();
  const app = buildApp(
    {
      sequencer,
      version: 'bench',
      confirmation: (h) => hub.confirmation(h),
      syncStatus: () => hub.status(),
      routes: [
        syncRoutes({ store, sync, stream: hub.stream, receiveReport: (b) => hub.receiveReport(b) }),
      ],
    },
    { limits: { rateLimitMax: 100_000_000 }, processMetrics: false },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  sequencer.start();
  return {
    url,
    sequencer,
    hub,
    close: async () => {
      await sequencer.stop();
      hub.stop();
      await app.close();
      await pool.close();
      await signer.close();
      store.close();
      sync.close();
    },
  };
}

async function startReplicaChild(
  root: string,
  i: number,
  follow: string,
  genesis: unknown,
  key: ReplicaKey,
  ports: readonly number[],
  args: ReplicaBenchArgs,
  peers = true,
): Promise<Child> {
  const keyFile = key.file;
  const dir = path.join(root, `replica-${i + 1}`);
  initReplicaDir({
    dir,
    passphrase: PASSPHRASE,
    follow,
    genesis,
    genesisHash: genesisHashOf(genesis),
    keyFile,
    port: ports[i] as number,
    peers: peers
      ? ports
          .slice(0, args.replicas)
          .filter((_, j) => j !== i)
          .map((p) => `http://127.0.0.1:${p}`)
      : [],
  });
  if (args.replicaThreads > 0) {
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ ...config, verifyThreads: args.replicaThreads }),
    );
  }
  const child = spawn(
    process.execPath,
    [
      ...profileFlags(peers),
      `--v8-pool-size=${args.v8PoolSize}`,
      path.join(ROOT, 'bin', 'qfs.js'),
      'replica',
      'start',
      '--dir',
      dir,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, QFS_PASSPHRASE: PASSPHRASE, QFS_LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match !== null) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`replica ${i + 1} exited with ${code}: ${out}`)));
  });
  return { child, url, dir, address: key.keyPair.address };
}

async function measureLoad(
  node: SequencerNode,
  txs: readonly unknown[],
  children: readonly Child[],
  args: ReplicaBenchArgs,
): Promise<Record<string, unknown>> {
  const count = txs.length;
  const bundles: BundleMark[] = [];
  const heightTxs = new Map<number, number>(); // height → transactions committed up to it
  let committed = 0;
  node.sequencer.on('bundle', (r: BundleResult) => {
    committed += r.receipts.length;
    heightTxs.set(Number(r.height), committed);
    bundles.push({ atMs: performance.now(), committed });
  });
  const attested = new Map<string, BundleMark[]>();
  const attestedHeight = new Map<string, number>();
  node.hub.on('attestation', (a: Attestation) => {
    const marks = attested.get(a.replica) ?? [];
    marks.push({ atMs: performance.now(), committed: heightTxs.get(Number(a.height)) ?? 0 });
    attested.set(a.replica, marks);
    attestedHeight.set(a.replica, Math.max(attestedHeight.get(a.replica) ?? -1, Number(a.height)));
  });
  const confirmMs: number[] = [];
  node.hub.on('confirmed', (_c: QuorumCertificate, ms: number | null) => {
    if (ms !== null) confirmMs.push(ms);
  });
  const cpu0 = { seq: process.cpuUsage(), replicas: children.map((c) => cpuMs(c.child.pid)) };
  const busy0 = await Promise.all(
    children.map((c) => metric(c.url, 'qfs_replica_busy_seconds_total')),
  );
  const bytes0 = node.hub.stream.bytesWritten;
  const started = performance.now();
  await feed(node.sequencer, txs);
  const loadEndMs = performance.now();
  await waitUntil(() => committed >= count, 600_000);
  const head = Number(node.sequencer.state.height) - 1;
  await waitUntil(
    () =>
      node.hub.confirmation(head) !== null &&
      children.every((c) => (attestedHeight.get(c.address) ?? -1) >= head),
    600_000,
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const seqCpu = process.cpuUsage(cpu0.seq);
  const busy1 = await Promise.all(
    children.map((c) => metric(c.url, 'qfs_replica_busy_seconds_total')),
  );
  const sequencerTps = steadyRate(bundles, count, loadEndMs).tps;
  const replicas = await Promise.all(
    children.map(async (c, i) => {
      const marks = attested.get(c.address) ?? [];
      const followTps = steadyRate(marks, count, Number.POSITIVE_INFINITY).tps;
      const busySeconds = (busy1[i] ?? 0) - (busy0[i] ?? 0);
      const capacityTps = busySeconds > 0 ? Math.round(count / busySeconds) : 0;
      const lagAtLoadEnd = committedAt(bundles, loadEndMs) - committedAt(marks, loadEndMs);
      return {
        address: c.address,
        followTps,
        ratio: round2(followTps / sequencerTps),
        busySeconds: round2(busySeconds),
        capacityTps,
        capacityRatio: round2(capacityTps / sequencerTps),
        txsBehindAtLoadEnd: lagAtLoadEnd,
        cpuMsPerTx: round2(((cpuMs(c.child.pid) ?? 0) - (cpu0.replicas[i] ?? 0)) / count),
      };
    }),
  );
  confirmMs.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(confirmMs[Math.min(confirmMs.length - 1, Math.floor(confirmMs.length * p))] ?? 0);
  const bytes = node.hub.stream.bytesWritten - bytes0;
  return {
    mode: 'replicas',
    replicas: args.replicas,
    txs: count,
    bundles: bundles.length,
    sequencerTps,
    sequencerCpuMsPerTx: round2((seqCpu.user + seqCpu.system) / 1000 / count),
    replicaFollow: replicas,
    confirmP50ms: pct(0.5),
    confirmP99ms: pct(0.99),
    confirmations: confirmMs.length,
    streamBytesPerTxPerReplica: Math.round(bytes / args.replicas / count),
    streamMBpsPerReplicaAtSequencerRate: round2(
      ((bytes / args.replicas / count) * sequencerTps) / 2 ** 20,
    ),
    wallSeconds: round2(wallSeconds),
    verifyThreadsPerReplica:
      args.replicaThreads === 0 ? os.availableParallelism() : args.replicaThreads,
  };
}

async function measureCatchUp(
  root: string,
  node: SequencerNode,
  genesis: unknown,
  key: ReplicaKey,
  ports: readonly number[],
  args: ReplicaBenchArgs,
  sequencerTps: number,
): Promise<Record<string, unknown>> {
  const head = Number(node.sequencer.state.height) - 1;
  const txs = countTxs(node.sequencer.store, head);
  const fresh = await startReplicaChild(
    root,
    args.replicas,
    node.url,
    genesis,
    key,
    ports,
    args,
    false,
  );
  const started = performance.now();
  const cpu0 = cpuMs(fresh.child.pid);
  try {
    await waitUntilAsync(async () => {
      const s = (await (await fetch(`${fresh.url}/v1/status`)).json()) as { height: number | null };
      return s.height === head;
    }, 600_000);
    const seconds = (performance.now() - started) / 1000;
    const tps = Math.round(txs / seconds);
    return {
      txs,
      bundles: head + 1,
      seconds: round2(seconds),
      tps,
      ratioToSequencer: round2(tps / sequencerTps),
      cpuMsPerTx: round2(((cpuMs(fresh.child.pid) ?? 0) - (cpu0 ?? 0)) / txs),
      note: 'from the replica process listening to its height equal to the head; the sequencer idle',
    };
  } finally {
    fresh.child.kill('SIGTERM');
    await exited(fresh.child);
  }
}

/**
 * `BENCH_CPU_PROF_DIR=D`: the catch-up replica writes a V8 CPU profile there (where its time goes;
 * `node --cpu-prof`).
 */
function profileFlags(member: boolean): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return member || dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

function countTxs(store: NodeStore, head: number): number {
  let n = 0;
  for (let h = 0; h <= head; h++) n += store.bundle(h)?.txCount ?? 0;
  return n;
}

async function feed(seq: Sequencer, txs: readonly unknown[]): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= txs.length) return;
      for (let attempt = 0; ; attempt++) {
        try {
          await seq.submit(txs[i]);
          break;
        } catch (err) {
          if (attempt > 500) throw err;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 512 }, worker));
}

function committedAt(marks: readonly BundleMark[], atMs: number): number {
  let n = 0;
  for (const m of marks) if (m.atMs <= atMs) n = Math.max(n, m.committed);
  return n;
}

/** CPU time (ms) of a child process, all threads, from /proc (null where there is none). */
function cpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in 1/100 s
  } catch {
    return null;
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitUntilAsync(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
