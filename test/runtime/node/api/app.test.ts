/*
 * buildApp
 * ├── OpenAPI document at /docs/json lists every route with its schemas; the UI at /docs
 * ├── unknown route → 404 API_ROUTE_NOT_FOUND; a failing dependency → 500 API_INTERNAL (no leak)
 * ├── rate limit (configured low) → 429 API_RATE_LIMITED with Retry-After
 * ├── body limit is configurable → 413 API_BODY_TOO_LARGE with the limit
 * └── /metrics: gauges (height, mempool, halt), counters by code, bundle sizes, request durations,
 *     on a registry per app; closing the app stops following the sequencer
 */
import { expect } from 'chai';
import { buildApp, DEFAULT_API_PORT } from '../../../../runtime/node/api';
import { DEFAULT_NODE_URL } from '../../../../runtime/sdk/client';
import { actionBody, signTx } from '../../../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys } from '../../../support/engine';
import { apiNode, expectError, type ApiNode } from '../../../support/api';

/** The value of a sample line `name{labels} value` in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('buildApp', () => {
  describe('the OpenAPI document', () => {
    let node: ApiNode;
    const routes: { method: string; url: string; hidden: boolean }[] = [];

    before(async () => {
      node = await apiNode();
      node.app.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        const hidden = route.schema?.hide === true;
        for (const method of methods)
          routes.push({ method: String(method), url: route.url, hidden });
      });
      await node.app.ready();
    });

    after(async () => node.close());

    it('lists every route the app serves (except the docs UI), with its method', async () => {
      const res = await node.app.inject({ method: 'GET', url: '/docs/json' });
      expect(res.statusCode).to.equal(200);
      const doc = res.json();
      expect(doc.openapi).to.equal('3.0.3');
      expect(doc.info.version).to.equal('0.0.0-test');
      const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      // The docs UI and the explorer's files (hidden from the document) are pages, not operations.
      const served = routes
        .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs') && !r.hidden)
        .map((r) => `${r.method} ${r.url.replace(/:([a-z]+)/g, '{$1}')}`)
        .sort();
      expect(listed).to.deep.equal(served);
      expect(listed).to.deep.equal([
        'GET /metrics',
        'GET /v1/accounts/{address}',
        'GET /v1/accounts/{address}/at/{height}',
        'GET /v1/bundles/{height}',
        'GET /v1/bundles/{height}/txs',
        'GET /v1/explorer/chain',
        'GET /v1/export',
        'GET /v1/halts',
        'GET /v1/keyledger/entries',
        'GET /v1/keyledger/seal',
        'GET /v1/seals/latest',
        'GET /v1/status',
        'GET /v1/tx/{hash}',
        'GET /v1/tx/{hash}/signed',
        'POST /v1/tx',
        'POST /v1/txs',
      ]);
    });

    it('documents a success response and the error shape for every operation', async () => {
      const doc = (await node.app.inject({ method: 'GET', url: '/docs/json' })).json();
      for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
        for (const [method, op] of Object.entries(ops as Record<string, { responses: object }>)) {
          const codes = Object.keys(op.responses);
          expect(codes, `${method} ${path}`).to.include.members(['4XX', '5XX']);
          expect(
            codes.some((c) => c === '200' || c === '202'),
            `${method} ${path}`,
          ).to.equal(true);
        }
      }
      const post = doc.paths['/v1/tx'].post;
      const body = post.requestBody.content['application/json'].schema;
      expect(body.required).to.deep.equal(['chainId', 'from', 'nonce', 'body', 'signature']);
      expect(doc.paths['/v1/tx/{hash}'].get.parameters[0].schema.pattern).to.equal(
        '^[0-9a-f]{64}$',
      );
    });

    it('serves the Swagger UI at /docs', async () => {
      const res = await node.app.inject({ method: 'GET', url: '/docs' });
      expect(res.statusCode).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/html/);
      expect(res.body).to.include('Swagger UI');
    });
  });

  describe('errors outside the routes', () => {
    it('answers an unknown route with 404 API_ROUTE_NOT_FOUND', async () => {
      const node = await apiNode();
      try {
        const res = await node.app.inject({ method: 'DELETE', url: '/v1/tx' });
        expect(expectError(res, 'API_ROUTE_NOT_FOUND')).to.deep.equal({
          method: 'DELETE',
          url: '/v1/tx',
        });
        expectError(
          await node.app.inject({ method: 'GET', url: '/v2/status' }),
          'API_ROUTE_NOT_FOUND',
        );
      } finally {
        await node.close();
      }
    });

    it('answers a failing dependency with 500 API_INTERNAL, keeps its message private, and logs it with the request id', async () => {
      const lines: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
      const log = {
        info: () => undefined,
        warn: () => undefined,
        error: (obj: object, msg?: string) =>
          lines.push({ obj: obj as Record<string, unknown>, msg }),
      };
      const node = await apiNode({
        anchorStatus: () => {
          throw new Error('secret rpc url');
        },
        api: { log },
      });
      try {
        const res = await node.app.inject({ method: 'GET', url: '/v1/status' });
        expectError(res, 'API_INTERNAL');
        expect(res.body).not.to.include('secret');
        const requestId = res.headers['x-request-id'];
        expect(requestId).to.be.a('string');
        expect(lines).to.have.length(1);
        expect(lines[0]?.obj).to.include({ requestId, method: 'GET', url: '/v1/status' });
        expect((lines[0]?.obj.err as Error).message).to.equal('secret rpc url');
      } finally {
        await node.close();
      }
    });
  });

  describe('limits', () => {
    it('answers 429 API_RATE_LIMITED with Retry-After past a configured rate', async () => {
      const node = await apiNode({
        api: { limits: { rateLimitMax: 3, rateLimitWindowMs: 60_000 } },
      });
      try {
        for (let i = 0; i < 3; i++) {
          const res = await node.app.inject({ method: 'GET', url: '/v1/status' });
          expect(res.statusCode).to.equal(200);
        }
        const res = await node.app.inject({ method: 'GET', url: '/v1/status' });
        const details = expectError(res, 'API_RATE_LIMITED');
        expect(details).to.deep.include({ max: 3, windowMs: 60_000 });
        expect(Number(res.headers['retry-after'])).to.be.within(1, 60);
        expect(res.headers['x-ratelimit-limit']).to.equal('3');
      } finally {
        await node.close();
      }
    });

    it('applies a configured body limit', async () => {
      const node = await apiNode({ api: { limits: { bodyLimitBytes: 1024 } } });
      try {
        const res = await node.app.inject({
          method: 'POST',
          url: '/v1/tx',
          payload: { chainId: 'x'.repeat(2000) },
        });
        expect(expectError(res, 'API_BODY_TOO_LARGE')).to.deep.equal({ limitBytes: 1024 });
      } finally {
        await node.close();
      }
    });

    it('defaults the port to the one the SDK and CLI use', () => {
      expect(DEFAULT_NODE_URL).to.equal(`http://127.0.0.1:${DEFAULT_API_PORT}`);
    });
  });

  describe('GET /metrics', () => {
    it('exposes height, mempool, halt, counters by code, bundle sizes and durations', async () => {
      const node = await apiNode();
      try {
        const good = signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 2n));
        const unfunded = signTx(keys.user(1), CHAIN_ID, 1n, {
          type: 'transfer',
          token: 'CHR',
          to: keys.user(0).address,
          amount: '5000',
        });
        const wrongChain = signTx(keys.user(2), 'elsewhere', 1n, actionBody('compute', 1n));
        for (const payload of [good, good, unfunded, wrongChain]) {
          await node.app.inject({ method: 'POST', url: '/v1/tx', payload });
        }
        const before = await node.app.inject({ method: 'GET', url: '/metrics' });
        expect(before.statusCode).to.equal(200);
        expect(before.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
        expect(sample(before.body, 'qfs_head_height')).to.equal(-1);
        expect(sample(before.body, 'qfs_mempool_depth')).to.equal(2);
        expect(sample(before.body, 'qfs_tx_admitted_total')).to.equal(2);
        expect(sample(before.body, 'qfs_tx_refused_total{code="TX_WRONG_CHAIN"}')).to.equal(1);

        await node.seq.produceBundle();
        node.seq.halt(302, 'metrics test', {});
        const text = (await node.app.inject({ method: 'GET', url: '/metrics' })).body;
        expect(sample(text, 'qfs_head_height')).to.equal(0);
        expect(sample(text, 'qfs_mempool_depth')).to.equal(0);
        expect(sample(text, 'qfs_halted')).to.equal(1);
        expect(sample(text, 'qfs_halt_cir')).to.equal(302);
        expect(sample(text, 'qfs_tx_committed_total{status="ok"}')).to.equal(1);
        expect(sample(text, 'qfs_tx_committed_total{status="failed"}')).to.equal(1);
        expect(sample(text, 'qfs_tx_failed_total{code="TX_INSUFFICIENT_BALANCE"}')).to.equal(1);
        expect(sample(text, 'qfs_bundle_txs_count')).to.equal(1);
        expect(sample(text, 'qfs_bundle_txs_sum')).to.equal(2);
        for (const phase of ['execute', 'seal', 'commit'])
          expect(sample(text, `qfs_bundle_phase_seconds_count{phase="${phase}"}`), phase).to.equal(
            1,
          );
        expect(
          sample(
            text,
            'qfs_http_request_duration_seconds_count{method="POST",route="/v1/tx",status_code="202"}',
          ),
        ).to.equal(3);
        expect(
          sample(
            text,
            'qfs_http_request_duration_seconds_count{method="POST",route="/v1/tx",status_code="400"}',
          ),
        ).to.equal(1);
      } finally {
        await node.close();
      }
    });

    it('keeps a registry per app and stops following the sequencer when closed', async () => {
      const node = await apiNode();
      try {
        const listeners = node.seq.listenerCount('bundle');
        const second = buildApp(
          { sequencer: node.seq, version: 'second' },
          { processMetrics: true },
        );
        expect(node.seq.listenerCount('bundle')).to.equal(listeners + 1);
        const text = (await second.inject({ method: 'GET', url: '/metrics' })).body;
        expect(sample(text, 'qfs_head_height')).to.equal(-1);
        expect(text).to.include('qfs_process_resident_memory_bytes');
        await second.close();
        expect(node.seq.listenerCount('bundle')).to.equal(listeners);
        const first = (await node.app.inject({ method: 'GET', url: '/metrics' })).body;
        expect(first).not.to.include('qfs_process_');
        expect(first).not.to.include('qfs_nodejs_');
      } finally {
        await node.close();
      }
    });
  });
});
