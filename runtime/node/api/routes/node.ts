/**
 * The node itself: `GET /v1/status` and `GET /metrics` (Prometheus text).
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiUnauthorizedError } from '../errors';
import type { ApiMetrics } from '../metrics';
import { errorResponses, metricsSchema, statusSchema } from '../schemas';
import { statusView } from '../views';
import type { RouteContext } from './context';

export function registerNodeRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/v1/status',
    {
      schema: {
        tags: ['node'],
        summary:
          'Chain, heights, head hashes, halt state, mempool depth, last anchor and entropy source',
        response: { 200: statusSchema, ...errorResponses },
      },
    },
    async () =>
      statusView(
        ctx.sequencer,
        ctx.version,
        ctx.anchorStatus?.() ?? null,
        ctx.entropyStatus?.() ?? null,
        ctx.syncStatus?.() ?? null,
      ),
  );
}

/**
 * `GET /metrics`: Prometheus text. With a token, only requests carrying `Authorization: Bearer
 * <token>` are answered (401 `API_UNAUTHORIZED` otherwise; compared in constant time).
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  metrics: ApiMetrics,
  token?: string,
): void {
  const expected = token === undefined ? null : Buffer.from(`Bearer ${token}`);
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['node'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        response: { 200: metricsSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (expected !== null && !sameBytes(expected, request.headers.authorization))
        throw new ApiUnauthorizedError({ route: '/metrics' });
      const text = await metrics.registry.metrics();
      reply.type(metrics.registry.contentType);
      return text;
    },
  );
}

function sameBytes(expected: Buffer, header: string | undefined): boolean {
  if (header === undefined) return false;
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
