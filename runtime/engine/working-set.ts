/**
 * The accounts a bundle has touched so far, over the read-only tree of the previous state. Later
 * transactions of the bundle see earlier ones' effects; nothing reaches the tree until the
 * StateTransitionEngine commits the whole bundle.
 * @module
 */
import { EMPTY_ACCOUNT, getAccount, type Account, type AccountTree } from './account-tree';

export class WorkingSet {
  readonly #base: AccountTree;
  /** lowercase address → the EIP-55 address and the account as the bundle left it. */
  readonly #touched = new Map<string, { address: string; before: Account; after: Account }>();
  /** Undo log: the entry each `set` replaced (undefined when the key was untouched). */
  readonly #journal: [string, { address: string; before: Account; after: Account } | undefined][] =
    [];

  constructor(base: AccountTree) {
    this.#base = base;
  }

  /** The account at `address` as of now (an empty account if it never existed). */
  get(address: string): Account {
    const entry = this.#touched.get(address.toLowerCase());
    return entry === undefined ? (getAccount(this.#base, address) ?? EMPTY_ACCOUNT) : entry.after;
  }

  /** Replaces the account at `address`. */
  set(address: string, account: Account): void {
    const key = address.toLowerCase();
    const entry = this.#touched.get(key);
    const before =
      entry === undefined ? (getAccount(this.#base, address) ?? EMPTY_ACCOUNT) : entry.before;
    this.#journal.push([key, entry]);
    this.#touched.set(key, {
      address: entry?.address ?? address,
      before,
      after: Object.freeze(account),
    });
  }

  /** A point to roll back to: a transaction's effects are all-or-nothing. */
  checkpoint(): number {
    return this.#journal.length;
  }

  /** Undoes every `set` made after `mark`. */
  rollback(mark: number): void {
    while (this.#journal.length > mark) {
      const [key, previous] = this.#journal.pop() as [
        string,
        { address: string; before: Account; after: Account } | undefined,
      ];
      if (previous === undefined) this.#touched.delete(key);
      else this.#touched.set(key, previous);
    }
  }

  /** Every touched account with its value before the bundle, in lowercase-address order. */
  changes(): { address: string; before: Account; after: Account }[] {
    return [...this.#touched.keys()]
      .sort()
      .map((key) => this.#touched.get(key) as { address: string; before: Account; after: Account });
  }
}
