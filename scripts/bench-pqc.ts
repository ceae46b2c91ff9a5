/**
 * `npm run bench:pqc`: ML-DSA-87 throughput on this machine, as JSON lines.
 * - sign/s for each signer (deterministic: noble; QFS's native addon if built) and verify/s for
 *   each backend (noble; native if present, with its cache of expanded keys and without it: the
 *   sample is 32 signatures under one key)
 * - verify/s through the worker-thread VerifyPool at 1..N threads (N = cores) for each backend
 * Each figure runs for about `--ms` milliseconds (default 1500) after a 2 s warm-up (3.5 s for
 * pools); the default run takes about 45 s on 2 cores. Works without the native build (prints a note and skips
 * the native figures). Figures are measurements, never test assertions.
 *
 * Usage: npm run bench:pqc [-- --ms=1500 --threads=N]
 * @module
 */
import os from 'node:os';
import {
  contextMessage,
  createNativeBackend,
  generateKeyPair,
  nobleBackend,
  nobleSigner,
  selectSignBackend,
  selectVerifyBackend,
  sign,
  SignatureContext,
  VerifyPool,
  type VerifyBackend,
  type VerifyItem,
} from '../runtime/crypto';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k ?? '', v ?? ''];
  }),
);
const MEASURE_MS = Number(args.get('ms') ?? 1500);
const THREADS_MAX = Number(args.get('threads') ?? os.availableParallelism());
const SAMPLE_COUNT = 32;
/** Warm-up before each figure: noble needs about two seconds of JIT before it reaches full speed. */
const WARM_MS = 2000;
/** Pool warm-up: workers also load ts-node on start (about a second each), then warm their JIT. */
const POOL_WARM_MS = 3500;

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'pqc', ...record })}\n`);
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Runs `round` (which performs `perRound` operations) for `warmMs` without counting (JIT, worker
 * start-up), then until MEASURE_MS have passed.
 */
async function rate(
  perRound: number,
  round: () => unknown,
  warmMs = WARM_MS,
): Promise<{ perSecond: number; count: number; ms: number }> {
  const warmStart = nowMs();
  do await round();
  while (nowMs() - warmStart < warmMs);
  let count = 0;
  const start = nowMs();
  let elapsed = 0;
  while (elapsed < MEASURE_MS) {
    await round();
    count += perRound;
    elapsed = nowMs() - start;
  }
  return { perSecond: Math.round((count / elapsed) * 1000), count, ms: Math.round(elapsed) };
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  emit({
    kind: 'machine',
    cores: os.availableParallelism(),
    cpu: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    measureMs: MEASURE_MS,
  });

  const key = generateKeyPair(new Uint8Array(32).fill(1));
  const messages = Array.from({ length: SAMPLE_COUNT }, (_, i) =>
    new TextEncoder().encode(`{"tx":"${i}","amount":"1000"}`),
  );
  const context = SignatureContext.TX;
  const signatures = messages.map((m) => sign(key.secretKey, m, context));
  const framed = messages.map((m) => contextMessage(context, m));
  const items: VerifyItem[] = messages.map((message, i) => ({
    publicKey: key.publicKey,
    message,
    signature: signatures[i] as Uint8Array,
    context,
  }));

  const nativeSigner = selectSignBackend('native');
  for (const signer of nativeSigner === nobleSigner ? [nobleSigner] : [nobleSigner, nativeSigner]) {
    let i = 0;
    emit({
      op: 'sign',
      backend: signer.name,
      via: signer.implementation,
      ...(await rate(1, () =>
        signer.sign(key.secretKey, framed[i++ % SAMPLE_COUNT] as Uint8Array),
      )),
    });
  }

  const notes: string[] = [];
  const native = selectVerifyBackend({ log: (line) => notes.push(line) });
  const backends: VerifyBackend[] =
    native.name === 'native' ? [nobleBackend, native] : [nobleBackend];
  if (native.name !== 'native')
    emit({ note: `native backend unavailable, native figures skipped (${notes.join('; ')})` });

  // The native backend once more with its key cache off: every verification expands the key.
  // (pqclean's own addon, with QFS_NATIVE_BUILD=0, has no cache: that line would repeat the first.)
  const uncached = native.implementation.startsWith('QFS verifier')
    ? [createNativeBackend(undefined, 0)]
    : [];
  for (const backend of [...backends, ...uncached]) {
    let j = 0;
    const verifyOne = () => {
      const k = j++ % SAMPLE_COUNT;
      if (!backend.verify(key.publicKey, framed[k] as Uint8Array, signatures[k] as Uint8Array))
        throw new Error('bad');
    };
    const result = await rate(1, verifyOne);
    emit({
      op: 'verify',
      backend: backend.name,
      via: backend.implementation,
      threads: 1,
      ...result,
    });
  }

  for (const backend of backends) {
    for (let threads = 1; threads <= THREADS_MAX; threads++) {
      const pool = VerifyPool.create({ threads, backend: backend.name });
      try {
        const batchItems =
          backend.name === 'native' ? [...items, ...items, ...items, ...items] : items;
        const result = await rate(
          batchItems.length,
          async () => {
            const verdicts = await pool.verifyBatch(batchItems);
            if (!verdicts.every(Boolean)) throw new Error('bad');
          },
          POOL_WARM_MS,
        );
        emit({ op: 'pool-verify', backend: backend.name, threads, ...result });
      } finally {
        await pool.close();
      }
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
