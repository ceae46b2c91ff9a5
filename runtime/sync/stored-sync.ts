/**
 * What a node's store holds, in the forms HolonetSync sends: the sealed bundle of a height as one
 * JSON text put together from the stored texts without parsing them (packet, transactions, seals
 * are stored as the JSON they are served as), and the membership in force at a height.
 * @module
 */
import { loadGenesis } from '../engine';
import {
  EMPTY_KEY_LEDGER_STATE,
  commitKeyEvent,
  keyLedgerView,
  parseKeyLedgerEntry,
  validateKeyEvent,
  type KeyLedgerState,
  type KeyRecord,
} from '../ledger';
import { parseCoherenceEntry } from '../node/records';
import { storedGenesis } from '../node/state-loader';
import type { NodeStore } from '../node/store';
import { membershipOf, type Membership } from './protocol';

/**
 * The sealed bundle at `height` as JSON text (`{height, packet, txs, seal, keySeal}`), or
 * undefined when the store has none.
 */
export function sealedBundleText(store: NodeStore, height: number): string | undefined {
  const bundle = store.bundle(height);
  const coherence = store.coherence(height);
  if (bundle === undefined || coherence === undefined) return undefined;
  const txs = store.bundleTxs(height).map((t) => t.wire);
  const keySeal = store.keySealsIn(height, height)[0]?.seal ?? 'null';
  return `{"height":"${height}","packet":${bundle.packet},"txs":[${txs.join(',')}],"seal":${coherence.seal},"keySeal":${keySeal}}`;
}

/** Most memberships kept per book (the recent heights' and a few older ones). */
const BOOK_ENTRIES_MAX = 256;

/**
 * The membership of each height, from the KeyLedger state after that height's bundle. Live
 * heights are noted as they commit; an older height is rebuilt once from the stored KeyLedger
 * entries (replayed up to the head its CoherenceLedger entry names) and cached by that head.
 */
export class MembershipBook {
  readonly #store: NodeStore;
  readonly #quorumParameter: bigint;
  readonly #byHead = new Map<string, Membership>();

  constructor(store: NodeStore) {
    this.#store = store;
    this.#quorumParameter = loadGenesis(storedGenesis(store)).state.params.replicaQuorum;
  }

  /** Records the KeyLedger state after a committed bundle. */
  note(keys: KeyLedgerState): Membership {
    const cached = this.#byHead.get(keys.headHash);
    if (cached !== undefined) return cached;
    return this.#remember(keys.headHash, membershipOf(keyLedgerView(keys), this.#quorumParameter));
  }

  /** The membership at a committed height, or null when the height is not committed. */
  at(height: number): Membership | null {
    const row = this.#store.coherence(height);
    if (row === undefined) return null;
    const head = parseCoherenceEntry(row.entry).keyLedgerHead;
    const cached = this.#byHead.get(head);
    if (cached !== undefined) return cached;
    return this.#remember(
      head,
      membershipOf(keyLedgerView(this.#replayTo(head)), this.#quorumParameter),
    );
  }

  #replayTo(headHash: string): KeyLedgerState {
    let state = EMPTY_KEY_LEDGER_STATE;
    const keys = new Map<string, KeyRecord>();
    for (const [i, row] of this.#store.keyEntries().entries()) {
      const entry = parseKeyLedgerEntry(JSON.parse(row.entry), BigInt(i));
      state = commitKeyEvent(state, entry, validateKeyEvent(state, entry), keys);
      if (entry.entryHash === headHash) return state;
    }
    throw new Error(`the KeyLedger has no entry ${headHash}`);
  }

  #remember(head: string, membership: Membership): Membership {
    if (this.#byHead.size >= BOOK_ENTRIES_MAX) this.#byHead.clear();
    this.#byHead.set(head, membership);
    return membership;
  }
}
