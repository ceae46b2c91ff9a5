/**
 * A fixed KeyLedger history used by the ledger suites: every event type, a rotation, a
 * self-revocation and an admin hand-over, with deterministic keys and timestamps.
 *
 *   0 genesis   A (admin), S (sequencer)
 *   1 register  U                      signed by U
 *   2 grant     U oracle               signed by A
 *   3 rotate    S → S2                 signed by S, S2
 *   4 register  V                      signed by V
 *   5 grant     V admin                signed by A
 *   6 withdraw  U oracle               signed by V
 *   7 revoke    U ("key lost")         signed by U
 *   8 withdraw  V admin                signed by A
 *   seal at 2000 by S2
 * @module
 */
import { bytesToHex } from '../../../runtime/codec';
import type { KeyPair } from '../../../runtime/crypto';
import {
  applyKeyEvent,
  createKeyGenesis,
  createKeySeal,
  EMPTY_KEY_LEDGER_STATE,
  finalizeKeyEntry,
  keyLedgerView,
  prepareKeyEvent,
  signKeyEvent,
  type KeyEvent,
  type KeyFinalitySeal,
  type KeyLedgerEntry,
  type KeyLedgerState,
} from '../../../runtime/ledger';
import { testKey } from '../../support/keys';

export const CHAIN = 'qfs-test';
export const keys = {
  get A() {
    return testKey(10);
  },
  get S() {
    return testKey(11);
  },
  get U() {
    return testKey(12);
  },
  get S2() {
    return testKey(13);
  },
  get V() {
    return testKey(14);
  },
  /** Never registered. */
  get W() {
    return testKey(15);
  },
};

export const hex = (k: KeyPair) => bytesToHex(k.publicKey);

export function genesisEntry(): KeyLedgerEntry {
  return createKeyGenesis({
    chainId: CHAIN,
    timestamp: 1000n,
    keys: [
      { publicKey: keys.A.publicKey, capabilities: ['admin'] },
      { publicKey: keys.S.publicKey, capabilities: ['sequencer'] },
    ],
    quantumMetadata: { entropySource: 'test' },
  });
}

/** The next entry after `state`: `event` signed by `signers`, in order. */
export function nextEntry(
  state: KeyLedgerState,
  event: KeyEvent,
  signers: readonly KeyPair[],
  timestamp: bigint = state.lastTimestamp + 1n,
): KeyLedgerEntry {
  const body = prepareKeyEvent(state, event, {
    timestamp,
    quantumMetadata: { step: String(state.entryCount) },
  });
  return finalizeKeyEntry(
    body,
    signers.map((k) => signKeyEvent(body, k)),
  );
}

/** Builds the scenario from scratch (new signatures), each entry validated as it is applied. */
export function buildScenario(): {
  state: KeyLedgerState;
  entries: KeyLedgerEntry[];
  seal: KeyFinalitySeal;
} {
  const { A, S, U, S2, V } = keys;
  const entries = [genesisEntry()];
  let state = applyKeyEvent(EMPTY_KEY_LEDGER_STATE, entries[0] as KeyLedgerEntry);
  const steps: [KeyEvent, KeyPair[]][] = [
    [{ type: 'register', data: { keyId: U.address, publicKey: hex(U) } }, [U]],
    [{ type: 'grant', data: { keyId: U.address, capability: 'oracle' } }, [A]],
    [
      { type: 'rotate', data: { keyId: S.address, newKeyId: S2.address, newPublicKey: hex(S2) } },
      [S, S2],
    ],
    [{ type: 'register', data: { keyId: V.address, publicKey: hex(V) } }, [V]],
    [{ type: 'grant', data: { keyId: V.address, capability: 'admin' } }, [A]],
    [{ type: 'withdraw', data: { keyId: U.address, capability: 'oracle' } }, [V]],
    [{ type: 'revoke', data: { keyId: U.address, reason: 'key lost' } }, [U]],
    [{ type: 'withdraw', data: { keyId: V.address, capability: 'admin' } }, [A]],
  ];
  for (const [event, signers] of steps) {
    const entry = nextEntry(state, event, signers);
    state = applyKeyEvent(state, entry);
    entries.push(entry);
  }
  const stamp = { timestamp: 2000n, quantumMetadata: { beacon: 'round-1' } };
  const seal = createKeySeal(entries, keyLedgerView(state), stamp, S2);
  return { state, entries, seal };
}
