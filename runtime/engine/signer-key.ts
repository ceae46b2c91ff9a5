/**
 * Which key may write under an address: the one rule that admission (the sequencer, before a
 * transaction takes any slot), execution (the engine, per transaction) and verification share.
 * DESIGN.md §6a: only the key an address names writes under it; a revoked or unknown key writes
 * nothing.
 *
 * - A `register` transaction is signed by the key it registers, and `from` must be that key's
 *   address (and the event's `keyId`); the key must not be in the KeyLedger yet, in any status.
 * - Every other transaction is signed by the active key that `from` names in the KeyLedger.
 * @module
 */
import { addressFromPublicKeyHex } from '../codec';
import { keyLedgerView, type KeyLedgerState } from '../ledger';
import type { SignedTx } from './tx';

/** Why a transaction has no key to verify with (a stable code and a sentence). */
export type SignerRefusal = {
  readonly ok: false;
  readonly code:
    | 'TX_NOT_AUTHORIZED'
    | 'TX_UNKNOWN_SENDER'
    | 'TX_SENDER_INACTIVE'
    | 'KEYLEDGER_DUPLICATE_KEY';
  readonly reason: string;
};

export type SignerKey = { readonly ok: true; readonly publicKey: string } | SignerRefusal;

/**
 * The public key (hex) a transaction's signature claims to be made with, whatever the key's status:
 * the key a `register` registers, else the KeyLedger's key of `from` (active, retired or revoked),
 * or undefined for an unknown sender. A verifier checking stored signatures uses it: a committed
 * transaction of a key revoked since was still signed by that key.
 */
export function claimedKeyOf(keys: KeyLedgerState, tx: SignedTx): string | undefined {
  if (isRegistration(tx)) return tx.body.event.data.publicKey;
  return keyLedgerView(keys).getKey(tx.from)?.publicKey;
}

/**
 * The public key (hex) a transaction's signature must verify under, or why there is none.
 * @param keys - the KeyLedger state the transaction is judged against
 * @param tx - a parsed transaction (`parseTx` has checked the shape of a registered public key)
 */
export function signerKeyOf(keys: KeyLedgerState, tx: SignedTx): SignerKey {
  const view = keyLedgerView(keys);
  if (isRegistration(tx)) {
    const { keyId, publicKey } = tx.body.event.data;
    if (publicKey === undefined || keyId !== tx.from)
      return refuse('TX_NOT_AUTHORIZED', 'a registration names its sender as keyId');
    if (addressFromPublicKeyHex(publicKey) !== tx.from)
      return refuse('TX_NOT_AUTHORIZED', 'a registration is sent from the registered key');
    const existing = view.getKey(tx.from);
    if (existing === undefined) return { ok: true, publicKey };
    if (existing.status !== 'active')
      return refuse('TX_SENDER_INACTIVE', `${tx.from} is ${existing.status}`);
    return refuse('KEYLEDGER_DUPLICATE_KEY', `${tx.from} is registered already`);
  }
  const record = view.getKey(tx.from);
  if (record === undefined)
    return refuse('TX_UNKNOWN_SENDER', `${tx.from} is not in the KeyLedger`);
  if (record.status !== 'active')
    return refuse('TX_SENDER_INACTIVE', `${tx.from} is ${record.status}`);
  return { ok: true, publicKey: record.publicKey };
}

function refuse(code: SignerRefusal['code'], reason: string): SignerRefusal {
  return { ok: false, code, reason };
}

function isRegistration(
  tx: SignedTx,
): tx is SignedTx & { body: { type: 'key'; event: { type: 'register' } } } {
  return tx.body.type === 'key' && tx.body.event.type === 'register';
}
