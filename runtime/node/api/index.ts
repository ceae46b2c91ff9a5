/**
 * runtime/node/api: the sequencer's HTTP API (fastify), its error-to-status mapping, schemas and
 * metrics. Issue 6, DESIGN.md §7.
 * @module
 */
export {
  buildApp,
  DEFAULT_API_PORT,
  DEFAULT_API_LIMITS,
  type ApiDeps,
  type ApiLimits,
  type ApiOptions,
} from './app';
export {
  HTTP_STATUS,
  httpStatusOf,
  isApiErrorCode,
  toHttpError,
  type ApiErrorCode,
  type HttpError,
} from './http-errors';
export {
  ApiBadRequestError,
  ApiBodyTooLargeError,
  ApiInternalError,
  ApiRateLimitedError,
  ApiRouteNotFoundError,
  ApiUnsupportedMediaTypeError,
} from './errors';
export { createApiMetrics, type ApiMetrics } from './metrics';
