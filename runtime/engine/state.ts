/**
 * The engine state: everything a bundle reads and writes, immutable. A new bundle yields a new
 * state that shares every untouched part with the old one. The state root commits to all of it:
 *
 *   stateRoot = SHA-256("QFS/state/v1\n" ‖ canonical({accountsRoot, chainId, cir511, emission,
 *               genesisHash, guidance, height, keyLedgerHead, lastPacketHash, supply}))
 * @module
 */
import { canonicalString, sha256HexUtf8, ZERO_HASH } from '../codec';
import { cir511StateJson, type Cir511State } from '../guard';
import type { EntropyPolicy } from '../entropy';
import type { DrvPacket, KeyLedgerState } from '../ledger';
import { UD } from '../math';
import { accountsRoot, type AccountTree } from './account-tree';
import type { EngineParams } from './params';
import { TOKENS, type TokenAmounts } from './tokens';
import { guidanceToJson, type Guidance } from './utility-oracle';

/** Rewards minted on one ttsTimestamp day, for the daily emission caps. */
export type Emission = { readonly day: bigint; readonly minted: TokenAmounts };

export type EngineState = {
  readonly chainId: string;
  readonly genesisHash: string;
  readonly genesisTime: bigint;
  readonly params: EngineParams;
  /**
   * The genesis entropy policy: when set, every packet's seed must derive from a trusted beacon
   * round and its VDF (issue 22); null on chains whose genesis has no `entropy` section. Covered by
   * the genesis hash.
   */
  readonly entropy: EntropyPolicy | null;
  /** Receives fees and the rewards a cap or an empty bundle leaves over. */
  readonly treasury: string;
  /** Committed bundles; the next packet's sequence. */
  readonly height: bigint;
  /** The last committed bundle's packet (null before the first). */
  readonly lastPacket: DrvPacket | null;
  readonly lastPacketHash: string;
  readonly accounts: AccountTree;
  readonly supply: TokenAmounts;
  readonly emission: Emission;
  readonly guidance: Guidance;
  readonly keys: KeyLedgerState;
  readonly cir511: Cir511State;
  readonly stateRoot: string;
};

/** The parts of the state the root covers, as canonical JSON. */
export function stateRootOf(state: Omit<EngineState, 'stateRoot'>): string {
  const body = {
    accountsRoot: accountsRoot(state.accounts),
    chainId: state.chainId,
    cir511: cir511StateJson(state.cir511),
    emission: { day: state.emission.day.toString(), minted: amountsJson(state.emission.minted) },
    genesisHash: state.genesisHash,
    guidance: guidanceToJson(state.guidance),
    height: state.height.toString(),
    keyLedgerHead: state.keys.headHash,
    lastPacketHash: state.lastPacketHash,
    supply: amountsJson(state.supply),
  };
  return sha256HexUtf8(`QFS/state/v1\n${canonicalString(body)}`);
}

/** Token amounts as an object of 18-decimal strings, in token order. */
export function amountsJson(amounts: TokenAmounts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const token of TOKENS) out[token] = UD.format(amounts[token]);
  return out;
}

export { ZERO_HASH };
