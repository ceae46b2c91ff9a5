/**
 * The API's limits: what every route and the app itself enforce (kept apart from app.ts so that the
 * routes can read them without importing the app that registers them).
 * @module
 */
import type { TransportLimits } from './transport';

export type ApiLimits = TransportLimits & {
  /** Largest request body. A signed key rotation, the largest transaction, is about 33 KB. */
  readonly bodyLimitBytes: number;
  /** Transactions in one `POST /v1/txs` request. */
  readonly batchTxsMax: number;
  /** Largest `POST /v1/txs` body: room for `batchTxsMax` ordinary (~10 KB) transactions. */
  readonly batchBodyLimitBytes: number;
  /** Requests per client IP per window: by default 10,000 per second, so that a gateway or a benchmark client is not throttled at 2,000 TPS; lower it for public exposure. */
  readonly rateLimitMax: number;
  readonly rateLimitWindowMs: number;
};

export const DEFAULT_API_LIMITS: ApiLimits = Object.freeze({
  bodyLimitBytes: 64 * 1024,
  batchTxsMax: 256,
  batchBodyLimitBytes: 4 * 1024 * 1024,
  rateLimitMax: 600_000,
  rateLimitWindowMs: 60_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 30_000,
  headersMaxBytes: 16 * 1024,
});
