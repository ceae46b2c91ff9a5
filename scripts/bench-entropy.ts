/**
 * `npm run bench:entropy`: what public, verifiable entropy costs (issue 22). Prints one JSON
 * object: VDF evaluation (with the proof) and verification times for several T, the BLS
 * verification time of a real quicknet round, the full check of a packet's entropy record, and the
 * default T's share of a beacon period. Options: `--t 16384,65536` (the T values), `--runs 5`
 * (verifications timed per T; the median is printed). Wall-clock figures: on a shared machine
 * they move with the load (say so when quoting them).
 * @module
 */
import os from 'node:os';
import {
  entropyRecordJson,
  evaluateVdf,
  getQuantumEnhancedSeed,
  parseEntropyPolicy,
  POLICY_DEFAULTS,
  QUICKNET,
  beaconChainJson,
  roundTimeMs,
  vdfInputOf,
  verifyBeaconSignature,
  verifyPacketEntropy,
  verifyVdf,
} from '../runtime/entropy';

/** quicknet round 1000 (issue 22's vector; it verifies under the quicknet key). */
const ROUND = 1000n;
const SIGNATURE =
  'b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function timeVdf(t: bigint, runs: number) {
  const input = 'ab'.repeat(32);
  const start = process.hrtime.bigint();
  const e = evaluateVdf(input, t);
  const evaluateMs = ms(start);
  const verify: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    if (!verifyVdf(input, t, e.output, e.proof)) throw new Error(`VDF T=${t} does not verify`);
    verify.push(ms(s));
  }
  return {
    t: Number(t),
    evaluateAndProveMs: round2(evaluateMs),
    squaringsPerSecond: Math.round(Number(t) / (evaluateMs / 1000)),
    verifyMs: round2(median(verify)),
  };
}

function timeBls(runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    if (!verifyBeaconSignature(QUICKNET, ROUND, SIGNATURE)) throw new Error('round 1000 fails');
    times.push(ms(s));
  }
  return round2(median(times));
}

/** The engine's whole check of a packet that starts a new round (beacon, VDF, seed). */
function timePacketCheck(t: bigint, runs: number): number {
  const policy = parseEntropyPolicy({
    beacons: [beaconChainJson(QUICKNET)],
    vdf: { modulus: 'rsa-2048', t: t.toString() },
  });
  const beacon = { chainHash: QUICKNET.chainHash, round: ROUND, signature: SIGNATURE };
  const input = vdfInputOf({ chainId: 'bench', ...beacon, qrng: null, anchor: null });
  const e = evaluateVdf(input, t);
  const round = {
    beacon,
    qrng: null,
    anchor: null,
    vdf: { modulus: 'rsa-2048' as const, t, input, output: e.output, proof: e.proof },
  };
  const packet = {
    chainId: 'bench',
    sequence: 0n,
    ttsTimestamp: roundTimeMs(QUICKNET, ROUND) + 1000n,
    seed: getQuantumEnhancedSeed({
      vdfOutput: e.output,
      height: 0n,
      anchorSealHash: '0'.repeat(64),
      osRandom: null,
    }),
    entropy: entropyRecordJson(round, null),
  };
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    verifyPacketEntropy(policy, packet, null);
    times.push(ms(s));
  }
  return round2(median(times));
}

function main(): void {
  const ts = option('t', '16384,65536,131072,262144')
    .split(',')
    .map((v) => BigInt(v.trim()));
  const runs = Number(option('runs', '5'));
  const vdf = ts.map((t) => timeVdf(t, runs));
  const defaultT = POLICY_DEFAULTS.vdfT;
  const atDefault = vdf.find((v) => BigInt(v.t) === defaultT) ?? timeVdf(defaultT, runs);
  const periodMs = Number(QUICKNET.periodSeconds) * 1000;
  const out = {
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverage1m: round2(os.loadavg()[0] ?? 0),
    },
    vdf,
    blsVerifyMs: timeBls(Math.max(runs, 10)),
    packetCheckNewRoundMs: timePacketCheck(defaultT, runs),
    defaultT: {
      t: Number(defaultT),
      evaluateAndProveMs: atDefault.evaluateAndProveMs,
      beaconPeriodMs: periodMs,
      shareOfPeriod: round2(atDefault.evaluateAndProveMs / periodMs),
    },
    note:
      'wall-clock times on this machine; one VDF is evaluated per beacon round on a worker thread, ' +
      'and a packet that reuses its round costs only the seed hash to check',
  };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

main();
