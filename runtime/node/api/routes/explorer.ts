/**
 * Read-only routes the explorer needs besides the ledger routes: the signed bytes of transactions
 * (one, or a bundle's in pages), the KeyLedger's entries, halt/resume records and CIR-511
 * dissonance, an account's balances at a past height, and the public facts of the chain the node
 * anchors to (so the page can read on-chain balances itself, through ethers). Everything signed is
 * returned as stored, so the page recomputes hashes and checks signatures instead of trusting us.
 * Issue 23.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { parseAddress } from '../../../codec';
import { amountsJson, EMPTY_ACCOUNT } from '../../../engine';
import { NotFoundError } from '../../errors';
import { UD } from '../../../math';
import { parseAccount } from '../../records';
import { txView } from '../views';
import {
  addressSchema,
  errorResponses,
  hashSchema,
  heightParams,
  txParams,
  type JsonSchema,
} from '../schemas';
import type { RouteContext } from './context';

/** Most transactions one page of `GET /v1/bundles/:height/txs` returns. */
export const EXPLORER_TX_PAGE_MAX = 256;
/** Most KeyLedger entries one page of `GET /v1/keyledger/entries` returns. */
export const EXPLORER_KEY_PAGE_MAX = 512;
/** Most halt records and dissonance bundles `GET /v1/halts` returns (newest first). */
export const EXPLORER_HALTS_MAX = 100;

/**
 * The chain facts a browser may be told: where to read balances (an RPC URL the page can reach,
 * never one carrying credentials unless the operator publishes it) and which contracts.
 */
export type PublicChainInfo = {
  /** The JSON-RPC URL the page reads from, or null when the operator has not published one. */
  readonly rpcUrl: string | null;
  readonly evmChainId: number;
  readonly token: string;
  readonly anchor: string;
  readonly registry: string;
  /** Bundles per anchoring epoch (on-chain balances are the runtime's at an epoch's last height). */
  readonly epochLength: number;
  /** Why `rpcUrl` is null, when it is. */
  readonly note: string | null;
};

export type ExplorerDeps = {
  /** The chain the node anchors to, as published to browsers; null or absent when none. */
  readonly chain?: (() => PublicChainInfo | null) | undefined;
};

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * What a node tells browsers about its chain. The RPC URL is published only when it cannot carry
 * a secret: the operator's `QFS_EXPLORER_RPC_URL` (`none` publishes nothing), else the node's own
 * RPC URL when it is on loopback (the devnet); a remote URL often embeds an API key, so it is
 * withheld unless the operator names one to publish. Only http(s) URLs (ethers' JsonRpcProvider).
 * @param config - the node's chain configuration, null when it has none
 * @param env - the environment (QFS_EXPLORER_RPC_URL)
 */
/** What the explorer needs of a chain configuration (runtime/chain's ChainConfig has it). */
export type ChainFacts = {
  readonly rpcUrl: string;
  readonly evmChainId: number;
  readonly epochLength: number;
  readonly contracts: {
    readonly token: string;
    readonly anchor: string;
    readonly registry: string;
  };
};

export function publicChainInfo(
  config: ChainFacts | null,
  env: Readonly<Record<string, string | undefined>>,
): PublicChainInfo | null {
  if (config === null) return null;
  const published = env.QFS_EXPLORER_RPC_URL;
  let rpcUrl: string | null = null;
  let note: string | null = null;
  if (published === 'none') note = 'the operator publishes no RPC URL (QFS_EXPLORER_RPC_URL=none)';
  else if (published !== undefined) {
    if (/^https?:\/\/[^\s]+$/.test(published)) rpcUrl = published;
    else note = 'QFS_EXPLORER_RPC_URL is not an http(s) URL';
  } else if (!/^https?:/.test(config.rpcUrl)) note = 'the node reads the chain over a WebSocket';
  else if (LOOPBACK_HOSTS.has(new URL(config.rpcUrl).hostname)) rpcUrl = config.rpcUrl;
  else
    note =
      'the node’s RPC URL is not on loopback and may carry credentials; the operator can publish one with QFS_EXPLORER_RPC_URL';
  return {
    rpcUrl,
    evmChainId: config.evmChainId,
    token: config.contracts.token,
    anchor: config.contracts.anchor,
    registry: config.contracts.registry,
    epochLength: config.epochLength,
    note,
  };
}

const offsetLimit = (max: number): JsonSchema => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    offset: { type: 'string', pattern: '^(0|[1-9][0-9]{0,8})$' },
    limit: { type: 'string', pattern: '^[1-9][0-9]{0,3}$', description: `1..${max}` },
  },
});
const committedTx = {
  type: 'object',
  required: ['txHash', 'index', 'tx', 'receipt'],
  properties: {
    txHash: hashSchema,
    index: { type: 'integer', minimum: 0 },
    tx: { type: 'object', additionalProperties: true, description: 'the signed wire form' },
    receipt: { type: 'object', additionalProperties: true },
  },
} as const;

export function registerExplorerRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  deps: ExplorerDeps,
): void {
  registerTxBytesRoutes(app, ctx);
  registerKeyAndHaltRoutes(app, ctx);

  app.get<{ Params: { address: string; height: string } }>(
    '/v1/accounts/:address/at/:height',
    {
      schema: {
        tags: ['ledger'],
        summary: 'Balances and nonce of an address at the end of a committed bundle',
        params: {
          type: 'object',
          required: ['address', 'height'],
          additionalProperties: false,
          properties: {
            address: addressSchema,
            height: heightParams.properties.height,
          },
        },
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
    },
    async (request) => {
      const address = parseAddress(request.params.address);
      const height = Number(request.params.height);
      if (height > ctx.sequencer.store.headHeight()) throw new NotFoundError('bundle', { height });
      const text = ctx.sequencer.store.accountAt(address, height);
      const account = text === undefined ? EMPTY_ACCOUNT : parseAccount(text);
      return {
        address,
        height,
        balances: amountsJson(account.balances),
        nonce: account.nonce.toString(),
      };
    },
  );

  app.get(
    '/v1/explorer/chain',
    {
      schema: {
        tags: ['node'],
        summary: 'The EVM chain this node anchors to, as published to browsers (null: none)',
        response: {
          200: { type: ['object', 'null'], additionalProperties: true },
          ...errorResponses,
        },
      },
    },
    async () => deps.chain?.() ?? null,
  );
}

function registerTxBytesRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { hash: string } }>(
    '/v1/tx/:hash/signed',
    {
      schema: {
        tags: ['transactions'],
        summary: 'A transaction’s status and its signed wire form',
        params: txParams,
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
    },
    async (request) => {
      const hash = request.params.hash;
      const status = ctx.sequencer.txStatus(hash);
      const wire = ctx.sequencer.store.txWire(hash);
      if (status === null || wire === undefined) throw new NotFoundError('transaction', { hash });
      return { ...txView(status), tx: JSON.parse(wire) as unknown };
    },
  );

  app.get<{ Params: { height: string }; Querystring: { offset?: string; limit?: string } }>(
    '/v1/bundles/:height/txs',
    {
      schema: {
        tags: ['ledger'],
        summary: 'A committed bundle’s signed transactions and receipts, in order, in pages',
        params: heightParams,
        querystring: offsetLimit(EXPLORER_TX_PAGE_MAX),
        response: {
          200: {
            type: 'object',
            required: ['height', 'txCount', 'offset', 'txs'],
            properties: {
              height: { type: 'integer' },
              txCount: { type: 'integer' },
              offset: { type: 'integer' },
              txs: { type: 'array', items: committedTx },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const height = Number(request.params.height);
      const bundle = ctx.sequencer.store.bundle(height);
      if (bundle === undefined) throw new NotFoundError('bundle', { height });
      const offset = Number(request.query.offset ?? '0');
      const limit = Math.min(
        Number(request.query.limit ?? EXPLORER_TX_PAGE_MAX),
        EXPLORER_TX_PAGE_MAX,
      );
      const rows = ctx.sequencer.store.bundleTxPage(height, offset, limit);
      return {
        height,
        txCount: bundle.txCount,
        offset,
        txs: rows.map((r) => ({
          txHash: r.txHash,
          index: r.idx,
          tx: JSON.parse(r.wire) as unknown,
          receipt: storedReceiptView(r.receipt),
        })),
      };
    },
  );
}

function registerKeyAndHaltRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Querystring: { offset?: string; limit?: string } }>(
    '/v1/keyledger/entries',
    {
      schema: {
        tags: ['ledger'],
        summary: 'KeyLedger entries as stored (signed events, hash-chained), from the genesis',
        querystring: offsetLimit(EXPLORER_KEY_PAGE_MAX),
        response: {
          200: {
            type: 'object',
            required: ['entryCount', 'offset', 'entries'],
            properties: {
              entryCount: { type: 'integer' },
              offset: { type: 'integer' },
              entries: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const all = ctx.sequencer.store.keyEntries();
      const offset = Number(request.query.offset ?? '0');
      const limit = Math.min(
        Number(request.query.limit ?? EXPLORER_KEY_PAGE_MAX),
        EXPLORER_KEY_PAGE_MAX,
      );
      return {
        entryCount: all.length,
        offset,
        entries: all.slice(offset, offset + limit).map((e) => JSON.parse(e.entry) as unknown),
      };
    },
  );

  app.get(
    '/v1/halts',
    {
      schema: {
        tags: ['node'],
        summary: 'Signed halt/resume records (CIR-302/412) and bundles with CIR-511 dissonance',
        response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses },
      },
    },
    async () => ({
      records: ctx.sequencer.store.haltRecords(EXPLORER_HALTS_MAX).map((r) => ({
        id: r.id,
        kind: r.kind,
        atHeight: r.atHeight,
        record: JSON.parse(r.record) as unknown,
      })),
      dissonance: ctx.sequencer.store.dissonanceBundles(EXPLORER_HALTS_MAX).map((b) => ({
        height: b.height,
        events: (JSON.parse(b.summary) as { dissonance: unknown[] }).dissonance,
      })),
    }),
  );
}

/** A stored receipt (fee as a raw 18-decimal integer) in the API's form (fee as a decimal). */
function storedReceiptView(text: string): Record<string, unknown> {
  const j = JSON.parse(text) as { status: string; code?: string; reason?: string; fee?: string };
  return {
    status: j.status,
    ...(j.code === undefined ? {} : { code: j.code }),
    ...(j.reason === undefined ? {} : { reason: j.reason }),
    ...(j.fee === undefined ? {} : { fee: UD.format(UD.wrap(BigInt(j.fee))) }),
  };
}
