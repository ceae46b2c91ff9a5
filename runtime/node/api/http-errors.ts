/**
 * The one place where error codes get HTTP statuses (STYLE-ANCHORS §10, DESIGN.md §7). The
 * runtime knows nothing of HTTP; the API turns whatever a route throws into a coded error here and
 * answers `{error: {code, message, details}}` with the status from {@link HTTP_STATUS}.
 *
 * Status classes:
 * - 400: the request or the transaction is wrong by itself (shape, types, limits, encoding, chain,
 *   signature) — sending it again cannot succeed.
 * - 409: a well-formed, signed transaction conflicts with the ledger's current state (nonce outside
 *   the window or taken by a pending transaction, sender not registered, sender key not active) —
 *   it may succeed after the state changes or with a fresh nonce.
 * - 404: no such transaction, bundle, seal or route. 413: body or transaction too large.
 * - 415: body not JSON. 429: rate limited. 503: mempool full, node halted (details carry the CIR
 *   code), verification pool closed — retry later (with `Retry-After`). 500: a store failure or a bug.
 * - 401: `/metrics` without its token. 408: headers or body not received in time. 431: headers
 *   too large (these two are answered on the connection, before a request exists).
 * @module
 */
import type { TxMalformedCode } from '../../engine';
import { BaseError, isCodedError } from '../../errors';
import type {
  MempoolFullError,
  NodeHaltedError,
  NotFoundError,
  StoreError,
  TxRefusedError,
} from '../errors';
import {
  ApiBadRequestError,
  ApiBodyTooLargeError,
  ApiInternalError,
  ApiRouteNotFoundError,
  ApiUnsupportedMediaTypeError,
  type ApiHeadersTooLargeError,
  type ApiRateLimitedError,
  type ApiRequestTimeoutError,
  type ApiUnauthorizedError,
} from './errors';

/** Every code a route can answer with. */
export type ApiErrorCode =
  | TxMalformedCode
  | TxRefusedError['code']
  | MempoolFullError['code']
  | NodeHaltedError['code']
  | NotFoundError['code']
  | StoreError['code']
  | ApiBadRequestError['code']
  | ApiBodyTooLargeError['code']
  | ApiUnsupportedMediaTypeError['code']
  | ApiRateLimitedError['code']
  | ApiRouteNotFoundError['code']
  | ApiInternalError['code']
  | ApiRequestTimeoutError['code']
  | ApiHeadersTooLargeError['code']
  | ApiUnauthorizedError['code']
  // A register transaction's public key is only checked when its signature is verified.
  | 'CODEC_BAD_HEX'
  | 'CRYPTO_INVALID_INPUT'
  // An address in a path with a wrong EIP-55 checksum.
  | 'CODEC_BAD_ADDRESS'
  | 'CRYPTO_POOL_CLOSED'
  // HolonetSync (runtime/sync): malformed messages, refusals, writes sent to a replica.
  | 'SYNC_MALFORMED'
  | 'SYNC_REFUSED'
  | 'SYNC_NOT_READY'
  | 'SYNC_ATTESTATION_INVALID'
  | 'NODE_READ_ONLY';

/** HTTP status of every code a route can answer with. */
export const HTTP_STATUS: Readonly<Record<ApiErrorCode, number>> = Object.freeze({
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
});

/** An error ready to send: its status and the coded error whose `toJSON()` is the body. */
export type HttpError = { readonly status: number; readonly error: BaseError };

/** What the error mapping needs to know about the request. */
export type RequestFacts = {
  /** The configured body limit (reported with `API_BODY_TOO_LARGE`). */
  readonly bodyLimitBytes: number;
  /** The request's content type (reported with `API_UNSUPPORTED_MEDIA_TYPE`). */
  readonly contentType: string | undefined;
  /** Method and URL (reported with `API_ROUTE_NOT_FOUND` for a static file). */
  readonly method?: string;
  readonly url?: string;
};

/**
 * Turns anything a route, a hook or fastify threw into a coded error and its status. Coded errors
 * with a code outside {@link HTTP_STATUS}, and uncoded errors, become `API_INTERNAL` (a bug).
 * @param err - what was thrown
 * @param facts - the body limit and the request's content type
 */
export function toHttpError(err: unknown, facts: RequestFacts): HttpError {
  const coded = isCodedError(err) ? err : fromFastifyError(err, facts);
  if (!isApiErrorCode(coded.code)) return internal(err);
  return { status: HTTP_STATUS[coded.code], error: coded };
}

/** True for an answer worth an error log line: a server fault, not a halt or a full mempool. */
export function isLoggedFailure(http: HttpError): boolean {
  const code = http.error.code;
  return http.status >= 500 && code !== 'NODE_HALTED' && code !== 'SEQUENCER_MEMPOOL_FULL';
}

/** The status of a code (500 for a code no route produces). */
export function httpStatusOf(code: string): number {
  return isApiErrorCode(code) ? HTTP_STATUS[code] : 500;
}

export function isApiErrorCode(code: string): code is ApiErrorCode {
  return Object.prototype.hasOwnProperty.call(HTTP_STATUS, code);
}

type FastifyLikeError = {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  validation?: readonly { instancePath?: string; message?: string; keyword?: string }[];
  validationContext?: string;
};

/** Fastify's own errors (validation, content-type parser) as stable API codes. */
function fromFastifyError(err: unknown, facts: RequestFacts): BaseError {
  if (typeof err !== 'object' || err === null) return new ApiInternalError(err);
  const e = err as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const first = e.validation[0];
    return new ApiBadRequestError(String(e.message), {
      context: e.validationContext ?? 'request',
      path: first?.instancePath ?? '',
      reason: first?.message ?? 'invalid',
    });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiBodyTooLargeError({ limitBytes: facts.bodyLimitBytes });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiUnsupportedMediaTypeError({
        contentType: (facts.contentType ?? '').slice(0, 100),
      });
  }
  // The static files under /docs answer a missing file 404 and a path leaving their folder
  // (`/docs/static/../x`) 403: both are no such route, in the envelope.
  if (e.statusCode === 404 || e.statusCode === 403) {
    return new ApiRouteNotFoundError({
      method: facts.method ?? '',
      url: (facts.url ?? '').slice(0, 200),
    });
  }
  // The remaining client errors fastify raises while reading a request (invalid or empty JSON,
  // bad content length, prototype poisoning) are bad requests; anything else is ours.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiBadRequestError(String(e.message), {
      fastifyCode: typeof e.code === 'string' ? e.code : '',
    });
  }
  return new ApiInternalError(err);
}

function internal(err: unknown): HttpError {
  const error = err instanceof ApiInternalError ? err : new ApiInternalError(err);
  return { status: HTTP_STATUS.API_INTERNAL, error };
}
