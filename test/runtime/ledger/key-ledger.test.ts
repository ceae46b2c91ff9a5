/*
 * KeyLedger replay: determinism and order sensitivity
 * ├── deterministic replay: two independent builds give identical entries, head and seal bytes,
 * │   equal to the pinned values (so every run and machine agrees)
 * ├── order sensitivity: every swap, drop, edit (with or without re-hashing) is detected by replay
 * │   with its position (a re-hashed edit of the last entry's unsigned fields only by the seal)
 * └── entries as JSON: round trip through the canonical form, a malformed sequence refused
 */
import { expect } from 'chai';
import { canonicalString, sha256Hex } from '../../../runtime/codec';
import { ErrorCode } from '../../../runtime/errors';
import {
  finalizeKeyEntry,
  KeyLedgerError,
  keySealHash,
  keySealSigningBytes,
  parseKeyLedgerEntry,
  replayKeyLedger,
  type KeyEventBody,
  type KeyLedgerEntry,
} from '../../../runtime/ledger';
import { caught } from '../../support/keys';
import { buildScenario } from './scenario';

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
      expect(second.state.headHash).to.equal(first.state.headHash);
      expect(
        Buffer.from(keySealSigningBytes(second.seal)).equals(
          Buffer.from(keySealSigningBytes(first.seal)),
        ),
      ).to.equal(true);
      expect(second.seal.signature).to.equal(first.seal.signature);
    });

    it('matches the pinned head hash, entry bytes and seal bytes (across runs and machines)', () => {
      expect(first.state.headHash).to.equal(PINNED.headHash);
      expect(sha256Hex(utf8(canonicalString(first.entries)))).to.equal(PINNED.entriesDigest);
      expect(keySealHash(first.seal)).to.equal(PINNED.sealHash);
      expect(sha256Hex(utf8(canonicalString(first.seal)))).to.equal(PINNED.sealDigest);
    });

    it('replaying the entries alone gives the ledger’s state', () => {
      const { state } = replayKeyLedger(first.entries);
      expect(state.headHash).to.equal(first.state.headHash);
      expect(state.entryCount).to.equal(first.state.entryCount);
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
});

describe('KeyLedger entries as JSON', function () {
  this.timeout(60_000);
  let entries: KeyLedgerEntry[];
  before(() => {
    entries = buildScenario().entries;
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
