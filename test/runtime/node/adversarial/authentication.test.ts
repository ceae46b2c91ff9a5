/*
 * Attacks on who may write under an address, against a real node over HTTP (issue 18, findings 1
 * and 2). Each was admitted before the fix:
 * ├── a fresh key sends `register` transactions "from" bob's address at bob's next nonces
 * │   → 400 TX_NOT_AUTHORIZED, nothing pending, bob's own transfer at that nonce is accepted
 * ├── registrations "from" five random unregistered addresses → 400 TX_NOT_AUTHORIZED
 * ├── a transfer from an unregistered address → 409 TX_UNKNOWN_SENDER
 * ├── a fresh key registers itself → 202; a second registration while the first waits → 409
 * └── carol revokes her key, then re-registers it and sends an action → 409 TX_SENDER_INACTIVE
 *     each, and her nonce does not move
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { generateKeyPair } from '../../../../runtime/crypto';
import {
  actionBody,
  keyEventBody,
  registerBody,
  signTx,
  transferBody,
} from '../../../../runtime/sdk/tx-builder';
import {
  eventually,
  expectEnvelope,
  getJson,
  postJson,
  signAs,
  startAttackNode,
  type AttackNode,
} from './support';

type Account = { nonce: string };
type TxView = { status: string; code?: string; receipt?: { status: string; code?: string } };

describe('adversarial: only an address key writes under it (real node, HTTP)', function () {
  this.timeout(5 * 60_000);
  let node: AttackNode;

  before(async () => {
    node = await startAttackNode({ bundleIntervalMs: 50 });
  });
  after(async () => {
    expect(await node.stop()).to.equal(0);
  });

  const nonceOf = async (address: string) =>
    BigInt(((await getJson(node.url, `/v1/accounts/${address}`)).json as Account).nonce);
  const settled = (txHash: string) =>
    eventually(async () => {
      const view = (await getJson(node.url, `/v1/tx/${txHash}`)).json as TxView;
      return view.status === 'pending' ? undefined : view;
    });

  it('refuses registrations from bob by another key; bob keeps his nonces', async () => {
    const { bob, alice } = node.keys;
    const start = await nonceOf(bob.address);
    const fresh = generateKeyPair(randomBytes(32));
    for (let i = 1n; i <= 5n; i++) {
      const forged = signAs(fresh, bob.address, node.chainId, start + i, {
        ...registerBody(node.chainId, fresh),
      });
      const answer = await postJson(node.url, '/v1/tx', forged);
      expect(answer.status, answer.text).to.equal(400);
      expect(expectEnvelope(answer, 'TX_NOT_AUTHORIZED')).to.include({ from: bob.address });
    }
    const own = await postJson(
      node.url,
      '/v1/tx',
      signTx(bob, node.chainId, start + 1n, transferBody('CHR', alice.address, '1')),
    );
    expect(own.status, own.text).to.equal(202);
    const view = await settled((own.json as { txHash: string }).txHash);
    expect(view.receipt?.status).to.equal('ok');
    expect(await nonceOf(bob.address)).to.equal(start + 1n);
  });

  it('refuses registrations "from" random unregistered addresses', async () => {
    const fresh = generateKeyPair(randomBytes(32));
    for (let i = 0; i < 5; i++) {
      const stranger = generateKeyPair(randomBytes(32)).address;
      const forged = signAs(fresh, stranger, node.chainId, 1n, registerBody(node.chainId, fresh));
      expectEnvelope(await postJson(node.url, '/v1/tx', forged), 'TX_NOT_AUTHORIZED');
      const transfer = signAs(fresh, stranger, node.chainId, 1n, {
        ...transferBody('CHR', node.keys.alice.address, '1'),
      });
      const answer = await postJson(node.url, '/v1/tx', transfer);
      expect(answer.status).to.equal(409);
      expectEnvelope(answer, 'TX_UNKNOWN_SENDER');
    }
    const status = (await getJson(node.url, '/v1/status')).json as { mempoolDepth: number };
    expect(status.mempoolDepth).to.equal(0);
  });

  it('lets a fresh key register itself once: one slot, at the next nonce only', async () => {
    const fresh = generateKeyPair(randomBytes(32));
    const second = await postJson(
      node.url,
      '/v1/tx',
      signTx(fresh, node.chainId, 2n, registerBody(node.chainId, fresh)),
    );
    expectEnvelope(second, 'TX_BAD_NONCE');
    const first = await postJson(
      node.url,
      '/v1/tx',
      signTx(fresh, node.chainId, 1n, registerBody(node.chainId, fresh)),
    );
    expect(first.status, first.text).to.equal(202);
    const view = await settled((first.json as { txHash: string }).txHash);
    expect(view.receipt?.status).to.equal('ok');
    const again = await postJson(
      node.url,
      '/v1/tx',
      signTx(fresh, node.chainId, 2n, registerBody(node.chainId, fresh)),
    );
    expect(again.status).to.equal(409);
    expectEnvelope(again, 'KEYLEDGER_DUPLICATE_KEY');
  });

  it('refuses every transaction type from a revoked key, without moving its nonce', async () => {
    const { carol } = node.keys;
    let nonce = await nonceOf(carol.address);
    const revoke = signTx(
      carol,
      node.chainId,
      ++nonce,
      keyEventBody(
        node.chainId,
        { type: 'revoke', data: { keyId: carol.address, reason: 'test' } },
        [carol],
      ),
    );
    const accepted = await postJson(node.url, '/v1/tx', revoke);
    expect(accepted.status, accepted.text).to.equal(202);
    expect((await settled((accepted.json as { txHash: string }).txHash)).receipt?.status).to.equal(
      'ok',
    );
    for (const body of [
      registerBody(node.chainId, carol),
      actionBody('compute', 1n),
      transferBody('CHR', node.keys.alice.address, '1'),
    ]) {
      const answer = await postJson(
        node.url,
        '/v1/tx',
        signTx(carol, node.chainId, nonce + 1n, body),
      );
      expect(answer.status, answer.text).to.equal(409);
      expect(expectEnvelope(answer, 'TX_SENDER_INACTIVE')).to.include({ from: carol.address });
    }
    expect(await nonceOf(carol.address)).to.equal(nonce);
  });
});
