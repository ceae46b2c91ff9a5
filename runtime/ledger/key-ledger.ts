/**
 * The KeyLedger: a store plus the validated state it implies. Opening replays the store;
 * appending validates the entry against the current state before the store records it.
 * @module
 */
import type { KeyPair } from '../crypto';
import {
  finalizeKeyEntry,
  type KeyEvent,
  type KeyEventBody,
  type KeyEventStamp,
  type KeyLedgerEntry,
  type KeySignature,
} from './key-event';
import { createKeySeal, type KeyFinalitySeal } from './key-seal';
import {
  commitKeyEvent,
  EMPTY_KEY_LEDGER_STATE,
  keyLedgerView,
  prepareKeyEvent,
  type KeyLedgerState,
  type KeyEventChange,
  type KeyLedgerView,
  type KeyRecord,
  validateKeyEvent,
} from './key-ledger-state';
import { readAllKeyEntries, type KeyLedgerStore } from './key-ledger-store';

/** A KeyLedger bound to its store. Owns its (mutable) state. */
export class KeyLedger {
  readonly #store: KeyLedgerStore;
  readonly #keys = new Map<string, KeyRecord>();
  #state: KeyLedgerState = EMPTY_KEY_LEDGER_STATE;
  readonly #view: KeyLedgerView = keyLedgerView(() => this.#state);

  private constructor(store: KeyLedgerStore) {
    this.#store = store;
  }

  /**
   * Opens a ledger over `store`, replaying (and re-validating) every stored entry.
   * @throws {KeyLedgerError} when a stored entry is invalid
   */
  static open(store: KeyLedgerStore): KeyLedger {
    const ledger = new KeyLedger(store);
    for (const entry of readAllKeyEntries(store))
      ledger.#commit(entry, validateKeyEvent(ledger.#state, entry));
    return ledger;
  }

  /** The current state (entry count, head, keys). */
  get state(): KeyLedgerState {
    return this.#state;
  }

  /** A live read-only view: it always reads the ledger's current state. */
  view(): KeyLedgerView {
    return this.#view;
  }

  /** A fixed view of the state now (later appends do not change it). */
  snapshot(): KeyLedgerView {
    return keyLedgerView({ ...this.#state, keys: new Map(this.#keys) });
  }

  /** The body of the next event, to be signed by the keys the event requires. */
  prepare(event: KeyEvent, stamp: KeyEventStamp): KeyEventBody {
    return prepareKeyEvent(this.#state, event, stamp);
  }

  /**
   * Completes, validates and stores the next entry.
   * @throws {KeyLedgerError} when it is invalid (nothing is stored)
   */
  append(body: KeyEventBody, signatures: readonly KeySignature[]): KeyLedgerEntry {
    return this.appendEntry(finalizeKeyEntry(body, signatures));
  }

  /**
   * Validates and stores a complete entry (the genesis, or an entry received from a replica).
   * @throws {KeyLedgerError} when it is invalid (nothing is stored)
   */
  appendEntry(entry: KeyLedgerEntry): KeyLedgerEntry {
    // Validate, then store, then commit: a rejected entry leaves both store and state untouched.
    const change = validateKeyEvent(this.#state, entry);
    this.#store.append(entry);
    this.#commit(entry, change);
    return entry;
  }

  /** All entries, from the genesis. */
  entries(): KeyLedgerEntry[] {
    return readAllKeyEntries(this.#store);
  }

  /**
   * Seals the current head with a key holding `sequencer`.
   * @throws {KeyLedgerUnauthorizedError} when the key does not hold `sequencer`
   */
  seal(stamp: KeyEventStamp, keyPair: KeyPair): KeyFinalitySeal {
    return createKeySeal(this.entries(), this.#view, stamp, keyPair);
  }

  #commit(entry: KeyLedgerEntry, change: KeyEventChange): void {
    this.#state = commitKeyEvent(this.#state, entry, change, this.#keys);
  }
}
