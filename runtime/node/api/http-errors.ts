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
import { HTTP_STATUS, isApiErrorCode, type ApiErrorCode } from '../../http-status';
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

/** Every code a route can throw: the status table (runtime/http-status.ts) must cover each. */
type RouteErrorCode =
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

// Compile-time check: a code a route can throw but the table lacks is a type error here.
const TABLE_COVERS_ROUTES: Exclude<RouteErrorCode, ApiErrorCode> extends never ? true : never =
  true;
void TABLE_COVERS_ROUTES;

export { HTTP_STATUS, httpStatusOf, isApiErrorCode, type ApiErrorCode } from '../../http-status';

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
