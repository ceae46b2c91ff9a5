/**
 * Errors of the HTTP layer itself: requests the API refuses before any sequencer code runs
 * (schema validation, body size, content type, rate, unknown routes) and the catch-all for a bug.
 * Their HTTP statuses are assigned in `http-errors.ts`, like every other code's.
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails } from '../../errors';

/** The request does not match the route's schema, or its body is not valid JSON. */
export class ApiBadRequestError extends BaseError {
  override readonly name = 'Api.ApiBadRequestError';
  readonly code = ErrorCode.API_BAD_REQUEST;
  constructor(message: string, details: ErrorDetails) {
    super(message, details);
  }
}

/** The request body is larger than the configured limit. */
export class ApiBodyTooLargeError extends BaseError {
  override readonly name = 'Api.ApiBodyTooLargeError';
  readonly code = ErrorCode.API_BODY_TOO_LARGE;
  constructor(details: { limitBytes: number }) {
    super(`the request body is larger than ${details.limitBytes} bytes`, details);
  }
}

/** The request body has a content type the route does not accept (only JSON is). */
export class ApiUnsupportedMediaTypeError extends BaseError {
  override readonly name = 'Api.ApiUnsupportedMediaTypeError';
  readonly code = ErrorCode.API_UNSUPPORTED_MEDIA_TYPE;
  constructor(details: { contentType: string }) {
    super('the request body must be application/json', details);
  }
}

/** The client sent more requests than the rate limit allows in the window. */
export class ApiRateLimitedError extends BaseError {
  override readonly name = 'Api.ApiRateLimitedError';
  readonly code = ErrorCode.API_RATE_LIMITED;
  constructor(details: { max: number; windowMs: number; retryAfterMs: number }) {
    super(`rate limit of ${details.max} requests per ${details.windowMs} ms exceeded`, details);
  }
}

/** No route has this method and path. */
export class ApiRouteNotFoundError extends BaseError {
  override readonly name = 'Api.ApiRouteNotFoundError';
  readonly code = ErrorCode.API_ROUTE_NOT_FOUND;
  constructor(details: { method: string; url: string }) {
    super(`no route ${details.method} ${details.url}`, details);
  }
}

/** An unexpected failure (a bug): the cause is logged, not sent to the client. */
export class ApiInternalError extends BaseError {
  override readonly name = 'Api.ApiInternalError';
  readonly code = ErrorCode.API_INTERNAL;
  constructor(cause: unknown) {
    super('internal error', {}, { cause });
  }
}

/** The request's headers or body did not arrive within the configured time. */
export class ApiRequestTimeoutError extends BaseError {
  override readonly name = 'Api.ApiRequestTimeoutError';
  readonly code = ErrorCode.API_REQUEST_TIMEOUT;
  constructor(details: { headersTimeoutMs: number; requestTimeoutMs: number }) {
    super(
      `the request was not received in time (headers ${details.headersTimeoutMs} ms, whole request ${details.requestTimeoutMs} ms)`,
      details,
    );
  }
}

/** The request's headers are larger than the configured limit. */
export class ApiHeadersTooLargeError extends BaseError {
  override readonly name = 'Api.ApiHeadersTooLargeError';
  readonly code = ErrorCode.API_HEADERS_TOO_LARGE;
  constructor(details: { limitBytes: number }) {
    super(`the request headers are larger than ${details.limitBytes} bytes`, details);
  }
}

/** `/metrics` is protected and the request does not carry the token. */
export class ApiUnauthorizedError extends BaseError {
  override readonly name = 'Api.ApiUnauthorizedError';
  readonly code = ErrorCode.API_UNAUTHORIZED;
  constructor(details: { route: string }) {
    super(`${details.route} needs the bearer token (QFS_METRICS_TOKEN)`, details);
  }
}
