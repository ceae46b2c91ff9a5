/**
 * The error registry: every stable error code of QFS and the base class all coded errors share.
 * Codes are append-only: a released code is never renamed or reused; messages may change.
 * Callers branch on `err.code` (or `instanceof`), never on `err.message`. STYLE-ANCHORS §10.
 * @module
 */

/** Every error code QFS can produce, grouped by domain. */
export const ErrorCode = {
  // runtime/math
  MATH_OVERFLOW: 'MATH_OVERFLOW',
  MATH_UNDERFLOW: 'MATH_UNDERFLOW',
  MATH_DIV_BY_ZERO: 'MATH_DIV_BY_ZERO',
  MATH_DOMAIN: 'MATH_DOMAIN',
  MATH_PARSE: 'MATH_PARSE',
  MATH_SPLIT_INPUT: 'MATH_SPLIT_INPUT',
  // runtime/engine
  GENESIS_INVALID: 'GENESIS_INVALID',
  BUNDLE_REJECTED: 'BUNDLE_REJECTED',
  TX_MALFORMED: 'TX_MALFORMED',
  TX_UNKNOWN_TOKEN: 'TX_UNKNOWN_TOKEN',
  TX_AMOUNT_INVALID: 'TX_AMOUNT_INVALID',
  TX_FIELD_TOO_LONG: 'TX_FIELD_TOO_LONG',
  TX_BAD_ADDRESS: 'TX_BAD_ADDRESS',
  TX_TOO_LARGE: 'TX_TOO_LARGE',
  // runtime/guard
  CIR302_HALT: 'CIR302_HALT',
  CIR412_QUARANTINE: 'CIR412_QUARANTINE',
  // runtime/node
  NODE_STORE: 'NODE_STORE',
  NODE_HALTED: 'NODE_HALTED',
  NODE_CONFIG: 'NODE_CONFIG',
  SEQUENCER_MEMPOOL_FULL: 'SEQUENCER_MEMPOOL_FULL',
  TX_BAD_SIGNATURE: 'TX_BAD_SIGNATURE',
  TX_BAD_NONCE: 'TX_BAD_NONCE',
  TX_UNKNOWN_SENDER: 'TX_UNKNOWN_SENDER',
  TX_SENDER_INACTIVE: 'TX_SENDER_INACTIVE',
  TX_WRONG_CHAIN: 'TX_WRONG_CHAIN',
  TX_NOT_AUTHORIZED: 'TX_NOT_AUTHORIZED',
  TX_EXPIRED: 'TX_EXPIRED',
  TX_EVICTED: 'TX_EVICTED',
  NOT_FOUND: 'NOT_FOUND',
  API_BAD_REQUEST: 'API_BAD_REQUEST',
  API_BODY_TOO_LARGE: 'API_BODY_TOO_LARGE',
  API_RATE_LIMITED: 'API_RATE_LIMITED',
  // runtime/cli
  CLI_USAGE: 'CLI_USAGE',
  // runtime/codec
  CODEC_UNENCODABLE: 'CODEC_UNENCODABLE',
  CODEC_BAD_HEX: 'CODEC_BAD_HEX',
  CODEC_BAD_ADDRESS: 'CODEC_BAD_ADDRESS',
  // runtime/crypto
  CRYPTO_INVALID_INPUT: 'CRYPTO_INVALID_INPUT',
  CRYPTO_BACKEND_UNAVAILABLE: 'CRYPTO_BACKEND_UNAVAILABLE',
  CRYPTO_POOL_CLOSED: 'CRYPTO_POOL_CLOSED',
  KEYSTORE_BAD_PASSPHRASE: 'KEYSTORE_BAD_PASSPHRASE',
  KEYSTORE_CORRUPT: 'KEYSTORE_CORRUPT',
  KEYSTORE_EXISTS: 'KEYSTORE_EXISTS',
  KEYSTORE_NOT_FOUND: 'KEYSTORE_NOT_FOUND',
  KEYSTORE_NO_PASSPHRASE: 'KEYSTORE_NO_PASSPHRASE',
  // runtime/ledger (DRV packets)
  DRV_MALFORMED: 'DRV_MALFORMED',
  DRV_BAD_VERSION: 'DRV_BAD_VERSION',
  DRV_WRONG_CHAIN: 'DRV_WRONG_CHAIN',
  DRV_BAD_SEQUENCE: 'DRV_BAD_SEQUENCE',
  DRV_TIMESTAMP_OUT_OF_RANGE: 'DRV_TIMESTAMP_OUT_OF_RANGE',
  DRV_TIMESTAMP_NOT_INCREASING: 'DRV_TIMESTAMP_NOT_INCREASING',
  DRV_TIMESTAMP_JUMP: 'DRV_TIMESTAMP_JUMP',
  DRV_BAD_SEED: 'DRV_BAD_SEED',
  DRV_PREVIOUS_HASH_MISMATCH: 'DRV_PREVIOUS_HASH_MISMATCH',
  DRV_PAYLOAD_HASH_MISMATCH: 'DRV_PAYLOAD_HASH_MISMATCH',
  DRV_SIGNER_UNAUTHORIZED: 'DRV_SIGNER_UNAUTHORIZED',
  DRV_SIGNATURE_INVALID: 'DRV_SIGNATURE_INVALID',
  // runtime/ledger (KeyLedger)
  KEYLEDGER_MALFORMED: 'KEYLEDGER_MALFORMED',
  KEYLEDGER_WRONG_CHAIN: 'KEYLEDGER_WRONG_CHAIN',
  KEYLEDGER_BAD_SEQUENCE: 'KEYLEDGER_BAD_SEQUENCE',
  KEYLEDGER_BAD_TIMESTAMP: 'KEYLEDGER_BAD_TIMESTAMP',
  KEYLEDGER_CHAIN_BROKEN: 'KEYLEDGER_CHAIN_BROKEN',
  KEYLEDGER_HASH_MISMATCH: 'KEYLEDGER_HASH_MISMATCH',
  KEYLEDGER_GENESIS: 'KEYLEDGER_GENESIS',
  KEYLEDGER_SIGNATURE_INVALID: 'KEYLEDGER_SIGNATURE_INVALID',
  KEYLEDGER_UNKNOWN_KEY: 'KEYLEDGER_UNKNOWN_KEY',
  KEYLEDGER_DUPLICATE_KEY: 'KEYLEDGER_DUPLICATE_KEY',
  KEYLEDGER_KEY_REVOKED: 'KEYLEDGER_KEY_REVOKED',
  KEYLEDGER_KEY_RETIRED: 'KEYLEDGER_KEY_RETIRED',
  KEYLEDGER_UNAUTHORIZED: 'KEYLEDGER_UNAUTHORIZED',
  KEYLEDGER_CAPABILITY_HELD: 'KEYLEDGER_CAPABILITY_HELD',
  KEYLEDGER_CAPABILITY_MISSING: 'KEYLEDGER_CAPABILITY_MISSING',
  KEYLEDGER_LAST_ADMIN: 'KEYLEDGER_LAST_ADMIN',
  KEYLEDGER_STORE_CONFLICT: 'KEYLEDGER_STORE_CONFLICT',
  KEYLEDGER_SEAL_MISMATCH: 'KEYLEDGER_SEAL_MISMATCH',
  // runtime/node/api
  API_UNSUPPORTED_MEDIA_TYPE: 'API_UNSUPPORTED_MEDIA_TYPE',
  API_ROUTE_NOT_FOUND: 'API_ROUTE_NOT_FOUND',
  API_INTERNAL: 'API_INTERNAL',
  API_REQUEST_TIMEOUT: 'API_REQUEST_TIMEOUT',
  API_HEADERS_TOO_LARGE: 'API_HEADERS_TOO_LARGE',
  API_UNAUTHORIZED: 'API_UNAUTHORIZED',
  // runtime/sync (HolonetSync)
  SYNC_MALFORMED: 'SYNC_MALFORMED',
  SYNC_REFUSED: 'SYNC_REFUSED',
  SYNC_NOT_READY: 'SYNC_NOT_READY',
  SYNC_ATTESTATION_INVALID: 'SYNC_ATTESTATION_INVALID',
  NODE_READ_ONLY: 'NODE_READ_ONLY',
  // runtime/sdk
  SDK_UNREACHABLE: 'SDK_UNREACHABLE',
  SDK_BAD_RESPONSE: 'SDK_BAD_RESPONSE',
  SDK_TIMEOUT: 'SDK_TIMEOUT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A value an error may carry: the offending inputs, as plain data. */
export type ErrorDetailValue =
  | string
  | bigint
  | number
  | boolean
  | null
  | readonly (string | bigint | number)[];
export type ErrorDetails = Readonly<Record<string, ErrorDetailValue>>;

/** The base of every coded (operating) error. Programmer errors use `invariant` instead. */
export abstract class BaseError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(message: string, details: ErrorDetails = {}, options: ErrorOptions = {}) {
    super(message, options);
    this.details = details;
  }

  /** The wire shape `{code, message, details}` with bigints as decimal strings. */
  toJSON(): { code: ErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: plainDetails(this.details) };
  }
}

function plainDetails(details: ErrorDetails): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(details).sort()) {
    const value = details[key];
    if (typeof value === 'bigint') out[key] = value.toString();
    else if (Array.isArray(value))
      out[key] = value.map((v) => (typeof v === 'bigint' ? v.toString() : v));
    else out[key] = value;
  }
  return out;
}

/** True when `err` is a coded QFS error (optionally with the given code). */
export function isCodedError(err: unknown, code?: ErrorCode): err is BaseError {
  return err instanceof BaseError && (code === undefined || err.code === code);
}
