/*
 * KeyLedger (store + state), determinism and order sensitivity
 * ├── deterministic replay: two independent builds give identical entries, head and seal bytes,
 * │   equal to the pinned values (so every run and machine agrees)
 * ├── order sensitivity: every swap, drop, edit (with or without re-hashing) is detected by replay
 * │   with its position (a re-hashed edit of the last entry's unsigned fields only by the seal)
 * ├── open() replays the store; append validates before storing; a rejected append changes nothing
 * ├── live view vs snapshot
 * └── MemoryKeyLedgerStore: append must extend the head; read ranges; entry JSON round trip
 */
import { expect } from 'chai';
import { canonicalString, sha256Hex } from '../../../runtime/codec';
import { ErrorCode } from '../../../runtime/errors';
import {
  finalizeKeyEntry,
  KeyLedger,
  KeyLedgerError,
  KeyLedgerStoreConflictError,
  keySealHash,
  keySealSigningBytes,
  MemoryKeyLedgerStore,
  parseKeyLedgerEntry,
  readAllKeyEntries,
  replayKeyLedger,
  signKeyEvent,
  type KeyEventBody,
  type KeyLedgerEntry,
} from '../../../runtime/ledger';
import { caught } from '../../support/keys';
import { buildScenario, genesisEntry, hex, keys, nextEntry } from './scenario';

const utf8 = (s: string) => new TextEncoder().encode(s);

// Pinned: any change to keys, encoding, hashing or signing shows up here.
const PINNED = {
  headHash: '5c8aa3fe70f8ede01046ce8c0044f82f83a7f1c7abf48cced0ff3da5e27e7a82',
  entriesDigest: 'c102386587d63d26b124d27bdf83fa71a122c6e1d2ab368746c1067b66651087',
  sealHash: '33b848d788e24a785fa6f9dd00bcfe039ab6fe4763eaf2e53c9c2675c6282e9f',
  sealDigest: '98e1c2b1d48430a8326fefbc83a94272e77217ca8d37ababa7396f0b3789fbc0',
};

function replayError(entries: readonly KeyLedgerEntry[]): KeyLedgerError {
  const err = caught(() => replayKeyLedger(entries));
  expect(err).to.be.instanceOf(KeyLedgerError);
  return err as KeyLedgerError;
}

describe('KeyLedger', function () {
  this.timeout(60_000);
  let first: ReturnType<typeof buildScenario>;
  let second: ReturnType<typeof buildScenario>;
  before(() => {
    first = buildScenario();
    second = buildScenario();
  });

  describe('deterministic replay', () => {
    it('two independent builds give identical entries, head hash and seal bytes', () => {
      expect(canonicalString(second.entries)).to.equal(canonicalString(first.entries));
      expect(second.ledger.state.headHash).to.equal(first.ledger.state.headHash);
      expect(
        Buffer.from(keySealSigningBytes(second.seal)).equals(
          Buffer.from(keySealSigningBytes(first.seal)),
        ),
      ).to.equal(true);
      expect(second.seal.signature).to.equal(first.seal.signature);
    });

    it('matches the pinned head hash, entry bytes and seal bytes (across runs and machines)', () => {
      expect(first.ledger.state.headHash).to.equal(PINNED.headHash);
      expect(sha256Hex(utf8(canonicalString(first.entries)))).to.equal(PINNED.entriesDigest);
      expect(keySealHash(first.seal)).to.equal(PINNED.sealHash);
      expect(sha256Hex(utf8(canonicalString(first.seal)))).to.equal(PINNED.sealDigest);
    });

    it('replaying the entries alone gives the ledger’s state', () => {
      const { state } = replayKeyLedger(first.entries);
      expect(state.headHash).to.equal(first.ledger.state.headHash);
      expect(state.entryCount).to.equal(first.ledger.state.entryCount);
    });
  });

  describe('order sensitivity', () => {
    it('detects every swap of neighbours at the first moved position', () => {
      for (let i = 0; i + 1 < first.entries.length; i++) {
        const swapped = [...first.entries];
        [swapped[i], swapped[i + 1]] = [
          swapped[i + 1] as KeyLedgerEntry,
          swapped[i] as KeyLedgerEntry,
        ];
        const err = replayError(swapped);
        expect(err.position, `swap ${i}`).to.equal(BigInt(i));
        expect(err.code).to.equal(ErrorCode.KEYLEDGER_BAD_SEQUENCE);
      }
    });

    it('detects every dropped entry (but the last) at its position', () => {
      for (let i = 0; i + 1 < first.entries.length; i++) {
        const dropped = first.entries.filter((_, j) => j !== i);
        const err = replayError(dropped);
        expect(err.position, `drop ${i}`).to.equal(BigInt(i));
        expect(err.code).to.equal(ErrorCode.KEYLEDGER_BAD_SEQUENCE);
      }
    });

    it('detects every edit without re-hashing as a hash mismatch at its position', () => {
      first.entries.forEach((entry, i) => {
        const edited = [...first.entries];
        edited[i] = { ...entry, quantumMetadata: { edited: 'yes' } };
        const err = replayError(edited);
        expect(err.position, `edit ${i}`).to.equal(BigInt(i));
        expect(err.code).to.equal(ErrorCode.KEYLEDGER_HASH_MISMATCH);
      });
    });

    it('detects every re-hashed edit of an unsigned field by the broken link of the next entry', () => {
      first.entries.slice(0, -1).forEach((entry, i) => {
        const edited = [...first.entries];
        edited[i] = finalizeKeyEntry(
          { ...entry, quantumMetadata: { edited: 'yes' } } as KeyEventBody,
          entry.signatures,
        );
        const err = replayError(edited);
        expect(err.position, `edit ${i}`).to.equal(BigInt(i + 1));
        expect(err.code).to.equal(ErrorCode.KEYLEDGER_CHAIN_BROKEN);
      });
    });

    it('detects a re-hashed edit of signed data by its signature, at its position', () => {
      const edits: [number, (e: KeyLedgerEntry) => unknown][] = [
        [2, (e) => ({ ...e.data, capability: 'sequencer' })],
        [5, (e) => ({ ...e.data, capability: 'oracle' })],
        [7, (e) => ({ ...e.data, reason: 'edited' })],
      ];
      for (const [i, data] of edits) {
        const entry = first.entries[i] as KeyLedgerEntry;
        const edited = [...first.entries];
        edited[i] = finalizeKeyEntry(
          { ...entry, data: data(entry) } as KeyEventBody,
          entry.signatures,
        );
        const err = replayError(edited);
        expect(err.position, `edit ${i}`).to.equal(BigInt(i));
        expect(err.code).to.equal(ErrorCode.KEYLEDGER_SIGNATURE_INVALID);
      }
    });

    it('detects an inserted entry at its position', () => {
      const inserted = [...first.entries];
      inserted.splice(4, 0, first.entries[4] as KeyLedgerEntry);
      const err = replayError(inserted);
      expect(err.position).to.equal(5n);
    });
  });

  describe('open / append', () => {
    it('opens a store by replaying it', () => {
      const store = new MemoryKeyLedgerStore();
      for (const entry of first.entries) store.append(entry);
      const reopened = KeyLedger.open(store);
      expect(reopened.state.headHash).to.equal(first.ledger.state.headHash);
      expect(reopened.view().getKey(keys.S2.address)?.capabilities).to.deep.equal(['sequencer']);
    });

    it('refuses to open a store holding an invalid entry, naming it', () => {
      const store = new MemoryKeyLedgerStore();
      first.entries.forEach((entry, i) =>
        store.append(i === 3 ? { ...entry, timestamp: entry.timestamp + 1n } : entry),
      );
      const err = caught(() => KeyLedger.open(store)) as KeyLedgerError;
      expect(err.code).to.equal(ErrorCode.KEYLEDGER_HASH_MISMATCH);
      expect(err.position).to.equal(3n);
    });

    it('appends prepared and signed events; a rejected append changes neither store nor state', () => {
      const ledger = KeyLedger.open(new MemoryKeyLedgerStore());
      ledger.appendEntry(genesisEntry());
      const body = ledger.prepare(
        { type: 'register', data: { keyId: keys.W.address, publicKey: hex(keys.W) } },
        { timestamp: 1001n },
      );
      const head = ledger.state.headHash;
      expect(() => ledger.append(body, [])).to.throw(KeyLedgerError);
      expect(ledger.state.headHash).to.equal(head);
      expect(ledger.entries()).to.have.length(1);
      const entry = ledger.append(body, [signKeyEvent(body, keys.W)]);
      expect(ledger.state.headHash).to.equal(entry.entryHash);
      expect(ledger.entries()).to.have.length(2);
    });

    it('gives a live view and a fixed snapshot', () => {
      const ledger = KeyLedger.open(new MemoryKeyLedgerStore());
      ledger.appendEntry(genesisEntry());
      const live = ledger.view();
      const snapshot = ledger.snapshot();
      ledger.appendEntry(
        nextEntry(
          ledger.state,
          { type: 'register', data: { keyId: keys.W.address, publicKey: hex(keys.W) } },
          [keys.W],
        ),
      );
      expect(live.entryCount).to.equal(2n);
      expect(live.getKey(keys.W.address)?.status).to.equal('active');
      expect(snapshot.entryCount).to.equal(1n);
      expect(snapshot.getKey(keys.W.address)).to.equal(undefined);
    });
  });
});

describe('MemoryKeyLedgerStore', function () {
  this.timeout(60_000);
  let entries: KeyLedgerEntry[];
  before(() => {
    entries = buildScenario().entries;
  });

  it('appends entries that extend the head and reads ranges back in order', () => {
    const store = new MemoryKeyLedgerStore();
    expect(store.head().entryCount).to.equal(0n);
    for (const entry of entries) store.append(entry);
    expect(store.head()).to.deep.equal({
      entryCount: 9n,
      headHash: (entries[8] as KeyLedgerEntry).entryHash,
    });
    expect(store.read(2n, 3).map((e) => e.sequence)).to.deep.equal([2n, 3n, 4n]);
    expect(store.read(8n, 10)).to.have.length(1);
    expect(store.read(9n, 10)).to.deep.equal([]);
    expect(readAllKeyEntries(store)).to.deep.equal(entries);
  });

  it('throws KEYLEDGER_STORE_CONFLICT for an append that does not extend the head', () => {
    const store = new MemoryKeyLedgerStore();
    store.append(entries[0] as KeyLedgerEntry);
    const skip = caught(() =>
      store.append(entries[2] as KeyLedgerEntry),
    ) as KeyLedgerStoreConflictError;
    expect(skip.code).to.equal(ErrorCode.KEYLEDGER_STORE_CONFLICT);
    expect(skip.details).to.include({ position: 2n, entryCount: 1n });
    const relinked = { ...(entries[1] as KeyLedgerEntry), previousHash: '0'.repeat(64) };
    expect(() => store.append(relinked)).to.throw(KeyLedgerStoreConflictError);
  });

  it('round-trips entries through their JSON form', () => {
    entries.forEach((entry, i) => {
      const parsed = parseKeyLedgerEntry(JSON.parse(canonicalString(entry)), BigInt(i));
      expect(parsed).to.deep.equal(entry);
    });
    expect(
      replayKeyLedger(
        entries.map((e, i) => parseKeyLedgerEntry(JSON.parse(canonicalString(e)), BigInt(i))),
      ).state.headHash,
    ).to.equal((entries[8] as KeyLedgerEntry).entryHash);
  });

  it('parseKeyLedgerEntry throws KEYLEDGER_MALFORMED for a sequence that is not a decimal string', () => {
    const json = JSON.parse(canonicalString(entries[1])) as Record<string, unknown>;
    const err = caught(() =>
      parseKeyLedgerEntry({ ...json, sequence: '01' }, 1n),
    ) as KeyLedgerError;
    expect(err.code).to.equal(ErrorCode.KEYLEDGER_MALFORMED);
  });
});
