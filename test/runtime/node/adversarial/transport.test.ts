/*
 * Attacks on the HTTP layer of a real node (issue 18, findings 4–6). Settings: headers 1 s, whole
 * request 2 s, idle keep-alive 1 s.
 * ├── slow bodies (a byte every 300 ms, four connections) and slow headers → 408
 * │   API_REQUEST_TIMEOUT in the envelope, connection closed; an idle keep-alive is closed
 * ├── every answer is the envelope with an x-request-id: `..` paths under /docs/static (six forms),
 * │   a URL that does not decode (/v1/tx/%ff), Content-Length with Transfer-Encoding, 431 headers
 * ├── duplicate JSON keys → 400 API_BAD_REQUEST naming the key; a transfer to the zero address →
 * │   400 TX_BAD_ADDRESS
 * └── /metrics: behind QFS_METRICS_TOKEN (401 without it), or on a listener of its own
 */
import { expect } from 'chai';
import net from 'node:net';
import { signTx, transferBody } from '../../../../runtime/sdk/tx-builder';
import {
  expectEnvelope,
  getJson,
  postJson,
  rawExchange,
  request,
  startAttackNode,
  type AttackNode,
  type RawAnswer,
} from './support';

const TIMEOUTS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 1000 };

function expectRawEnvelope(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status, answer.text.slice(0, 300)).to.equal(status);
  expect(answer.body).to.have.nested.property('error.code', code);
  expect(Object.keys(answer.body as object)).to.deep.equal(['error']);
  expect(answer.headers['x-request-id'], answer.text.slice(0, 300)).to.match(
    /^[0-9a-f]{8}-[0-9a-z]+$/,
  );
  expect(answer.headers['content-type']).to.match(/^application\/json/);
}

describe('adversarial: the HTTP layer (real node)', function () {
  this.timeout(5 * 60_000);
  let node: AttackNode;
  const token = 'metrics-secret-for-the-test';

  before(async () => {
    node = await startAttackNode(TIMEOUTS, { QFS_METRICS_TOKEN: token });
  });
  after(async () => {
    expect(await node.stop()).to.equal(0);
  });

  describe('timeouts', () => {
    it('closes connections that send a body one byte at a time with 408, four at once', async () => {
      const head =
        'POST /v1/tx HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'Content-Length: 5000\r\n\r\n{';
      const answers = await Promise.all(
        [0, 1, 2, 3].map(() => rawExchange(node.port, head, { drip: 1000, dripMs: 300 })),
      );
      for (const answer of answers) {
        expect(answer.closedByServer).to.equal(true);
        expectRawEnvelope(answer, 408, 'API_REQUEST_TIMEOUT');
      }
    });

    it('closes a connection whose headers never end with 408', async () => {
      const answer = await rawExchange(node.port, 'GET /v1/status HTTP/1.1\r\nHost: x\r\n');
      expect(answer.closedByServer).to.equal(true);
      expectRawEnvelope(answer, 408, 'API_REQUEST_TIMEOUT');
    });

    it('closes an idle keep-alive connection', async () => {
      const answer = await rawExchange(node.port, 'GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(answer.closedByServer).to.equal(true);
      expect(answer.status).to.equal(200);
    });
  });

  describe('one envelope for every answer', () => {
    const escapes = [
      '/docs/static/../package.json',
      '/docs/static/%2e%2e/package.json',
      '/docs/static/%2E%2E/package.json',
      '/docs/static/.%2e/package.json',
      '/docs/static/%2e./package.json',
      '/docs/static/..%2f..%2fpackage.json',
    ];
    for (const path of escapes)
      it(`answers GET ${path} with 404 API_ROUTE_NOT_FOUND`, async () => {
        const answer = await rawExchange(
          node.port,
          `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
        );
        expectRawEnvelope(answer, 404, 'API_ROUTE_NOT_FOUND');
      });

    it('answers a URL that does not decode with 400 API_BAD_REQUEST', async () => {
      const answer = await rawExchange(
        node.port,
        'GET /v1/tx/%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      expectRawEnvelope(answer, 400, 'API_BAD_REQUEST');
    });

    it('answers Content-Length with Transfer-Encoding with 400 API_BAD_REQUEST', async () => {
      const answer = await rawExchange(
        node.port,
        'POST /v1/tx HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      );
      expectRawEnvelope(answer, 400, 'API_BAD_REQUEST');
    });

    it('answers oversized headers with 431 API_HEADERS_TOO_LARGE', async () => {
      const answer = await rawExchange(
        node.port,
        `GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`,
      );
      expectRawEnvelope(answer, 431, 'API_HEADERS_TOO_LARGE');
    });

    it('returns the request id of every routed answer in x-request-id, unique per request', async () => {
      const ids = new Set<string>();
      for (const route of ['/v1/status', '/nope', '/v1/tx/zz']) {
        const id = (await getJson(node.url, route)).headers.get('x-request-id');
        expect(id).to.match(/^[0-9a-f]{8}-[0-9a-z]+$/);
        ids.add(id as string);
      }
      expect(ids.size).to.equal(3);
    });
  });

  describe('strict input', () => {
    it('refuses a body with a duplicate key, naming it and where', async () => {
      const { alice, bob } = node.keys;
      const wire = signTx(alice, node.chainId, 1n, transferBody('CHR', bob.address, '1'));
      const text = JSON.stringify(wire).replace('"nonce":"1"', '"nonce":"1","nonce":"2"');
      const answer = await postJson(node.url, '/v1/tx', text);
      expect(answer.status).to.equal(400);
      expect(expectEnvelope(answer, 'API_BAD_REQUEST')).to.deep.equal({ path: '$', key: 'nonce' });
      const nested = JSON.stringify(wire).replace('"token":"CHR"', '"token":"CHR","token":"FLX"');
      const deep = await postJson(node.url, '/v1/tx', nested);
      expect(expectEnvelope(deep, 'API_BAD_REQUEST')).to.deep.equal({
        path: '$.body',
        key: 'token',
      });
    });

    it('refuses __proto__ and constructor.prototype keys', async () => {
      for (const text of ['{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}']) {
        const answer = await postJson(node.url, '/v1/tx', text);
        expect(answer.status, answer.text).to.equal(400);
        expectEnvelope(answer, 'API_BAD_REQUEST');
      }
    });

    it('refuses a transfer to the zero address', async () => {
      const wire = signTx(node.keys.alice, node.chainId, 1n, {
        type: 'transfer',
        token: 'CHR',
        to: `0x${'0'.repeat(40)}`,
        amount: '1',
      });
      const answer = await postJson(node.url, '/v1/tx', wire);
      expect(answer.status).to.equal(400);
      expect(expectEnvelope(answer, 'TX_BAD_ADDRESS')).to.include({ field: 'body.to' });
    });
  });

  describe('/metrics', () => {
    it('needs the bearer token when QFS_METRICS_TOKEN is set', async () => {
      const refused = await getJson(node.url, '/metrics');
      expect(refused.status).to.equal(401);
      expectEnvelope(refused, 'API_UNAUTHORIZED');
      expectEnvelope(
        await getJson(node.url, '/metrics', { authorization: 'Bearer wrong' }),
        'API_UNAUTHORIZED',
      );
      const served = await getJson(node.url, '/metrics', { authorization: `Bearer ${token}` });
      expect(served.status).to.equal(200);
      expect(served.text).to.match(/^# HELP qfs_/m);
    });

    it('moves to a listener of its own with metricsListen, and leaves the API', async () => {
      const port = await freePort();
      const other = await startAttackNode({ metricsListen: `127.0.0.1:${port}` });
      try {
        expectEnvelope(await getJson(other.url, '/metrics'), 'API_ROUTE_NOT_FOUND');
        const served = await request(`http://127.0.0.1:${port}`, 'GET', '/metrics');
        expect(served.status).to.equal(200);
        expect(served.text).to.match(/^qfs_head_height /m);
        expectEnvelope(
          await request(`http://127.0.0.1:${port}`, 'GET', '/v1/status'),
          'API_ROUTE_NOT_FOUND',
        );
      } finally {
        expect(await other.stop()).to.equal(0);
      }
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
