/**
 * The node itself: `GET /v1/status` and `GET /metrics` (Prometheus text).
 * @module
 */
import type { FastifyInstance } from 'fastify';
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
      ),
  );

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
    async (_request, reply) => {
      const text = await ctx.metrics.registry.metrics();
      reply.type(ctx.metrics.registry.contentType);
      return text;
    },
  );
}
