/*
 * QfsClient over real HTTP (loopback, port chosen by the OS)
 * ├── reads: status, account, bundle, latestSeal, keySeal, tx
 * ├── submit + waitForTx → committed receipt; waitForTx on a stuck transaction → SDK_TIMEOUT
 * ├── transfer/action: fetch the nonce, sign, submit; consecutive and identical requests get
 * │   fresh nonces while earlier ones are pending
 * ├── submitBatch: per-transaction answers, a refused one as NodeApiError; a refused request throws
 * ├── node errors → NodeApiError with the server's code, message, details and status
 * └── no node → SDK_UNREACHABLE; not the API → SDK_BAD_RESPONSE
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isCodedError } from '../../../runtime/errors';
import { UD } from '../../../runtime/math';
import {
  NodeApiError,
  QfsClient,
  actionBody,
  signTx,
  transferBody,
  type TxAccepted,
  type TxWire,
} from '../../../runtime/sdk';
import { CHAIN_ID, keys } from '../../support/engine';
import { apiNode, listenLoopback, type ApiNode } from '../../support/api';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('QfsClient', () => {
  const a = keys.user(0);
  const b = keys.user(1);
  let node: ApiNode;
  let client: QfsClient;
  let actionA1: TxWire;

  before(async () => {
    actionA1 = signTx(a, CHAIN_ID, 1n, actionBody('compute', 2n));
    node = await apiNode();
    client = new QfsClient(`${await listenLoopback(node)}/`);
  });

  after(async () => node.close());

  it('reads the status', async () => {
    const status = await client.status();
    expect(status).to.deep.include({ chainId: CHAIN_ID, height: null, halted: null });
  });

  it('reads an account', async () => {
    const account = await client.account(a.address);
    expect(account.balances.CHR).to.equal('1000.000000000000000000');
    expect(account.nonce).to.equal('0');
    expect(account.key?.status).to.equal('active');
  });

  it('raises NodeApiError with the server’s code, details and status', async () => {
    const err = await rejection(client.bundle(0));
    expect(err).to.be.instanceOf(NodeApiError);
    const apiErr = err as NodeApiError;
    expect([apiErr.code, apiErr.status, apiErr.message]).to.deep.equal([
      'NOT_FOUND',
      404,
      'bundle not found',
    ]);
    expect(apiErr.details).to.deep.equal({ height: 0 });
    const bad = (await rejection(client.account('0x12'))) as NodeApiError;
    expect([bad.code, bad.status, bad.details.context]).to.deep.equal([
      'API_BAD_REQUEST',
      400,
      'params',
    ]);
  });

  it('submits, then waits for the committed receipt', async () => {
    const accepted = await client.submit(actionA1);
    expect(accepted.status).to.equal('pending');
    expect((await client.tx(accepted.txHash)).status).to.equal('pending');
    node.seq.start();
    try {
      const settled = await client.waitForTx(accepted.txHash, { timeoutMs: 10_000, intervalMs: 5 });
      expect(settled.status).to.equal('committed');
      if (settled.status !== 'committed') return;
      expect(settled.receipt.status).to.equal('ok');
      expect(settled.height).to.equal(0);
    } finally {
      await node.seq.stop();
    }
    const bundle = await client.bundle(0n);
    expect(bundle.txHashes).to.deep.equal([accepted.txHash]);
    const seal = await client.latestSeal();
    expect(seal.sealHash).to.equal(bundle.sealHash);
    expect((await client.status()).height).to.equal(0);
  });

  it('raises NOT_FOUND for the KeyLedger seal before any key event', async () => {
    const err = await rejection(client.keySeal());
    expect(isCodedError(err, 'NOT_FOUND')).to.equal(true);
  });

  it('times out waiting for a transaction that cannot settle', async () => {
    const gap = await client.submit(signTx(b, CHAIN_ID, 5n, actionBody('compute', 1n)));
    const err = await rejection(client.waitForTx(gap.txHash, { timeoutMs: 30, intervalMs: 5 }));
    expect(isCodedError(err, 'SDK_TIMEOUT')).to.equal(true);
  });

  it('transfers with the next nonce, and moves past nonces its pending requests hold', async () => {
    const c = keys.user(2);
    const psiBefore = UD.parse((await client.account(a.address)).balances.PSI);
    const first = await client.transfer(c, a.address, 'PSI', '1.5');
    const second = await client.transfer(c, a.address, 'PSI', '1.5');
    expect([first.nonce, second.nonce]).to.deep.equal([1n, 2n]);
    expect(first.txHash).not.to.equal(second.txHash);
    // Another client (no memory of those nonces) finds the next free one as well.
    const other = new QfsClient(client.baseUrl);
    const third = await other.transfer(c, a.address, 'PSI', '1.5');
    const fourth = await other.action(c, 'storage', 1n, 'ref');
    expect([third.nonce, fourth.nonce]).to.deep.equal([3n, 4n]);
    await node.seq.produceBundle();
    const view = await client.tx(fourth.txHash);
    expect(view.status).to.equal('committed');
    const psiAfter = UD.parse((await client.account(a.address)).balances.PSI);
    expect(UD.format(UD.sub(psiAfter, psiBefore))).to.equal('4.500000000000000000');
  });

  it('raises the node’s refusal for a transaction it will not take', async () => {
    const wire = signTx(b, 'elsewhere', 1n, transferBody('CHR', a.address, '1'));
    const err = (await rejection(client.submit(wire))) as NodeApiError;
    expect([err.code, err.status]).to.deep.equal(['TX_WRONG_CHAIN', 400]);
    expect(err.details).to.deep.equal({ expected: CHAIN_ID, actual: 'elsewhere' });
  });

  it("submits a batch and returns each answer or the node's refusal of that transaction", async () => {
    const d = keys.user(2);
    const answers = await client.submitBatch([
      signTx(d, CHAIN_ID, 5n, actionBody('compute', 1n)),
      signTx(d, 'elsewhere', 6n, actionBody('compute', 1n)),
      signTx(d, CHAIN_ID, 6n, actionBody('storage', 2n)),
    ]);
    expect(answers).to.have.length(3);
    const [first, refused, third] = answers;
    expect(first).not.to.be.instanceOf(NodeApiError);
    expect(third).not.to.be.instanceOf(NodeApiError);
    expect(refused).to.be.instanceOf(NodeApiError);
    const err = refused as NodeApiError;
    expect([err.code, err.status]).to.deep.equal(['TX_WRONG_CHAIN', 400]);
    expect(err.details).to.deep.equal({ expected: CHAIN_ID, actual: 'elsewhere' });
    for (const accepted of [first, third] as TxAccepted[])
      expect((await client.tx(accepted.txHash)).status).to.equal('pending');
    const whole = (await rejection(client.submitBatch([]))) as NodeApiError;
    expect([whole.code, whole.status]).to.deep.equal(['API_BAD_REQUEST', 400]);
  });

  it('raises SDK_UNREACHABLE when nothing listens', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const err = await rejection(new QfsClient(`http://127.0.0.1:${port}`).status());
    expect(isCodedError(err, 'SDK_UNREACHABLE')).to.equal(true);
    expect((err as NodeApiError).details.reason).to.equal('ECONNREFUSED');
  });

  it('raises SDK_BAD_RESPONSE for an answer that is not the API', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/v1/status') res.writeHead(200).end('<html>hello</html>');
      else
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end('{"error":{"code":"WHAT","message":"m"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const notJson = await rejection(new QfsClient(url).status());
      expect(isCodedError(notJson, 'SDK_BAD_RESPONSE')).to.equal(true);
      const unknown = await rejection(new QfsClient(url).latestSeal());
      expect(isCodedError(unknown, 'SDK_BAD_RESPONSE')).to.equal(true);
      expect((unknown as NodeApiError).details).to.deep.include({
        serverCode: 'WHAT',
        status: 500,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
