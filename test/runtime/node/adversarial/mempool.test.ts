/*
 * Attacks on the mempool's capacity, against a real node over HTTP (issue 18, finding 3): a pool
 * filled with transactions waiting behind nonce gaps used to answer every valid transaction with
 * 503 until an unrelated bundle ran expiry. Capacity 20, TTL 3 s, 16 gap transactions per sender:
 * ├── one sender's 20 gap transactions in one POST /v1/txs: 16 admitted, 4 refused (503 with
 * │   Retry-After and the per-sender limit)
 * ├── a second sender fills the pool; a third sender's gap transaction → 503 SEQUENCER_MEMPOOL_FULL
 * ├── a bundleable transaction evicts a gap transaction of the sender with the most: 202, and the
 * │   victim is rejected TX_EVICTED with a recorded reason
 * └── with no other traffic, every gap transaction expires (TX_EXPIRED) and the pool drains
 */
import { expect } from 'chai';
import { actionBody, signTx } from '../../../../runtime/sdk/tx-builder';
import {
  eventually,
  expectEnvelope,
  getJson,
  postJson,
  startAttackNode,
  type AttackNode,
} from './support';

type BatchResult = {
  results: ({ txHash: string; status: string } | { error: { code: string } })[];
};
type TxView = { status: string; code?: string; reason?: string };

describe('adversarial: a mempool full of gap transactions (real node, HTTP)', function () {
  this.timeout(5 * 60_000);
  const TTL_MS = 3000;
  let node: AttackNode;

  before(async () => {
    node = await startAttackNode({
      mempoolCapacity: 20,
      mempoolTtlMs: TTL_MS,
      mempoolGapPerSenderMax: 16,
      bundleIntervalMs: 50,
    });
  });
  after(async () => {
    expect(await node.stop()).to.equal(0);
  });

  const gapBatch = (who: 'alice' | 'bob' | 'carol', count: number) => ({
    // Nonces from 3 up: nonce 1 is never sent, so none of them can be bundled.
    txs: Array.from({ length: count }, (_, i) =>
      signTx(node.keys[who], node.chainId, BigInt(3 + i), actionBody('compute', 1n)),
    ),
  });
  const view = async (txHash: string) =>
    (await getJson(node.url, `/v1/tx/${txHash}`)).json as TxView;

  it('limits gap transactions per sender, evicts them for bundleable ones, and expires the rest', async () => {
    const alice = (await postJson(node.url, '/v1/txs', gapBatch('alice', 20))).json as BatchResult;
    const admitted = alice.results.filter((r) => 'txHash' in r) as { txHash: string }[];
    expect(admitted).to.have.length(16);
    for (const r of alice.results.slice(16))
      expect(r).to.have.nested.property('error.code', 'SEQUENCER_MEMPOOL_FULL');
    expect(alice.results[16]).to.have.nested.property('error.details.gapPerSenderMax', 16);

    const bob = (await postJson(node.url, '/v1/txs', gapBatch('bob', 4))).json as BatchResult;
    expect(bob.results.every((r) => 'txHash' in r)).to.equal(true);

    const carolGap = await postJson(
      node.url,
      '/v1/tx',
      signTx(node.keys.carol, node.chainId, 5n, actionBody('compute', 1n)),
    );
    expect(carolGap.status).to.equal(503);
    expect(expectEnvelope(carolGap, 'SEQUENCER_MEMPOOL_FULL')).to.include({ capacity: 20 });
    expect(carolGap.headers.get('retry-after')).to.equal('1');

    // A transaction that can be bundled now takes the place of alice's highest gap transaction.
    const carolNext = await postJson(
      node.url,
      '/v1/tx',
      signTx(node.keys.carol, node.chainId, 1n, actionBody('compute', 1n)),
    );
    expect(carolNext.status, carolNext.text).to.equal(202);
    const victim = (await view(admitted[15]?.txHash as string)) as TxView;
    expect(victim).to.include({ status: 'rejected', code: 'TX_EVICTED' });
    expect(victim.reason).to.match(/full mempool/);

    // No other traffic: expiry drains the pool by itself.
    const all = [...admitted.slice(0, 15), ...(bob.results as { txHash: string }[])];
    const drained = await eventually(
      async () => {
        const status = (await getJson(node.url, '/v1/status')).json as { mempoolDepth: number };
        return status.mempoolDepth === 0 ? status : undefined;
      },
      10 * TTL_MS,
      'an empty mempool',
    );
    expect(drained.mempoolDepth).to.equal(0);
    for (const { txHash } of all) expect(await view(txHash)).to.include({ code: 'TX_EXPIRED' });

    // And a valid transaction is admitted again.
    const after = await postJson(
      node.url,
      '/v1/tx',
      signTx(node.keys.alice, node.chainId, 1n, actionBody('compute', 1n)),
    );
    expect(after.status, after.text).to.equal(202);
  });
});
