/**
 * Building and signing transactions on the client side: the wire form the node accepts, signed
 * with ML-DSA-87 under context `QFS/tx/v1` over exactly the bytes the engine hashes.
 * @module
 */
import { bytesToHex } from '../codec';
import { SignatureContext, sign, type KeyPair } from '../crypto';
import { guidanceToJson, txSigningBytes, type Guidance, type Token } from '../engine';
import { signKeyEvent, type KeyEventBody } from '../ledger';
import { UD, type UD128x18 } from '../math';

/** A transaction as JSON, ready to POST to /v1/tx. */
export type TxWire = {
  readonly chainId: string;
  readonly from: string;
  readonly nonce: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly signature: string;
};

/** Signs `body` from `key` with `nonce` (the sender's previous nonce + 1). */
export function signTx(
  key: KeyPair,
  chainId: string,
  nonce: bigint,
  body: Readonly<Record<string, unknown>>,
): TxWire {
  const bytes = txSigningBytes({ chainId, from: key.address, nonce, wireBody: body });
  const signature = bytesToHex(sign(key.secretKey, bytes, SignatureContext.TX));
  return Object.freeze({ chainId, from: key.address, nonce: nonce.toString(), body, signature });
}

export function transferBody(
  token: Token,
  to: string,
  amount: UD128x18 | string,
): Record<string, unknown> {
  const value = typeof amount === 'string' ? UD.parse(amount) : amount;
  return { type: 'transfer', token, to, amount: UD.formatTrimmed(value) };
}

export function actionBody(kind: string, units: bigint, ref = ''): Record<string, unknown> {
  return { type: 'action', kind, units: units.toString(), ref };
}

export function guidanceBody(guidance: Guidance): Record<string, unknown> {
  return { type: 'guidance', guidance: guidanceToJson(guidance) };
}

/**
 * A key event body with its event signatures (register: the new key; rotate: the old key, then the
 * new one; revoke: the key or an admin; grant/withdraw: an admin). The signatures cover only
 * {chainId, type, data}, so they are valid wherever the sequencer places the event.
 */
export function keyEventBody(
  chainId: string,
  event: {
    type: 'register' | 'rotate' | 'revoke' | 'grant' | 'withdraw';
    data: Record<string, string>;
  },
  signers: readonly KeyPair[],
): Record<string, unknown> {
  const body = { chainId, type: event.type, data: event.data } as unknown as KeyEventBody;
  const signatures = signers.map((k) => signKeyEvent(body, k));
  return { type: 'key', event: { type: event.type, data: event.data }, signatures };
}

export function registerBody(chainId: string, key: KeyPair): Record<string, unknown> {
  return keyEventBody(
    chainId,
    { type: 'register', data: { keyId: key.address, publicKey: bytesToHex(key.publicKey) } },
    [key],
  );
}

export function rotateBody(
  chainId: string,
  oldKey: KeyPair,
  newKey: KeyPair,
): Record<string, unknown> {
  const data = {
    keyId: oldKey.address,
    newKeyId: newKey.address,
    newPublicKey: bytesToHex(newKey.publicKey),
  };
  return keyEventBody(chainId, { type: 'rotate', data }, [oldKey, newKey]);
}

/** An admin's grant or withdrawal of a capability (e.g. `replica`, HolonetSync membership). */
export function capabilityBody(
  chainId: string,
  type: 'grant' | 'withdraw',
  keyId: string,
  capability: string,
  admin: KeyPair,
): Record<string, unknown> {
  return keyEventBody(chainId, { type, data: { keyId, capability } }, [admin]);
}
