import { expect } from 'chai';
import { UD } from '../../../runtime/math';
import { getAccount } from '../../../runtime/engine';
import { actionBody, signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys } from '../../support/engine';
import { initStore, openSequencer, tempDir } from '../../support/node';

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
