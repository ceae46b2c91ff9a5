/**
 * An engine test bed: deterministic keys, a devnet genesis and a helper that wraps transactions in
 * a signed DRV packet and executes them.
 * @module
 */
import {
  executeBundle,
  getAccount,
  loadGenesis,
  parseGuidance,
  parseTx,
  TOKENS,
  type BundleResult,
  type EngineState,
  type Guidance,
  type SignedTx,
} from '../../runtime/engine';
import { computePayloadHash, createPacket, signPacket, type DrvPacket } from '../../runtime/ledger';
import { UD } from '../../runtime/math';
import { devnetGenesis, HEALTHY_GUIDANCE } from '../../runtime/sdk/devnet';
import { signTx, type TxWire } from '../../runtime/sdk/tx-builder';
import { ML_DSA_87, type KeyPair } from '../../runtime/crypto';
import { testKey } from './keys';

export const CHAIN_ID = 'qfs-test';
export const GENESIS_TIME = 1_767_225_600_000n;
/** An all-zero ML-DSA-87 signature: well-formed, never valid (for the `preverified` path). */
export const ZERO_SIGNATURE = '00'.repeat(ML_DSA_87.signatureBytes);

export const keys = {
  get sequencer(): KeyPair {
    return testKey(100);
  },
  get oracle(): KeyPair {
    return testKey(101);
  },
  get admin(): KeyPair {
    return testKey(102);
  },
  user(n: number): KeyPair {
    return testKey(200 + n);
  },
  get treasury(): string {
    return '0x000000000000000000000000000000000000dEaD';
  },
};

/** A devnet genesis with `users` funded users (1000 of every token each) registered as keys. */
export function testGenesis(users = 3, params?: Record<string, unknown>): Record<string, unknown> {
  const userKeys = Array.from({ length: users }, (_, i) => keys.user(i));
  return devnetGenesis({
    chainId: CHAIN_ID,
    genesisTime: GENESIS_TIME,
    sequencer: keys.sequencer,
    oracle: keys.oracle,
    admin: keys.admin,
    users: userKeys,
    accounts: userKeys.map((k) => ({
      address: k.address,
      balances: { CHR: '1000', FLX: '1000', PSI: '1000', ATR: '1000', RES: '1000' },
    })),
    treasury: keys.treasury,
    ...(params === undefined ? {} : { params }),
  });
}

export function genesisState(users = 3, params?: Record<string, unknown>): EngineState {
  return loadGenesis(testGenesis(users, params)).state;
}

/** Parses wire transactions. */
export function txs(wires: readonly TxWire[]): SignedTx[] {
  return wires.map((w) => parseTx(JSON.parse(JSON.stringify(w))));
}

/** Signs a transaction and parses it. */
export function tx(key: KeyPair, nonce: bigint, body: Record<string, unknown>): SignedTx {
  return parseTx(JSON.parse(JSON.stringify(signTx(key, CHAIN_ID, nonce, body))));
}

/**
 * A transaction from `from` with an all-zero signature: it executes only when its hash is passed
 * in `preverified` (or fails TX_BAD_SIGNATURE).
 */
export function unsignedTx(
  from: string,
  nonce: bigint,
  body: Record<string, unknown>,
  chainId = CHAIN_ID,
): SignedTx {
  return parseTx({ chainId, from, nonce: nonce.toString(), body, signature: ZERO_SIGNATURE });
}

/** The hashes of `signed`, for `ExecuteOptions.preverified`. */
export function preverify(signed: readonly SignedTx[]): ReadonlySet<string> {
  return new Set(signed.map((t) => t.hash));
}

export type PacketOptions = {
  /** ms after the previous packet (or the genesis time). */
  readonly stepMs?: bigint;
  /** The seed is this byte repeated 32 times. */
  readonly seedByte?: number;
  /** The signing key (default: the sequencer). */
  readonly signer?: KeyPair;
};

/** A signed packet for the next bundle of `state` over `signed`. */
export function packetFor(
  state: EngineState,
  signed: readonly SignedTx[],
  stepMs = 1000n,
  seedByte = 7,
  signer: KeyPair = keys.sequencer,
): DrvPacket {
  const unsigned = createPacket({
    chainId: state.chainId,
    previous: state.lastPacket,
    ttsTimestamp: (state.lastPacket?.ttsTimestamp ?? GENESIS_TIME) + stepMs,
    seed: seedByte.toString(16).padStart(2, '0').repeat(32),
    payloadHash: computePayloadHash(
      signed.map((t) => t.hash),
      [],
    ),
    entropy: { source: 'test' },
  });
  return signPacket(unsigned, signer);
}

/** Executes `signed` as the next bundle of `state`. */
export function runBundle(
  state: EngineState,
  signed: readonly SignedTx[],
  options: { preverified?: ReadonlySet<string> } & PacketOptions = {},
): BundleResult {
  const packet = packetFor(state, signed, options.stepMs, options.seedByte, options.signer);
  return executeBundle(
    state,
    { packet, txs: signed },
    options.preverified === undefined ? {} : { preverified: options.preverified },
  );
}

/** The balances of `address` as trimmed decimal strings (all five tokens; "0" when untouched). */
export function balancesOf(state: EngineState, address: string): Record<string, string> {
  const account = getAccount(state.accounts, address);
  const out: Record<string, string> = {};
  for (const token of TOKENS) out[token] = UD.formatTrimmed(account?.balances[token] ?? UD.ZERO);
  return out;
}

/** The nonce of `address` (0 when untouched). */
export function nonceOf(state: EngineState, address: string): bigint {
  return getAccount(state.accounts, address)?.nonce ?? 0n;
}

/** Healthy guidance with some fields replaced (wire form, decimal strings), validated. */
export function guidanceWith(overrides: Record<string, unknown> = {}): Guidance {
  const check = parseGuidance({ ...HEALTHY_GUIDANCE, ...overrides });
  if (!check.ok) throw new Error(`test guidance invalid: ${check.code} ${check.reason}`);
  return check.guidance;
}
