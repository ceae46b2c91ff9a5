/**
 * The mempool: acknowledged transactions waiting for a bundle, indexed by hash and by sender and
 * nonce, with a capacity and a per-sender limit. Selection takes, per sender, the transactions
 * whose nonces continue the sender's committed nonce without a gap, in arrival order across
 * senders, up to the bundle size.
 *
 * A sender's pending transactions form a *run* (the nonces that follow its committed nonce without
 * a gap: bundleable now, or as soon as the transactions before them are) and *gap* transactions
 * (behind a missing nonce: bundleable only if the sender fills the gap). Gap transactions are what
 * admission limits per sender, what a full pool evicts, and what expires (docs/api.md, Mempool).
 * @module
 */
import type { SignedTx } from '../engine';

export type MempoolEntry = {
  readonly tx: SignedTx;
  /** Arrival sequence (durable; orders the mempool across restarts). */
  readonly seq: number;
  readonly receivedMs: number;
};

export class Mempool {
  readonly capacity: number;
  readonly perSenderMax: number;
  readonly #byHash = new Map<string, MempoolEntry>();
  /** lowercase sender → nonce (decimal) → entry */
  readonly #bySender = new Map<string, Map<bigint, MempoolEntry>>();

  constructor(capacity: number, perSenderMax: number) {
    this.capacity = capacity;
    this.perSenderMax = perSenderMax;
  }

  get size(): number {
    return this.#byHash.size;
  }

  has(txHash: string): boolean {
    return this.#byHash.has(txHash);
  }

  get(txHash: string): MempoolEntry | undefined {
    return this.#byHash.get(txHash);
  }

  /** The entry from `sender` with `nonce`, if any. */
  bySenderNonce(sender: string, nonce: bigint): MempoolEntry | undefined {
    return this.#bySender.get(sender.toLowerCase())?.get(nonce);
  }

  senderCount(sender: string): number {
    return this.#bySender.get(sender.toLowerCase())?.size ?? 0;
  }

  add(entry: MempoolEntry): void {
    const key = entry.tx.from.toLowerCase();
    this.#byHash.set(entry.tx.hash, entry);
    let nonces = this.#bySender.get(key);
    if (nonces === undefined) {
      nonces = new Map();
      this.#bySender.set(key, nonces);
    }
    nonces.set(entry.tx.nonce, entry);
  }

  remove(txHash: string): void {
    const entry = this.#byHash.get(txHash);
    if (entry === undefined) return;
    this.#byHash.delete(txHash);
    const key = entry.tx.from.toLowerCase();
    const nonces = this.#bySender.get(key);
    nonces?.delete(entry.tx.nonce);
    if (nonces?.size === 0) this.#bySender.delete(key);
  }

  /**
   * Picks up to `max` transactions for the next bundle.
   * @param nextNonce - the nonce each sender's next transaction must have (committed nonce + 1)
   */
  select(max: number, nextNonce: (sender: string) => bigint): MempoolEntry[] {
    const picked: { entry: MempoolEntry; key: number }[] = [];
    const senders = [...this.#bySender.keys()].sort();
    for (const sender of senders) {
      const nonces = this.#bySender.get(sender) as Map<bigint, MempoolEntry>;
      let nonce = nextNonce(sender);
      let key = 0;
      for (let entry = nonces.get(nonce); entry !== undefined; entry = nonces.get(nonce)) {
        // A later nonce never sorts before an earlier one of the same sender.
        key = Math.max(key, entry.seq);
        picked.push({ entry, key });
        nonce += 1n;
      }
    }
    // Arrival order across senders; equal keys by sender, then nonce, so that a sender's
    // transactions always run in nonce order (a total order: key, sender, nonce).
    picked.sort(
      (a, b) =>
        a.key - b.key ||
        compareText(a.entry.tx.from.toLowerCase(), b.entry.tx.from.toLowerCase()) ||
        (a.entry.tx.nonce < b.entry.tx.nonce ? -1 : 1),
    );
    return picked.slice(0, max).map((p) => p.entry);
  }

  /**
   * The last nonce of `sender`'s run: the highest n such that every nonce from `next` to n is
   * pending (or `held`, e.g. reserved by an admission in flight); `next - 1` when `next` is not.
   */
  runEnd(sender: string, next: bigint, held: (nonce: bigint) => boolean = () => false): bigint {
    const nonces = this.#bySender.get(sender.toLowerCase());
    let nonce = next;
    while (nonces?.has(nonce) === true || held(nonce)) nonce += 1n;
    return nonce - 1n;
  }

  /** `sender`'s pending transactions behind a nonce gap (after its run), highest nonce first. */
  gapEntries(
    sender: string,
    next: bigint,
    held: (nonce: bigint) => boolean = () => false,
  ): MempoolEntry[] {
    const nonces = this.#bySender.get(sender.toLowerCase());
    if (nonces === undefined) return [];
    const end = this.runEnd(sender, next, held);
    return [...nonces.values()]
      .filter((e) => e.tx.nonce > end)
      .sort((a, b) => (a.tx.nonce > b.tx.nonce ? -1 : 1));
  }

  /** Gap transactions of every sender. */
  gapTotal(
    nextNonce: (sender: string) => bigint,
    held: (sender: string, nonce: bigint) => boolean = () => false,
  ): number {
    let total = 0;
    for (const [sender, nonces] of this.#bySender) {
      const end = this.runEnd(sender, nextNonce(sender), (n) => held(sender, n));
      for (const nonce of nonces.keys()) if (nonce > end) total += 1;
    }
    return total;
  }

  /**
   * The gap transaction a full pool gives up for a bundleable one: the highest nonce of the sender
   * holding the most gap transactions (ties: the lowest address), so that an account filling the
   * pool with transactions it cannot bundle loses them first. Undefined when no sender has any.
   */
  evictionCandidate(
    nextNonce: (sender: string) => bigint,
    held: (sender: string, nonce: bigint) => boolean = () => false,
  ): MempoolEntry | undefined {
    let best: MempoolEntry[] = [];
    for (const sender of [...this.#bySender.keys()].sort()) {
      const gaps = this.gapEntries(sender, nextNonce(sender), (n) => held(sender, n));
      if (gaps.length > best.length) best = gaps;
    }
    return best[0];
  }

  /** Entries received before `cutoffMs` that cannot be selected now (nonce gaps), oldest first. */
  stale(cutoffMs: number, nextNonce: (sender: string) => bigint): MempoolEntry[] {
    const out: MempoolEntry[] = [];
    for (const entry of [...this.#byHash.values()].sort((a, b) => a.seq - b.seq)) {
      if (entry.receivedMs >= cutoffMs) continue;
      if (entry.tx.nonce < nextNonce(entry.tx.from.toLowerCase())) out.push(entry);
      else if (entry.tx.nonce > nextNonce(entry.tx.from.toLowerCase())) out.push(entry);
    }
    return out;
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
