/**
 * Errors of the client SDK: the node answered with an error, could not be reached, answered
 * something that is not the API, or a transaction did not settle in time.
 * @module
 */
import { BaseError, ErrorCode, type ErrorDetails, type ErrorDetailValue } from '../errors';

/**
 * The node answered `{error: {code, message, details}}`. `code`, `message` and `details` are the
 * server's; `status` is the HTTP status.
 */
export class NodeApiError extends BaseError {
  override readonly name = 'Sdk.NodeApiError';
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string, details: ErrorDetails, status: number) {
    super(message, details);
    this.code = code;
    this.status = status;
  }
}

/** The request did not get an HTTP answer (connection refused, DNS, timeout). */
export class NodeUnreachableError extends BaseError {
  override readonly name = 'Sdk.NodeUnreachableError';
  readonly code = ErrorCode.SDK_UNREACHABLE;
  constructor(details: { url: string; reason: string }, cause: unknown) {
    super(`cannot reach the node at ${details.url}: ${details.reason}`, details, { cause });
  }
}

/** The answer is not what the API sends (not JSON, wrong shape, unknown error code). */
export class BadResponseError extends BaseError {
  override readonly name = 'Sdk.BadResponseError';
  readonly code = ErrorCode.SDK_BAD_RESPONSE;
  constructor(details: ErrorDetails & { url: string; status: number; reason: string }) {
    super(`unexpected answer from ${details.url}: ${details.reason}`, details);
  }
}

/** A transaction was still pending when `waitForTx` gave up. */
export class TxWaitTimeoutError extends BaseError {
  override readonly name = 'Sdk.TxWaitTimeoutError';
  readonly code = ErrorCode.SDK_TIMEOUT;
  constructor(details: { txHash: string; timeoutMs: number }) {
    super(`transaction ${details.txHash} not settled after ${details.timeoutMs} ms`, details);
  }
}

/** Server-sent details as error details: scalars kept, anything else as JSON text. */
export function detailsFromWire(value: unknown): ErrorDetails {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Record<string, ErrorDetailValue> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v))
      out[key] = v as ErrorDetailValue;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number'))
      out[key] = v as readonly (string | number)[];
    else out[key] = JSON.stringify(v);
  }
  return out;
}
