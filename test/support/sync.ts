/**
 * A HolonetSync test bed on the engine's: a genesis with replica keys holding `replica`, and
 * sealed bundles made as the sequencer makes them (packet, execution, entry, signed seal).
 * @module
 */
import { signCoherenceSeal } from './seal';
import type { KeyPair } from '../../runtime/crypto';
import {
  loadGenesis,
  type BundleResult,
  type EngineState,
  type SignedTx,
} from '../../runtime/engine';
import {
  appendCoherenceEntry,
  type CoherenceEntry,
  type CoherenceSeal,
} from '../../runtime/ledger';
import { devnetGenesis } from '../../runtime/sdk/devnet';
import type { SealedBundle } from '../../runtime/sync/protocol';
import { CHAIN_ID, GENESIS_TIME, keys, packetFor } from './engine';
import { testKey } from './keys';
import { executeBundle } from '../../runtime/engine';

/** Replica key `i` (0-based). */
export const replicaKey = (i: number): KeyPair => testKey(300 + i);

/** A genesis with three funded users and `replicas` replica keys. */
export function syncGenesis(
  replicas = 3,
  params?: Record<string, unknown>,
): Record<string, unknown> {
  const users = [0, 1, 2].map((i) => keys.user(i));
  return devnetGenesis({
    chainId: CHAIN_ID,
    genesisTime: GENESIS_TIME,
    sequencer: keys.sequencer,
    oracle: keys.oracle,
    admin: keys.admin,
    users,
    replicas: Array.from({ length: replicas }, (_, i) => replicaKey(i)),
    accounts: users.map((k) => ({ address: k.address, balances: { CHR: '1000', FLX: '1000' } })),
    treasury: keys.treasury,
    ...(params === undefined ? {} : { params }),
  });
}

export const syncState = (replicas = 3, params?: Record<string, unknown>): EngineState =>
  loadGenesis(syncGenesis(replicas, params)).state;

export type Sealed = {
  readonly bundle: SealedBundle;
  readonly result: BundleResult;
  readonly entry: CoherenceEntry;
  readonly seal: CoherenceSeal;
};

/** The next bundle of `state` over `txs`, sealed by the sequencer (or `signer`) as the node seals. */
export function sealNext(
  state: EngineState,
  head: CoherenceEntry | null,
  txs: readonly SignedTx[],
  options: {
    seedByte?: number;
    signer?: KeyPair;
    stepMs?: bigint;
    /** Transactions the sequencer takes as verified (a lying sequencer's forged ones). */
    preverified?: ReadonlySet<string>;
  } = {},
): Sealed {
  const signer = options.signer ?? keys.sequencer;
  const packet = packetFor(state, txs, options.stepMs ?? 1000n, options.seedByte ?? 7, signer);
  const result = executeBundle(
    state,
    { packet, txs },
    options.preverified === undefined ? {} : { preverified: options.preverified },
  );
  const entry = appendCoherenceEntry(head, {
    chainId: state.chainId,
    timestamp: packet.ttsTimestamp,
    packetHash: result.packetHash,
    bundleHash: result.bundleHash,
    opLogHash: result.opLogHash,
    stateRoot: result.stateRoot,
    keyLedgerHead: result.state.keys.headHash,
  });
  const seal = signCoherenceSeal(
    entry,
    {
      timestamp: packet.ttsTimestamp,
      quantumMetadata: { seed: packet.seed, entropySource: packet.entropy.source },
    },
    signer,
  );
  return {
    bundle: { height: result.height, packet, txs, seal, keySeal: null },
    result,
    entry,
    seal,
  };
}
