import { expect } from 'chai';
import { UD } from '../../../runtime/math';
import { getAccount } from '../../../runtime/engine';
import { actionBody, signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import { SignPool, VerifyPool } from '../../../runtime/crypto';
import { counterEntropy, fixedClock } from '../../../runtime/node/clock';
import { Sequencer } from '../../../runtime/node/sequencer';
import { NodeStore } from '../../../runtime/node/store';
import { CHAIN_ID, GENESIS_TIME, keys } from '../../support/engine';
import { initStore, openSequencer, silentLog, tempDir } from '../../support/node';

describe('Sequencer', () => {
  it('admits, bundles, commits and survives a reopen with the same state root', async () => {
    const file = initStore(tempDir());
    const seq = await openSequencer(file);
    const a = keys.user(0);
    const b = keys.user(1);
    const r1 = await seq.submit(signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '5')));
    const r2 = await seq.submit(signTx(b, CHAIN_ID, 1n, actionBody('compute', 3n)));
    expect(r1.status).to.equal('pending');
    const again = await seq.submit(signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '5')));
    expect(again).to.deep.equal({ txHash: r1.txHash, status: 'pending', duplicate: true });
    const result = await seq.produceBundle();
    expect(result?.receipts.map((r) => r.status)).to.deep.equal(['ok', 'ok']);
    expect(seq.txStatus(r2.txHash)?.status).to.equal('committed');
    const root = seq.state.stateRoot;
    seq.store.close();
    const reopened = await openSequencer(file);
    expect(reopened.halted?.reason ?? null, JSON.stringify(reopened.halted?.evidence)).to.equal(
      null,
    );
    expect(reopened.state.stateRoot).to.equal(root);
    expect(UD.format(getAccount(reopened.state.accounts, a.address)!.balances.CHR)).to.equal(
      '995.000000000000000000',
    );
    reopened.store.close();
  });
});

describe('Sequencer mempool lifecycle', () => {
  it('reports the pending nonce and lets an expired transaction be sent again', async () => {
    const file = initStore(tempDir());
    const seq = await openSequencer(file, { mempoolTtlMs: 1 });
    const a = keys.user(0);
    const b = keys.user(1);
    const gap = signTx(a, CHAIN_ID, 2n, transferBody('CHR', b.address, '1'));
    const { txHash } = await seq.submit(gap);
    expect(seq.pendingNonce(a.address)).to.equal(0n); // nonce 1 is missing
    seq.expireStale(Number.MAX_SAFE_INTEGER);
    const expired = seq.txStatus(txHash);
    expect(expired).to.deep.include({ status: 'rejected', code: 'TX_EXPIRED' });
    await seq.submit(signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '1')));
    expect(seq.pendingNonce(a.address)).to.equal(1n);
    const again = await seq.submit(gap);
    expect(again).to.deep.equal({ txHash, status: 'pending', duplicate: false });
    expect(seq.pendingNonce(a.address)).to.equal(2n);
    expect((await seq.produceBundle())?.receipts.map((r) => r.status)).to.deep.equal(['ok', 'ok']);
    expect(seq.txStatus(txHash)?.status).to.equal('committed');
    seq.store.close();
  });
});

describe('Sequencer backpressure', function () {
  this.timeout(120_000);
  it('keeps the mempool within two bundles plus the submissions in flight under sustained load', async () => {
    const users = 8;
    const perUser = 12;
    const bundleSizeMax = 4;
    const file = initStore(tempDir(), users);
    const signer = new SignPool(1);
    const pool = VerifyPool.create({ threads: 1, log: () => undefined });
    const seq = await Sequencer.open({
      store: NodeStore.open(file),
      key: keys.sequencer,
      clock: fixedClock(GENESIS_TIME + 1000n, 10n),
      entropy: counterEntropy(),
      signer,
      pool,
      limits: { bundleSizeMax, bundleIntervalMs: 0, ackBatchDelayMs: 0 },
      log: silentLog,
    });
    // Signed up front: each user then submits its transactions one after another, all at once.
    const txs = Array.from({ length: users }, (_, u) =>
      Array.from({ length: perUser }, (_, n) =>
        signTx(keys.user(u), CHAIN_ID, BigInt(n + 1), actionBody('compute', 1n)),
      ),
    );
    let committed = 0;
    seq.on('bundle', (r: { receipts: readonly unknown[] }) => (committed += r.receipts.length));
    let largest = 0;
    seq.start();
    try {
      await Promise.all(
        txs.map(async (own) => {
          for (const tx of own) {
            await seq.submit(tx);
            largest = Math.max(largest, seq.mempoolSize);
          }
        }),
      );
      while (committed < users * perUser) await new Promise((r) => setTimeout(r, 10));
    } finally {
      await seq.stop();
      await pool.close();
      await signer.close();
      seq.store.close();
    }
    expect(largest).to.be.at.most(2 * bundleSizeMax + users);
  });

  it('does not hold a submission behind transactions that cannot be bundled yet', async () => {
    const file = initStore(tempDir());
    const seq = await openSequencer(file, { bundleSizeMax: 1 });
    const a = keys.user(0);
    const tx = (nonce: bigint) => signTx(a, CHAIN_ID, nonce, actionBody('compute', nonce));
    // Two bundles' worth waiting, neither bundleable: nonce 1 is missing.
    const gapped = [await seq.submit(tx(2n)), await seq.submit(tx(3n))];
    expect(seq.mempoolSize).to.equal(2);
    const first = await seq.submit(tx(1n));
    expect(first.status).to.equal('pending');
    // One transaction per bundle; production may also start on its own after an admission.
    const statusesNow = () => [first, ...gapped].map((r) => seq.txStatus(r.txHash)?.status);
    for (let i = 0; i < 20 && statusesNow().some((s) => s !== 'committed'); i++) {
      await seq.produceBundle();
      await new Promise((r) => setImmediate(r));
    }
    const statuses = statusesNow();
    expect(statuses).to.deep.equal(['committed', 'committed', 'committed']);
    seq.store.close();
  });
});
