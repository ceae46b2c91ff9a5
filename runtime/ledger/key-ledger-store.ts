/**
 * KeyLedger storage: a small synchronous interface (append, read a range, head) so that the
 * SQLite store of the sequencer issue can replace the in-memory one without touching the ledger.
 * A store checks only that an append extends its head; validation is the ledger's job.
 * @module
 */
import { invariant } from '../assert';
import { ZERO_HASH } from '../codec';
import { KeyLedgerStoreConflictError } from './errors';
import type { KeyLedgerEntry } from './key-event';

/** Most entries one `read` returns. */
export const KEY_LEDGER_READ_LIMIT_MAX = 1000;

/** The head of a stored ledger. */
export type KeyLedgerHead = { readonly entryCount: bigint; readonly headHash: string };

/** Where KeyLedger entries live. Implementations are synchronous (better-sqlite3 is). */
export type KeyLedgerStore = {
  /** The number of entries and the last entry's hash (64 zeros when empty). */
  head(): KeyLedgerHead;
  /**
   * Appends one entry; it must extend the head (sequence = entryCount, previousHash = headHash).
   * @throws {KeyLedgerStoreConflictError} otherwise
   */
  append(entry: KeyLedgerEntry): void;
  /** Up to `limit` (≤ {@link KEY_LEDGER_READ_LIMIT_MAX}) entries from sequence `from`, in order. */
  read(from: bigint, limit: number): readonly KeyLedgerEntry[];
};

/** An in-memory store, for tests and tools. */
export class MemoryKeyLedgerStore implements KeyLedgerStore {
  readonly #entries: KeyLedgerEntry[] = [];

  head(): KeyLedgerHead {
    const last = this.#entries[this.#entries.length - 1];
    return { entryCount: BigInt(this.#entries.length), headHash: last?.entryHash ?? ZERO_HASH };
  }

  append(entry: KeyLedgerEntry): void {
    const { entryCount, headHash } = this.head();
    if (entry.sequence !== entryCount || entry.previousHash !== headHash) {
      const details = {
        position: entry.sequence,
        entryCount,
        headHash,
        previousHash: entry.previousHash,
      };
      throw new KeyLedgerStoreConflictError(details);
    }
    this.#entries.push(entry);
  }

  read(from: bigint, limit: number): readonly KeyLedgerEntry[] {
    invariant(from >= 0n && Number.isSafeInteger(limit) && limit > 0, 'read range is valid');
    invariant(limit <= KEY_LEDGER_READ_LIMIT_MAX, 'read limit is bounded');
    if (from >= BigInt(this.#entries.length)) return [];
    const start = Number(from); // zero-sim-allow ZS_NUMBER_CAST: from < entries.length, a safe integer
    return this.#entries.slice(start, start + limit);
  }
}

/** Every entry of a store, read page by page. */
export function readAllKeyEntries(store: KeyLedgerStore): KeyLedgerEntry[] {
  const out: KeyLedgerEntry[] = [];
  for (;;) {
    const page = store.read(BigInt(out.length), KEY_LEDGER_READ_LIMIT_MAX);
    out.push(...page);
    if (page.length < KEY_LEDGER_READ_LIMIT_MAX) return out;
  }
}
