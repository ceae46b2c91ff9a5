/*
 * POST /v1/tx
 * ├── a valid transaction → 202 {txHash, status: pending}; again → the same answer, one entry
 * ├── wrong types, missing or extra fields, not JSON, not an object → 400 API_BAD_REQUEST
 * ├── body over the limit → 413 API_BODY_TOO_LARGE; transaction over 32 KiB → 413 TX_TOO_LARGE
 * ├── content type not JSON → 415 API_UNSUPPORTED_MEDIA_TYPE
 * ├── content errors → 400 TX_UNKNOWN_TOKEN | TX_BAD_ADDRESS | TX_AMOUNT_INVALID | TX_FIELD_TOO_LONG | TX_MALFORMED
 * ├── wrong chain, bad signature → 400; nonce replayed or taken, unknown sender → 409
 * ├── mempool full → 503 SEQUENCER_MEMPOOL_FULL (Retry-After)
 * └── halted → 503 NODE_HALTED with the CIR code in details
 * GET /v1/tx/:hash
 * ├── pending | committed (height, index, receipt ok or failed) | rejected (code, reason)
 * ├── unknown → 404 NOT_FOUND
 * └── not 64 lowercase hex → 400 API_BAD_REQUEST
 */
import { expect } from 'chai';
import type { TxWire } from '../../../../runtime/sdk/tx-builder';
import { actionBody, rotateBody, signTx, transferBody } from '../../../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys } from '../../../support/engine';
import { testKey } from '../../../support/keys';
import { apiNode, eventually, expectError, type ApiNode } from '../../../support/api';

const post = (node: ApiNode, payload: unknown) =>
  node.app.inject({ method: 'POST', url: '/v1/tx', payload: payload as object });

const get = (node: ApiNode, url: string) => node.app.inject({ method: 'GET', url });

/** A copy of `wire` with some fields replaced (the signature is kept: parsing fails first). */
function edit(wire: TxWire, patch: Record<string, unknown>): Record<string, unknown> {
  return { ...JSON.parse(JSON.stringify(wire)), ...patch };
}

function editBody(wire: TxWire, patch: Record<string, unknown>): Record<string, unknown> {
  return edit(wire, { body: { ...wire.body, ...patch } });
}

describe('POST /v1/tx and GET /v1/tx/:hash', () => {
  const a = keys.user(0);
  const b = keys.user(1);
  const c = keys.user(2);
  let node: ApiNode;
  let transferA1: TxWire;
  let otherA1: TxWire;
  let actionB1: TxWire;
  let overdraftC1: TxWire;

  before(async () => {
    transferA1 = signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '2.5'));
    otherA1 = signTx(a, CHAIN_ID, 1n, transferBody('FLX', b.address, '1'));
    actionB1 = signTx(b, CHAIN_ID, 1n, actionBody('compute', 3n, 'job-1'));
    overdraftC1 = signTx(c, CHAIN_ID, 1n, transferBody('CHR', a.address, '5000'));
    node = await apiNode();
  });

  after(async () => node.close());

  describe('when the transaction is valid', () => {
    it('answers 202 with the hash and pending, once it is durably stored', async () => {
      const res = await post(node, transferA1);
      expect(res.statusCode).to.equal(202);
      const body = res.json();
      expect(body).to.have.keys(['txHash', 'status']);
      expect(body.status).to.equal('pending');
      expect(body.txHash).to.match(/^[0-9a-f]{64}$/);
      expect(node.seq.store.mempoolTx(body.txHash)?.txHash).to.equal(body.txHash);
    });

    it('answers a duplicate with the same answer and stores nothing new', async () => {
      const first = await post(node, transferA1);
      const depth = node.seq.mempoolSize;
      const again = await post(node, transferA1);
      expect(again.statusCode).to.equal(202);
      expect(again.json()).to.deep.equal(first.json());
      expect(node.seq.mempoolSize).to.equal(depth);
    });

    it('GET shows it pending', async () => {
      const { txHash } = (await post(node, transferA1)).json();
      const res = await get(node, `/v1/tx/${txHash}`);
      expect(res.statusCode).to.equal(200);
      expect(res.json()).to.deep.equal({ txHash, status: 'pending' });
    });
  });

  describe('when the request is not a transaction', () => {
    const cases: [string, (w: TxWire) => unknown][] = [
      ['a number nonce', (w) => edit(w, { nonce: 1 })],
      ['a number signature', (w) => edit(w, { signature: 7 })],
      ['a string body', (w) => edit(w, { body: 'transfer' })],
      ['a missing field', (w) => ({ ...edit(w, {}), chainId: undefined })],
      ['an extra field', (w) => edit(w, { memo: 'hi' })],
      ['an array', (w) => [w]],
      ['a chainId over 64 characters', (w) => edit(w, { chainId: 'c'.repeat(65) })],
      ['a nonce over 20 digits', (w) => edit(w, { nonce: '1'.repeat(21) })],
    ];
    for (const [name, make] of cases) {
      it(`answers 400 API_BAD_REQUEST for ${name}`, async () => {
        const details = expectError(await post(node, make(transferA1)), 'API_BAD_REQUEST');
        expect(details.context).to.equal('body');
      });
    }

    it('answers 400 API_BAD_REQUEST for invalid JSON', async () => {
      const res = await node.app.inject({
        method: 'POST',
        url: '/v1/tx',
        headers: { 'content-type': 'application/json' },
        payload: '{"chainId": ',
      });
      expect(expectError(res, 'API_BAD_REQUEST').fastifyCode).to.equal(
        'FST_ERR_CTP_INVALID_JSON_BODY',
      );
    });

    it('answers 400 API_BAD_REQUEST for an empty JSON body', async () => {
      const res = await node.app.inject({
        method: 'POST',
        url: '/v1/tx',
        headers: { 'content-type': 'application/json' },
        payload: '',
      });
      expectError(res, 'API_BAD_REQUEST');
    });

    it('answers 400 API_BAD_REQUEST for a __proto__ key', async () => {
      const res = await node.app.inject({
        method: 'POST',
        url: '/v1/tx',
        headers: { 'content-type': 'application/json' },
        payload: '{"__proto__": {"x": 1}}',
      });
      expectError(res, 'API_BAD_REQUEST');
    });

    it('answers 415 API_UNSUPPORTED_MEDIA_TYPE for a text body', async () => {
      const res = await node.app.inject({
        method: 'POST',
        url: '/v1/tx',
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(transferA1),
      });
      expect(expectError(res, 'API_UNSUPPORTED_MEDIA_TYPE').contentType).to.equal('text/plain');
    });

    it('answers 413 API_BODY_TOO_LARGE for a body over 64 KiB', async () => {
      const res = await post(node, edit(transferA1, { signature: 'ab'.repeat(33 * 1024) }));
      expect(expectError(res, 'API_BODY_TOO_LARGE').limitBytes).to.equal(64 * 1024);
    });
  });

  describe('when the transaction content is malformed', () => {
    const cases: [string, (w: TxWire) => unknown, string][] = [
      ['an unknown token', (w) => editBody(w, { token: 'XYZ' }), 'TX_UNKNOWN_TOKEN'],
      ['a malformed recipient', (w) => editBody(w, { to: '0x1234' }), 'TX_BAD_ADDRESS'],
      [
        'a lowercase (unchecksummed) sender',
        (w) => edit(w, { from: w.from.toLowerCase() }),
        'TX_BAD_ADDRESS',
      ],
      ['a zero amount', (w) => editBody(w, { amount: '0' }), 'TX_AMOUNT_INVALID'],
      ['a negative amount', (w) => editBody(w, { amount: '-1' }), 'TX_AMOUNT_INVALID'],
      [
        'an amount with 19 decimals',
        (w) => editBody(w, { amount: '1.0000000000000000001' }),
        'TX_AMOUNT_INVALID',
      ],
      ['a number amount', (w) => editBody(w, { amount: 5 }), 'TX_AMOUNT_INVALID'],
      ['a zero nonce', (w) => edit(w, { nonce: '0' }), 'TX_AMOUNT_INVALID'],
      ['a short signature', (w) => edit(w, { signature: 'abcd' }), 'TX_MALFORMED'],
      [
        'a signature one byte too long',
        (w) => edit(w, { signature: `${w.signature}ab` }),
        'TX_MALFORMED',
      ],
      ['an unknown body type', (w) => editBody(w, { type: 'mint' }), 'TX_MALFORMED'],
      [
        'an action kind over 32 characters',
        () => ({ ...edit(transferA1, {}), body: { ...actionB1.body, kind: 'k'.repeat(33) } }),
        'TX_FIELD_TOO_LONG',
      ],
    ];
    for (const [name, make, code] of cases) {
      it(`answers ${code} for ${name}`, async () => {
        const details = expectError(await post(node, make(transferA1)), code as never);
        expect(details).to.have.keys(['field', 'reason']);
      });
    }

    it('answers 413 TX_TOO_LARGE for a transaction over 32 KiB in a body under 64 KiB', async () => {
      const big = 'f'.repeat(5184);
      const signature = transferA1.signature;
      const body = {
        type: 'key',
        event: { type: 'grant', data: { a: big, b: big, c: big, d: big } },
        signatures: [
          { signer: a.address, signature },
          { signer: b.address, signature },
        ],
      };
      expectError(await post(node, edit(transferA1, { body })), 'TX_TOO_LARGE');
    });

    // The public key of a registration is checked when its signature is verified (the codes may
    // become TX_MALFORMED once parsing checks it); either way the answer is a 400.
    for (const publicKey of ['zz', 'abcd']) {
      it(`answers 400 for a registration whose public key is ${publicKey}`, async () => {
        const newcomer = testKey(301).address;
        const body = {
          type: 'key',
          event: { type: 'register', data: { keyId: newcomer, publicKey } },
          signatures: [{ signer: newcomer, signature: transferA1.signature }],
        };
        const res = await post(node, edit(transferA1, { from: newcomer, body }));
        const code = res.json().error.code;
        expect(['CODEC_BAD_HEX', 'CRYPTO_INVALID_INPUT', 'TX_MALFORMED']).to.include(code);
        expectError(res, code);
      });
    }
  });

  describe('when the sequencer refuses the transaction', () => {
    it('answers 400 TX_WRONG_CHAIN for another chain', async () => {
      const wire = signTx(c, 'other-chain', 1n, actionBody('compute', 1n));
      const details = expectError(await post(node, wire), 'TX_WRONG_CHAIN');
      expect(details).to.deep.equal({ expected: CHAIN_ID, actual: 'other-chain' });
    });

    it('answers 400 TX_BAD_SIGNATURE for a signature that does not verify', async () => {
      const flipped = (transferA1.signature[0] === '0' ? '1' : '0') + transferA1.signature.slice(1);
      const wire = edit(signTx(c, CHAIN_ID, 2n, actionBody('compute', 1n)), {
        signature: flipped,
      });
      expect(expectError(await post(node, wire), 'TX_BAD_SIGNATURE').from).to.equal(c.address);
    });

    it('answers 409 TX_UNKNOWN_SENDER for a key not in the KeyLedger', async () => {
      const stranger = testKey(300);
      const wire = signTx(stranger, CHAIN_ID, 1n, actionBody('compute', 1n));
      expect(expectError(await post(node, wire), 'TX_UNKNOWN_SENDER').from).to.equal(
        stranger.address,
      );
    });

    it('answers 409 TX_BAD_NONCE for a nonce another pending transaction holds', async () => {
      await post(node, transferA1);
      const details = expectError(await post(node, otherA1), 'TX_BAD_NONCE');
      expect(details).to.deep.equal({ from: a.address, nonce: '1' });
    });

    it('answers 409 TX_BAD_NONCE for a replayed (committed) nonce', async () => {
      await post(node, transferA1);
      await node.seq.produceBundle();
      const details = expectError(await post(node, otherA1), 'TX_BAD_NONCE');
      expect(details).to.deep.equal({ from: a.address, nonce: '1', committed: '1' });
    });

    it('still answers the committed transaction itself with its status', async () => {
      const res = await post(node, transferA1);
      expect(res.statusCode).to.equal(202);
      expect(res.json().status).to.equal('committed');
    });
  });

  describe('GET /v1/tx/:hash', () => {
    it('shows a committed transaction with its height, index and receipt', async () => {
      await post(node, actionB1);
      await post(node, overdraftC1);
      await node.seq.produceBundle();
      const { txHash } = (await post(node, actionB1)).json();
      const res = await get(node, `/v1/tx/${txHash}`);
      expect(res.statusCode).to.equal(200);
      const view = res.json();
      expect(view).to.deep.include({ txHash, status: 'committed', height: 1, index: 0 });
      expect(view.receipt.status).to.equal('ok');
      expect(view.receipt.fee).to.match(/^[0-9]+\.[0-9]{18}$/);
    });

    it('shows a failed receipt with its code', async () => {
      const { txHash } = (await post(node, overdraftC1)).json();
      const view = (await get(node, `/v1/tx/${txHash}`)).json();
      expect(view).to.deep.include({ status: 'committed', height: 1, index: 1 });
      expect(view.receipt.status).to.equal('failed');
      expect(view.receipt.code).to.equal('TX_INSUFFICIENT_BALANCE');
      expect(view.receipt.reason).to.be.a('string');
    });

    it('answers 404 NOT_FOUND for an unknown hash', async () => {
      const hash = 'ab'.repeat(32);
      expect(expectError(await get(node, `/v1/tx/${hash}`), 'NOT_FOUND').txHash).to.equal(hash);
    });

    for (const bad of ['AB'.repeat(32), 'ab'.repeat(31), 'ab'.repeat(33), 'zz'.repeat(32)]) {
      it(`answers 400 API_BAD_REQUEST for ${bad.slice(0, 6)}… (${bad.length} chars)`, async () => {
        const details = expectError(await get(node, `/v1/tx/${bad}`), 'API_BAD_REQUEST');
        expect(details.context).to.equal('params');
      });
    }
  });
});

describe('POST /v1/tx under pressure', () => {
  it('accepts a key rotation, the largest transaction (two keys, three signatures)', async () => {
    const node = await apiNode();
    try {
      const c = keys.user(2);
      const wire = signTx(c, CHAIN_ID, 1n, rotateBody(CHAIN_ID, c, testKey(303)));
      expect(Buffer.byteLength(JSON.stringify(wire))).to.be.within(30_000, 40_000);
      const res = await post(node, wire);
      expect(res.statusCode, res.body).to.equal(202);
      await node.seq.produceBundle();
      const view = (await get(node, `/v1/tx/${res.json().txHash}`)).json();
      expect(view.receipt, JSON.stringify(view)).to.deep.equal({ status: 'ok' });
    } finally {
      await node.close();
    }
  });

  it('answers 503 SEQUENCER_MEMPOOL_FULL with Retry-After when the mempool is full', async () => {
    const node = await apiNode({ nodeLimits: { mempoolCapacity: 1 } });
    try {
      await post(node, signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 1n)));
      const res = await post(node, signTx(keys.user(1), CHAIN_ID, 1n, actionBody('compute', 1n)));
      expect(expectError(res, 'SEQUENCER_MEMPOOL_FULL').capacity).to.equal(1);
      expect(res.headers['retry-after']).to.equal('1');
    } finally {
      await node.close();
    }
  });

  it('answers 503 NODE_HALTED with the CIR code while halted, and reads still work', async () => {
    const node = await apiNode();
    try {
      const wire = signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 1n));
      const { txHash } = (await post(node, wire)).json();
      node.seq.halt(302, 'test halt', { why: 'test' });
      const fresh = signTx(keys.user(1), CHAIN_ID, 1n, actionBody('compute', 1n));
      const details = expectError(await post(node, fresh), 'NODE_HALTED');
      expect(details).to.deep.equal({ cir: 302, reason: 'test halt' });
      expect((await get(node, `/v1/tx/${txHash}`)).json().status).to.equal('pending');
      expect(expectError(await post(node, { nope: 1 }), 'API_BAD_REQUEST')).to.be.an('object');
    } finally {
      await node.close();
    }
  });

  it('shows a transaction rejected from the mempool with its code and reason', async () => {
    const node = await apiNode({ nodeLimits: { mempoolTtlMs: 0 } });
    try {
      const gap = signTx(keys.user(0), CHAIN_ID, 3n, actionBody('compute', 1n));
      const { txHash } = (await post(node, gap)).json();
      node.seq.start();
      const view = await eventually(() => {
        const status = node.seq.txStatus(txHash);
        return status?.status === 'rejected' ? status : undefined;
      });
      const res = await get(node, `/v1/tx/${txHash}`);
      expect(res.json()).to.deep.equal({
        txHash,
        status: 'rejected',
        code: view.code,
        reason: view.reason,
      });
      expect(view.code).to.equal('TX_EXPIRED');
    } finally {
      await node.close();
    }
  });
});
