/**
 * Reads of the committed ledger: accounts, bundles, the latest coherence seal and the latest
 * KeyLedger seal.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { ApiBadRequestError } from '../errors';
import {
  accountViewSchema,
  addressParams,
  bundleViewSchema,
  coherenceSealViewSchema,
  errorResponses,
  HEIGHT_MAX,
  heightParams,
  keySealViewSchema,
} from '../schemas';
import { accountView, bundleView, keySealView, latestSealView } from '../views';
import type { RouteContext } from './context';

export function registerLedgerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { address: string } }>(
    '/v1/accounts/:address',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Balances, nonce and KeyLedger record of an address',
        description:
          'A well-formed address that holds nothing answers with zero balances, nonce 0 and ' +
          'key null.',
        params: addressParams,
        response: { 200: accountViewSchema, ...errorResponses },
      },
    },
    async (request) => accountView(ctx.sequencer, request.params.address),
  );

  app.get<{ Params: { height: string } }>(
    '/v1/bundles/:height',
    {
      schema: {
        tags: ['ledger'],
        summary: 'A committed bundle: packet, transactions, metrics, rewards, allocations, seal',
        params: heightParams,
        response: { 200: bundleViewSchema, ...errorResponses },
      },
    },
    async (request) => bundleView(ctx.sequencer, parseHeight(request.params.height)),
  );

  app.get(
    '/v1/seals/latest',
    {
      schema: {
        tags: ['ledger'],
        summary: 'The latest CoherenceLedger finality seal',
        response: { 200: coherenceSealViewSchema, ...errorResponses },
      },
    },
    async () => latestSealView(ctx.sequencer),
  );

  app.get(
    '/v1/keyledger/seal',
    {
      schema: {
        tags: ['ledger'],
        summary: 'The latest KeyLedger finality seal (404 until a bundle carries a key event)',
        response: { 200: keySealViewSchema, ...errorResponses },
      },
    },
    async () => keySealView(ctx.sequencer),
  );
}

/** A height path parameter (a decimal string of at most 16 digits) as a number ≤ 2^53. */
function parseHeight(text: string): number {
  if (BigInt(text) > BigInt(HEIGHT_MAX)) {
    throw new ApiBadRequestError(`params/height must be at most ${HEIGHT_MAX}`, {
      context: 'params',
      path: '/height',
      reason: `must be <= ${HEIGHT_MAX}`,
    });
  }
  return Number(text);
}
