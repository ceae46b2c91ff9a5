/**
 * `npm run bench:math`: our fixed-point math against PRBMath (UD60x18/SD59x18) on the same inputs.
 * Per function: average gas of ours and of PRBMath (gasleft() around the library call only), the
 * maximum error of each against the decimal.js oracle in units of max(1 ulp, 1e-18·|truth|),
 * and TypeScript ops/s. Then the CertifiedMath recording overhead. One JSON object per line.
 *
 * Environment: BENCH_MATH_N inputs per function (default 300), BENCH_SEED (default 1).
 */
import { ethers } from 'hardhat';
import { performance } from 'node:perf_hooks';
import { CertifiedMath, SD, UD, exp, exp2, ln, log2, phiPow, pow, sqrt } from '../runtime/math';
import type { SD128x18, UD128x18 } from '../runtime/math';
import { errorUnits, truth } from '../test/support/oracle';
import { MathGasProbe__factory, PrbMathProbe__factory } from '../typechain-types';

const UNIT = 10n ** 18n;
const N = Number.parseInt(process.env.BENCH_MATH_N ?? '300', 10);

/** Seeded xorshift64* so every run measures the same inputs. */
function generator(seed: bigint): () => bigint {
  let state = seed;
  const mask = (1n << 64n) - 1n;
  return () => {
    state ^= state >> 12n;
    state ^= (state << 25n) & mask;
    state ^= state >> 27n;
    return (state * 0x2545f4914f6cdd1dn) & mask;
  };
}
const next = generator(BigInt(process.env.BENCH_SEED ?? '1') * 0x9e3779b97f4a7c15n + 7n);
const below = (n: bigint) => ((next() << 64n) | next()) % n;
/** Log-uniform positive raw value below 2^bits. */
const logUniform = (bitsMax: number) => {
  const bits = 1n + below(BigInt(bitsMax));
  return (1n << (bits - 1n)) + below(1n << (bits - 1n));
};
const signedIn = (lo: bigint, hi: bigint) => lo + below(hi - lo + 1n);

type Case = { args: bigint[] };
type Fn = {
  name: string;
  inputs: () => Case[];
  ts: (args: bigint[]) => bigint;
  truth: (args: bigint[]) => ReturnType<typeof truth.ln>;
};

const cases = (make: () => bigint[]) => () => Array.from({ length: N }, () => ({ args: make() }));

const FUNCTIONS: Fn[] = [
  {
    name: 'ln',
    inputs: cases(() => [logUniform(128)]),
    ts: ([x]) => ln(x as UD128x18),
    truth: ([x]) => truth.ln(x!),
  },
  {
    name: 'log2',
    inputs: cases(() => [logUniform(128)]),
    ts: ([x]) => log2(x as UD128x18),
    truth: ([x]) => truth.log2(x!),
  },
  {
    name: 'exp',
    inputs: cases(() => [signedIn(-41n * UNIT, 47n * UNIT)]),
    ts: ([x]) => exp(x as SD128x18),
    truth: ([x]) => truth.exp(x!),
  },
  {
    name: 'exp2',
    inputs: cases(() => [signedIn(-59n * UNIT, 68n * UNIT)]),
    ts: ([x]) => exp2(x as SD128x18),
    truth: ([x]) => truth.exp2(x!),
  },
  {
    name: 'pow',
    inputs: cases(() => [signedIn(UNIT / 1000n, 1000n * UNIT), signedIn(-6n * UNIT, 6n * UNIT)]),
    ts: ([x, y]) => pow(x as UD128x18, y as SD128x18),
    truth: ([x, y]) => truth.pow(x!, y!),
  },
  {
    name: 'sqrt',
    inputs: cases(() => [logUniform(128)]),
    ts: ([x]) => sqrt(x as UD128x18),
    truth: ([x]) => truth.sqrt(x!),
  },
  {
    name: 'phiPow',
    inputs: () => Array.from({ length: 99 }, (_, n) => ({ args: [BigInt(n)] })),
    ts: ([n]) => phiPow(n!),
    truth: ([n]) => truth.phiPow(n!),
  },
];

type Probe = Record<string, (...args: bigint[]) => Promise<[bigint, bigint]>>;

async function measure(probe: Probe, fn: Fn, inputs: Case[]) {
  let gas = 0n;
  let counted = 0;
  let maxErr = 0;
  let reverted = 0;
  for (const { args } of inputs) {
    try {
      const [result, used] = await probe[fn.name]!(...args);
      gas += used;
      counted += 1;
      maxErr = Math.max(maxErr, errorUnits(result, fn.truth(args)));
    } catch {
      reverted += 1;
    }
  }
  return { gas: counted === 0 ? 0 : Number(gas / BigInt(counted)), maxErr, reverted };
}

function opsPerSecond(fn: Fn, inputs: Case[]): number {
  let ops = 0;
  const start = performance.now();
  while (performance.now() - start < 300) {
    for (const { args } of inputs) fn.ts(args);
    ops += inputs.length;
  }
  return Math.round(ops / ((performance.now() - start) / 1000));
}

function certifiedOverhead(): object {
  const xs = Array.from({ length: 2000 }, () => logUniform(100) as UD128x18);
  const run = (record: boolean) => {
    const cm = new CertifiedMath({ pqcCid: 'bench', quantumMetadata: {} });
    const start = performance.now();
    for (let i = 1; i < xs.length; i++) {
      const a = xs[i - 1]!;
      const b = xs[i]!;
      if (record) {
        cm.add(a, b);
        cm.mul(a, UD.UNIT);
        cm.gt(a, b);
      } else {
        UD.add(a, b);
        UD.mul(a, UD.UNIT);
        void (a > b);
      }
    }
    return (performance.now() - start) / ((xs.length - 1) * 3);
  };
  for (let i = 0; i < 3; i++) run(true); // warm up
  const pureMs = Math.min(run(false), run(false), run(false));
  const recordedMs = Math.min(run(true), run(true), run(true));
  return {
    certifiedMath: {
      pureNsPerOp: Math.round(pureMs * 1e6),
      recordedNsPerOp: Math.round(recordedMs * 1e6),
      recordingOverheadNsPerOp: Math.round((recordedMs - pureMs) * 1e6),
      recordedOpsPerSec: Math.round(1000 / recordedMs),
    },
  };
}

async function main(): Promise<void> {
  const deployer = (await ethers.getSigners())[0]!;
  const ours = (await new MathGasProbe__factory(deployer).deploy()) as unknown as Probe;
  const prb = (await new PrbMathProbe__factory(deployer).deploy()) as unknown as Probe;
  for (const fn of FUNCTIONS) {
    const inputs = fn.inputs();
    const mine = await measure(ours, fn, inputs);
    const theirs = await measure(prb, fn, inputs);
    const line = {
      fn: fn.name,
      inputs: inputs.length,
      gasOurs: mine.gas,
      gasPrb: theirs.gas,
      maxErrOurs: Number(mine.maxErr.toPrecision(6)),
      maxErrPrb: Number(theirs.maxErr.toPrecision(6)),
      tsOpsPerSec: opsPerSecond(fn, inputs),
      ...(mine.reverted + theirs.reverted > 0
        ? { revertedOurs: mine.reverted, revertedPrb: theirs.reverted }
        : {}),
    };
    console.log(JSON.stringify(line));
  }
  console.log(JSON.stringify(certifiedOverhead()));
  void SD;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
