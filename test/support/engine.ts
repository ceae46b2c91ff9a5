/**
 * An engine test bed: deterministic keys, a devnet genesis and a helper that wraps transactions in
 * a signed DRV packet and executes them.
 * @module
 */
import {
  executeBundle,
  loadGenesis,
  parseTx,
  type BundleResult,
  type EngineState,
  type SignedTx,
} from '../../runtime/engine';
import { computePayloadHash, createPacket, signPacket } from '../../runtime/ledger';
import { devnetGenesis } from '../../runtime/sdk/devnet';
import { signTx, type TxWire } from '../../runtime/sdk/tx-builder';
import type { KeyPair } from '../../runtime/crypto';
import { testKey } from './keys';

export const CHAIN_ID = 'qfs-test';
export const GENESIS_TIME = 1_767_225_600_000n;

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

/** A signed packet for the next bundle of `state` over `signed`. */
export function packetFor(
  state: EngineState,
  signed: readonly SignedTx[],
  stepMs = 1000n,
  seedByte = 7,
) {
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
  return signPacket(unsigned, keys.sequencer);
}

/** Executes `signed` as the next bundle of `state`. */
export function runBundle(
  state: EngineState,
  signed: readonly SignedTx[],
  options: { preverified?: ReadonlySet<string> } = {},
): BundleResult {
  return executeBundle(state, { packet: packetFor(state, signed), txs: signed }, options);
}
