/**
 * `POST /v1/tx` (submit a signed transaction) and `GET /v1/tx/:hash` (where it stands).
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { isCodedError } from '../../../errors';
import { NotFoundError } from '../../errors';
import { errorResponses, txAcceptedSchema, txParams, txViewSchema, txWireSchema } from '../schemas';
import { txView } from '../views';
import type { RouteContext } from './context';

export function registerTxRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post(
    '/v1/tx',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Submit a signed transaction',
        description:
          'Answers 202 once the transaction is durably stored: from then on it ends committed ' +
          'or rejected with a recorded reason. Submitting the same transaction again gives the ' +
          'same answer (with its current status) and stores nothing new.',
        body: txWireSchema,
        response: { 202: txAcceptedSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      try {
        const result = await ctx.sequencer.submit(request.body);
        if (!result.duplicate) ctx.metrics.admitted();
        reply.code(202);
        return { txHash: result.txHash, status: result.status };
      } catch (err) {
        if (isCodedError(err)) ctx.metrics.refused(err.code);
        throw err;
      }
    },
  );

  app.get<{ Params: { hash: string } }>(
    '/v1/tx/:hash',
    {
      schema: {
        tags: ['transactions'],
        summary: 'Status of a transaction: pending, committed (with receipt) or rejected',
        params: txParams,
        response: { 200: txViewSchema, ...errorResponses },
      },
    },
    async (request) => {
      const status = ctx.sequencer.txStatus(request.params.hash);
      if (status === null) throw new NotFoundError('transaction', { txHash: request.params.hash });
      return txView(status);
    },
  );
}
