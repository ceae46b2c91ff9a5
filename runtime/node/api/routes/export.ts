/**
 * `GET /v1/export?from=&to=`: the ledger as the same JSON-lines records `qfs export` writes
 * (docs/ledger-format.md), streamed, at most {@link EXPORT_BUNDLES_PER_REQUEST_MAX} bundles per
 * request. A slice that does not start at 0 opens with a checkpoint, so each answer verifies on
 * its own with `qfs verify --export`. Issue 19.
 * @module
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { exportLines, exportRange, ExportRangeError } from '../../export/export-store';
import { EXPORT_BUNDLES_PER_REQUEST_MAX } from '../../export/records';
import { ApiBadRequestError } from '../errors';
import { errorResponses } from '../schemas';
import type { RouteContext } from './context';

const heightQuery = {
  type: 'string',
  pattern: '^(0|[1-9][0-9]{0,15})$',
  description: 'decimal bundle height',
} as const;

const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { from: heightQuery, to: heightQuery },
} as const;

export function registerExportRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/v1/export',
    {
      schema: {
        tags: ['ledger'],
        summary: 'The ledger as JSON-lines export records (verify with `qfs verify --export`)',
        description:
          `Bundles from..to (defaults: 0 and at most ${EXPORT_BUNDLES_PER_REQUEST_MAX} bundles ` +
          'on, or the head), one canonical JSON record per line; see docs/ledger-format.md.',
        querystring: exportQuery,
        produces: ['application/x-ndjson'],
        response: {
          200: {
            type: 'string',
            description: 'one RFC 8785 canonical JSON record per line (docs/ledger-format.md)',
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const store = ctx.sequencer.store;
      const from = request.query.from === undefined ? 0 : Number(request.query.from);
      const last = from + EXPORT_BUNDLES_PER_REQUEST_MAX - 1;
      const to =
        request.query.to === undefined
          ? Math.min(last, store.headHeight())
          : Number(request.query.to);
      if (to > last)
        throw new ApiBadRequestError(
          `at most ${EXPORT_BUNDLES_PER_REQUEST_MAX} bundles per request`,
          { from, to, max: EXPORT_BUNDLES_PER_REQUEST_MAX },
        );
      let range: { from: number; to: number };
      try {
        range = exportRange(store, { from, to });
      } catch (err) {
        if (!(err instanceof ExportRangeError)) throw err;
        throw new ApiBadRequestError(err.message, { from, to, head: store.headHeight() });
      }
      const lines = exportLines(store, range);
      reply.type('application/x-ndjson');
      return reply.send(Readable.from(withNewlines(lines)));
    },
  );
}

function* withNewlines(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}
