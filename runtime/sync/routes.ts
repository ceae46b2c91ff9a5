/**
 * HolonetSync's HTTP routes, registered with the node's API (same envelope, limits and request
 * ids). A sequencer and a replica serve the same reads of the chain they hold — the stream, sealed
 * bundles, seals, attestations, certificates, evidence, refusals, the genesis — and each takes what
 * only it takes: the sequencer replicas' reports (`POST /v1/sync/attestations`), a replica pushed
 * bundles (`POST /v1/sync/bundles`). docs/api.md, HolonetSync routes.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { sha256HexUtf8 } from '../codec';
import { NotFoundError } from '../node/errors';
import { errorResponses, hashSchema, heightParams, type JsonSchema } from '../node/api/schemas';
import type { NodeStore } from '../node/store';
import { SyncNotReadyError, SyncRefusedError } from './errors';
import type { Outcome } from './replica';
import { REPORT_ITEMS_MAX, type ReportResult } from './hub';
import { sealedBundleText as sealedBundleTextOf } from './stored-sync';
import type { StreamServer } from './stream-server';
import type { SyncStore } from './sync-store';

export type SyncRouteDeps = {
  readonly store: NodeStore;
  readonly sync: SyncStore;
  readonly stream: StreamServer;
  /** Sequencer: takes a replica's report. */
  readonly receiveReport?: (body: {
    attestations?: unknown[];
    refusals?: unknown[];
  }) => ReportResult;
  /** Replica: takes a pushed sealed bundle. */
  readonly receiveBundle?: (json: unknown) => Promise<Outcome>;
  /** Largest sealed bundle a replica takes in one push (bytes). */
  readonly bundleBytesMax?: number;
};

/** Most evidence items or records one page returns. */
export const SYNC_PAGE_MAX = 100;

const anyObject = { type: 'object', additionalProperties: true } as const;
const ok = (description: string): JsonSchema => ({
  200: { ...anyObject, description },
  ...errorResponses,
});
const heightInt = (text: string): number => Number(text);

/** The route module for `buildApp`'s `routes`. */
export function syncRoutes(deps: SyncRouteDeps): (api: FastifyInstance) => void {
  return (api) => {
    readRoutes(api, deps);
    if (deps.receiveReport !== undefined) reportRoute(api, deps.receiveReport);
    if (deps.receiveBundle !== undefined)
      pushRoute(api, deps.receiveBundle, deps.bundleBytesMax ?? 64 * 2 ** 20);
  };
}

function readRoutes(api: FastifyInstance, deps: SyncRouteDeps): void {
  streamRoute(api, deps);
  bundleRoutes(api, deps);
  recordRoutes(api, deps);
  evidenceRoutes(api, deps);
  genesisRoute(api, deps);
}

/** `GET /v1/sync/stream`: the sealed bundles from a height on, as they are committed. */
function streamRoute(api: FastifyInstance, deps: SyncRouteDeps): void {
  const { store } = deps;
  api.get<{ Querystring: { from: string; replica?: string } }>(
    '/v1/sync/stream',
    {
      schema: {
        tags: ['sync'],
        summary: 'Sealed bundles from a height on, as they are committed (JSON lines)',
        querystring: {
          type: 'object',
          required: ['from'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', pattern: '^(0|[1-9][0-9]{0,15})$' },
            replica: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' },
          },
        },
        response: ok('application/x-ndjson: {"bundle"|"certificate"|"head": …} per line'),
      },
    },
    async (request, reply) => {
      const from = heightInt(request.query.from);
      if (from > store.headHeight() + 1)
        throw new SyncNotReadyError({ height: from, replicaHeight: store.headHeight() + 1 });
      if (!deps.stream.hasRoom())
        throw new SyncRefusedError('too many streams', { streamsMax: deps.stream.subscribers });
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'application/x-ndjson',
        'cache-control': 'no-store',
        'x-request-id': request.id,
      });
      deps.stream.open(reply.raw, from);
    },
  );
}

/** The sealed bundle and the seal of a height. */
function bundleRoutes(api: FastifyInstance, deps: SyncRouteDeps): void {
  const { store } = deps;
  api.get<{ Params: { height: string } }>(
    '/v1/sync/bundles/:height',
    {
      schema: {
        tags: ['sync'],
        summary: 'The sealed bundle at a height: packet, signed transactions, seal, KeyLedger seal',
        params: heightParams,
        response: ok('{height, packet, txs, seal, keySeal}'),
      },
    },
    async (request, reply) => {
      const text = sealedText(deps, heightInt(request.params.height));
      return reply.type('application/json').send(text);
    },
  );

  api.get<{ Params: { height: string } }>(
    '/v1/sync/seals/:height',
    {
      schema: {
        tags: ['sync'],
        summary: 'The seal and packet this node holds at a height (replicas compare them)',
        params: heightParams,
        response: ok('{height, sealHash, seal, packet}'),
      },
    },
    async (request, reply) => {
      const height = heightInt(request.params.height);
      const row = store.coherence(height);
      const bundle = store.bundle(height);
      // The next height this node needs: a peer at the tip (next = height) is about to hold it.
      if (row === undefined || bundle === undefined)
        throw new NotFoundError('seal', { height, next: store.headHeight() + 1 });
      return reply
        .type('application/json')
        .send(
          `{"height":${height},"sealHash":"${row.sealHash}","seal":${row.seal},"packet":${bundle.packet}}`,
        );
    },
  );
}

/** What replicas signed about a height: attestations and the certificate. */
function recordRoutes(api: FastifyInstance, deps: SyncRouteDeps): void {
  const { sync } = deps;
  api.get<{ Params: { height: string } }>(
    '/v1/sync/attestations/:height',
    {
      schema: {
        tags: ['sync'],
        summary: 'Attestations held for a height (a replica: its own)',
        params: heightParams,
        response: ok('{height, attestations}'),
      },
    },
    async (request) => {
      const height = heightInt(request.params.height);
      const own = sync.cosigned(height);
      const received = sync.attestations(height).map((a) => JSON.parse(a.attestation) as unknown);
      return { height, attestations: own === undefined ? received : [JSON.parse(own.attestation)] };
    },
  );

  api.get<{ Params: { height: string } }>(
    '/v1/bundles/:height/certificate',
    {
      schema: {
        tags: ['sync'],
        summary: 'The quorum certificate of a bundle (404 until it is confirmed)',
        params: heightParams,
        response: ok(
          '{version, chainId, height, sealHash, entryHash, bundleHash, quorum, members, attestations}',
        ),
      },
    },
    async (request, reply) => {
      const height = heightInt(request.params.height);
      const row = sync.certificate(height);
      if (row === undefined) throw new NotFoundError('certificate', { height });
      return reply
        .header('x-certificate-hash', row.certificateHash)
        .type('application/json')
        .send(row.certificate);
    },
  );
}

/** Evidence of equivocation and CIR-511 records. */
function evidenceRoutes(api: FastifyInstance, deps: SyncRouteDeps): void {
  const { sync } = deps;
  api.get<{ Querystring: { offset?: string; limit?: string } }>(
    '/v1/sync/evidence',
    {
      schema: {
        tags: ['sync'],
        summary:
          'Equivocation evidence this node holds (two signed seals or packets for one height)',
        querystring: pageQuery,
        response: ok(
          '{total, evidence: [{evidenceHash, height, kind, signer, foundMs, evidence}]}',
        ),
      },
    },
    async (request) => {
      const { offset, limit } = page(request.query);
      return {
        total: sync.evidenceCount(),
        evidence: sync.evidence(offset, limit).map((e) => ({
          evidenceHash: e.evidenceHash,
          height: e.height,
          kind: e.kind,
          signer: e.signer,
          foundMs: e.foundMs,
          evidence: JSON.parse(e.evidence) as unknown,
        })),
      };
    },
  );

  api.get<{ Querystring: { limit?: string } }>(
    '/v1/sync/dissonance',
    {
      schema: {
        tags: ['sync'],
        summary: 'CIR-511 records: refusals to cosign (signed by replicas) and clock dissonance',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' } },
        },
        response: ok('{records: [{height, reason, origin, atMs, record}]}'),
      },
    },
    async (request) => ({
      records: sync
        .dissonance(Math.min(SYNC_PAGE_MAX, Number(request.query.limit ?? SYNC_PAGE_MAX)))
        .map((r) => ({
          height: r.height,
          reason: r.reason,
          origin: r.origin,
          atMs: r.atMs,
          record: JSON.parse(r.record) as unknown,
        })),
    }),
  );
}

/** `GET /v1/sync/genesis`: what `qfs replica init` checks. */
function genesisRoute(api: FastifyInstance, deps: SyncRouteDeps): void {
  const { store } = deps;
  api.get(
    '/v1/sync/genesis',
    {
      schema: {
        tags: ['sync'],
        summary: 'The genesis document and its hash (what `qfs replica init` checks)',
        response: {
          200: {
            type: 'object',
            required: ['genesisHash', 'genesis'],
            properties: { genesisHash: hashSchema, genesis: anyObject },
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const text = store.getMeta('genesis');
      if (text === undefined) throw new NotFoundError('genesis', {});
      return {
        genesisHash: sha256HexUtf8(`QFS/genesis/v1\n${text}`),
        genesis: JSON.parse(text) as unknown,
      };
    },
  );
}

function reportRoute(
  api: FastifyInstance,
  receive: NonNullable<SyncRouteDeps['receiveReport']>,
): void {
  api.post<{ Body: { attestations?: unknown[]; refusals?: unknown[] } }>(
    '/v1/sync/attestations',
    {
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['sync'],
        summary: 'A replica reports its attestations (and signed refusals); each is checked alone',
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            attestations: { type: 'array', maxItems: REPORT_ITEMS_MAX, items: anyObject },
            refusals: { type: 'array', maxItems: REPORT_ITEMS_MAX, items: anyObject },
          },
        },
        response: ok('{accepted, confirmed: [heights], rejected: [{index, code, reason}]}'),
      },
    },
    async (request) => receive(request.body),
  );
}

function pushRoute(
  api: FastifyInstance,
  receive: NonNullable<SyncRouteDeps['receiveBundle']>,
  bodyLimit: number,
): void {
  api.post<{ Body: unknown }>(
    '/v1/sync/bundles',
    {
      bodyLimit,
      schema: {
        tags: ['sync'],
        summary:
          'Push a sealed bundle to a replica; it answers with its attestation or its refusal',
        body: anyObject,
        response: ok('{attestation}'),
      },
    },
    async (request) => {
      const outcome = await receive(request.body);
      if (outcome.kind === 'refused')
        throw new SyncRefusedError(outcome.reason, { height: outcome.height, ...outcome.details });
      if (outcome.kind === 'applied')
        throw new SyncRefusedError('stored, not cosigned', { height: outcome.height });
      return {
        attestation: JSON.parse(JSON.stringify(outcome.attestation, bigintText)) as unknown,
      };
    },
  );
}

const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    offset: { type: 'string', pattern: '^(0|[1-9][0-9]{0,8})$' },
    limit: { type: 'string', pattern: '^[1-9][0-9]{0,2}$' },
  },
} as const;

function page(q: { offset?: string; limit?: string }): { offset: number; limit: number } {
  return {
    offset: Number(q.offset ?? 0),
    limit: Math.min(SYNC_PAGE_MAX, Number(q.limit ?? SYNC_PAGE_MAX)),
  };
}

function sealedText(deps: SyncRouteDeps, height: number): string {
  const text = sealedBundleTextOf(deps.store, height);
  if (text === undefined) throw new NotFoundError('bundle', { height });
  return text;
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
