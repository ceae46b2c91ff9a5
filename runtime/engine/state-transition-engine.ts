/**
 * StateTransitionEngine: applies a bundle atomically. It mints the granted rewards (allocations to
 * their recipients, the rest to the treasury), commits every touched account into a new account
 * tree, updates supply and daily emission, and checks the invariants before anything is returned:
 * for every token, Σ (balance after − balance before) over the touched accounts = minted, supply
 * after = supply before + minted, the minted amounts equal the allocations plus the treasury
 * share, and no touched balance is negative. Any failure throws CIR-302; there is never a partial state. The reference collapsed every
 * recipient into one pooled balance and checked a placeholder (reference §13.5).
 * @module
 */
import { Cir302Halt } from '../guard';
import { UD, type CertifiedMath, type UD128x18 } from '../math';
import { updateAccounts, type Account, type AccountTree } from './account-tree';
import type { Allocation } from './reward-allocator';
import type { Emission } from './state';
import { TOKENS, type Token, type TokenAmounts } from './tokens';
import type { WorkingSet } from './working-set';

export type TransitionInput = {
  readonly accounts: AccountTree;
  readonly working: WorkingSet;
  readonly supply: TokenAmounts;
  readonly emission: Emission;
  readonly day: bigint;
  readonly treasury: string;
  readonly granted: TokenAmounts;
  readonly allocations: readonly Allocation[];
  readonly toTreasury: TokenAmounts;
};

export type TransitionOutput = {
  readonly accounts: AccountTree;
  /** Every account the bundle changed, with its new value, in lowercase-address order. */
  readonly changed: readonly { readonly address: string; readonly account: Account }[];
  readonly supply: TokenAmounts;
  readonly emission: Emission;
};

/**
 * Mints, commits and checks.
 * @throws {Cir302Halt} when an invariant fails
 */
export function applyStateTransition(cm: CertifiedMath, input: TransitionInput): TransitionOutput {
  const { working } = input;
  for (const { address, token, amount } of input.allocations)
    credit(cm, working, address, token, amount);
  for (const token of TOKENS) {
    if (input.toTreasury[token] !== UD.ZERO)
      credit(cm, working, input.treasury, token, input.toTreasury[token]);
  }
  checkMintedMatchesGranted(input);
  const changes = working.changes();
  checkNonNegative(changes);
  checkConservation(changes, input.granted);
  const supply = {} as Record<Token, UD128x18>;
  const minted = {} as Record<Token, UD128x18>;
  const sameDay = input.day === input.emission.day;
  for (const token of TOKENS) {
    supply[token] = cm.add(input.supply[token], input.granted[token]);
    minted[token] = cm.add(sameDay ? input.emission.minted[token] : UD.ZERO, input.granted[token]);
  }
  const updates = new Map<string, Account>();
  for (const change of changes) updates.set(change.address, change.after);
  return Object.freeze({
    accounts: updateAccounts(input.accounts, updates),
    changed: Object.freeze(
      changes.map((c) => Object.freeze({ address: c.address, account: c.after })),
    ),
    supply: Object.freeze(supply),
    emission: Object.freeze({ day: input.day, minted: Object.freeze(minted) }),
  });
}

function credit(
  cm: CertifiedMath,
  working: WorkingSet,
  address: string,
  token: Token,
  amount: UD128x18,
): void {
  const account = working.get(address);
  const balances = { ...account.balances, [token]: cm.add(account.balances[token], amount) };
  working.set(address, { balances: Object.freeze(balances), nonce: account.nonce });
}

function checkMintedMatchesGranted(input: TransitionInput): void {
  for (const token of TOKENS) {
    let minted = input.toTreasury[token] as bigint;
    for (const allocation of input.allocations)
      if (allocation.token === token) minted += allocation.amount;
    if (minted !== input.granted[token]) {
      throw new Cir302Halt('allocations do not sum to the granted reward', {
        token,
        granted: input.granted[token].toString(),
        allocated: minted.toString(),
      });
    }
  }
}

function checkNonNegative(
  changes: readonly { address: string; before: Account; after: Account }[],
): void {
  for (const { address, after } of changes) {
    for (const token of TOKENS) {
      if (after.balances[token] < 0n) {
        throw new Cir302Halt('negative balance', {
          address,
          token,
          balance: after.balances[token].toString(),
        });
      }
    }
  }
}

function checkConservation(
  changes: readonly { address: string; before: Account; after: Account }[],
  granted: TokenAmounts,
): void {
  for (const token of TOKENS) {
    let delta = 0n;
    for (const { before, after } of changes)
      delta += after.balances[token] - before.balances[token];
    if (delta !== granted[token]) {
      throw new Cir302Halt('conservation violated', {
        token,
        expectedDelta: granted[token].toString(),
        actualDelta: delta.toString(),
      });
    }
  }
}
