/**
 * `npm run bench:scale -- --preset quick|full --json`: how the node's costs grow, one dimension at
 * a time, with real ML-DSA-87 signatures, a real store and real HTTP (issue 24). One JSON object per
 * line: first the machine (with its single-thread verification cost, the unit the CPU split is
 * given in), then one per point of each series:
 * - `senders` (scale/senders.ts): distinct active senders over HTTP — TPS, latency, key-cache hit
 *   rate, main-thread and verification CPU per transaction;
 * - `accounts` and `height` (scale/ledger-growth.ts): one ledger grown bundle by bundle — per-bundle
 *   engine and commit time, state-root update, memory, store size; reopen time, verification rate,
 *   read latency at both ends;
 * - `anchoring` (scale/anchoring.ts): gas and time per epoch as its changed balances grow.
 * Not part of CI: the quick preset takes ~10 minutes on two vCPUs, the full one over an hour.
 * Options: --preset smoke|quick|full (default quick; smoke runs every series small, to check it), --series senders,accounts,anchoring (default all;
 * `accounts` also yields the `height` points), --json, --out FILE (also write the lines there),
 * --append (add to FILE), and --senders, --accounts, --height, --anchoring N,N… (points instead of
 * the preset's, e.g. to run one point again).
 * `npm run plot:scale -- FILE` renders the lines into docs/performance/*.svg.
 */
import fs from 'node:fs';
import os from 'node:os';
import { getSignBackend, selectVerifyBackend, SignPool } from '../runtime/crypto';
import { anchoringSeries } from './bench/scale/anchoring';
import { verifyCostMs, say } from './bench/scale/common';
import { ledgerGrowth } from './bench/scale/ledger-growth';
import { round, sendersPoint } from './bench/scale/senders';
import { NODE_DEFAULT_V8_POOL_SIZE, rerunWithPoolSize, v8PoolSizeFlag } from './bench/v8-pool';

type Preset = {
  readonly senders: readonly number[];
  readonly loadTxs: number;
  readonly accounts: readonly number[];
  readonly height: readonly number[];
  readonly anchoring: readonly number[];
};

export const PRESETS: Readonly<Record<'smoke' | 'quick' | 'full', Preset>> = Object.freeze({
  /** A minute or two: every series runs at small sizes (a check of the script, not a measurement). */
  smoke: {
    senders: [60, 200],
    loadTxs: 2_000,
    accounts: [500, 2_000],
    height: [2_000],
    anchoring: [100],
  },
  quick: {
    senders: [60, 1_000, 10_000],
    loadTxs: 20_000,
    accounts: [1_000, 10_000, 100_000],
    height: [10_000, 100_000],
    anchoring: [100, 400, 1_000, 2_000],
  },
  full: {
    senders: [60, 1_000, 10_000, 100_000],
    loadTxs: 20_000,
    accounts: [1_000, 10_000, 100_000, 1_000_000],
    height: [10_000, 100_000, 1_000_000],
    anchoring: [100, 400, 1_000, 2_000, 4_000, 8_000],
  },
});

type Args = {
  preset: keyof typeof PRESETS;
  /** The preset's points, with any list given on the command line instead. */
  points: Preset;
  series: string[];
  json: boolean;
  out: string | null;
  append: boolean;
};

function parseArgs(argv: readonly string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const preset = get('preset') ?? 'quick';
  if (!Object.hasOwn(PRESETS, preset)) throw new Error(`unknown preset "${preset}"`);
  const base = PRESETS[preset as keyof typeof PRESETS];
  const list = (name: 'senders' | 'accounts' | 'height' | 'anchoring') => {
    const text = get(name);
    if (text === undefined) return base[name];
    const values = text.split(',').map(Number);
    if (values.some((v) => !Number.isSafeInteger(v) || v <= 0))
      throw new Error(`--${name} takes positive whole numbers, comma-separated: "${text}"`);
    return values;
  };
  return {
    preset: preset as keyof typeof PRESETS,
    points: {
      ...base,
      senders: list('senders'),
      accounts: list('accounts'),
      height: list('height'),
      anchoring: list('anchoring'),
    },
    series: (get('series') ?? 'senders,accounts,anchoring').split(','),
    json: argv.includes('--json'),
    out: get('out') ?? null,
    append: argv.includes('--append'),
  };
}

async function main(): Promise<void> {
  const poolSizeSet = v8PoolSizeFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (rerunWithPoolSize(poolSizeSet, __filename, ['--expose-gc'])) return;
  const args = parseArgs(process.argv.slice(2));
  const preset = args.points;
  const out = args.out === null ? null : fs.openSync(args.out, args.append ? 'a' : 'w');
  const emit = (record: Record<string, unknown>) => {
    const line = JSON.stringify(record);
    if (out !== null) fs.writeSync(out, `${line}\n`);
    process.stdout.write(args.json ? `${line}\n` : `${describe(record)}\n`);
  };
  const verify = verifyCostMs();
  emit(machine(args.preset, poolSizeSet ?? NODE_DEFAULT_V8_POOL_SIZE, verify));
  const signer = new SignPool(os.availableParallelism());
  try {
    if (args.series.includes('senders'))
      for (const n of preset.senders) {
        const p = await sendersPoint(n, preset.loadTxs, signer);
        emit({
          ...p,
          mainCpuPerTxInVerifications: round(p.mainCpuMsPerTx / verify.hitMs, 2),
          mainCpuPerTxInMissedVerifications: round(p.mainCpuMsPerTx / verify.missMs, 2),
        });
      }
    if (args.series.includes('accounts'))
      for await (const p of ledgerGrowth(preset.accounts, preset.height, signer)) emit(p);
    if (args.series.includes('anchoring'))
      for await (const p of anchoringSeries(preset.anchoring, signer)) emit(p);
  } finally {
    await signer.close();
    if (out !== null) fs.closeSync(out);
  }
}

function machine(
  preset: string,
  v8PoolSize: number,
  verify: { missMs: number; hitMs: number },
): Record<string, unknown> {
  return {
    series: 'machine',
    preset,
    date: new Date().toISOString().slice(0, 10),
    cpus: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    v8PoolSize,
    verifyBackend: selectVerifyBackend({ log: () => undefined }).implementation,
    signBackend: getSignBackend().name,
    verifyMissMs: round(verify.missMs, 4),
    verifyHitMs: round(verify.hitMs, 4),
  };
}

/** One line a person reads (without --json). */
function describe(r: Record<string, unknown>): string {
  return `${String(r.series)}: ${Object.entries(r)
    .filter(([k]) => k !== 'series')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')}`;
}

main().catch((err: unknown) => {
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
