/*
 * fetchQrng against a local server replaying the recorded ANU Quantum Numbers answer
 * (test/fixtures/entropy/drand-rounds.json › anuQuantumNumbers, from 0xf0xx0/QRANode).
 *
 * ├── asks `?length=2&type=hex16&size=4` with the key in x-api-key; records provider, the
 * │   gateway's request id, the raw bytes and their SHA-256
 * ├── a local request id when the gateway sends none
 * └── throws ENTROPY_FETCH_FAILED for success false, HTTP 403, another type, a wrong length
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { fetchQrng } from '../../../runtime/entropy/qrng-client';
import { DRAND_FIXTURE } from '../../support/entropy';
import { anuReplay, serve, type ReplayServer } from '../../support/replay-servers';

describe('fetchQrng', () => {
  const open: ReplayServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const ask = async (server: Promise<ReplayServer>) => {
    const s = await server;
    open.push(s);
    const { request } = DRAND_FIXTURE.anuQuantumNumbers;
    const result = await fetchQrng({
      url: s.url,
      provider: 'anu-quantum-numbers',
      apiKey: 'test-key',
      blocks: request.length,
      blockSize: request.size,
      timeoutMs: 2000,
    }).catch((e: unknown) => e);
    return { s, result };
  };

  it('records the recorded answer: provider, request id, bytes, hash; the key in a header', async () => {
    const { s, result } = await ask(anuReplay());
    const bytes = '2f2497d207a39d67dd537fa2b1c4c6b2';
    expect(result).to.deep.equal({
      provider: 'anu-quantum-numbers',
      requestId: 'replay-1',
      bytes,
      sha256: createHash('sha256').update(Buffer.from(bytes, 'hex')).digest('hex'),
    });
    expect(s.requests[0]?.url).to.equal('/?length=2&type=hex16&size=4');
    expect(s.requests[0]?.headers['x-api-key']).to.equal('test-key');
  });

  it('makes up a local request id when the gateway sends none', async () => {
    const server = serve((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(DRAND_FIXTURE.anuQuantumNumbers.body));
    });
    const { result } = await ask(server);
    expect((result as { requestId: string }).requestId).to.match(/^local-[0-9a-f-]{36}$/);
  });

  const body = DRAND_FIXTURE.anuQuantumNumbers.body as Record<string, unknown>;
  const refusals: [string, Parameters<typeof anuReplay>[0], RegExp][] = [
    ['success false', { body: { success: false, message: 'limit' } }, /"success": true/],
    ['HTTP 403', { status: 403, body: { message: 'Forbidden' } }, /HTTP 403/],
    ['another type', { body: { ...body, type: 'uint8' } }, /type uint8/],
    [
      'a block of the wrong size',
      { body: { ...body, data: ['2f24', 'dd537fa2b1c4c6b2'] } },
      /2 blocks of 16 hex digits/,
    ],
    ['another length', { body: { ...body, length: '3' } }, /length 3/],
  ];
  for (const [what, reply, reason] of refusals) {
    it(`throws ENTROPY_FETCH_FAILED for ${what}`, async () => {
      const { result } = await ask(anuReplay(reply));
      expect(result).to.have.property('code', 'ENTROPY_FETCH_FAILED');
      expect((result as Error).message).to.match(reason);
    });
  }
});
