/**
 * The mempool: acknowledged transactions waiting for a bundle, indexed by hash and by sender and
 * nonce, with a capacity and a per-sender limit. Selection takes, per sender, the transactions
 * whose nonces continue the sender's committed nonce without a gap, in arrival order across
 * senders, up to the bundle size.
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
