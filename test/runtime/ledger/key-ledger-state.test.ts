/*
 * applyKeyEvent / replayKeyLedger
 * ├── the scenario replays to the expected state (statuses, capabilities, rotation links, views)
 * ├── valid transitions from the final state (revoke a retired key, rotate an admin, …)
 * └── every rejection, with its code and the entry's position:
 *     malformed, wrong chain, sequence, timestamp, link, hash/cid, genesis rules, signature,
 *     unknown, duplicate, revoked, retired, unauthorised, capability held/missing, last admin
 */
import { expect } from 'chai';
import { ZERO_HASH } from '../../../runtime/codec';
import { ErrorCode } from '../../../runtime/errors';
import {
  applyKeyEvent,
  createKeyGenesis,
  EMPTY_KEY_LEDGER_STATE,
  finalizeKeyEntry,
  keyLedgerView,
  KeyLedgerError,
  prepareKeyEvent,
  replayKeyLedger,
  signKeyEvent,
  type KeyEvent,
  type KeyEventBody,
  type KeyLedgerEntry,
  type KeyLedgerState,
} from '../../../runtime/ledger';
import { caught } from '../../support/keys';
import { buildScenario, CHAIN, hex, keys, nextEntry } from './scenario';

function rejects(
  state: KeyLedgerState,
  entry: unknown,
  code: string,
  details: Record<string, unknown> = {},
): void {
  const err = caught(() => applyKeyEvent(state, entry as KeyLedgerEntry)) as KeyLedgerError;
  expect(err, String(err)).to.be.instanceOf(KeyLedgerError);
  expect(err.code, err.message).to.equal(code);
  expect(err.position).to.equal(state.entryCount);
  expect(err.details).to.include({ position: state.entryCount, ...details });
}

/** An entry built from a body edited after `prepareKeyEvent`, signed by `signers`. */
function editedEntry(
  state: KeyLedgerState,
  event: KeyEvent,
  edit: Partial<KeyEventBody>,
  signers = [keys.A],
) {
  const body = {
    ...prepareKeyEvent(state, event, { timestamp: state.lastTimestamp + 1n }),
    ...edit,
  } as KeyEventBody;
  return finalizeKeyEntry(
    body,
    signers.map((k) => signKeyEvent(body, k)),
  );
}

describe('replayKeyLedger', function () {
  this.timeout(60_000);
  const { A, S, U, S2, V, W } = keys;
  let entries: KeyLedgerEntry[];
  let state: KeyLedgerState;
  before(() => {
    entries = buildScenario().entries;
    state = replayKeyLedger(entries).state;
  });

  it('rebuilds the state from the entries alone', () => {
    const view = keyLedgerView(state);
    expect(state.entryCount).to.equal(9n);
    expect(state.headHash).to.equal((entries[8] as KeyLedgerEntry).entryHash);
    expect(state.adminCount).to.equal(1);
    expect(view.getKey(A.address)).to.include({ status: 'active' });
    expect(view.getKey(A.address)?.capabilities).to.deep.equal(['admin']);
    expect(view.getKey(S.address)).to.include({ status: 'retired', rotatedTo: S2.address });
    expect(view.getKey(S.address)?.capabilities).to.deep.equal([]);
    expect(view.getKey(S2.address)).to.include({
      status: 'active',
      rotatedFrom: S.address,
      registeredAt: 3n,
    });
    expect(view.getKey(S2.address)?.capabilities).to.deep.equal(['sequencer']);
    expect(view.getKey(U.address)).to.include({ status: 'revoked', changedAt: 7n });
    expect(view.getKey(V.address)?.capabilities).to.deep.equal([]);
    expect(view.getKey(W.address)).to.equal(undefined);
  });

  it('looks keys up in any letter case and lists them sorted by address', () => {
    const view = keyLedgerView(state);
    expect(view.getKey(V.address.toLowerCase())?.keyId).to.equal(V.address);
    const listed = view.listKeys().map((k) => k.keyId.toLowerCase());
    expect(listed).to.deep.equal([...listed].sort());
    expect(listed).to.have.length(5);
  });

  it('gives one view per state, and a live view follows its source', () => {
    expect(keyLedgerView(state)).to.equal(keyLedgerView(state));
    const earlier = replayKeyLedger(entries.slice(0, 2)).state;
    expect(keyLedgerView(earlier)).to.not.equal(keyLedgerView(state));
    expect(keyLedgerView(earlier).entryCount).to.equal(2n);
    let current = earlier;
    const live = keyLedgerView(() => current);
    current = state;
    expect(live.entryCount).to.equal(9n);
    expect(keyLedgerView(earlier).entryCount).to.equal(2n);
  });

  it('checks capabilities on active keys only', () => {
    const view = keyLedgerView(state);
    expect(view.hasCapability(S2.address, 'sequencer')).to.equal(true);
    expect(view.hasCapability(S.address, 'sequencer')).to.equal(false);
    expect(view.hasCapability(A.address, 'sequencer')).to.equal(false);
    expect(view.hasCapability(W.address, 'admin')).to.equal(false);
  });

  it('gives the same state as applying the entries one by one (applyKeyEvent is pure)', () => {
    let stepped = EMPTY_KEY_LEDGER_STATE;
    for (const entry of entries) {
      const before = stepped;
      const beforeKeys = before.keys.size;
      stepped = applyKeyEvent(before, entry);
      expect(before.keys.size).to.equal(beforeKeys);
    }
    expect(stepped.headHash).to.equal(state.headHash);
    expect(keyLedgerView(stepped).listKeys()).to.deep.equal(keyLedgerView(state).listKeys());
  });

  describe('valid transitions from the final state', () => {
    it('an admin revokes a retired key', () => {
      const next = applyKeyEvent(
        state,
        nextEntry(state, { type: 'revoke', data: { keyId: S.address, reason: 'old' } }, [A]),
      );
      expect(keyLedgerView(next).getKey(S.address)?.status).to.equal('revoked');
      expect(next.adminCount).to.equal(1);
    });

    it('the last admin rotates: admin moves to the new key and the old key can sign nothing', () => {
      const rotate: KeyEvent = {
        type: 'rotate',
        data: { keyId: A.address, newKeyId: W.address, newPublicKey: hex(W) },
      };
      const next = applyKeyEvent(state, nextEntry(state, rotate, [A, W]));
      expect(keyLedgerView(next).hasCapability(W.address, 'admin')).to.equal(true);
      expect(next.adminCount).to.equal(1);
      const grant: KeyEvent = { type: 'grant', data: { keyId: V.address, capability: 'oracle' } };
      rejects(next, nextEntry(next, grant, [A]), ErrorCode.KEYLEDGER_KEY_RETIRED, {
        keyId: A.address,
        role: 'signer',
      });
      expect(
        keyLedgerView(applyKeyEvent(next, nextEntry(next, grant, [W]))).hasCapability(
          V.address,
          'oracle',
        ),
      ).to.equal(true);
    });

    it('with a second admin, the first may revoke itself', () => {
      const withTwo = applyKeyEvent(
        state,
        nextEntry(state, { type: 'grant', data: { keyId: V.address, capability: 'admin' } }, [A]),
      );
      expect(withTwo.adminCount).to.equal(2);
      const next = applyKeyEvent(
        withTwo,
        nextEntry(withTwo, { type: 'revoke', data: { keyId: A.address, reason: '' } }, [A]),
      );
      expect(next.adminCount).to.equal(1);
    });

    it('accepts an entry with the same timestamp as the previous one', () => {
      const e = nextEntry(
        state,
        { type: 'register', data: { keyId: W.address, publicKey: hex(W) } },
        [W],
        state.lastTimestamp,
      );
      expect(applyKeyEvent(state, e).entryCount).to.equal(10n);
    });
  });

  describe('rejections', () => {
    const register = (k = W): KeyEvent => ({
      type: 'register',
      data: { keyId: k.address, publicKey: hex(k) },
    });
    const grant = (
      k: { address: string },
      capability: 'admin' | 'oracle' | 'sequencer',
    ): KeyEvent => ({
      type: 'grant',
      data: { keyId: k.address, capability },
    });

    it('KEYLEDGER_MALFORMED: unknown event type', () => {
      const e = editedEntry(
        state,
        register(),
        { type: 'delete' } as unknown as Partial<KeyEventBody>,
        [W],
      );
      rejects(state, e, ErrorCode.KEYLEDGER_MALFORMED, { field: 'type' });
    });
    it('KEYLEDGER_MALFORMED: unknown capability', () => {
      rejects(
        state,
        nextEntry(state, grant(V, 'root' as 'admin'), [A]),
        ErrorCode.KEYLEDGER_MALFORMED,
        { field: 'data/capability' },
      );
    });
    it('KEYLEDGER_MALFORMED: a key id that is not EIP-55 checksummed', () => {
      const e = nextEntry(
        state,
        { type: 'register', data: { keyId: W.address.toLowerCase(), publicKey: hex(W) } },
        [W],
      );
      rejects(state, e, ErrorCode.KEYLEDGER_MALFORMED, { field: 'data/keyId' });
    });
    it('KEYLEDGER_MALFORMED: a key id that is not the address of the public key', () => {
      const e = nextEntry(
        state,
        { type: 'register', data: { keyId: V.address, publicKey: hex(W) } },
        [V],
      );
      rejects(state, e, ErrorCode.KEYLEDGER_MALFORMED, { field: 'data/keyId' });
    });
    it('KEYLEDGER_MALFORMED: an extra field, a non-string metadata value, a bigint-less sequence', () => {
      const e = nextEntry(state, register(), [W]);
      rejects(state, { ...e, extra: '1' }, ErrorCode.KEYLEDGER_MALFORMED, { field: 'entry' });
      rejects(state, { ...e, quantumMetadata: { n: 1 } }, ErrorCode.KEYLEDGER_MALFORMED, {
        field: 'quantumMetadata',
      });
      rejects(state, { ...e, sequence: 9 }, ErrorCode.KEYLEDGER_MALFORMED, { field: 'sequence' });
    });
    it('KEYLEDGER_WRONG_CHAIN: an entry of another chain', () => {
      const e = editedEntry(state, register(), { chainId: 'other-chain' }, [W]);
      rejects(state, e, ErrorCode.KEYLEDGER_WRONG_CHAIN, {
        expected: CHAIN,
        actual: 'other-chain',
      });
    });
    it('KEYLEDGER_BAD_SEQUENCE: a skipped or repeated sequence', () => {
      rejects(
        state,
        editedEntry(state, register(), { sequence: 10n }, [W]),
        ErrorCode.KEYLEDGER_BAD_SEQUENCE,
        { expected: 9n, actual: 10n },
      );
      rejects(
        state,
        editedEntry(state, register(), { sequence: 8n }, [W]),
        ErrorCode.KEYLEDGER_BAD_SEQUENCE,
        { actual: 8n },
      );
    });
    it('KEYLEDGER_BAD_TIMESTAMP: earlier than the previous entry, or past 2^53 − 1', () => {
      const early = nextEntry(state, register(), [W], state.lastTimestamp - 1n);
      rejects(state, early, ErrorCode.KEYLEDGER_BAD_TIMESTAMP, {
        previous: state.lastTimestamp,
        actual: state.lastTimestamp - 1n,
      });
      const late = nextEntry(state, register(), [W], 2n ** 53n);
      rejects(state, late, ErrorCode.KEYLEDGER_MALFORMED, { field: 'timestamp' });
    });
    it('KEYLEDGER_CHAIN_BROKEN: previousHash is not the head', () => {
      const e = editedEntry(state, register(), { previousHash: ZERO_HASH }, [W]);
      rejects(state, e, ErrorCode.KEYLEDGER_CHAIN_BROKEN, {
        expected: state.headHash,
        actual: ZERO_HASH,
      });
    });
    it('KEYLEDGER_HASH_MISMATCH: a wrong entryHash or pqcCid', () => {
      const e = nextEntry(state, register(), [W]);
      const wrong = `${e.entryHash.slice(0, 63)}${e.entryHash.endsWith('0') ? '1' : '0'}`;
      rejects(state, { ...e, entryHash: wrong }, ErrorCode.KEYLEDGER_HASH_MISMATCH, {
        field: 'entryHash',
        expected: e.entryHash,
      });
      rejects(
        state,
        { ...e, pqcCid: e.entryHash.slice(1, 33) },
        ErrorCode.KEYLEDGER_HASH_MISMATCH,
        { field: 'pqcCid' },
      );
    });
    it('KEYLEDGER_GENESIS: a genesis after sequence 0, a first entry that is not a genesis', () => {
      const late = editedEntry(state, { type: 'genesis', data: { keys: [] } }, {}, []);
      const lateGenesis = finalizeKeyEntry(
        { ...late, data: (entries[0] as KeyLedgerEntry).data } as KeyEventBody,
        [],
      );
      rejects(state, lateGenesis, ErrorCode.KEYLEDGER_GENESIS);
      const first = editedEntry(EMPTY_KEY_LEDGER_STATE, register(), { chainId: CHAIN }, [W]);
      rejects(EMPTY_KEY_LEDGER_STATE, first, ErrorCode.KEYLEDGER_GENESIS);
    });
    it('KEYLEDGER_GENESIS: no admin, or a key listed twice', () => {
      const noAdmin = createKeyGenesis({
        chainId: CHAIN,
        timestamp: 0n,
        keys: [{ publicKey: A.publicKey, capabilities: ['sequencer'] }],
      });
      rejects(EMPTY_KEY_LEDGER_STATE, noAdmin, ErrorCode.KEYLEDGER_GENESIS, {
        reason: 'no key holds admin',
      });
      const twice = createKeyGenesis({
        chainId: CHAIN,
        timestamp: 0n,
        keys: [
          { publicKey: A.publicKey, capabilities: ['admin'] },
          { publicKey: A.publicKey, capabilities: [] },
        ],
      });
      rejects(EMPTY_KEY_LEDGER_STATE, twice, ErrorCode.KEYLEDGER_GENESIS);
    });
    it('KEYLEDGER_MALFORMED: a genesis with signatures', () => {
      const genesis = entries[0] as KeyLedgerEntry;
      const signed = finalizeKeyEntry(genesis, [signKeyEvent(genesis, A)]);
      rejects(EMPTY_KEY_LEDGER_STATE, signed, ErrorCode.KEYLEDGER_MALFORMED, {
        field: 'signatures',
      });
    });
    it('KEYLEDGER_SIGNATURE_INVALID: a registration carrying the key’s signature of another event', () => {
      const body = prepareKeyEvent(state, register(), { timestamp: state.lastTimestamp + 1n });
      const revokeW: KeyEvent = { type: 'revoke', data: { keyId: W.address, reason: '' } };
      const otherBody = prepareKeyEvent(state, revokeW, { timestamp: state.lastTimestamp + 1n });
      const e = finalizeKeyEntry(body, [signKeyEvent(otherBody, W)]);
      rejects(state, e, ErrorCode.KEYLEDGER_SIGNATURE_INVALID, { signer: W.address });
    });
    it('KEYLEDGER_SIGNATURE_INVALID: a rotation whose new-key signature is invalid', () => {
      const rotate: KeyEvent = {
        type: 'rotate',
        data: { keyId: S2.address, newKeyId: W.address, newPublicKey: hex(W) },
      };
      const body = prepareKeyEvent(state, rotate, { timestamp: state.lastTimestamp });
      const good = signKeyEvent(body, S2);
      const forged = { signer: W.address, signature: good.signature };
      rejects(
        state,
        finalizeKeyEntry(body, [good, forged]),
        ErrorCode.KEYLEDGER_SIGNATURE_INVALID,
        { signer: W.address },
      );
    });
    it('KEYLEDGER_SIGNATURE_INVALID: an admin signature reused for another event', () => {
      // Entry 2 was "A grants U oracle"; A's signature does not cover a grant to V.
      const old = (entries[2] as KeyLedgerEntry).signatures[0];
      const body = prepareKeyEvent(state, grant(V, 'oracle'), { timestamp: state.lastTimestamp });
      rejects(state, finalizeKeyEntry(body, [old as never]), ErrorCode.KEYLEDGER_SIGNATURE_INVALID);
    });
    it('signatures cover {chainId, type, data}, not the position: a signed event may land later', () => {
      // The user signs before the sequencer places the event (key events travel in transactions).
      const event = register();
      const signedEarly = signKeyEvent(prepareKeyEvent(state, event, { timestamp: 1n }), W);
      const later = applyKeyEvent(state, nextEntry(state, grant(V, 'oracle'), [A]));
      const body = prepareKeyEvent(later, event, { timestamp: later.lastTimestamp });
      expect(
        keyLedgerView(applyKeyEvent(later, finalizeKeyEntry(body, [signedEarly]))).getKey(W.address)
          ?.status,
      ).to.equal('active');
    });
    it('KEYLEDGER_WRONG_CHAIN / SIGNATURE_INVALID: a signature from another chain does not carry over', () => {
      const foreign = signKeyEvent(
        {
          ...prepareKeyEvent(state, register(), { timestamp: 1n }),
          chainId: 'other',
        } as KeyEventBody,
        W,
      );
      const body = prepareKeyEvent(state, register(), { timestamp: state.lastTimestamp });
      rejects(state, finalizeKeyEntry(body, [foreign]), ErrorCode.KEYLEDGER_SIGNATURE_INVALID, {
        signer: W.address,
      });
    });
    it('KEYLEDGER_UNKNOWN_KEY: an unknown target or signer', () => {
      rejects(state, nextEntry(state, grant(W, 'oracle'), [A]), ErrorCode.KEYLEDGER_UNKNOWN_KEY, {
        keyId: W.address,
      });
      rejects(state, nextEntry(state, grant(V, 'oracle'), [W]), ErrorCode.KEYLEDGER_UNKNOWN_KEY, {
        keyId: W.address,
      });
      rejects(
        state,
        nextEntry(state, { type: 'revoke', data: { keyId: W.address, reason: '' } }, [A]),
        ErrorCode.KEYLEDGER_UNKNOWN_KEY,
      );
    });
    it('KEYLEDGER_DUPLICATE_KEY: registering an active or revoked key again, rotating onto a known key', () => {
      rejects(state, nextEntry(state, register(V), [V]), ErrorCode.KEYLEDGER_DUPLICATE_KEY, {
        keyId: V.address,
        status: 'active',
      });
      rejects(state, nextEntry(state, register(U), [U]), ErrorCode.KEYLEDGER_DUPLICATE_KEY, {
        status: 'revoked',
      });
      const rotate: KeyEvent = {
        type: 'rotate',
        data: { keyId: S2.address, newKeyId: V.address, newPublicKey: hex(V) },
      };
      rejects(state, nextEntry(state, rotate, [S2, V]), ErrorCode.KEYLEDGER_DUPLICATE_KEY, {
        keyId: V.address,
      });
    });
    it('KEYLEDGER_KEY_REVOKED: a revoked key is neither target nor signer', () => {
      rejects(state, nextEntry(state, grant(U, 'oracle'), [A]), ErrorCode.KEYLEDGER_KEY_REVOKED, {
        keyId: U.address,
        role: 'target',
      });
      rejects(
        state,
        nextEntry(state, { type: 'revoke', data: { keyId: U.address, reason: '' } }, [A]),
        ErrorCode.KEYLEDGER_KEY_REVOKED,
      );
      const rotate: KeyEvent = {
        type: 'rotate',
        data: { keyId: U.address, newKeyId: W.address, newPublicKey: hex(W) },
      };
      rejects(state, nextEntry(state, rotate, [U, W]), ErrorCode.KEYLEDGER_KEY_REVOKED, {
        role: 'target',
      });
    });
    it('KEYLEDGER_KEY_RETIRED: a rotated-away key cannot be granted, rotated, or revoke itself', () => {
      rejects(state, nextEntry(state, grant(S, 'oracle'), [A]), ErrorCode.KEYLEDGER_KEY_RETIRED, {
        role: 'target',
        rotatedTo: S2.address,
      });
      const rotate: KeyEvent = {
        type: 'rotate',
        data: { keyId: S.address, newKeyId: W.address, newPublicKey: hex(W) },
      };
      rejects(state, nextEntry(state, rotate, [S, W]), ErrorCode.KEYLEDGER_KEY_RETIRED);
      const selfRevoke: KeyEvent = { type: 'revoke', data: { keyId: S.address, reason: '' } };
      rejects(state, nextEntry(state, selfRevoke, [S]), ErrorCode.KEYLEDGER_KEY_RETIRED, {
        role: 'signer',
      });
    });
    it('KEYLEDGER_UNAUTHORIZED: wrong or missing signers for each event', () => {
      rejects(state, nextEntry(state, grant(V, 'oracle'), [S2]), ErrorCode.KEYLEDGER_UNAUTHORIZED, {
        signer: S2.address,
      });
      rejects(state, nextEntry(state, register(), [A]), ErrorCode.KEYLEDGER_UNAUTHORIZED, {
        signer: A.address,
      });
      rejects(state, nextEntry(state, register(), []), ErrorCode.KEYLEDGER_UNAUTHORIZED, {
        signer: '(none)',
      });
      const rotate: KeyEvent = {
        type: 'rotate',
        data: { keyId: V.address, newKeyId: W.address, newPublicKey: hex(W) },
      };
      rejects(state, nextEntry(state, rotate, [V]), ErrorCode.KEYLEDGER_UNAUTHORIZED);
      rejects(state, nextEntry(state, rotate, [W, V]), ErrorCode.KEYLEDGER_UNAUTHORIZED);
      rejects(
        state,
        nextEntry(state, grant(V, 'oracle'), [A, A]),
        ErrorCode.KEYLEDGER_UNAUTHORIZED,
      );
      const revokeV: KeyEvent = { type: 'revoke', data: { keyId: V.address, reason: '' } };
      rejects(state, nextEntry(state, revokeV, [S2]), ErrorCode.KEYLEDGER_UNAUTHORIZED, {
        reason: 'does not hold admin',
      });
    });
    it('KEYLEDGER_CAPABILITY_HELD / KEYLEDGER_CAPABILITY_MISSING', () => {
      rejects(
        state,
        nextEntry(state, grant(S2, 'sequencer'), [A]),
        ErrorCode.KEYLEDGER_CAPABILITY_HELD,
        { capability: 'sequencer' },
      );
      const withdraw: KeyEvent = {
        type: 'withdraw',
        data: { keyId: V.address, capability: 'oracle' },
      };
      rejects(state, nextEntry(state, withdraw, [A]), ErrorCode.KEYLEDGER_CAPABILITY_MISSING, {
        keyId: V.address,
      });
    });
    it('KEYLEDGER_LAST_ADMIN: withdrawing or revoking the last admin', () => {
      const withdraw: KeyEvent = {
        type: 'withdraw',
        data: { keyId: A.address, capability: 'admin' },
      };
      rejects(state, nextEntry(state, withdraw, [A]), ErrorCode.KEYLEDGER_LAST_ADMIN, {
        keyId: A.address,
      });
      rejects(
        state,
        nextEntry(state, { type: 'revoke', data: { keyId: A.address, reason: '' } }, [A]),
        ErrorCode.KEYLEDGER_LAST_ADMIN,
      );
    });
    it('leaves the state unchanged after a rejection', () => {
      const before = keyLedgerView(state).listKeys();
      caught(() => applyKeyEvent(state, nextEntry(state, grant(S2, 'sequencer'), [A])));
      expect(keyLedgerView(state).listKeys()).to.deep.equal(before);
    });
  });
});
