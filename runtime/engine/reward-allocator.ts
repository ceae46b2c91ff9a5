/**
 * RewardAllocator: splits each token's granted reward among the senders of the bundle's successful
 * `action` transactions, weighted by their units. Σ allocations = reward exactly for every token
 * (largest remainder, ties by address ascending — `splitByWeight`, mirrored on-chain by
 * `AllocationRegistry.computeAllocation`); then a per-address cap per token, with whatever it cuts
 * going back to the treasury, recorded. The reference lost dust to floor rounding and collapsed
 * every recipient into one balance (reference §13.3, §13.5); here neither happens.
 * @module
 */
import { UD, type CertifiedMath, type UD128x18 } from '../math';
import type { EngineParams } from './params';
import { TOKENS, type Token, type TokenAmounts } from './tokens';

/** One recipient's allocation of one token. */
export type Allocation = {
  readonly address: string;
  readonly token: Token;
  readonly amount: UD128x18;
};

export type AllocationResult = {
  /** Address ascending, then token order; zero amounts omitted. */
  readonly allocations: readonly Allocation[];
  /** Per token: what the per-address cap cut and the treasury receives instead. */
  readonly toTreasury: TokenAmounts;
};

/**
 * Allocates `rewards` among `weights` (address → total units). Addresses compare by lowercase hex.
 */
export function allocateRewards(
  cm: CertifiedMath,
  params: EngineParams,
  rewards: TokenAmounts,
  weights: ReadonlyMap<string, bigint>,
): AllocationResult {
  const recipients = [...weights.keys()].sort(compareAddresses);
  const toTreasury: Record<Token, UD128x18> = {
    CHR: UD.ZERO,
    FLX: UD.ZERO,
    PSI: UD.ZERO,
    ATR: UD.ZERO,
    RES: UD.ZERO,
  };
  const byRecipient: Allocation[][] = recipients.map(() => []);
  if (recipients.length > 0) {
    const unitWeights = recipients.map((a) => weights.get(a) as bigint);
    for (const token of TOKENS) {
      if (rewards[token] === UD.ZERO) continue;
      const parts = cm.splitByWeight(rewards[token], unitWeights);
      const cap = params.rewardPerAddressMax;
      let excess = UD.ZERO;
      parts.forEach((part, i) => {
        let amount = part;
        if (cm.gt(part, cap)) {
          excess = cm.add(excess, cm.sub(part, cap));
          amount = cap;
        }
        if (amount !== UD.ZERO)
          (byRecipient[i] as Allocation[]).push(
            Object.freeze({ address: recipients[i] as string, token, amount }),
          );
      });
      toTreasury[token] = excess;
    }
  } else {
    for (const token of TOKENS) toTreasury[token] = rewards[token];
  }
  return Object.freeze({
    allocations: Object.freeze(byRecipient.flat()),
    toTreasury: Object.freeze(toTreasury),
  });
}

/** Address order: by lowercase hex (numeric order of the 20 bytes). */
export function compareAddresses(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
