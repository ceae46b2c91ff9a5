/**
 * The KeyLedger state machine: a pure reducer `applyKeyEvent(state, entry) → state` that
 * validates every entry (shape, position, link, hash, signatures, lifecycle rules) and throws a
 * typed error naming the entry's position; `replayKeyLedger(entries)` rebuilds the state from
 * the entries alone. DESIGN.md §4 Ledgers and seals.
 *
 * Rules (the state before the entry decides; capabilities are checked at the moment of use):
 * - genesis: only at sequence 0, no signatures, 1–64 distinct keys, at least one `admin`.
 * - register: signed by the new key (proof of possession); the key id is the address of the
 *   public key; an address that was ever registered (in any status) cannot register again.
 * - rotate: signed by the old key, then the new key; the old key must be active and becomes
 *   `retired` (its capabilities move to the new key); the new key must be unregistered.
 * - revoke: signed by the key itself (while active) or by an active `admin`; active or retired
 *   keys can be revoked; a revoked key stays revoked and loses every capability.
 * - grant / withdraw: signed by an active `admin`; the target must be active; granting a held
 *   capability or withdrawing a missing one is rejected.
 * - no event may leave the ledger without an active `admin` (KEYLEDGER_LAST_ADMIN).
 * - revoked and retired keys can sign nothing; unknown keys are rejected.
 * - timestamps never decrease; sequence = position; previousHash = previous entryHash.
 * @module
 */
import { addressFromPublicKeyHex, hexToBytes, ZERO_HASH } from '../codec';
import { SignatureContext, verify } from '../crypto';
import {
  KeyLedgerBadSequenceError,
  KeyLedgerBadTimestampError,
  KeyLedgerCapabilityHeldError,
  KeyLedgerCapabilityMissingError,
  KeyLedgerChainBrokenError,
  KeyLedgerDuplicateKeyError,
  KeyLedgerGenesisError,
  KeyLedgerHashMismatchError,
  KeyLedgerKeyRetiredError,
  KeyLedgerKeyRevokedError,
  KeyLedgerLastAdminError,
  KeyLedgerMalformedError,
  KeyLedgerSignatureInvalidError,
  KeyLedgerUnauthorizedError,
  KeyLedgerUnknownKeyError,
  KeyLedgerWrongChainError,
} from './errors';
import {
  checkKeyEntryShape,
  computeEntryHash,
  keyEventSigningBytes,
  pqcCidOf,
  type Capability,
  type KeyEventBody,
  type KeyEventData,
  type KeyEventStamp,
  type KeyEvent,
  type KeyLedgerEntry,
} from './key-event';
import { copyStringMap, TIMESTAMP_MAX_MS } from './wire';

/** A key's lifecycle status. */
export type KeyStatus = 'active' | 'retired' | 'revoked';

/** What the ledger knows about one key. */
export type KeyRecord = {
  readonly keyId: string;
  readonly publicKey: string;
  readonly status: KeyStatus;
  /** Sorted; empty unless active. */
  readonly capabilities: readonly Capability[];
  /** Sequence of the entry that registered it. */
  readonly registeredAt: bigint;
  /** Sequence of the last entry that changed it. */
  readonly changedAt: bigint;
  readonly rotatedFrom: string | null;
  readonly rotatedTo: string | null;
};

/** The ledger state after some entries. `keys` is keyed by the lowercase address. */
export type KeyLedgerState = {
  /** Empty before the genesis. */
  readonly chainId: string;
  readonly entryCount: bigint;
  readonly headHash: string;
  readonly lastTimestamp: bigint;
  /** Active keys holding `admin`. */
  readonly adminCount: number;
  readonly keys: ReadonlyMap<string, KeyRecord>;
};

/** The state of an empty ledger (before the genesis). */
export const EMPTY_KEY_LEDGER_STATE: KeyLedgerState = Object.freeze({
  chainId: '',
  entryCount: 0n,
  headHash: ZERO_HASH,
  lastTimestamp: 0n,
  adminCount: 0,
  keys: new Map<string, KeyRecord>(),
});

/** Read-only access to a KeyLedger state, for DRV validation and the engine. */
export type KeyLedgerView = {
  readonly chainId: string;
  readonly entryCount: bigint;
  readonly headHash: string;
  /** Looks a key up by its id (address; any letter case). */
  getKey(keyId: string): KeyRecord | undefined;
  /** True when the key is active and holds the capability. */
  hasCapability(keyId: string, capability: Capability): boolean;
  /** Every key, sorted by lowercase address. */
  listKeys(): readonly KeyRecord[];
};

/**
 * A read-only view of a state. Given a function, the view reads the state it returns at each
 * call (a live view); given a state, it is a fixed view of it.
 * @param source - the state, or a function returning the current state
 */
export function keyLedgerView(source: KeyLedgerState | (() => KeyLedgerState)): KeyLedgerView {
  if (typeof source === 'function') return makeView(source);
  // A view reads its state at each call, so one per state serves every caller: the sequencer and
  // the engine ask for one per transaction (~1.5 % of the node's event loop when each was new).
  let view = fixedViews.get(source);
  if (view === undefined) {
    view = makeView(() => source);
    fixedViews.set(source, view);
  }
  return view;
}

const fixedViews = new WeakMap<KeyLedgerState, KeyLedgerView>();

function makeView(current: () => KeyLedgerState): KeyLedgerView {
  const getKey = (keyId: string): KeyRecord | undefined =>
    typeof keyId === 'string' ? current().keys.get(keyId.toLowerCase()) : undefined;
  return Object.freeze({
    get chainId() {
      return current().chainId;
    },
    get entryCount() {
      return current().entryCount;
    },
    get headHash() {
      return current().headHash;
    },
    getKey,
    hasCapability: (keyId: string, capability: Capability) => {
      const record = getKey(keyId);
      return (
        record !== undefined &&
        record.status === 'active' &&
        record.capabilities.includes(capability)
      );
    },
    listKeys: () =>
      [...current().keys.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, record]) => record),
  });
}

/**
 * The body of the next event of a ledger: chain, position and link come from the state.
 * @param state - the ledger state (after its genesis)
 * @param event - what to record
 * @param stamp - deterministic timestamp and per-event quantum metadata
 * @returns the body to sign (`signKeyEvent`) and complete (`finalizeKeyEntry`)
 */
export function prepareKeyEvent(
  state: KeyLedgerState,
  event: KeyEvent,
  stamp: KeyEventStamp,
): KeyEventBody {
  return {
    chainId: state.chainId,
    sequence: state.entryCount,
    timestamp: stamp.timestamp,
    quantumMetadata: copyStringMap(stamp.quantumMetadata ?? {}),
    previousHash: state.headHash,
    ...event,
  } as KeyEventBody;
}

/**
 * Validates `entry` against `state` and returns the state after it. Pure: `state` is not changed.
 * @param state - the state before the entry
 * @param entry - the next entry
 * @returns the state after the entry
 * @throws {KeyLedgerError} (a subclass per rule) naming the entry's position
 */
export function applyKeyEvent(state: KeyLedgerState, entry: KeyLedgerEntry): KeyLedgerState {
  const change = transition(state, entry);
  const keys = new Map(state.keys);
  return commit(state, entry, change, keys);
}

/**
 * Rebuilds a ledger's state from its entries alone, re-validating every link, hash, signature and
 * rule (an edited, reordered, dropped or inserted entry throws with its position).
 * @param entries - every entry, from the genesis
 * @returns the final state and its view
 * @throws {KeyLedgerError} at the first invalid entry
 */
export function replayKeyLedger(entries: readonly KeyLedgerEntry[]): {
  readonly state: KeyLedgerState;
  readonly view: KeyLedgerView;
} {
  let state = EMPTY_KEY_LEDGER_STATE;
  // One map for the whole replay: applying in place avoids copying it per entry.
  const keys = new Map<string, KeyRecord>();
  for (const entry of entries) state = commit(state, entry, transition(state, entry), keys);
  return { state, view: keyLedgerView(state) };
}

/** The validated effect of one entry on a state, ready to commit. */
export type KeyEventChange = {
  readonly records: readonly KeyRecord[];
  readonly adminDelta: number;
};

/**
 * Validates `entry` against `state` without changing anything (the first half of
 * {@link applyKeyEvent}, for owners of a mutable state that must store the entry in between).
 * @throws {KeyLedgerError} (a subclass per rule) naming the entry's position
 */
export function validateKeyEvent(state: KeyLedgerState, entry: KeyLedgerEntry): KeyEventChange {
  return transition(state, entry);
}

/**
 * Applies a validated change, updating `keys` in place (it must be the map `state.keys` is, or a
 * copy of it) and returning the next state.
 */
export function commitKeyEvent(
  state: KeyLedgerState,
  entry: KeyLedgerEntry,
  change: KeyEventChange,
  keys: Map<string, KeyRecord>,
): KeyLedgerState {
  return commit(state, entry, change, keys);
}

type Change = KeyEventChange;

function commit(
  state: KeyLedgerState,
  entry: KeyLedgerEntry,
  change: Change,
  keys: Map<string, KeyRecord>,
): KeyLedgerState {
  for (const record of change.records) keys.set(record.keyId.toLowerCase(), Object.freeze(record));
  return Object.freeze({
    chainId: entry.chainId,
    entryCount: state.entryCount + 1n,
    headHash: entry.entryHash,
    lastTimestamp: entry.timestamp,
    adminCount: state.adminCount + change.adminDelta,
    keys,
  });
}

/** Every check of one entry; returns the records it creates or changes. */
function transition(state: KeyLedgerState, entry: KeyLedgerEntry): Change {
  const position = state.entryCount;
  checkKeyEntryShape(entry, position);
  checkPlace(state, entry, position);
  switch (entry.type) {
    case 'genesis':
      return genesis(entry, entry.data, position);
    case 'register':
      return register(state, entry, entry.data, position);
    case 'rotate':
      return rotate(state, entry, entry.data, position);
    case 'revoke':
      return revoke(state, entry, entry.data, position);
    case 'grant':
      return grant(state, entry, entry.data, position);
    case 'withdraw':
      return withdraw(state, entry, entry.data, position);
  }
}

/** Sequence, genesis placement, chain, link, timestamp, hash and cid. */
function checkPlace(state: KeyLedgerState, entry: KeyLedgerEntry, position: bigint): void {
  if (entry.sequence !== position) {
    throw new KeyLedgerBadSequenceError({ position, expected: position, actual: entry.sequence });
  }
  if (position === 0n && entry.type !== 'genesis') {
    throw new KeyLedgerGenesisError({
      position,
      reason: `the first entry must be a genesis, got ${entry.type}`,
    });
  }
  if (position > 0n && entry.type === 'genesis') {
    throw new KeyLedgerGenesisError({ position, reason: 'a genesis is only valid at sequence 0' });
  }
  if (position > 0n && entry.chainId !== state.chainId) {
    throw new KeyLedgerWrongChainError({
      position,
      expected: state.chainId,
      actual: entry.chainId,
    });
  }
  if (entry.previousHash !== state.headHash) {
    throw new KeyLedgerChainBrokenError({
      position,
      expected: state.headHash,
      actual: entry.previousHash,
    });
  }
  if (entry.timestamp < state.lastTimestamp || entry.timestamp > TIMESTAMP_MAX_MS) {
    const details = {
      position,
      previous: state.lastTimestamp,
      actual: entry.timestamp,
      max: TIMESTAMP_MAX_MS,
    };
    throw new KeyLedgerBadTimestampError(details);
  }
  const entryHash = computeEntryHash(entry, entry.signatures);
  if (entry.entryHash !== entryHash) {
    throw new KeyLedgerHashMismatchError({
      position,
      field: 'entryHash',
      expected: entryHash,
      actual: entry.entryHash,
    });
  }
  if (entry.pqcCid !== pqcCidOf(entryHash)) {
    const details = {
      position,
      field: 'pqcCid',
      expected: pqcCidOf(entryHash),
      actual: entry.pqcCid,
    };
    throw new KeyLedgerHashMismatchError(details);
  }
}

function genesis(entry: KeyLedgerEntry, data: KeyEventData['genesis'], position: bigint): Change {
  if (entry.signatures.length !== 0) {
    throw new KeyLedgerMalformedError({
      position,
      field: 'signatures',
      reason: 'a genesis carries no signatures',
    });
  }
  const seen = new Set<string>();
  const records: KeyRecord[] = [];
  let adminCount = 0;
  data.keys.forEach((key, i) => {
    checkKeyIdMatches(key.keyId, key.publicKey, `data/keys/${i}`, position);
    const id = key.keyId.toLowerCase();
    if (seen.has(id))
      throw new KeyLedgerGenesisError({ position, reason: `key ${key.keyId} listed twice` });
    seen.add(id);
    if (key.capabilities.includes('admin')) adminCount++;
    records.push(activeRecord(key.keyId, key.publicKey, key.capabilities, position, null));
  });
  if (adminCount === 0) throw new KeyLedgerGenesisError({ position, reason: 'no key holds admin' });
  return { records, adminDelta: adminCount };
}

function register(
  state: KeyLedgerState,
  entry: KeyLedgerEntry,
  data: KeyEventData['register'],
  position: bigint,
): Change {
  checkKeyIdMatches(data.keyId, data.publicKey, 'data', position);
  requireUnregistered(state, data.keyId, position);
  requireSigners(entry, [data.keyId], position, 'a registration is signed by the new key');
  verifyEntrySignature(entry, 0, data.publicKey, position);
  return { records: [activeRecord(data.keyId, data.publicKey, [], position, null)], adminDelta: 0 };
}

function rotate(
  state: KeyLedgerState,
  entry: KeyLedgerEntry,
  data: KeyEventData['rotate'],
  position: bigint,
): Change {
  const old = requireActive(state, data.keyId, 'target', position);
  if (addressFromPublicKeyHex(data.newPublicKey) !== data.newKeyId) {
    throw new KeyLedgerMalformedError({
      position,
      field: 'data/newKeyId',
      reason: 'not the address of newPublicKey',
    });
  }
  requireUnregistered(state, data.newKeyId, position);
  requireSigners(
    entry,
    [data.keyId, data.newKeyId],
    position,
    'a rotation is signed by the old key, then the new key',
  );
  verifyEntrySignature(entry, 0, old.publicKey, position);
  verifyEntrySignature(entry, 1, data.newPublicKey, position);
  const retired: KeyRecord = {
    ...old,
    status: 'retired',
    capabilities: [],
    changedAt: position,
    rotatedTo: data.newKeyId,
  };
  const successor = activeRecord(
    data.newKeyId,
    data.newPublicKey,
    old.capabilities,
    position,
    data.keyId,
  );
  return { records: [retired, successor], adminDelta: 0 };
}

function revoke(
  state: KeyLedgerState,
  entry: KeyLedgerEntry,
  data: KeyEventData['revoke'],
  position: bigint,
): Change {
  const target = requireKnown(state, data.keyId, position);
  if (target.status === 'revoked') {
    throw new KeyLedgerKeyRevokedError({ position, keyId: target.keyId, role: 'target' });
  }
  const signerId = soleSigner(entry, position);
  const signer =
    signerId.toLowerCase() === target.keyId.toLowerCase()
      ? requireActive(state, signerId, 'signer', position)
      : requireAdmin(state, signerId, position);
  const wasAdmin = target.status === 'active' && target.capabilities.includes('admin');
  if (wasAdmin && state.adminCount <= 1)
    throw new KeyLedgerLastAdminError({ position, keyId: target.keyId });
  verifyEntrySignature(entry, 0, signer.publicKey, position);
  const revoked: KeyRecord = {
    ...target,
    status: 'revoked',
    capabilities: [],
    changedAt: position,
  };
  return { records: [revoked], adminDelta: wasAdmin ? -1 : 0 };
}

function grant(
  state: KeyLedgerState,
  entry: KeyLedgerEntry,
  data: KeyEventData['grant'],
  position: bigint,
): Change {
  const target = requireActive(state, data.keyId, 'target', position);
  if (target.capabilities.includes(data.capability)) {
    throw new KeyLedgerCapabilityHeldError({
      position,
      keyId: target.keyId,
      capability: data.capability,
    });
  }
  const signer = requireAdmin(state, soleSigner(entry, position), position);
  verifyEntrySignature(entry, 0, signer.publicKey, position);
  const capabilities = [...target.capabilities, data.capability].sort();
  return {
    records: [{ ...target, capabilities, changedAt: position }],
    adminDelta: data.capability === 'admin' ? 1 : 0,
  };
}

function withdraw(
  state: KeyLedgerState,
  entry: KeyLedgerEntry,
  data: KeyEventData['withdraw'],
  position: bigint,
): Change {
  const target = requireActive(state, data.keyId, 'target', position);
  if (!target.capabilities.includes(data.capability)) {
    throw new KeyLedgerCapabilityMissingError({
      position,
      keyId: target.keyId,
      capability: data.capability,
    });
  }
  if (data.capability === 'admin' && state.adminCount <= 1) {
    throw new KeyLedgerLastAdminError({ position, keyId: target.keyId });
  }
  const signer = requireAdmin(state, soleSigner(entry, position), position);
  verifyEntrySignature(entry, 0, signer.publicKey, position);
  const capabilities = target.capabilities.filter((c) => c !== data.capability);
  return {
    records: [{ ...target, capabilities, changedAt: position }],
    adminDelta: data.capability === 'admin' ? -1 : 0,
  };
}

function activeRecord(
  keyId: string,
  publicKey: string,
  capabilities: readonly Capability[],
  position: bigint,
  rotatedFrom: string | null,
): KeyRecord {
  return {
    keyId,
    publicKey,
    status: 'active',
    capabilities: [...capabilities].sort(),
    registeredAt: position,
    changedAt: position,
    rotatedFrom,
    rotatedTo: null,
  };
}

function checkKeyIdMatches(
  keyId: string,
  publicKey: string,
  field: string,
  position: bigint,
): void {
  if (addressFromPublicKeyHex(publicKey) !== keyId) {
    throw new KeyLedgerMalformedError({
      position,
      field: `${field}/keyId`,
      reason: 'not the address of the public key',
    });
  }
}

function requireKnown(state: KeyLedgerState, keyId: string, position: bigint): KeyRecord {
  const record = state.keys.get(keyId.toLowerCase());
  if (record === undefined) throw new KeyLedgerUnknownKeyError({ position, keyId });
  return record;
}

function requireActive(
  state: KeyLedgerState,
  keyId: string,
  role: string,
  position: bigint,
): KeyRecord {
  const record = requireKnown(state, keyId, position);
  if (record.status === 'revoked')
    throw new KeyLedgerKeyRevokedError({ position, keyId: record.keyId, role });
  if (record.status === 'retired') {
    throw new KeyLedgerKeyRetiredError({
      position,
      keyId: record.keyId,
      role,
      rotatedTo: record.rotatedTo,
    });
  }
  return record;
}

function requireAdmin(state: KeyLedgerState, keyId: string, position: bigint): KeyRecord {
  const record = requireActive(state, keyId, 'signer', position);
  if (!record.capabilities.includes('admin')) {
    throw new KeyLedgerUnauthorizedError({
      position,
      signer: record.keyId,
      reason: 'does not hold admin',
    });
  }
  return record;
}

function requireUnregistered(state: KeyLedgerState, keyId: string, position: bigint): void {
  const existing = state.keys.get(keyId.toLowerCase());
  if (existing !== undefined) {
    throw new KeyLedgerDuplicateKeyError({
      position,
      keyId: existing.keyId,
      status: existing.status,
    });
  }
}

function requireSigners(
  entry: KeyLedgerEntry,
  expected: readonly string[],
  position: bigint,
  rule: string,
): void {
  const actual = entry.signatures.map((s) => s.signer);
  if (actual.length !== expected.length || actual.some((signer, i) => signer !== expected[i])) {
    throw new KeyLedgerUnauthorizedError({
      position,
      signer: actual.join(',') || '(none)',
      reason: rule,
    });
  }
}

function soleSigner(entry: KeyLedgerEntry, position: bigint): string {
  const only = entry.signatures[0];
  if (entry.signatures.length !== 1 || only === undefined) {
    const signer = entry.signatures.map((s) => s.signer).join(',') || '(none)';
    throw new KeyLedgerUnauthorizedError({
      position,
      signer,
      reason: 'exactly one authorising signature is required',
    });
  }
  return only.signer;
}

function verifyEntrySignature(
  entry: KeyLedgerEntry,
  index: number,
  publicKeyHex: string,
  position: bigint,
): void {
  const signature = entry.signatures[index];
  if (signature === undefined)
    throw new KeyLedgerSignatureInvalidError({ position, signer: '(missing)' });
  const valid = verify(
    hexToBytes(publicKeyHex),
    keyEventSigningBytes(entry as KeyEventBody),
    hexToBytes(signature.signature),
    SignatureContext.KEY_EVENT,
  );
  if (!valid) throw new KeyLedgerSignatureInvalidError({ position, signer: signature.signer });
}
