/**
 * The HTTP status each error code answers with: part of the API's wire contract, shared by the node's
 * API (runtime/node/api/http-errors.ts answers with it, and checks at compile time that it covers
 * every code a route can throw) and the client SDK (which reports it for each item of a batch). It
 * depends on neither, so neither depends on the other. Status classes: runtime/node/api/http-errors.ts.
 * @module
 */
import type { ErrorCode } from './errors';

/** HTTP status of every code a route can answer with. */
export const HTTP_STATUS = Object.freeze({
  TX_MALFORMED: 400,
  TX_UNKNOWN_TOKEN: 400,
  TX_AMOUNT_INVALID: 400,
  TX_FIELD_TOO_LONG: 400,
  TX_BAD_ADDRESS: 400,
  TX_TOO_LARGE: 413,
  TX_WRONG_CHAIN: 400,
  TX_BAD_SIGNATURE: 400,
  TX_BAD_NONCE: 409,
  TX_UNKNOWN_SENDER: 409,
  TX_SENDER_INACTIVE: 409,
  TX_NOT_AUTHORIZED: 400,
  KEYLEDGER_DUPLICATE_KEY: 409,
  CODEC_BAD_HEX: 400,
  CODEC_BAD_ADDRESS: 400,
  CRYPTO_INVALID_INPUT: 400,
  API_BAD_REQUEST: 400,
  NOT_FOUND: 404,
  API_ROUTE_NOT_FOUND: 404,
  API_BODY_TOO_LARGE: 413,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_RATE_LIMITED: 429,
  API_UNAUTHORIZED: 401,
  API_REQUEST_TIMEOUT: 408,
  API_HEADERS_TOO_LARGE: 431,
  SEQUENCER_MEMPOOL_FULL: 503,
  NODE_HALTED: 503,
  CRYPTO_POOL_CLOSED: 503,
  NODE_STORE: 500,
  API_INTERNAL: 500,
  SYNC_MALFORMED: 400,
  SYNC_ATTESTATION_INVALID: 400,
  SYNC_REFUSED: 409,
  SYNC_NOT_READY: 409,
  NODE_READ_ONLY: 421,
} as const satisfies Partial<Record<ErrorCode, number>>);

/** Every code a route can answer with. */
export type ApiErrorCode = keyof typeof HTTP_STATUS;

/** The status of a code (500 for a code no route produces). */
export function httpStatusOf(code: string): number {
  return isApiErrorCode(code) ? HTTP_STATUS[code] : 500;
}

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.prototype.hasOwnProperty.call(HTTP_STATUS, code);
}
