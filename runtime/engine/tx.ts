/**
 * Transactions: their wire form, strict parsing with limits, the canonical bytes that are signed
 * (context `QFS/tx/v1`) and hashed, and the transaction hash. DESIGN.md §4, issue 5.
 *
 * Wire form (JSON; every integer and amount a decimal string in canonical trimmed form):
 *   {chainId, from, nonce, body, signature}
 *   body = {type:"transfer", token, to, amount}
 *        | {type:"action", kind, units, ref}
 *        | {type:"key", event:{type, data}, signatures:[{signer, signature}]}
 *        | {type:"guidance", guidance:{…}}
 * The signature covers canonicalBytes({chainId, from, nonce, body}); the transaction hash is
 * hashDomain("QFS/tx/v1", those bytes), so a hash names what was signed, not the signature bytes.
 * `from` is the sender's key id (EIP-55 address); its nonce must be the previous one + 1.
 * @module
 */
import {
  canonicalBytes,
  hashDomainHex,
  HashDomain,
  isChecksumAddress,
  isHex,
  lowerHexBytes,
  shapeChecker,
} from '../codec';
import { ML_DSA_87 } from '../crypto';
import { UD, type UD128x18 } from '../math';
import { TxMalformedError } from './tx-errors';
import { isToken, type Token } from './tokens';
import { ACTION_KIND_PATTERN, parseGuidance, type Guidance } from './utility-oracle';

export type KeyEventInTx = {
  readonly type: 'register' | 'rotate' | 'revoke' | 'grant' | 'withdraw';
  readonly data: Readonly<Record<string, string>>;
};
export type KeySignatureInTx = { readonly signer: string; readonly signature: string };

export type TxBody =
  | {
      readonly type: 'transfer';
      readonly token: Token;
      readonly to: string;
      readonly amount: UD128x18;
    }
  | { readonly type: 'action'; readonly kind: string; readonly units: bigint; readonly ref: string }
  | {
      readonly type: 'key';
      readonly event: KeyEventInTx;
      readonly signatures: readonly KeySignatureInTx[];
    }
  | { readonly type: 'guidance'; readonly guidance: Guidance };

/** A parsed, signed transaction with its hash and the exact bytes its signature covers. */
export type SignedTx = {
  readonly chainId: string;
  readonly from: string;
  readonly nonce: bigint;
  readonly body: TxBody;
  readonly signature: string;
  readonly hash: string;
  /** The wire body as signed (kept so the canonical bytes are re-derived exactly). */
  readonly wireBody: Readonly<Record<string, unknown>>;
};

/** Limits on every field (STYLE-ANCHORS §13.8: a limit on everything). */
export const TX_LIMITS = Object.freeze({
  /** Canonical bytes of the unsigned transaction. */
  bytesMax: 32 * 1024,
  unitsMax: 1_000_000n,
  refLengthMax: 128,
  keySignaturesMax: 2,
  keyDataFieldsMax: 4,
  keyDataValueLengthMax: 2 * ML_DSA_87.publicKeyBytes,
  nonceMax: 2n ** 63n - 1n,
});

/** The address no key has; refused as a recipient. */
export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** The shape checks, failing with the code of what failed (TX_MALFORMED unless said here). */
const shape = shapeChecker((fault) => {
  const code =
    fault.kind === 'length'
      ? 'TX_FIELD_TOO_LONG'
      : fault.kind === 'range' || fault.kind === 'amount'
        ? 'TX_AMOUNT_INVALID'
        : 'TX_MALFORMED';
  throw new TxMalformedError(code, fault.field, fault.reason);
});
const object = shape.object;
const exactKeys = shape.exactKeys;
const string = shape.string;

const KEY_EVENT_TYPES = ['register', 'rotate', 'revoke', 'grant', 'withdraw'] as const;
const REF_PATTERN = /^[\x20-\x7e]*$/;

/**
 * The bytes `parseTx` made for a transaction, kept for the object it returned: admission verifies
 * the signature right after parsing, and decoding or encoding again cost as much as the first time.
 * Memos of pure functions of a transaction nothing mutates after parsing; callers must not mutate
 * the arrays.
 */
const parsedSigningBytes = new WeakMap<object, Uint8Array>();
const parsedSignatureBytes = new WeakMap<object, Uint8Array>();

/**
 * The signature of a parsed transaction as bytes: the ones `parseTx` decoded to validate the hex
 * (9,254 digits on every transaction's path), else decoded now. Callers must not mutate them.
 */
export function txSignatureBytes(tx: SignedTx): Uint8Array {
  return parsedSignatureBytes.get(tx) ?? new Uint8Array(Buffer.from(tx.signature, 'hex'));
}

/** The canonical bytes a transaction's signature covers (callers must not mutate them). */
export function txSigningBytes(tx: {
  chainId: string;
  from: string;
  nonce: bigint;
  wireBody: unknown;
}): Uint8Array {
  return (
    parsedSigningBytes.get(tx) ??
    canonicalBytes({ chainId: tx.chainId, from: tx.from, nonce: tx.nonce, body: tx.wireBody })
  );
}

/** The transaction hash of signing bytes. */
export function txHashOf(signingBytes: Uint8Array): string {
  return hashDomainHex(HashDomain.TX, signingBytes);
}

/**
 * Parses and checks a transaction's wire form (shape, types, limits, canonical decimal forms).
 * Semantic checks (nonce, balance, key status, signature) are the engine's, per transaction.
 * @throws {TxMalformedError} with a stable code (`TX_MALFORMED`, `TX_UNKNOWN_TOKEN`, `TX_AMOUNT_INVALID`,
 *   `TX_FIELD_TOO_LONG`, `TX_BAD_ADDRESS`, `TX_TOO_LARGE`) and the offending field
 */
export function parseTx(json: unknown): SignedTx {
  const tx = object(json, 'tx');
  exactKeys(tx, ['body', 'chainId', 'from', 'nonce', 'signature'], 'tx');
  const chainId = string(tx.chainId, 'chainId', 64);
  const from = address(tx.from, 'from');
  const nonce = wholeNumber(tx.nonce, 'nonce', 1n, TX_LIMITS.nonceMax);
  const signature = lowerHexBytes(tx.signature, ML_DSA_87.signatureBytes);
  if (signature === null) {
    throw new TxMalformedError(
      'TX_MALFORMED',
      'signature',
      `${ML_DSA_87.signatureBytes} bytes of lowercase hex`,
    );
  }
  const wireBody = object(tx.body, 'body');
  const body = parseBody(wireBody);
  const bytes = txSigningBytes({ chainId, from, nonce, wireBody });
  if (bytes.length > TX_LIMITS.bytesMax) {
    throw new TxMalformedError(
      'TX_TOO_LARGE',
      'tx',
      `${bytes.length} bytes > ${TX_LIMITS.bytesMax}`,
    );
  }
  const parsed: SignedTx = Object.freeze({
    chainId,
    from,
    nonce,
    body,
    signature: tx.signature as string,
    hash: txHashOf(bytes),
    wireBody,
  });
  parsedSigningBytes.set(parsed, bytes);
  parsedSignatureBytes.set(parsed, signature);
  return parsed;
}

function parseBody(body: Readonly<Record<string, unknown>>): TxBody {
  switch (body.type) {
    case 'transfer': {
      exactKeys(body, ['amount', 'to', 'token', 'type'], 'body');
      if (!isToken(body.token))
        throw new TxMalformedError('TX_UNKNOWN_TOKEN', 'body.token', 'one of CHR FLX PSI ATR RES');
      const amount = decimal(body.amount, 'body.amount');
      if (amount === UD.ZERO)
        throw new TxMalformedError('TX_AMOUNT_INVALID', 'body.amount', 'must be > 0');
      const to = address(body.to, 'body.to');
      // No key can ever sign for the zero address: a transfer there would burn outside the
      // supply accounting, and on-chain mirrors treat it as "no account".
      if (to === ZERO_ADDRESS)
        throw new TxMalformedError('TX_BAD_ADDRESS', 'body.to', 'not the zero address');
      return Object.freeze({ type: 'transfer', token: body.token, to, amount });
    }
    case 'action': {
      exactKeys(body, ['kind', 'ref', 'type', 'units'], 'body');
      const kind = string(body.kind, 'body.kind', 32);
      if (!ACTION_KIND_PATTERN.test(kind))
        throw new TxMalformedError(
          'TX_MALFORMED',
          'body.kind',
          'lowercase [a-z0-9._-], 1–32 characters',
        );
      const ref = string(body.ref, 'body.ref', TX_LIMITS.refLengthMax, true);
      if (!REF_PATTERN.test(ref))
        throw new TxMalformedError('TX_MALFORMED', 'body.ref', 'printable ASCII');
      return Object.freeze({
        type: 'action',
        kind,
        units: wholeNumber(body.units, 'body.units', 1n, TX_LIMITS.unitsMax),
        ref,
      });
    }
    case 'key':
      return parseKeyBody(body);
    case 'guidance': {
      exactKeys(body, ['guidance', 'type'], 'body');
      const check = parseGuidance(body.guidance);
      if (!check.ok)
        throw new TxMalformedError(
          'TX_MALFORMED',
          'body.guidance',
          `${check.code}: ${check.reason}`,
        );
      return Object.freeze({ type: 'guidance', guidance: check.guidance });
    }
    default:
      throw new TxMalformedError(
        'TX_MALFORMED',
        'body.type',
        'one of transfer, action, key, guidance',
      );
  }
}

function parseKeyBody(body: Readonly<Record<string, unknown>>): TxBody {
  exactKeys(body, ['event', 'signatures', 'type'], 'body');
  const event = object(body.event, 'body.event');
  exactKeys(event, ['data', 'type'], 'body.event');
  const type = KEY_EVENT_TYPES.find((t) => t === event.type);
  if (type === undefined)
    throw new TxMalformedError('TX_MALFORMED', 'body.event.type', KEY_EVENT_TYPES.join(', '));
  const data = object(event.data, 'body.event.data');
  const fields = Object.keys(data).sort();
  if (fields.length > TX_LIMITS.keyDataFieldsMax)
    throw new TxMalformedError('TX_MALFORMED', 'body.event.data', 'too many fields');
  const copy: Record<string, string> = {};
  for (const field of fields)
    copy[field] = string(
      data[field],
      `body.event.data.${field}`,
      TX_LIMITS.keyDataValueLengthMax,
      true,
    );
  // Public keys are checked here so a malformed one is refused at parse, not at verification.
  for (const field of ['publicKey', 'newPublicKey'] as const) {
    const value = copy[field];
    if (value !== undefined && !isHex(value, ML_DSA_87.publicKeyBytes)) {
      throw new TxMalformedError(
        'TX_MALFORMED',
        `body.event.data.${field}`,
        'an ML-DSA-87 public key in lowercase hex',
      );
    }
  }
  if (type === 'register' && copy.publicKey === undefined) {
    throw new TxMalformedError(
      'TX_MALFORMED',
      'body.event.data.publicKey',
      'a registration carries the public key',
    );
  }
  if (!Array.isArray(body.signatures) || body.signatures.length > TX_LIMITS.keySignaturesMax) {
    throw new TxMalformedError(
      'TX_MALFORMED',
      'body.signatures',
      `an array of at most ${TX_LIMITS.keySignaturesMax}`,
    );
  }
  const signatures = body.signatures.map((s, i) => {
    const sig = object(s, `body.signatures.${i}`);
    exactKeys(sig, ['signature', 'signer'], `body.signatures.${i}`);
    if (typeof sig.signature !== 'string' || !isHex(sig.signature, ML_DSA_87.signatureBytes)) {
      throw new TxMalformedError(
        'TX_MALFORMED',
        `body.signatures.${i}.signature`,
        'an ML-DSA-87 signature in hex',
      );
    }
    return Object.freeze({
      signer: address(sig.signer, `body.signatures.${i}.signer`),
      signature: sig.signature,
    });
  });
  return Object.freeze({
    type: 'key',
    event: Object.freeze({ type, data: Object.freeze(copy) }),
    signatures: Object.freeze(signatures),
  });
}

function address(value: unknown, field: string): string {
  if (!isChecksumAddress(value))
    throw new TxMalformedError('TX_BAD_ADDRESS', field, 'an EIP-55 checksummed address');
  return value;
}

function wholeNumber(value: unknown, field: string, lo: bigint, hi: bigint): bigint {
  return shape.wholeNumber(value, field, { digitsMax: 20, lo, hi });
}

function decimal(value: unknown, field: string): UD128x18 {
  return shape.amount(value, field, true);
}
