/**
 * A range of committed bundles as one typed record: what anchoring an epoch needs from the ledger
 * (seal hashes, the KeyLedger seals committed with them, the summed reward allocations and the net
 * balance changes). `NodeStore.epoch` reads it; the functions here only combine typed values, so the
 * rules (ordering, summing, what "net" means) are written once, next to the type.
 * @module
 */
import { TOKENS, type Account, type Token } from '../engine';
import { UD, type UD128x18 } from '../math';

/** A KeyLedger seal, numbered across the whole ledger (its height on the anchor's Key chain). */
export type EpochKeySeal = {
  readonly ordinal: number;
  /** The bundle it was committed with. */
  readonly height: number;
  readonly sealHash: string;
  /** The seal hash of ordinal − 1, null for the first. */
  readonly prevSealHash: string | null;
};

export type EpochAllocation = {
  readonly address: string;
  readonly token: Token;
  readonly amount: UD128x18;
};

export type EpochBalanceChange = {
  readonly address: string;
  readonly token: Token;
  /** Raw UD128x18 units, signed; never 0. */
  readonly delta: bigint;
};

/** Bundles `first`..`last` of the ledger. Hashes are lowercase hex without 0x. */
export type EpochRecord = {
  readonly first: number;
  readonly last: number;
  /** CoherenceLedger seal hashes of heights first..last, in height order. */
  readonly sealHashes: readonly string[];
  /** The seal hash at first − 1, null when first is 0. */
  readonly prevSealHash: string | null;
  readonly keySeals: readonly EpochKeySeal[];
  /** The bundles' reward allocations summed per (address, token), ordered by address then token. */
  readonly allocations: readonly EpochAllocation[];
  /**
   * The net change of every (address, token) from the end of bundle first − 1 to the end of bundle
   * `last`, where before genesis every balance is zero (so a range from 0 carries the genesis
   * balances); zero changes left out; ordered by address (as a number) then token.
   */
  readonly balanceChanges: readonly EpochBalanceChange[];
};

/** Orders addresses as 160-bit numbers (the token contract's order): lowercase hex, same length. */
export function compareAddresses(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sums allocations per (address, token), ordered by address then token. */
export function sumAllocations(all: readonly EpochAllocation[]): EpochAllocation[] {
  const sums = new Map<string, { address: string; token: Token; amount: UD128x18 }>();
  for (const a of all) {
    const key = `${a.address.toLowerCase()}|${TOKENS.indexOf(a.token)}`;
    const seen = sums.get(key);
    sums.set(key, { ...a, amount: seen === undefined ? a.amount : UD.add(seen.amount, a.amount) });
  }
  return [...sums.keys()].sort().map((key) => Object.freeze(sums.get(key) as EpochAllocation));
}

/**
 * The non-zero changes of each address from `before` to `after` (undefined: no account, all
 * balances zero), ordered by address then token.
 */
export function netBalanceChanges(
  addresses: readonly string[],
  before: (address: string) => Account | undefined,
  after: (address: string) => Account | undefined,
): EpochBalanceChange[] {
  const unique = new Map<string, string>();
  for (const address of addresses) unique.set(address.toLowerCase(), address);
  const changes: EpochBalanceChange[] = [];
  for (const address of [...unique.values()].sort(compareAddresses)) {
    const from = before(address);
    const to = after(address);
    for (const token of TOKENS) {
      const delta = BigInt(to?.balances[token] ?? 0n) - BigInt(from?.balances[token] ?? 0n);
      if (delta !== 0n) changes.push(Object.freeze({ address, token, delta }));
    }
  }
  return changes;
}
