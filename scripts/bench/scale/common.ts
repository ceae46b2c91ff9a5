/**
 * What the scale benchmark's series share: deterministic keys, signing on a pool, a real node on a
 * temporary store (SQLite on disk, synchronous=FULL, seals signed), feeding it in-process, and the
 * CPU time of each of this process's threads from /proc.
 * @module
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getAddress } from 'ethers';
import { bytesToHex, canonicalString } from '../../../runtime/codec';
import {
  generateKeyPair,
  sign,
  SignatureContext,
  SignPool,
  verify,
  VerifyPool,
  type KeyPair,
} from '../../../runtime/crypto';
import {
  devnetGenesis,
  loadGenesis,
  txSigningBytes,
  type BundleResult,
} from '../../../runtime/engine';
import { osEntropy, systemClock } from '../../../runtime/node/clock';
import { Sequencer } from '../../../runtime/node/sequencer';
import { NodeStore } from '../../../runtime/node/store';
import type { TxWire } from '../../../runtime/sdk/tx-builder';

export const SCALE_CHAIN_ID = 'qfs-scale';
export const SCALE_GENESIS_TIME = 1_767_225_600_000n;

export const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
export const say = (line: string) => process.stderr.write(`bench:scale: ${line}\n`);

/** The key of `label`, derived from SHA-256("qfs-scale-" ‖ label): the same on every machine. */
export function scaleKey(label: string): KeyPair {
  return generateKeyPair(
    new Uint8Array(createHash('sha256').update(`qfs-scale-${label}`).digest()),
  );
}

/** A 20-byte address nobody holds a key for (an account that only receives), EIP-55 formed. */
export function receiverAddress(i: number): string {
  const hex = createHash('sha256').update(`qfs-scale-receiver-${i}`).digest('hex').slice(0, 40);
  return checksum(hex);
}

function checksum(lowerHex: string): string {
  return getAddress(`0x${lowerHex}`); // EIP-55 (keccak256 of the lowercase hex)
}

/** Signs `body` from `key` at `nonce` on the pool (both cores), as a client would. */
export async function signWire(
  pool: SignPool,
  key: KeyPair,
  nonce: bigint,
  body: Record<string, unknown>,
): Promise<TxWire> {
  const bytes = txSigningBytes({
    chainId: SCALE_CHAIN_ID,
    from: key.address,
    nonce,
    wireBody: body,
  });
  const signature = bytesToHex(await pool.sign(key.secretKey, bytes, SignatureContext.TX));
  return { chainId: SCALE_CHAIN_ID, from: key.address, nonce: nonce.toString(), body, signature };
}

/** Signs many, `width` at a time (the pool's queue stays short). */
export async function signAll(
  pool: SignPool,
  plan: readonly { key: KeyPair; nonce: bigint; body: Record<string, unknown> }[],
  width = 256,
): Promise<TxWire[]> {
  const out: TxWire[] = [];
  for (let i = 0; i < plan.length; i += width) {
    const slice = plan.slice(i, i + width);
    out.push(...(await Promise.all(slice.map((p) => signWire(pool, p.key, p.nonce, p.body)))));
  }
  return out;
}

export type BenchNode = {
  readonly dir: string;
  readonly store: NodeStore;
  readonly seq: Sequencer;
  readonly pool: VerifyPool;
  /** Committed transactions, and each commit's time and running total. */
  readonly commits: { count: number; marks: { atMs: number; committed: number }[] };
  close(): Promise<void>;
};

/** A sequencer on a new store in a temporary directory, with limits wide enough for the load. */
export async function openBenchNode(
  genesis: Record<string, unknown>,
  sequencerKey: KeyPair,
  capacity: number,
  bundleSizeMax = 1000,
  bundleIntervalMs?: number,
): Promise<BenchNode> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qfs-scale-'));
  const store = NodeStore.open(path.join(dir, 'qfs.db'));
  const { keyGenesis } = loadGenesis(genesis);
  store.setMeta('genesis', canonicalString(genesis));
  store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  return startOn(dir, store, sequencerKey, capacity, bundleSizeMax, bundleIntervalMs);
}

/** A devnet genesis whose `senders` are registered and hold 10^9 CHR each. */
export function fundedGenesis(senders: readonly KeyPair[]): Record<string, unknown> {
  return devnetGenesis({
    chainId: SCALE_CHAIN_ID,
    genesisTime: SCALE_GENESIS_TIME,
    sequencer: scaleKey('sequencer'),
    oracle: scaleKey('oracle'),
    admin: scaleKey('admin'),
    users: senders,
    accounts: senders.map((k) => ({ address: k.address, balances: { CHR: '1000000000' } })),
    treasury: scaleKey('admin').address,
  });
}

/** Opens the node again on the store of `dir` (a restart). */
export async function reopenBenchNode(
  dir: string,
  sequencerKey: KeyPair,
  capacity: number,
): Promise<BenchNode> {
  return startOn(dir, NodeStore.open(path.join(dir, 'qfs.db')), sequencerKey, capacity, 1000);
}

async function startOn(
  dir: string,
  store: NodeStore,
  key: KeyPair,
  capacity: number,
  bundleSizeMax: number,
  bundleIntervalMs?: number,
): Promise<BenchNode> {
  const pool = VerifyPool.create({ log: () => undefined });
  const signer = new SignPool(1);
  const seq = await Sequencer.open({
    store,
    key,
    signer,
    clock: systemClock,
    entropy: osEntropy,
    pool,
    limits: {
      bundleSizeMax,
      ...(bundleIntervalMs === undefined ? {} : { bundleIntervalMs }),
      mempoolCapacity: capacity + 1000,
      mempoolPerSenderMax: Math.max(256, capacity),
      mempoolGapPerSenderMax: Math.max(16, capacity),
    },
    log: silent,
  });
  const commits = { count: 0, marks: [] as { atMs: number; committed: number }[] };
  seq.on('bundle', (r: BundleResult) => {
    commits.count += r.receipts.length;
    commits.marks.push({ atMs: performance.now(), committed: commits.count });
  });
  seq.start();
  return {
    dir,
    store,
    seq,
    pool,
    commits,
    async close() {
      await seq.stop();
      await pool.close();
      await signer.close();
      store.close();
    },
  };
}

/** Submits every transaction in-process (as the HTTP handler would) and waits for its commit. */
export async function feed(node: BenchNode, txs: readonly unknown[]): Promise<void> {
  const target = node.commits.count + txs.length;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < txs.length; i = next++) {
      for (let attempt = 0; ; attempt++) {
        try {
          await node.seq.submit(txs[i]);
          break;
        } catch (err) {
          if (attempt > 1000) throw err;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 256 }, worker));
  await waitUntil(() => node.commits.count >= target, 30 * 60_000, 'every transaction committed');
}

export async function waitUntil(done: () => boolean, limitMs: number, what: string): Promise<void> {
  const until = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`bench:scale: ${what} not reached in ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Bytes of the store on disk (database, WAL and shared memory). */
export function storeBytes(dir: string): number {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('qfs.db'))
    .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
}

/** CPU time (ms, user + system) of each thread of this process, by OS thread id (Linux /proc). */
export function threadCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(fields[11]) + Number(fields[12])) * tick);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** Per-thread CPU between two readings, split into the main thread, `workers` and the rest. */
export function cpuSplit(
  before: Map<number, number>,
  after: Map<number, number>,
  workers: readonly number[],
): { mainMs: number; workersMs: number; otherMs: number } {
  let mainMs = 0;
  let workersMs = 0;
  let otherMs = 0;
  for (const [tid, ms] of after) {
    const delta = ms - (before.get(tid) ?? 0);
    if (tid === process.pid) mainMs += delta;
    else if (workers.includes(tid)) workersMs += delta;
    else otherMs += delta;
  }
  return { mainMs, workersMs, otherMs };
}

/**
 * This thread's cost of one ML-DSA-87 verification, in ms: `missMs` with a key the verifier has
 * not seen (it expands the key), `hitMs` with one it has (QFS's native verifier caches expanded
 * keys; noble does not, so there both are the same). The unit the CPU split is reported in.
 */
export function verifyCostMs(count = 200): { missMs: number; hitMs: number } {
  const keys = Array.from({ length: count }, (_, i) => scaleKey(`verify-cost-${i}`));
  const message = new Uint8Array([1, 2, 3]);
  const sigs = keys.map((k) => sign(k.secretKey, message, SignatureContext.TX));
  const time = (run: () => void) => {
    const started = performance.now();
    run();
    return (performance.now() - started) / count;
  };
  const missMs = time(() =>
    keys.forEach((k, i) =>
      verify(k.publicKey, message, sigs[i] as Uint8Array, SignatureContext.TX),
    ),
  );
  const first = keys[0] as KeyPair;
  const sig = sigs[0] as Uint8Array;
  const hitMs = time(() => {
    for (let i = 0; i < count; i++) verify(first.publicKey, message, sig, SignatureContext.TX);
  });
  return { missMs, hitMs };
}
