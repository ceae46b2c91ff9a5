/*
 * Transactions inside a bundle (applyTx, driven through executeBundle)
 * ├── authentication failures change nothing at all, not even the nonce, and never fail the bundle:
 * │   TX_WRONG_CHAIN, TX_UNKNOWN_SENDER, TX_SENDER_INACTIVE (revoked; rotated = retired),
 * │   TX_BAD_SIGNATURE (verified for real: flipped byte, another key, unsigned), TX_BAD_NONCE
 * ├── effect failures change nothing but the nonce: TX_INSUFFICIENT_BALANCE, TX_INSUFFICIENT_FEE
 * ├── transfers (incl. to oneself and to a new address) and actions (fee to the treasury)
 * ├── key events through transactions: register, rotate (balances, nonce and rewards move to the
 * │   new address), revoke, grant, withdraw; unauthorized ones fail with KEYLEDGER_* / TX_NOT_AUTHORIZED
 * └── guidance transactions: accepted from an oracle key (effective next bundle); GUIDANCE_NOT_ORACLE
 *     for a user, a revoked oracle and a withdrawn capability; GUIDANCE_REPLAYED / _STALE /
 *     _FROM_FUTURE; the sequencer revoking its own key → the next packet fails DRV_SIGNER_UNAUTHORIZED
 */
import { expect } from 'chai';
import {
  getAccount,
  guidanceToJson,
  type BundleResult,
  type EngineState,
  type SignedTx,
} from '../../../runtime/engine';
import { keyLedgerView, replayKeyLedger } from '../../../runtime/ledger';
import { UD } from '../../../runtime/math';
import { bytesToHex } from '../../../runtime/codec';
import type { KeyPair } from '../../../runtime/crypto';
import {
  actionBody,
  keyEventBody,
  registerBody,
  rotateBody,
  signTx,
  transferBody,
} from '../../../runtime/sdk/tx-builder';
import {
  balancesOf,
  CHAIN_ID,
  genesisState,
  guidanceWith,
  keys,
  nonceOf,
  preverify,
  runBundle,
  testGenesis,
  tx,
  unsignedTx,
} from '../../support/engine';
import { caught, testKey } from '../../support/keys';
import { loadGenesis, parseTx } from '../../../runtime/engine';

const [A, B, C] = [0, 1, 2].map((i) => keys.user(i)) as [KeyPair, KeyPair, KeyPair];

/** Runs `list` as the next bundle with every signature taken as verified. */
function run(state: EngineState, list: readonly SignedTx[]): BundleResult {
  return runBundle(state, list, { preverified: preverify(list) });
}

const codes = (r: BundleResult) => r.receipts.map((x) => (x.status === 'ok' ? 'ok' : x.code));
const u = (from: KeyPair | string, nonce: bigint, body: Record<string, unknown>) =>
  unsignedTx(typeof from === 'string' ? from : from.address, nonce, body);

function revokeBody(target: string, signer: KeyPair, reason = 'compromised') {
  return keyEventBody(CHAIN_ID, { type: 'revoke', data: { keyId: target, reason } }, [signer]);
}
function capabilityBody(
  type: 'grant' | 'withdraw',
  target: string,
  capability: string,
  signer: KeyPair,
) {
  return keyEventBody(CHAIN_ID, { type, data: { keyId: target, capability } }, [signer]);
}
function guidanceBody(overrides: Record<string, string>) {
  return { type: 'guidance', guidance: guidanceToJson(guidanceWith(overrides)) };
}

describe('transactions in a bundle', function () {
  // Bundles sign and verify their DRV packets (and some transactions) with ML-DSA-87.
  this.timeout(60_000);
  const s0 = genesisState(3);

  describe('authentication failures', () => {
    function expectUntouched(before: EngineState, after: EngineState, address: string) {
      expect(balancesOf(after, address)).to.deep.equal(balancesOf(before, address));
      expect(nonceOf(after, address)).to.equal(nonceOf(before, address));
    }

    it('TX_BAD_NONCE: a nonce too high or reused; the nonce does not move', () => {
      const r = run(s0, [
        u(A, 2n, transferBody('CHR', B.address, '1')),
        u(A, 1n, transferBody('CHR', B.address, '1')),
        u(A, 1n, transferBody('CHR', B.address, '2')),
      ]);
      expect(codes(r)).to.deep.equal(['TX_BAD_NONCE', 'ok', 'TX_BAD_NONCE']);
      expect(nonceOf(r.state, A.address)).to.equal(1n);
      expect(balancesOf(r.state, B.address).CHR).to.equal('1001');
      expect(r.receipts[0]?.reason).to.equal('expected nonce 1, got 2');
    });

    it('TX_UNKNOWN_SENDER: a key that is not in the KeyLedger', () => {
      const stranger = testKey(300);
      const r = runBundle(s0, [tx(stranger, 1n, transferBody('CHR', B.address, '1'))]);
      expect(codes(r)).to.deep.equal(['TX_UNKNOWN_SENDER']);
      expectUntouched(s0, r.state, stranger.address);
    });

    it('TX_WRONG_CHAIN: a transaction for another chain', () => {
      const other = unsignedTx(A.address, 1n, transferBody('CHR', B.address, '1'), 'qfs-other');
      const r = run(s0, [other]);
      expect(codes(r)).to.deep.equal(['TX_WRONG_CHAIN']);
      expectUntouched(s0, r.state, A.address);
    });

    describe('TX_BAD_SIGNATURE (verified for real)', () => {
      const body = transferBody('CHR', B.address, '5');
      it('rejects a signature with one flipped byte', () => {
        const wire = signTx(A, CHAIN_ID, 1n, body);
        const flipped = `${wire.signature.slice(0, 100)}${wire.signature[100] === '0' ? '1' : '0'}${wire.signature.slice(101)}`;
        const r = runBundle(s0, [parseTx({ ...wire, signature: flipped })]);
        expect(codes(r)).to.deep.equal(['TX_BAD_SIGNATURE']);
        expectUntouched(s0, r.state, A.address);
      });
      it('rejects a signature by another key', () => {
        const byB = signTx(B, CHAIN_ID, 1n, body);
        const r = runBundle(s0, [parseTx({ ...byB, from: A.address })]);
        expect(codes(r)).to.deep.equal(['TX_BAD_SIGNATURE']);
      });
      it('rejects an all-zero signature unless the caller pre-verified the hash', () => {
        const t = u(A, 1n, body);
        expect(codes(runBundle(s0, [t]))).to.deep.equal(['TX_BAD_SIGNATURE']);
        expect(codes(run(s0, [t]))).to.deep.equal(['ok']);
      });
      it('accepts a real signature without pre-verification', () => {
        expect(codes(runBundle(s0, [tx(A, 1n, body)]))).to.deep.equal(['ok']);
      });
    });
  });

  describe('effect failures', () => {
    it('TX_INSUFFICIENT_BALANCE: nothing moves but the nonce, and the bundle goes on', () => {
      const r = run(s0, [
        u(A, 1n, transferBody('PSI', B.address, '1000.000000000000000001')),
        u(A, 2n, transferBody('PSI', B.address, '1000')),
      ]);
      expect(codes(r)).to.deep.equal(['TX_INSUFFICIENT_BALANCE', 'ok']);
      expect(nonceOf(r.state, A.address)).to.equal(2n);
      expect(balancesOf(r.state, A.address).PSI).to.equal('0');
      expect(balancesOf(r.state, B.address).PSI).to.equal('2000');
    });

    it('TX_INSUFFICIENT_FEE: an action whose FLX fee exceeds the balance earns nothing', () => {
      // Fee = 1,000,000 × (0.06 + 0.1) × 0.01 = 1,600 FLX > 1,000.
      const r = run(s0, [u(A, 1n, actionBody('compute', 1_000_000n))]);
      expect(codes(r)).to.deep.equal(['TX_INSUFFICIENT_FEE']);
      expect(nonceOf(r.state, A.address)).to.equal(1n);
      expect(balancesOf(r.state, A.address)).to.deep.equal(balancesOf(s0, A.address));
      expect(r.allocations).to.deep.equal([]);
      expect(r.rewards.granted.CHR).to.equal(UD.ZERO);
    });

    it('a failed transaction changes nothing but its nonce (whole state compared)', () => {
      const ok = run(s0, [u(B, 1n, transferBody('CHR', C.address, '1'))]);
      const withFailure = run(s0, [
        u(B, 1n, transferBody('CHR', C.address, '1')),
        u(A, 1n, transferBody('CHR', C.address, '5000')),
      ]);
      for (const k of [B, C, keys.admin, keys.oracle]) {
        expect(balancesOf(withFailure.state, k.address)).to.deep.equal(
          balancesOf(ok.state, k.address),
        );
      }
      expect(balancesOf(withFailure.state, A.address)).to.deep.equal(balancesOf(s0, A.address));
      expect(nonceOf(withFailure.state, A.address)).to.equal(1n);
      expect(withFailure.state.supply).to.deep.equal(ok.state.supply);
      expect(withFailure.state.keys.headHash).to.equal(ok.state.keys.headHash);
    });
  });

  describe('transfers and actions', () => {
    it('moves the amount; a transfer to oneself changes only the nonce', () => {
      const r = run(s0, [
        u(A, 1n, transferBody('ATR', B.address, '0.000000000000000001')),
        u(B, 1n, transferBody('RES', B.address, '7')),
      ]);
      expect(codes(r)).to.deep.equal(['ok', 'ok']);
      expect(balancesOf(r.state, A.address).ATR).to.equal('999.999999999999999999');
      expect(balancesOf(r.state, B.address).ATR).to.equal('1000.000000000000000001');
      expect(balancesOf(r.state, B.address).RES).to.equal('1000');
      expect(nonceOf(r.state, B.address)).to.equal(1n);
    });

    it('creates the account of a new address', () => {
      const fresh = testKey(301).address;
      const r = run(s0, [u(A, 1n, transferBody('CHR', fresh, '3'))]);
      expect(balancesOf(r.state, fresh).CHR).to.equal('3');
      expect(r.state.accounts.size).to.equal(s0.accounts.size + 1);
    });

    it('charges each action its FLX fee, paid to the treasury, and records it in the receipt', () => {
      // compute: 5 × (0.06 + 0.1) × 0.01 = 0.008; relay (no penalty): 10 × 0.06 × 0.01 = 0.006.
      const r = run(s0, [u(A, 1n, actionBody('compute', 5n)), u(B, 1n, actionBody('relay', 10n))]);
      expect(r.receipts.map((x) => UD.formatTrimmed(x.fee ?? UD.ZERO))).to.deep.equal([
        '0.008',
        '0.006',
      ]);
      expect(UD.formatTrimmed(r.fees)).to.equal('0.014');
      expect(balancesOf(r.state, keys.treasury).FLX).to.equal('0.014');
    });
  });

  describe('key events', () => {
    it('register: a new key registers itself and can then transact', () => {
      const fresh = testKey(302);
      const r1 = run(s0, [u(fresh, 1n, registerBody(CHAIN_ID, fresh))]);
      expect(codes(r1)).to.deep.equal(['ok']);
      expect(keyLedgerView(r1.state.keys).getKey(fresh.address)?.status).to.equal('active');
      expect(r1.keyEntries.map((e) => e.type)).to.deep.equal(['register']);
      expect(r1.state.keys.headHash).to.equal(r1.keyEntries[0]?.entryHash);
      const r2 = run(r1.state, [
        u(A, 1n, transferBody('CHR', fresh.address, '1')),
        u(fresh, 2n, transferBody('CHR', A.address, '1')),
      ]);
      expect(codes(r2)).to.deep.equal(['ok', 'ok']);
    });

    it('register: sent by another key → TX_NOT_AUTHORIZED; an existing key → KEYLEDGER_DUPLICATE_KEY; neither takes the nonce', () => {
      const fresh = testKey(303);
      const r = run(s0, [
        u(A, 1n, registerBody(CHAIN_ID, fresh)),
        u(B, 1n, registerBody(CHAIN_ID, B)),
      ]);
      expect(codes(r)).to.deep.equal(['TX_NOT_AUTHORIZED', 'KEYLEDGER_DUPLICATE_KEY']);
      expect(nonceOf(r.state, A.address)).to.equal(0n);
      expect(nonceOf(r.state, B.address)).to.equal(0n);
    });

    it('register: a revoked key registering itself again → TX_SENDER_INACTIVE, nonce unchanged', () => {
      const r = run(s0, [u(C, 1n, revokeBody(C.address, C)), u(C, 2n, registerBody(CHAIN_ID, C))]);
      expect(codes(r)).to.deep.equal(['ok', 'TX_SENDER_INACTIVE']);
      expect(nonceOf(r.state, C.address)).to.equal(1n);
    });

    describe('rotate', () => {
      const next = testKey(210);
      const r = run(s0, [
        u(A, 1n, transferBody('CHR', B.address, '10')),
        u(A, 2n, rotateBody(CHAIN_ID, A, next)),
        u(next, 3n, transferBody('CHR', B.address, '1')),
        u(A, 3n, transferBody('CHR', B.address, '1')),
      ]);
      it('moves balances and nonce to the new address and retires the old key', () => {
        expect(codes(r)).to.deep.equal(['ok', 'ok', 'ok', 'TX_SENDER_INACTIVE']);
        expect(balancesOf(r.state, next.address)).to.deep.equal({
          CHR: '989',
          FLX: '1000',
          PSI: '1000',
          ATR: '1000',
          RES: '1000',
        });
        expect(balancesOf(r.state, A.address)).to.deep.equal({
          CHR: '0',
          FLX: '0',
          PSI: '0',
          ATR: '0',
          RES: '0',
        });
        expect(nonceOf(r.state, next.address)).to.equal(3n);
        const view = keyLedgerView(r.state.keys);
        expect(view.getKey(A.address)).to.include({ status: 'retired', rotatedTo: next.address });
        expect(view.getKey(next.address)).to.include({ status: 'active', rotatedFrom: A.address });
      });
      it('the retired key is rejected in later bundles too (TX_SENDER_INACTIVE)', () => {
        const r2 = run(r.state, [u(A, 3n, transferBody('CHR', B.address, '1'))]);
        expect(codes(r2)).to.deep.equal(['TX_SENDER_INACTIVE']);
      });
      it('moves the capabilities with the key (an oracle that rotates stays an oracle)', () => {
        const newOracle = testKey(211);
        const r2 = run(s0, [u(keys.oracle, 1n, rotateBody(CHAIN_ID, keys.oracle, newOracle))]);
        const view = keyLedgerView(r2.state.keys);
        expect(view.hasCapability(newOracle.address, 'oracle')).to.equal(true);
        expect(view.hasCapability(keys.oracle.address, 'oracle')).to.equal(false);
      });
      it('pays the reward of an action sent before the rotation to the new address', () => {
        const newB = testKey(212);
        const r2 = run(s0, [
          u(B, 1n, actionBody('relay', 100n)),
          u(B, 2n, rotateBody(CHAIN_ID, B, newB)),
        ]);
        expect(codes(r2)).to.deep.equal(['ok', 'ok']);
        expect(r2.allocations.map((a) => a.address)).to.deep.equal(Array(5).fill(newB.address));
        expect(balancesOf(r2.state, B.address).CHR).to.equal('0');
        let total = 0n;
        for (const token of ['CHR', 'FLX', 'PSI', 'ATR', 'RES'] as const) {
          total += getAccount(r2.state.accounts, B.address)?.balances[token] ?? 0n;
        }
        expect(total).to.equal(0n);
      });
      it('signed by the old key only → KEYLEDGER_UNAUTHORIZED; by the new key first → TX_NOT_AUTHORIZED', () => {
        const target = testKey(213);
        const data = {
          keyId: C.address,
          newKeyId: target.address,
          newPublicKey: bytesToHex(target.publicKey),
        };
        const oldOnly = keyEventBody(CHAIN_ID, { type: 'rotate', data }, [C]);
        const newFirst = keyEventBody(CHAIN_ID, { type: 'rotate', data }, [target, C]);
        const r2 = run(s0, [u(C, 1n, oldOnly), u(C, 2n, newFirst)]);
        expect(codes(r2)).to.deep.equal(['KEYLEDGER_UNAUTHORIZED', 'TX_NOT_AUTHORIZED']);
        expect(nonceOf(r2.state, C.address)).to.equal(2n);
        expect(keyLedgerView(r2.state.keys).getKey(C.address)?.status).to.equal('active');
      });
    });

    describe('revoke', () => {
      it('by the key itself or by an admin; the revoked key can no longer send', () => {
        const r = run(s0, [
          u(A, 1n, revokeBody(A.address, A)),
          u(keys.admin, 1n, revokeBody(B.address, keys.admin)),
          u(A, 2n, transferBody('CHR', C.address, '1')),
          u(B, 1n, transferBody('CHR', C.address, '1')),
        ]);
        expect(codes(r)).to.deep.equal(['ok', 'ok', 'TX_SENDER_INACTIVE', 'TX_SENDER_INACTIVE']);
        const view = keyLedgerView(r.state.keys);
        expect(view.getKey(A.address)?.status).to.equal('revoked');
        expect(view.getKey(B.address)?.status).to.equal('revoked');
      });
      it('by another non-admin key → KEYLEDGER_UNAUTHORIZED; twice → KEYLEDGER_KEY_REVOKED', () => {
        const r = run(s0, [
          u(C, 1n, revokeBody(A.address, C)),
          u(A, 1n, revokeBody(A.address, A)),
          u(keys.admin, 1n, revokeBody(A.address, keys.admin)),
        ]);
        expect(codes(r)).to.deep.equal(['KEYLEDGER_UNAUTHORIZED', 'ok', 'KEYLEDGER_KEY_REVOKED']);
      });
      it('an event signed by someone other than the sender → TX_NOT_AUTHORIZED', () => {
        const r = run(s0, [u(C, 1n, revokeBody(A.address, keys.admin))]);
        expect(codes(r)).to.deep.equal(['TX_NOT_AUTHORIZED']);
        expect(nonceOf(r.state, C.address)).to.equal(1n);
      });
      it('a forged event signature → KEYLEDGER_SIGNATURE_INVALID', () => {
        const body = revokeBody(A.address, keys.admin) as {
          signatures: { signer: string; signature: string }[];
        };
        const forged = {
          ...body,
          signatures: [{ signer: keys.admin.address, signature: '00'.repeat(4627) }],
        };
        const r = run(s0, [u(keys.admin, 1n, forged)]);
        expect(codes(r)).to.deep.equal(['KEYLEDGER_SIGNATURE_INVALID']);
      });
    });

    describe('grant and withdraw', () => {
      it('an admin grants and withdraws capabilities', () => {
        const r = run(s0, [
          u(keys.admin, 1n, capabilityBody('grant', C.address, 'oracle', keys.admin)),
          u(keys.admin, 2n, capabilityBody('withdraw', keys.oracle.address, 'oracle', keys.admin)),
        ]);
        expect(codes(r)).to.deep.equal(['ok', 'ok']);
        const view = keyLedgerView(r.state.keys);
        expect(view.hasCapability(C.address, 'oracle')).to.equal(true);
        expect(view.hasCapability(keys.oracle.address, 'oracle')).to.equal(false);
        expect(r.keyEntries.map((e) => [e.type, e.sequence])).to.deep.equal([
          ['grant', 1n],
          ['withdraw', 2n],
        ]);
      });
      it('fails with KEYLEDGER_* codes when unauthorized or inconsistent', () => {
        const r = run(s0, [
          u(C, 1n, capabilityBody('grant', C.address, 'admin', C)),
          u(keys.admin, 1n, capabilityBody('grant', keys.oracle.address, 'oracle', keys.admin)),
          u(keys.admin, 2n, capabilityBody('withdraw', C.address, 'sequencer', keys.admin)),
          u(keys.admin, 3n, capabilityBody('withdraw', keys.admin.address, 'admin', keys.admin)),
          u(keys.admin, 4n, capabilityBody('grant', C.address, 'root', keys.admin)),
        ]);
        expect(codes(r)).to.deep.equal([
          'KEYLEDGER_UNAUTHORIZED',
          'KEYLEDGER_CAPABILITY_HELD',
          'KEYLEDGER_CAPABILITY_MISSING',
          'KEYLEDGER_LAST_ADMIN',
          'KEYLEDGER_MALFORMED',
        ]);
        expect(r.keyEntries).to.deep.equal([]);
        expect(r.state.keys.headHash).to.equal(s0.keys.headHash);
        expect(nonceOf(r.state, keys.admin.address)).to.equal(4n);
      });
    });

    it('returns KeyLedger entries that replay, from the genesis entry, to the bundle’s key state', () => {
      const genesis = loadGenesis(testGenesis(3));
      const fresh = testKey(215);
      const next = testKey(216);
      const r1 = run(genesis.state, [
        u(fresh, 1n, registerBody(CHAIN_ID, fresh)),
        u(keys.admin, 1n, capabilityBody('grant', fresh.address, 'oracle', keys.admin)),
      ]);
      const r2 = run(r1.state, [
        u(fresh, 2n, rotateBody(CHAIN_ID, fresh, next)),
        u(keys.admin, 2n, revokeBody(C.address, keys.admin, '')),
      ]);
      const entries = [genesis.keyGenesis, ...r1.keyEntries, ...r2.keyEntries];
      const replayed = replayKeyLedger(entries);
      expect(replayed.state.headHash).to.equal(r2.state.keys.headHash);
      expect(replayed.state.entryCount).to.equal(5n);
      expect(replayed.view.hasCapability(next.address, 'oracle')).to.equal(true);
      expect(replayed.view.getKey(C.address)?.status).to.equal('revoked');
    });

    it('several key events in one bundle, one failing between them: the input state is untouched and the result equals the replay', () => {
      // The engine updates one copy of the key map per bundle in place (not one copy per event).
      const genesis = loadGenesis(testGenesis(3));
      const before = [...genesis.state.keys.keys.entries()];
      const [k1, k2, k3] = [testKey(217), testKey(218), testKey(219)];
      const r = run(genesis.state, [
        u(k1, 1n, registerBody(CHAIN_ID, k1)),
        u(keys.admin, 1n, capabilityBody('grant', k1.address, 'oracle', keys.admin)),
        u(k2, 1n, registerBody(CHAIN_ID, k2)),
        u(keys.admin, 2n, capabilityBody('grant', k1.address, 'oracle', keys.admin)), // held already
        u(k3, 1n, registerBody(CHAIN_ID, k3)),
        u(k1, 2n, revokeBody(k1.address, k1)),
      ]);
      expect(codes(r)).to.deep.equal(['ok', 'ok', 'ok', 'KEYLEDGER_CAPABILITY_HELD', 'ok', 'ok']);
      expect([...genesis.state.keys.keys.entries()]).to.deep.equal(before);
      expect(genesis.state.keys.keys.has(k1.address.toLowerCase())).to.equal(false);
      const replayed = replayKeyLedger([genesis.keyGenesis, ...r.keyEntries]);
      expect(r.keyEntries).to.have.length(5);
      expect([...r.state.keys.keys.entries()].sort()).to.deep.equal(
        [...replayed.state.keys.entries()].sort(),
      );
      expect(r.state.keys.headHash).to.equal(replayed.state.headHash);
      expect(keyLedgerView(r.state.keys).getKey(k1.address)?.status).to.equal('revoked');
      // The next bundle starts from this state and leaves it as it was, too.
      const after = [...r.state.keys.keys.entries()];
      const k4 = testKey(220);
      const r2 = run(r.state, [u(k4, 1n, registerBody(CHAIN_ID, k4))]);
      expect(codes(r2)).to.deep.equal(['ok']);
      expect([...r.state.keys.keys.entries()]).to.deep.equal(after);
      expect(r2.state.keys.keys.size).to.equal(after.length + 1);
    });

    it('the sequencer revoking its own key makes the next packet fail DRV_SIGNER_UNAUTHORIZED', () => {
      const r = run(s0, [
        u(keys.sequencer, 1n, revokeBody(keys.sequencer.address, keys.sequencer)),
      ]);
      expect(codes(r)).to.deep.equal(['ok']);
      const err = caught(() => run(r.state, []));
      expect(err).to.have.property('code', 'DRV_SIGNER_UNAUTHORIZED');
    });
  });

  describe('guidance', () => {
    const fresh = (sequence: string, forPacket: string, sChr = '0.99') =>
      guidanceBody({ sequence, forPacket, sChr });

    it('is accepted from the oracle and takes effect in the next bundle', () => {
      const r1 = run(s0, [u(keys.oracle, 1n, fresh('2', '1', '0.99'))]);
      expect(codes(r1)).to.deep.equal(['ok']);
      expect(UD.formatTrimmed(r1.hsmf.metrics.sChr)).to.equal('0.95');
      expect(UD.formatTrimmed(r1.state.guidance.sChr)).to.equal('0.99');
      const r2 = run(r1.state, []);
      expect(UD.formatTrimmed(r2.hsmf.metrics.sChr)).to.equal('0.99');
      expect(r2.hsmf.metrics.sPsi).to.equal(UD.ZERO);
    });

    it('GUIDANCE_NOT_ORACLE: from a user, a revoked oracle, an oracle whose capability was withdrawn', () => {
      const other = testKey(214);
      const r = run(s0, [
        u(A, 1n, fresh('2', '1')),
        u(keys.admin, 1n, capabilityBody('grant', C.address, 'oracle', keys.admin)),
        u(keys.admin, 2n, revokeBody(keys.oracle.address, keys.admin)),
        u(keys.oracle, 1n, fresh('2', '1')),
        u(keys.admin, 3n, capabilityBody('withdraw', C.address, 'oracle', keys.admin)),
        u(C, 1n, fresh('2', '1')),
        u(other, 1n, fresh('2', '1')),
      ]);
      expect(codes(r)).to.deep.equal([
        'GUIDANCE_NOT_ORACLE',
        'ok',
        'ok',
        'TX_SENDER_INACTIVE',
        'ok',
        'GUIDANCE_NOT_ORACLE',
        'TX_UNKNOWN_SENDER',
      ]);
      expect(r.state.guidance).to.deep.equal(s0.guidance);
      expect(nonceOf(r.state, A.address)).to.equal(1n);
    });

    it('GUIDANCE_REPLAYED / _FROM_FUTURE / _STALE, checked against the latest accepted guidance', () => {
      const s = genesisState(1, { guidanceAgeMaxPackets: '2' });
      const r1 = run(s, []); // packet 0
      const r2 = run(r1.state, []); // packet 1
      const r = run(r2.state, [
        u(keys.oracle, 1n, fresh('1', '3')), // the genesis guidance has sequence 1
        u(keys.oracle, 2n, fresh('2', '4')), // packet 2: effective from 3
        u(keys.oracle, 3n, fresh('2', '0')), // 3 − 0 > 2
        u(keys.oracle, 4n, fresh('2', '3')),
        u(keys.oracle, 5n, fresh('2', '3')), // the previous one in this bundle had sequence 2
        u(keys.oracle, 6n, fresh('3', '1')), // 3 − 1 = 2: as old as allowed
      ]);
      expect(codes(r)).to.deep.equal([
        'GUIDANCE_REPLAYED',
        'GUIDANCE_FROM_FUTURE',
        'GUIDANCE_STALE',
        'ok',
        'GUIDANCE_REPLAYED',
        'ok',
      ]);
      expect(r.state.guidance.sequence).to.equal(3n);
      expect(nonceOf(r.state, keys.oracle.address)).to.equal(6n);
    });
  });
});
