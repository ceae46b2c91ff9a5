/**
 * Devnet genesis documents: what `qfs init` writes and what tests and the simulator start from
 * (`loadGenesis` reads them). A healthy default guidance (S_CHR 0.95, FLX magnitudes in golden
 * ratio) gives C_holo near 1. Pure: the genesis time is given, the keys too.
 * @module
 */
import { bytesToHex } from '../codec';
import type { KeyPair } from '../crypto';
import type { Token } from './tokens';

export type DevnetAccount = {
  readonly address: string;
  readonly balances: Partial<Record<Token, string>>;
};

export type DevnetOptions = {
  readonly chainId: string;
  /** ms; the first packet must come after it. */
  readonly genesisTime: bigint;
  readonly sequencer: KeyPair;
  readonly oracle: KeyPair;
  readonly admin: KeyPair;
  /** Further keys registered at genesis (no capability), e.g. demo accounts. */
  readonly users?: readonly KeyPair[];
  /** HolonetSync replicas: keys registered at genesis with the `replica` capability. */
  readonly replicas?: readonly KeyPair[];
  readonly accounts: readonly DevnetAccount[];
  readonly treasury: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** The genesis `entropy` section (runtime/entropy's policy), if the chain has one. */
  readonly entropy?: Readonly<Record<string, unknown>>;
};

/** The default guidance: S_CHR 0.95, f_ATR 0.05, FLX magnitudes 1, φ, φ². */
export const HEALTHY_GUIDANCE = Object.freeze({
  sequence: '1',
  forPacket: '0',
  sChr: '0.95',
  fAtr: '0.05',
  atrMagnitude: '10',
  flxMagnitudes: ['1', '1.618033988749894848', '2.618033988749894848'],
  penalties: [
    { kind: 'compute', penalty: '0.1' },
    { kind: 'storage', penalty: '0.05' },
  ],
});

/** A genesis document (JSON, decimal strings) for a devnet. */
export function devnetGenesis(options: DevnetOptions): Record<string, unknown> {
  const key = (k: KeyPair, capabilities: string[]) => ({
    publicKey: bytesToHex(k.publicKey),
    capabilities,
  });
  const keys = [
    key(options.sequencer, ['sequencer']),
    key(options.oracle, ['oracle']),
    key(options.admin, ['admin']),
  ];
  for (const user of options.users ?? []) keys.push(key(user, []));
  for (const replica of options.replicas ?? []) keys.push(key(replica, ['replica']));
  return {
    chainId: options.chainId,
    genesisTime: options.genesisTime.toString(),
    treasury: options.treasury,
    ...(options.params === undefined ? {} : { params: options.params }),
    accounts: options.accounts.map((a) => ({ address: a.address, balances: { ...a.balances } })),
    keys,
    guidance: HEALTHY_GUIDANCE,
    ...(options.entropy === undefined ? {} : { entropy: options.entropy }),
  };
}
