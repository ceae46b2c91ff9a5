/*
 * createKeySeal / verifySeal
 * ├── a fresh seal verifies (with and without the replayed view) and its hash is SHA-256 of its bytes
 * ├── the seal signature is bound to its context (a key-event or tx signature never passes)
 * ├── entries altered: edit, swap, drop, relink → the first mismatch and its position
 * ├── seal fields altered: chain, count, height, head, root, timestamp, signer, signature, shape
 * ├── verifySealOver (a replica's check over the entries' hashes it keeps): the same verdicts
 * └── sealing requires `sequencer` (KEYLEDGER_UNAUTHORIZED); assertSealValid throws the mismatch
 */
import { expect } from 'chai';
import { bytesToHex, sha256Hex } from '../../../runtime/codec';
import { sign, SignatureContext } from '../../../runtime/crypto';
import { ErrorCode } from '../../../runtime/errors';
import {
  appendSealed,
  assertSealValid,
  createKeySeal,
  finalizeKeyEntry,
  keyLedgerView,
  keySealHash,
  keySealSigningBytes,
  KeyLedgerSealMismatchError,
  KeyLedgerUnauthorizedError,
  replayKeyLedger,
  sealedEntryOf,
  verifySeal,
  verifySealOver,
  type KeyEventBody,
  type KeyFinalitySeal,
  type KeyLedgerEntry,
  type KeySealCheck,
} from '../../../runtime/ledger';
import { caught, flipByte } from '../../support/keys';
import { buildScenario, keys } from './scenario';

describe('verifySeal', function () {
  this.timeout(60_000);
  let entries: KeyLedgerEntry[];
  let seal: KeyFinalitySeal;
  const pk = () => keys.S2.publicKey;

  function mismatch(
    s: unknown,
    e: readonly KeyLedgerEntry[],
    check: KeySealCheck,
    position: number | null = null,
  ) {
    const result = verifySeal(s as KeyFinalitySeal, e, pk());
    expect(result.valid, JSON.stringify(result)).to.equal(false);
    if (!result.valid) {
      expect(result.check).to.equal(check);
      expect(result.position).to.equal(position);
    }
  }

  before(() => {
    ({ entries, seal } = buildScenario());
  });

  it('accepts a fresh seal and returns its hash (SHA-256 of the signed bytes)', () => {
    const view = replayKeyLedger(entries).view;
    const result = verifySeal(seal, entries, pk(), { view });
    expect(result).to.deep.equal({ valid: true, sealHash: sha256Hex(keySealSigningBytes(seal)) });
    expect(keySealHash(seal)).to.equal(sha256Hex(keySealSigningBytes(seal)));
    expect(seal).to.include({
      component: 'KEY_FINALITY_SEAL',
      height: 8n,
      entryCount: 9n,
      signer: keys.S2.address,
    });
    expect(seal.headHash).to.equal((entries[8] as KeyLedgerEntry).entryHash);
  });

  it('verifySealOver: the same verdict and hash from what a replica keeps of each entry', () => {
    const view = replayKeyLedger(entries).view;
    const sealed = entries.map(sealedEntryOf);
    expect(verifySealOver(seal, sealed, pk(), { view })).to.deep.equal(
      verifySeal(seal, entries, pk(), { view }),
    );
    expect(Object.keys(sealed[0] as object).sort()).to.deep.equal([
      'chainId',
      'entryHash',
      'sequence',
      'timestamp',
    ]);
    expect(verifySealOver(seal, sealed.slice(0, -1), pk())).to.include({ check: 'entry-count' });
    expect(verifySealOver(seal, [], pk())).to.include({ check: 'entries' });
  });

  it('appendSealed: the same list when nothing was added, else the added entries kept at the end', () => {
    const sealed = entries.slice(0, 5).map(sealedEntryOf);
    expect(appendSealed(sealed, [])).to.equal(sealed);
    const longer = appendSealed(sealed, entries.slice(5));
    expect(longer).to.deep.equal(entries.map(sealedEntryOf));
    expect(sealed).to.have.length(5);
  });

  describe('when the entries were altered', () => {
    it('names an edited entry (entry-hash) and its position', () => {
      const edited = [...entries];
      edited[5] = { ...(entries[5] as KeyLedgerEntry), timestamp: 5n };
      mismatch(seal, edited, 'entry-hash', 5);
    });
    it('names a re-hashed edit by the broken link of the next entry', () => {
      const edited = [...entries];
      const e = entries[5] as KeyLedgerEntry;
      edited[5] = finalizeKeyEntry(
        { ...e, quantumMetadata: { x: 'y' } } as KeyEventBody,
        e.signatures,
      );
      mismatch(seal, edited, 'entry-link', 6);
    });
    it('names swapped entries (entry-sequence) at the first moved position', () => {
      const swapped = [...entries];
      [swapped[2], swapped[3]] = [swapped[3] as KeyLedgerEntry, swapped[2] as KeyLedgerEntry];
      mismatch(seal, swapped, 'entry-sequence', 2);
    });
    it('names a dropped last entry (entry-count) and a dropped middle entry (entry-sequence)', () => {
      mismatch(seal, entries.slice(0, -1), 'entry-count');
      mismatch(
        seal,
        entries.filter((_, i) => i !== 4),
        'entry-sequence',
        4,
      );
    });
    it('names a wrong pqcCid', () => {
      const edited = [...entries];
      edited[1] = { ...(entries[1] as KeyLedgerEntry), pqcCid: '0'.repeat(32) };
      mismatch(seal, edited, 'entry-cid', 1);
    });
    it('names no entries at all', () => mismatch(seal, [], 'entries'));
    it('names a malformed entry (entry-shape) and its position', () => {
      const edited: unknown[] = [...entries];
      edited[2] = { ...(entries[2] as KeyLedgerEntry), timestamp: 2.5 };
      mismatch(seal, edited as KeyLedgerEntry[], 'entry-shape', 2);
    });
  });

  describe('when the seal was altered', () => {
    const cases: [string, (s: KeyFinalitySeal) => unknown, KeySealCheck][] = [
      ['chainId', (s) => ({ ...s, chainId: 'other' }), 'chain-id'],
      ['entryCount', (s) => ({ ...s, entryCount: 10n }), 'entry-count'],
      ['height', (s) => ({ ...s, height: 9n }), 'height'],
      ['headHash', (s) => ({ ...s, headHash: '1'.repeat(64) }), 'head-hash'],
      ['entriesRoot', (s) => ({ ...s, entriesRoot: '2'.repeat(64) }), 'entries-root'],
      ['timestamp before the head entry', (s) => ({ ...s, timestamp: 1007n }), 'timestamp'],
      ['signer', (s) => ({ ...s, signer: keys.A.address }), 'signer'],
      [
        'timestamp (signature no longer covers it)',
        (s) => ({ ...s, timestamp: 2001n }),
        'signature',
      ],
      ['quantumMetadata', (s) => ({ ...s, quantumMetadata: { beacon: 'round-2' } }), 'signature'],
      [
        'signature byte',
        (s) => ({ ...s, signature: bytesToHex(flipByte(Buffer.from(s.signature, 'hex'), 7)) }),
        'signature',
      ],
      ['component', (s) => ({ ...s, component: 'AEGIS_FINALITY_SEAL' }), 'shape'],
      ['version', (s) => ({ ...s, version: '2' }), 'shape'],
      ['an extra field', (s) => ({ ...s, note: 'x' }), 'shape'],
      ['a number instead of a bigint', (s) => ({ ...s, height: 8 }), 'shape'],
    ];
    for (const [name, alter, check] of cases) {
      it(`names ${check} when ${name} changes (verifySealOver too)`, () => {
        mismatch(alter(seal), entries, check);
        const over = verifySealOver(
          alter(seal) as KeyFinalitySeal,
          entries.map(sealedEntryOf),
          pk(),
        );
        expect(over).to.include({ valid: false, check });
      });
    }

    it('rejects a signature made with another context over the same bytes (cross-context)', () => {
      for (const context of [
        SignatureContext.KEY_EVENT,
        SignatureContext.TX,
        SignatureContext.COHERENCE_SEAL,
      ]) {
        const forged = bytesToHex(sign(keys.S2.secretKey, keySealSigningBytes(seal), context));
        mismatch({ ...seal, signature: forged }, entries, 'signature');
      }
    });

    it('rejects the right seal under another public key (signer)', () => {
      const result = verifySeal(seal, entries, keys.A.publicKey);
      expect(result).to.include({ valid: false, check: 'signer', actual: keys.S2.address });
    });

    it('rejects a signer without sequencer when given the view (signer-capability)', () => {
      const view = keyLedgerView(replayKeyLedger(entries.slice(0, 3)).state); // before the rotation
      expect(verifySeal(seal, entries, pk(), { view })).to.include({
        valid: false,
        check: 'signer-capability',
      });
    });
  });

  describe('createKeySeal', () => {
    it('throws KEYLEDGER_UNAUTHORIZED for a key without sequencer', () => {
      const { view } = replayKeyLedger(entries);
      for (const key of [keys.A, keys.S]) {
        const err = caught(() =>
          createKeySeal(entries, view, { timestamp: 2000n }, key),
        ) as KeyLedgerUnauthorizedError;
        expect(err.code).to.equal(ErrorCode.KEYLEDGER_UNAUTHORIZED);
        expect(err.details.signer).to.equal(key.address);
      }
    });
  });

  describe('assertSealValid', () => {
    it('returns the seal hash, or throws KEYLEDGER_SEAL_MISMATCH with the mismatch', () => {
      expect(assertSealValid(seal, entries, pk())).to.equal(keySealHash(seal));
      const err = caught(() =>
        assertSealValid({ ...seal, height: 3n }, entries, pk()),
      ) as KeyLedgerSealMismatchError;
      expect(err.code).to.equal(ErrorCode.KEYLEDGER_SEAL_MISMATCH);
      expect(err.details).to.include({ check: 'height', expected: '8', actual: '3' });
    });
  });
});
