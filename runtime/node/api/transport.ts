/**
 * What the HTTP transport answers before any route runs, in the same envelope as everything else
 * (`{error: {code, message, details}}`, DESIGN.md §7): timeouts (headers, whole request, idle
 * keep-alive), requests the HTTP parser refuses (a Content-Length next to a Transfer-Encoding,
 * oversized headers), and URLs the router cannot decode. Also the request id every response
 * carries in `x-request-id`, so that a client's report can be matched with the node's log line.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { BaseError } from '../../errors';
import { ApiBadRequestError, ApiHeadersTooLargeError, ApiRequestTimeoutError } from './errors';

/** Timeouts of every connection, in milliseconds (ApiLimits; docs/api.md, Limits). */
export type TransportLimits = {
  /** From connection (or the previous response) until the request's headers are complete. */
  readonly headersTimeoutMs: number;
  /** From connection until the whole request, body included, is received. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** Largest total size of a request's headers. */
  readonly headersMaxBytes: number;
};

/** The header carrying the request id in every response. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Request ids: a random prefix per process and a counter — unique across restarts without a
 * clock, cheap on the hot path, and never taken from the client (a client could forge log lines).
 */
export function requestIdGenerator(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let counter = 0;
  return () => `${prefix}-${(++counter).toString(36)}`;
}

/** Node's http server options that enforce the limits (fastify passes them through). */
export function serverOptions(limits: TransportLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    maxHeaderSize: limits.headersMaxBytes,
    // Node checks header and request deadlines on this interval (30 s by default): a deadline
    // is enforced within one interval of passing.
    connectionsCheckingInterval: Math.max(
      100,
      Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)),
    ),
  };
}

/** The coded error for what node's HTTP server reports on a connection (`clientError`). */
export function clientErrorOf(err: NodeJS.ErrnoException, limits: TransportLimits): BaseError {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiRequestTimeoutError({
        headersTimeoutMs: limits.headersTimeoutMs,
        requestTimeoutMs: limits.requestTimeoutMs,
      });
    case 'HPE_HEADER_OVERFLOW':
      return new ApiHeadersTooLargeError({ limitBytes: limits.headersMaxBytes });
    default:
      return new ApiBadRequestError('the request is not valid HTTP/1.1', {
        parserCode: typeof err.code === 'string' ? err.code.slice(0, 64) : 'unknown',
      });
  }
}

/**
 * Answers a connection-level error with the envelope and closes the connection. Nothing is sent
 * when the socket is gone or a response has started on it.
 */
export function answerClientError(
  socket: Socket,
  status: number,
  error: BaseError,
  requestId: string,
): void {
  if (socket.destroyed) return;
  // As node does without a handler: write only when no response has started on this socket.
  const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })
    ._httpMessage;
  if (socket.writable && pending?.headersSent !== true) {
    const body = JSON.stringify({ error: error.toJSON() });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `${REQUEST_ID_HEADER}: ${requestId}\r\n` +
        'connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
