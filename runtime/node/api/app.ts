/**
 * The sequencer's HTTP API as a fastify app: routes, schemas, limits, errors, metrics and the
 * OpenAPI document. `buildApp` never listens; the node's start command calls `listen` on what it
 * returns, and tests call `inject` (STYLE-ANCHORS §6, §13.9). Issue 6, DESIGN.md §3 and §7.
 * @module
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Sequencer } from '../sequencer';
import { ApiRateLimitedError, ApiRouteNotFoundError } from './errors';
import { isLoggedFailure, toHttpError } from './http-errors';
import { createApiMetrics } from './metrics';
import type { RouteContext } from './routes/context';
import { registerExportRoutes } from './routes/export';
import { registerLedgerRoutes } from './routes/ledger';
import { registerNodeRoutes } from './routes/node';
import { registerTxRoutes } from './routes/tx';

/** The port the node API listens on unless told otherwise (`qfs start --port`, QFS_URL). */
export const DEFAULT_API_PORT = 7545;

export type ApiLimits = {
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
});

export type ApiDeps = {
  readonly sequencer: Sequencer;
  /** Node software version, reported by /v1/status and the OpenAPI document. */
  readonly version: string;
  /** The anchoring service's last anchor, reported by /v1/status (null when absent). */
  readonly anchorStatus?: () => unknown;
};

export type ApiOptions = {
  readonly limits?: Partial<ApiLimits>;
  /** A pino logger for requests and internal errors (default: no logging). */
  readonly logger?: FastifyBaseLogger;
  /** Trust X-Forwarded-For (behind a reverse proxy; the rate limit keys on the client IP). */
  readonly trustProxy?: boolean;
  /** Also export prom-client's process metrics (default true). */
  readonly processMetrics?: boolean;
};

/**
 * Builds the API over a sequencer: routes only, never listens.
 * @param deps - the sequencer, the version string and an optional anchor status source
 * @param options - limits, logger, proxy trust, process metrics
 * @returns the fastify instance (plugins load on `ready`, `listen` or the first `inject`)
 * @example
 * const app = buildApp({ sequencer, version: '0.1.0' });
 * await app.listen({ host: '127.0.0.1', port: DEFAULT_API_PORT });
 */
export function buildApp(deps: ApiDeps, options: ApiOptions = {}): FastifyInstance {
  const limits: ApiLimits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const app = createFastify(limits, options);
  const metrics = createApiMetrics(deps.sequencer, {
    processMetrics: options.processMetrics ?? true,
  });
  const ctx: RouteContext = {
    limits,
    sequencer: deps.sequencer,
    metrics,
    version: deps.version,
    anchorStatus: deps.anchorStatus,
  };

  // Only JSON bodies: fastify's default text/plain parser would hand routes a string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((err, request, reply) => {
    const http = toHttpError(err, {
      bodyLimitBytes: request.routeOptions.bodyLimit ?? limits.bodyLimitBytes,
      contentType: request.headers['content-type'],
    });
    const { status, error } = http;
    if (isLoggedFailure(http)) request.log.error({ err: error.cause ?? error }, 'request failed');
    if (error.code === 'SEQUENCER_MEMPOOL_FULL') reply.header('retry-after', '1');
    return reply.code(status).send({ error: error.toJSON() });
  });
  app.setNotFoundHandler((request) => {
    throw new ApiRouteNotFoundError({ method: request.method, url: request.url.slice(0, 200) });
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  app.addHook('onClose', (_app, done) => {
    metrics.dispose();
    done();
  });

  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'QFS V13 sequencer API',
        version: deps.version,
        description:
          'Submit ML-DSA-87-signed transactions and read the committed ledger. Every failure ' +
          'answers {error: {code, message, details}}; see docs/api.md for the codes.',
      },
      tags: [
        { name: 'transactions', description: 'submit and follow transactions' },
        { name: 'ledger', description: 'committed accounts, bundles and seals' },
        { name: 'node', description: 'status and metrics' },
      ],
    },
  });
  app.register(swaggerUi, { routePrefix: '/docs' });
  app.register(rateLimit, {
    max: limits.rateLimitMax,
    timeWindow: limits.rateLimitWindowMs,
    errorResponseBuilder: (_request, context) =>
      new ApiRateLimitedError({
        max: limits.rateLimitMax,
        windowMs: limits.rateLimitWindowMs,
        retryAfterMs: context.ttl,
      }),
  });
  app.register(async (api) => {
    registerTxRoutes(api, ctx);
    registerLedgerRoutes(api, ctx);
    registerExportRoutes(api, ctx);
    registerNodeRoutes(api, ctx);
  });
  return app;
}

function createFastify(limits: ApiLimits, options: ApiOptions): FastifyInstance {
  const base = {
    bodyLimit: limits.bodyLimitBytes,
    trustProxy: options.trustProxy ?? false,
    // No coercion, no silent removal: a request is valid as sent or refused.
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allErrors: false,
      },
    },
    return503OnClosing: true,
  } as const;
  if (options.logger === undefined) return Fastify({ ...base, logger: false });
  return Fastify({ ...base, loggerInstance: options.logger }) as unknown as FastifyInstance;
}
