/**
 * `qfs sim`: runs a seeded workload through the engine in memory and summarises the result.
 * Deterministic: the same options give the same report on every run and machine (seeded stream,
 * deterministic ML-DSA signing, no clock); another seed gives another chain (other keys, balances
 * and traffic).
 *
 * Signatures. ML-DSA-87 signing with noble runs at ~55 signatures/s here, so a 40,000-transaction
 * run cannot sign every transaction. By default (`signatures: "simulated"`) every DRV packet and
 * every key-event signature is real and verified, while transactions carry an all-zero signature
 * placeholder and go through the engine's `preverified` path: the run exercises everything but
 * transaction signature verification. With `signed` every transaction is signed for real and
 * verified by the engine (slow; for small runs). Transaction hashes, payload hashes and receipts do
 * not cover the signature bytes, so both modes give the same state root for the same seed.
 *
 * opLogHash of a run = a hash chain over every bundle's op-log hash:
 *   chain₀ = SHA-256("QFS/sim/oplog-chain/v1"),  chainᵢ = SHA-256(chainᵢ₋₁ ‖ opLogHashᵢ)  (hex text)
 * so it commits to the arithmetic of the whole run, not only of the last bundle.
 * @module
 */
import { createHash } from 'node:crypto';
import { bytesToHex, parseAddress } from '../codec';
import { generateKeyPair, ML_DSA_87, type KeyPair } from '../crypto';
import {
  executeBundle,
  loadGenesis,
  parseTx,
  TOKENS,
  type EngineState,
  type SignedTx,
  type Token,
} from '../engine';
import { computePayloadHash, createPacket, signPacket } from '../ledger';
import { UD } from '../math';
import { devnetGenesis, type DevnetAccount } from '../sdk/devnet';
import { signTx } from '../sdk/tx-builder';
import { SeededRandom } from './prng';
import { Workload, type PlannedTx, type SimKeys } from './workload';

/** The chain id of simulated chains. */
export const SIM_CHAIN_ID = 'qfs-sim';
/** Genesis time of simulated chains: 2026-01-01T00:00:00Z in ms. */
export const SIM_GENESIS_TIME = 1_767_225_600_000n;
/** Users funded and registered at genesis. */
export const SIM_GENESIS_USERS = 32;
/** Limits of the options. */
export const SIM_LIMITS = Object.freeze({ bundlesMax: 100_000, txsMax: 10_000 });

export type SimOptions = {
  /** Any non-negative safe integer. */
  readonly seed: number;
  readonly bundles: number;
  /** Transactions per bundle. */
  readonly txs: number;
  /** Sign and verify every transaction for real (slow). */
  readonly signed: boolean;
};

export type SimReport = {
  readonly seed: number;
  readonly bundles: number;
  readonly txs: number;
  readonly failedTxs: number;
  readonly signatures: 'simulated' | 'real';
  readonly stateRoot: string;
  readonly opLogHash: string;
  readonly supply: Readonly<Record<Token, string>>;
  /** Failed receipts per code, codes in ascending order. */
  readonly failures: Readonly<Record<string, number>>;
  readonly accounts: number;
  readonly keys: number;
};

/**
 * Genesis parameters of simulated chains: the defaults, with daily emission caps and a per-address
 * reward cap low enough that a run of a few hundred bundles clips rewards and pays the treasury.
 */
export const SIM_PARAMS = Object.freeze({
  dailyEmissionCaps: Object.freeze({
    CHR: '5000000',
    FLX: '500000',
    PSI: '500000',
    ATR: '250000',
    RES: '100000',
  }),
  rewardPerAddressMax: '2000',
});

const ZERO_SIGNATURE = '00'.repeat(ML_DSA_87.signatureBytes);
const OPLOG_CHAIN_DOMAIN = 'QFS/sim/oplog-chain/v1';

/**
 * Runs the simulation.
 * @throws {RangeError} for options outside their limits
 * @throws {Cir302Halt} if the workload ever drives the engine into a halt (it is built not to)
 */
export function runSimulation(options: SimOptions): SimReport {
  checkOptions(options);
  const rng = new SeededRandom(`seed=${options.seed}`);
  const keys = simKeys(rng);
  let state = loadGenesis(genesisDocument(rng, keys)).state;
  const workload = new Workload(rng, SIM_CHAIN_ID, keys, state.guidance.sequence);
  const failures = new Map<string, number>();
  let failedTxs = 0;
  let chain = createHash('sha256').update(OPLOG_CHAIN_DOMAIN).digest('hex');
  for (let b = 0; b < options.bundles; b++) {
    const planned = workload.nextBundle(state, options.txs);
    const txs = planned.map((p) => toSignedTx(p, options.signed));
    const stepMs = rng.chance(30) ? 6n * 3_600_000n : BigInt(rng.between(200, 5000));
    const seed = bytesToHex(rng.bytes(32));
    const result = executeBundle(
      state,
      { packet: packetAfter(state, txs, stepMs, seed, keys.sequencer), txs },
      options.signed ? {} : { preverified: new Set(txs.map((t) => t.hash)) },
    );
    for (const receipt of result.receipts) {
      if (receipt.status === 'ok') continue;
      failedTxs += 1;
      const code = receipt.code ?? 'UNKNOWN';
      failures.set(code, (failures.get(code) ?? 0) + 1);
    }
    chain = createHash('sha256').update(`${chain}${result.opLogHash}`).digest('hex');
    state = result.state;
    workload.observe(state);
  }
  return report(options, state, failedTxs, failures, chain);
}

function checkOptions(o: SimOptions): void {
  const check = (name: string, value: number, lo: number, hi: number) => {
    if (!Number.isSafeInteger(value) || value < lo || value > hi)
      throw new RangeError(`${name} must be an integer in [${lo}, ${hi}]`);
  };
  check('seed', o.seed, 0, Number.MAX_SAFE_INTEGER);
  check('bundles', o.bundles, 1, SIM_LIMITS.bundlesMax);
  check('txs', o.txs, 1, SIM_LIMITS.txsMax);
}

function simKeys(rng: SeededRandom): SimKeys {
  const key = (): KeyPair => generateKeyPair(rng.bytes(32));
  const sequencer = key();
  const oracle = key();
  const admin = key();
  const stranger = key();
  const users = Array.from({ length: SIM_GENESIS_USERS }, key);
  return { sequencer, oracle, admin, users, stranger };
}

/** A devnet genesis: every user funded with 100 … 1,000,000 of each token (6 decimals). */
function genesisDocument(rng: SeededRandom, keys: SimKeys): Record<string, unknown> {
  const amount = () => {
    const whole = rng.between(100, 1_000_000);
    const micros = rng.below(1_000_000);
    return UD.formatTrimmed(UD.parse(`${whole}.${String(micros).padStart(6, '0')}`));
  };

  const accounts: DevnetAccount[] = keys.users.map((k) => {
    const balances: Partial<Record<Token, string>> = {};
    for (const token of TOKENS) balances[token] = amount();
    return { address: k.address, balances };
  });
  return devnetGenesis({
    chainId: SIM_CHAIN_ID,
    genesisTime: SIM_GENESIS_TIME,
    sequencer: keys.sequencer,
    oracle: keys.oracle,
    admin: keys.admin,
    users: keys.users,
    accounts,
    treasury: parseAddress(`0x${bytesToHex(rng.bytes(20))}`),
    params: SIM_PARAMS,
  });
}

function toSignedTx(planned: PlannedTx, signed: boolean): SignedTx {
  const { key, nonce, body } = planned;
  const wire = signed
    ? signTx(key, SIM_CHAIN_ID, nonce, body)
    : {
        chainId: SIM_CHAIN_ID,
        from: key.address,
        nonce: nonce.toString(),
        body,
        signature: ZERO_SIGNATURE,
      };
  return parseTx(wire);
}

function packetAfter(
  state: EngineState,
  txs: readonly SignedTx[],
  stepMs: bigint,
  seed: string,
  sequencer: KeyPair,
) {
  const unsigned = createPacket({
    chainId: state.chainId,
    previous: state.lastPacket,
    ttsTimestamp: (state.lastPacket?.ttsTimestamp ?? state.genesisTime) + stepMs,
    seed,
    payloadHash: computePayloadHash(
      txs.map((t) => t.hash),
      [],
    ),
    entropy: { source: 'qfs-sim' },
  });
  return signPacket(unsigned, sequencer);
}

function report(
  options: SimOptions,
  state: EngineState,
  failedTxs: number,
  failures: ReadonlyMap<string, number>,
  chain: string,
): SimReport {
  const supply = {} as Record<Token, string>;
  for (const token of TOKENS) supply[token] = UD.format(state.supply[token]);
  const byCode: Record<string, number> = {};
  for (const code of [...failures.keys()].sort()) byCode[code] = failures.get(code) as number;
  return Object.freeze({
    seed: options.seed,
    bundles: options.bundles,
    txs: options.bundles * options.txs,
    failedTxs,
    signatures: options.signed ? 'real' : 'simulated',
    stateRoot: state.stateRoot,
    opLogHash: chain,
    supply,
    failures: byCode,
    accounts: state.accounts.size,
    keys: state.keys.keys.size,
  });
}
