/**
 * Start-up: rebuilds the engine state from the store and checks it before the node may produce.
 * The rebuilt state root must equal the last bundle's and the last seal's; the hash chain of the
 * last CoherenceLedger entries and the last seal's signature must verify; the KeyLedger is replayed
 * (every signature and link). Any mismatch is tampering: the caller quarantines (CIR-412).
 * @module
 */
import { hexToBytes } from '../codec';
import {
  loadGenesis,
  stateRootOf,
  updateAccounts,
  type Account,
  type EngineState,
} from '../engine';
import type { HaltEvidence } from '../guard';
import {
  keyLedgerView,
  parseKeyLedgerEntry,
  parsePacket,
  replayKeyLedger,
  verifyCoherenceChain,
  verifyCoherenceSeal,
  type CoherenceEntry,
  type KeyLedgerEntry,
} from '../ledger';
import { parseAccount, parseCoherenceEntry, parseCoherenceSeal, parseSnapshot } from './records';
import type { NodeStore } from './store';
import { STARTUP_BUNDLE_CHECK_DEPTH, storedBundleIssue } from './stored-bundle';

/** How many of the newest CoherenceLedger entries start-up re-links (`qfs verify` checks all). */
export const STARTUP_CHAIN_CHECK_DEPTH = 64;

export type LoadedState = {
  readonly state: EngineState;
  readonly coherenceHead: CoherenceEntry | null;
  readonly lastSealHash: string;
  readonly keyEntries: readonly KeyLedgerEntry[];
};

export type LoadResult =
  | { readonly ok: true; readonly loaded: LoadedState }
  | { readonly ok: false; readonly reason: string; readonly evidence: HaltEvidence };

/** The genesis document stored at `qfs init`. */
export function storedGenesis(store: NodeStore): unknown {
  const text = store.getMeta('genesis');
  if (text === undefined) throw new Error('the store has no genesis: run `qfs init` first');
  return JSON.parse(text);
}

/** Rebuilds and checks the state. Never throws for tampering: it reports it. */
export function loadState(store: NodeStore): LoadResult {
  const genesis = loadGenesis(storedGenesis(store));
  let keyEntries: KeyLedgerEntry[];
  let keys;
  try {
    keyEntries = store
      .keyEntries()
      .map((row, i) => parseKeyLedgerEntry(JSON.parse(row.entry), BigInt(i)));
    keys = replayKeyLedger(keyEntries).state;
  } catch (err) {
    return fail('KeyLedger replay failed', {
      error: err instanceof Error ? err.message : String(err),
    });
  }
  if (keyEntries[0]?.entryHash !== genesis.keyGenesis.entryHash) {
    return fail('KeyLedger genesis differs from the genesis document', {
      stored: keyEntries[0]?.entryHash ?? 'none',
      expected: genesis.keyGenesis.entryHash,
    });
  }
  const head = store.headHeight();
  if (head < 0)
    return {
      ok: true,
      loaded: {
        state: { ...genesis.state, keys },
        coherenceHead: null,
        lastSealHash: '0'.repeat(64),
        keyEntries,
      },
    };
  const bundle = store.bundle(head);
  const row = store.coherence(head);
  if (bundle === undefined || row === undefined)
    return fail('head bundle or seal missing', { height: String(head) });
  const accounts = new Map<string, Account>();
  for (const a of store.allAccounts()) accounts.set(a.address, parseAccount(a.account));
  const snapshot = parseSnapshot(bundle.snapshot);
  const lastPacket = parsePacket(JSON.parse(bundle.packet));
  const partial = {
    ...genesis.state,
    height: BigInt(head) + 1n,
    lastPacket,
    lastPacketHash: bundle.packetHash,
    accounts: updateAccounts(genesis.state.accounts, accounts), // genesis accounts, then every stored change
    supply: snapshot.supply,
    emission: snapshot.emission,
    guidance: snapshot.guidance,
    keys,
    cir511: snapshot.cir511,
  };
  const stateRoot = stateRootOf(partial);
  const entry = parseCoherenceEntry(row.entry);
  const seal = parseCoherenceSeal(row.seal);
  if (
    stateRoot !== bundle.stateRoot ||
    stateRoot !== entry.stateRoot ||
    stateRoot !== seal.stateRoot
  ) {
    return fail('rebuilt state root differs from the ledger', {
      height: String(head),
      rebuilt: stateRoot,
      bundle: bundle.stateRoot,
      sealed: seal.stateRoot,
    });
  }
  const chainIssue = checkRecentChain(store, head);
  if (chainIssue !== null) return fail('CoherenceLedger hash chain broken', chainIssue);
  for (let h = head; h >= Math.max(0, head - STARTUP_BUNDLE_CHECK_DEPTH + 1); h--) {
    const issue = storedBundleIssue(store, h);
    if (issue !== null) return fail('a committed bundle was altered', issue);
  }
  const signer = keyLedgerView(keys).getKey(seal.signer);
  const sealIssue =
    signer === undefined
      ? { field: 'signer', expected: 'a KeyLedger key', actual: seal.signer }
      : verifyCoherenceSeal(seal, entry, hexToBytes(signer.publicKey));
  if (sealIssue !== null)
    return fail('last seal does not verify', {
      height: String(head),
      field: sealIssue.field,
      expected: sealIssue.expected,
      actual: sealIssue.actual,
    });
  return {
    ok: true,
    loaded: {
      state: Object.freeze({ ...partial, stateRoot }),
      coherenceHead: entry,
      lastSealHash: row.sealHash,
      keyEntries,
    },
  };
}

function checkRecentChain(store: NodeStore, head: number): HaltEvidence | null {
  const from = Math.max(0, head - STARTUP_CHAIN_CHECK_DEPTH + 1);
  const rows = store.coherenceRange(Math.max(0, from - 1), head);
  const entries = rows.map((r) => parseCoherenceEntry(r.entry));
  const before = from === 0 ? null : (entries.shift() ?? null);
  const mismatch = verifyCoherenceChain(entries, before);
  if (mismatch !== null)
    return {
      height: String(mismatch.height),
      field: mismatch.field,
      expected: mismatch.expected,
      actual: mismatch.actual,
    };
  for (const r of rows) {
    if (r.entryHash !== parseCoherenceEntry(r.entry).entryHash)
      return {
        height: String(r.height),
        field: 'entry_hash column',
        expected: parseCoherenceEntry(r.entry).entryHash,
        actual: r.entryHash,
      };
  }
  return null;
}

function fail(reason: string, evidence: HaltEvidence): LoadResult {
  return { ok: false, reason, evidence };
}
