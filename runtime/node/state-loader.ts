/**
 * Start-up, part one: rebuilds the state the node builds on and checks it before the node may
 * produce. The genesis, the dense heights and sequences, and the status columns go through the
 * ledger verifier's own table checks; the KeyLedger is replayed (every entry's link, hash and
 * signature); the head state (genesis accounts, every stored account, the head snapshot and
 * packet) must give the state root of the head's entry, bundle row and seal, and the head seal
 * must verify. Part two is the full verification (runtime/node/verify), which the node runs after
 * this, in full or in the background (runtime/node/startup-verify.ts). Any failure is tampering:
 * the caller quarantines (CIR-412).
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
  coherenceEntryHash,
  coherenceSealHash,
  keyLedgerView,
  packetHash,
  parseKeyLedgerEntry,
  parsePacket,
  replayKeyLedger,
  verifyCoherenceSeal,
  type CoherenceEntry,
  type CoherenceSeal,
  type KeyLedgerEntry,
} from '../ledger';
import { parseAccount, parseCoherenceEntry, parseCoherenceSeal, parseSnapshot } from './records';
import type { NodeStore } from './store';
import { DifferenceFound, differenceEvidence } from './verify/difference';
import {
  verifiedGenesis,
  verifiedHead,
  verifyKeySequences,
  verifyTxStatuses,
} from './verify/tables';

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

/** Rebuilds and checks the head state. Never throws for tampering: it reports it. */
export function loadState(store: NodeStore): LoadResult {
  let head: number;
  try {
    verifiedGenesis(store);
    head = verifiedHead(store);
    verifyKeySequences(store);
    verifyTxStatuses(store);
  } catch (err) {
    if (!(err instanceof DifferenceFound)) throw err;
    return fail(
      'the stored ledger differs from what it must be',
      differenceEvidence(err.difference),
    );
  }
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
      table: 'key_entries',
      error: err instanceof Error ? err.message : String(err),
    });
  }
  if (keyEntries[0]?.entryHash !== genesis.keyGenesis.entryHash) {
    return fail('KeyLedger genesis differs from the genesis document', {
      table: 'key_entries',
      row: 'sequence=0',
      expected: genesis.keyGenesis.entryHash,
      actual: keyEntries[0]?.entryHash ?? 'none',
    });
  }
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
  return loadHead(store, head, { ...genesis.state, keys }, keyEntries);
}

/** The head bundle's state, rebuilt from the stored accounts and snapshot, against its seal. */
function loadHead(
  store: NodeStore,
  head: number,
  genesis: EngineState,
  keyEntries: KeyLedgerEntry[],
): LoadResult {
  const row = store.coherence(head);
  const rebuilt = rebuildHead(store, head, genesis);
  if (row === undefined || 'reason' in rebuilt)
    return fail('the head rows do not parse', {
      height: String(head),
      error: row === undefined ? 'no coherence row' : (rebuilt as { reason: string }).reason,
    });
  const { partial, entry, seal, bundleStateRoot } = rebuilt;
  const stateRoot = stateRootOf(partial);
  if (
    stateRoot !== bundleStateRoot ||
    stateRoot !== entry.stateRoot ||
    stateRoot !== seal.stateRoot ||
    partial.lastPacketHash !== entry.packetHash
  ) {
    return fail('rebuilt state root differs from the ledger', {
      height: String(head),
      rebuilt: stateRoot,
      bundle: bundleStateRoot,
      sealed: seal.stateRoot,
    });
  }
  const signer = keyLedgerView(partial.keys).getKey(seal.signer);
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
  // The next packet's entropy links to the last seal hash, and the next entry to this entry's hash.
  const hashes: [string, string, string][] = [
    ['coherence.entry', coherenceEntryHash(entry), entry.entryHash],
    ['coherence.entry_hash', entry.entryHash, row.entryHash],
    ['coherence.seal_hash', coherenceSealHash(seal), row.sealHash],
  ];
  for (const [field, expected, actual] of hashes)
    if (expected !== actual)
      return fail('the head entry or seal hash differs', {
        height: String(head),
        field,
        expected,
        actual,
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

/** The head state from genesis accounts, every stored account and the head rows. */
function rebuildHead(
  store: NodeStore,
  head: number,
  genesis: EngineState,
):
  | {
      partial: Omit<EngineState, 'stateRoot'>;
      entry: CoherenceEntry;
      seal: CoherenceSeal;
      bundleStateRoot: string;
    }
  | { reason: string } {
  const bundle = store.bundle(head);
  const row = store.coherence(head);
  if (bundle === undefined || row === undefined) return { reason: 'head bundle or seal missing' };
  try {
    const accounts = new Map<string, Account>();
    for (const a of store.allAccounts()) accounts.set(a.address, parseAccount(a.account));
    const snapshot = parseSnapshot(bundle.snapshot);
    const lastPacket = parsePacket(JSON.parse(bundle.packet));
    const partial = {
      ...genesis,
      height: BigInt(head) + 1n,
      lastPacket,
      lastPacketHash: packetHash(lastPacket),
      accounts: updateAccounts(genesis.accounts, accounts), // genesis accounts, then every stored change
      supply: snapshot.supply,
      emission: snapshot.emission,
      guidance: snapshot.guidance,
      cir511: snapshot.cir511,
    };
    const entry = parseCoherenceEntry(row.entry);
    const seal = parseCoherenceSeal(row.seal);
    return { partial, entry, seal, bundleStateRoot: bundle.stateRoot };
  } catch (err) {
    return { reason: err instanceof Error ? err.message : String(err) };
  }
}

function fail(reason: string, evidence: HaltEvidence): LoadResult {
  return { ok: false, reason, evidence };
}
