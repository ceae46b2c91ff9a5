/**
 * The sequencer's HTTP API as a fastify app: routes, schemas, limits, errors, metrics and the
 * OpenAPI document. `buildApp` never listens; the node's start command calls `listen` on what it
 * returns, and tests call `inject` (STYLE-ANCHORS §6, §13.9). Issue 6, DESIGN.md §3 and §7.
 * @module
 */
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { EntropyStatus } from '../../entropy/service';
import type { AnchorStatus } from '../anchoring';
import type { LedgerNode } from '../ledger-node';
import type { Logger } from '../sequencer';
import { ApiBadRequestError, ApiRateLimitedError, ApiRouteNotFoundError } from './errors';
import { registerExplorerStatic } from './explorer-static';
import { httpStatusOf, isLoggedFailure, toHttpError } from './http-errors';
import { DEFAULT_API_LIMITS, type ApiLimits } from './limits';
import { createApiMetrics, type ApiMetrics } from './metrics';
import type { RouteContext } from './routes/context';
import { registerExplorerRoutes, type ExplorerDeps } from './routes/explorer';
import { registerExportRoutes } from './routes/export';
import { registerLedgerRoutes } from './routes/ledger';
import { registerMetricsRoute, registerNodeRoutes } from './routes/node';
import { registerTxRoutes } from './routes/tx';
import { findDuplicateKey } from './strict-json';
import {
  answerClientError,
  clientErrorOf,
  REQUEST_ID_HEADER,
  requestIdGenerator,
  serverOptions,
} from './transport';

export { DEFAULT_API_LIMITS, type ApiLimits } from './limits';

/** The port the node API listens on unless told otherwise (`qfs start --port`, QFS_URL). */
export const DEFAULT_API_PORT = 7545;

export type ApiDeps = {
  /** The sequencer, or a replica (read-only: it refuses transactions). */
  readonly sequencer: LedgerNode;
  /** Node software version, reported by /v1/status and the OpenAPI document. */
  readonly version: string;
  /** Where anchoring stands, reported by /v1/status and /metrics (null: the node does not anchor). */
  readonly anchorStatus?: () => AnchorStatus | null;
  /** What the explorer (served at `/`) is told about the chain; its files' directory (tests). */
  readonly explorer?: ExplorerDeps & { readonly dir?: string };
  /** The entropy service's status (beacon, VDF, staleness, CIR-511), for /v1/status and /metrics. */
  readonly entropyStatus?: () => EntropyStatus | null;
  /** HolonetSync: a height's certificate hash once confirmed (`confirmed` in GET /v1/tx). */
  readonly confirmation?: (height: number) => string | null;
  /** HolonetSync's view, reported by /v1/status as `sync`. */
  readonly syncStatus?: () => unknown;
  /** More route modules, registered with the API's own (HolonetSync's sync routes). */
  readonly routes?: readonly ((api: FastifyInstance, ctx: RouteContext) => void)[];
};

export type ApiOptions = {
  readonly limits?: Partial<ApiLimits>;
  /** Where server faults (5xx) are logged with their cause and request id (default: nowhere). */
  readonly log?: Logger;
  /** The metrics to serve and count into (default: new ones over the sequencer). */
  readonly metrics?: ApiMetrics;
  /**
   * `/metrics` on this app: 'open' (default), 'token' (needs `Authorization: Bearer
   * metricsToken`), or 'off' (the node serves it on another listener, see `buildMetricsApp`).
   */
  readonly metricsAccess?: 'open' | 'token' | 'off';
  readonly metricsToken?: string;
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
  const metrics =
    options.metrics ??
    createApiMetrics(deps.sequencer, {
      processMetrics: options.processMetrics ?? true,
      ...(deps.entropyStatus === undefined ? {} : { entropyStatus: deps.entropyStatus }),
      ...(deps.anchorStatus === undefined ? {} : { anchorStatus: deps.anchorStatus }),
    });
  const app = createBaseApp(limits, options, metrics);
  const ctx: RouteContext = {
    limits,
    sequencer: deps.sequencer,
    metrics,
    version: deps.version,
    anchorStatus: deps.anchorStatus,
    entropyStatus: deps.entropyStatus,
    confirmation: deps.confirmation,
    syncStatus: deps.syncStatus,
  };
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
        {
          name: 'sync',
          description: 'HolonetSync: sealed bundles, attestations, certificates, evidence',
        },
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
    registerExplorerRoutes(api, ctx, deps.explorer ?? {});
    for (const register of deps.routes ?? []) register(api, ctx);
    const access = options.metricsAccess ?? 'open';
    if (access !== 'off')
      registerMetricsRoute(api, metrics, access === 'token' ? options.metricsToken : undefined);
  });
  registerExplorerStatic(app, deps.explorer ?? {});
  return app;
}

/**
 * `/metrics` alone, for a listener of its own (an operator binds it to a private address and
 * keeps it off the public API; docs/api.md, Metrics). Same envelope, limits and request ids.
 */
export function buildMetricsApp(
  metrics: ApiMetrics,
  options: Pick<ApiOptions, 'log' | 'metricsToken' | 'limits'> = {},
): FastifyInstance {
  const limits: ApiLimits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const app = createBaseApp(limits, options, metrics, { countRequests: false });
  app.register(async (api) => registerMetricsRoute(api, metrics, options.metricsToken));
  return app;
}

/**
 * Fastify with what every listener shares: limits and timeouts, strict JSON, request ids, and
 * one envelope for every error — route errors, fastify's own, unknown routes and static files,
 * and what the HTTP parser refuses before a request exists.
 */
function createBaseApp(
  limits: ApiLimits,
  options: ApiOptions,
  metrics: ApiMetrics,
  { countRequests = true } = {},
): FastifyInstance {
  const app = createFastify(limits, options);
  // Only JSON bodies: fastify's default text/plain parser would hand routes a string.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, strictJsonParser(app));
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.setErrorHandler((err, request, reply) => answerError(err, request, reply, limits, options));
  app.setNotFoundHandler((request) => {
    throw new ApiRouteNotFoundError({ method: request.method, url: request.url.slice(0, 200) });
  });
  if (countRequests)
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
  app.addHook('onClose', (_app, done) => {
    metrics.dispose();
    done();
  });
  return app;
}

/** The error handler: the envelope, its status, `Retry-After` on 503s, and a log line for faults. */
function answerError(
  err: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  limits: ApiLimits,
  options: ApiOptions,
): FastifyReply {
  const http = toHttpError(err, {
    bodyLimitBytes: request.routeOptions.bodyLimit ?? limits.bodyLimitBytes,
    contentType: request.headers['content-type'],
    method: request.method,
    url: request.url,
  });
  const { status, error } = http;
  if (isLoggedFailure(http))
    options.log?.error(
      {
        requestId: request.id,
        method: request.method,
        url: request.url.slice(0, 200),
        err: error.cause ?? err,
      },
      'request failed',
    );
  if (status === 503) reply.header('retry-after', retryAfterSeconds(error.code));
  return reply.code(status).send({ error: error.toJSON() });
}

/** Seconds a client should wait before retrying a 503 with `code`. */
function retryAfterSeconds(code: string): string {
  return code === 'NODE_HALTED' ? '30' : '1';
}

/** JSON bodies as fastify parses them (prototype poisoning refused), then no duplicate keys. */
function strictJsonParser(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error');
  return (
    request: FastifyRequest,
    body: string,
    done: (err: Error | null, value?: unknown) => void,
  ) => {
    parse(request, body, (err: Error | null, value?: unknown) => {
      if (err !== null) return done(err);
      const duplicate = findDuplicateKey(body);
      if (duplicate === null) return done(null, value);
      done(
        new ApiBadRequestError(
          `duplicate key "${duplicate.key.slice(0, 64)}" in ${duplicate.path}`,
          {
            path: duplicate.path.slice(0, 200),
            key: duplicate.key.slice(0, 64),
          },
        ),
      );
    });
  };
}

function createFastify(limits: ApiLimits, options: ApiOptions): FastifyInstance {
  const connectionErrorId = requestIdGenerator();
  const app = Fastify({
    logger: false,
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
    genReqId: requestIdGenerator(),
    requestIdHeader: false,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: serverOptions(limits),
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      const error = clientErrorOf(err, limits);
      answerClientError(socket, httpStatusOf(error.code), error, connectionErrorId());
    },
    // A URL the router cannot decode (`/v1/tx/%ff`) or a parameter over its length limit.
    frameworkErrors: (err, request, reply) => {
      const error = new ApiBadRequestError(err.message, {
        fastifyCode: typeof err.code === 'string' ? err.code : '',
      });
      void (reply as FastifyReply)
        .header(REQUEST_ID_HEADER, request.id)
        .code(400)
        .send({ error: error.toJSON() });
    },
  });
  return app as unknown as FastifyInstance;
}
