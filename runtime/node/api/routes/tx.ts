/**
 * `POST /v1/tx` (submit a signed transaction), `POST /v1/txs` (submit several in one request) and
 * `GET /v1/tx/:hash` (where it stands).
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { isCodedError } from '../../../errors';
import { NotFoundError } from '../../errors';
import type { SubmitResult } from '../../sequencer';
import { isLoggedFailure, toHttpError } from '../http-errors';
import {
  errorResponses,
  txAcceptedSchema,
  txBatchResultSchema,
  txBatchSchema,
  txParams,
  txViewSchema,
  txWireSchema,
} from '../schemas';
import { txView } from '../views';
import type { RouteContext } from './context';

export function registerTxRoutes(app: FastifyInstance, ctx: RouteContext): void {
  registerSubmit(app, ctx);
  registerSubmitBatch(app, ctx);
  registerTxStatus(app, ctx);
}

function registerSubmit(app: FastifyInstance, ctx: RouteContext): void {
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
      const result = await submitOne(ctx, request.body);
      reply.code(202);
      return { txHash: result.txHash, status: result.status };
    },
  );
}

function registerSubmitBatch(app: FastifyInstance, ctx: RouteContext): void {
  // What the error mapping needs for a batch item: items are JSON inside a body already accepted.
  const itemFacts = { bodyLimitBytes: ctx.limits.bodyLimitBytes, contentType: 'application/json' };
  app.post<{ Body: { txs: unknown[] } }>(
    '/v1/txs',
    {
      bodyLimit: ctx.limits.batchBodyLimitBytes,
      schema: {
        tags: ['transactions'],
        summary: 'Submit several signed transactions in one request',
        description:
          `Up to ${ctx.limits.batchTxsMax} transactions, each handled as POST /v1/tx would ` +
          'handle it alone, in request order (so one sender may send consecutive nonces). ' +
          'Answers 200 once every accepted transaction is durably stored, with one result per ' +
          'transaction: {txHash, status} or the {error} it alone would get. A request that is ' +
          'not a list of transactions is refused whole and stores nothing.',
        body: txBatchSchema(ctx.limits.batchTxsMax),
        response: { 200: txBatchResultSchema, ...errorResponses },
      },
    },
    async (request) => {
      // Every submission starts now, in order: admission (nonce window, pending slots) runs
      // synchronously up to the first await, so item i is admitted before item i + 1.
      const settled = await Promise.allSettled(
        request.body.txs.map((wire) => submitOne(ctx, wire)),
      );
      return {
        results: settled.map((s) => {
          if (s.status === 'fulfilled') return { txHash: s.value.txHash, status: s.value.status };
          const http = toHttpError(s.reason, itemFacts);
          if (isLoggedFailure(http))
            request.log.error({ err: http.error.cause ?? http.error }, 'batch item failed');
          return { error: http.error.toJSON() };
        }),
      };
    },
  );
}

function registerTxStatus(app: FastifyInstance, ctx: RouteContext): void {
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
      return txView(status, ctx.confirmation);
    },
  );
}

/** Submits one transaction and counts the outcome. */
async function submitOne(ctx: RouteContext, wire: unknown): Promise<SubmitResult> {
  try {
    const result = await ctx.sequencer.submit(wire);
    if (!result.duplicate) ctx.metrics.admitted();
    return result;
  } catch (err) {
    if (isCodedError(err)) ctx.metrics.refused(err.code);
    throw err;
  }
}
