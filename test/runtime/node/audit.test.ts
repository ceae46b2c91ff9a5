import { expect } from 'chai';
import { replayLedger } from '../../../runtime/node/audit';
import { NodeStore } from '../../../runtime/node/store';
import { actionBody, signTx, transferBody } from '../../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys } from '../../support/engine';
import { initStore, openSequencer, tempDir } from '../../support/node';

/** A store with three committed bundles; returns the file and the live head. */
async function ledgerWithThreeBundles(): Promise<{
  file: string;
  stateRoot: string;
  headHash: string;
}> {
  const file = initStore(tempDir());
  const seq = await openSequencer(file);
  const [a, b, c] = [keys.user(0), keys.user(1), keys.user(2)];
  await seq.submit(signTx(a, CHAIN_ID, 1n, transferBody('CHR', b.address, '3')));
  await seq.produceBundle();
  await seq.submit(signTx(b, CHAIN_ID, 1n, actionBody('compute', 4n)));
  await seq.submit(signTx(c, CHAIN_ID, 1n, actionBody('storage', 2n)));
  await seq.produceBundle();
  await seq.submit(signTx(a, CHAIN_ID, 2n, transferBody('FLX', c.address, '0.25')));
  await seq.produceBundle();
  const out = { file, stateRoot: seq.state.stateRoot, headHash: seq.coherenceHead!.entryHash };
  seq.store.close();
  return out;
}

describe('replayLedger (qfs replay / qfs verify)', function () {
  this.timeout(60_000);

  it('replays every bundle from genesis to the same state root and head hash, twice', async () => {
    const { file, stateRoot, headHash } = await ledgerWithThreeBundles();
    const store = NodeStore.open(file);
    const first = await replayLedger(store, { checkSeals: true });
    const second = await replayLedger(store);
    store.close();
    expect(first.mismatch).to.equal(null);
    expect(first).to.deep.include({ height: 2, stateRoot, headHash, bundles: 3, txs: 4 });
    expect(second).to.deep.equal({ ...first });
  });

  it('replays up to a given height', async () => {
    const { file } = await ledgerWithThreeBundles();
    const store = NodeStore.open(file);
    const partial = await replayLedger(store, { to: 0 });
    const bundle0 = store.bundle(0)!;
    store.close();
    expect(partial.height).to.equal(0);
    expect(partial.stateRoot).to.equal(bundle0.stateRoot);
  });

  it('names the height when one byte of a committed transaction changed', async () => {
    const { file } = await ledgerWithThreeBundles();
    const store = NodeStore.open(file);
    store.rawExec(
      'UPDATE tx_bytes SET unsigned = replace(unsigned, \'"units":"4"\', \'"units":"5"\') WHERE tx_hash IN (SELECT tx_hash FROM txs WHERE height = 1)',
    );
    const result = await replayLedger(store, { checkSeals: true });
    store.close();
    expect(result.mismatch?.height).to.equal(1);
    expect(result.mismatch?.what).to.equal('stored bytes');
  });

  it('names the height when a seal signature was altered', async () => {
    const { file } = await ledgerWithThreeBundles();
    const store = NodeStore.open(file);
    const row = store.coherence(2)!;
    const seal = JSON.parse(row.seal) as { signature: string };
    const flipped = (seal.signature[0] === 'a' ? 'b' : 'a') + seal.signature.slice(1);
    store.rawExec(
      'UPDATE coherence SET seal = ? WHERE height = 2',
      row.seal.replace(seal.signature, flipped),
    );
    const result = await replayLedger(store, { checkSeals: true });
    store.close();
    expect(result.mismatch).to.deep.include({ height: 2, what: 'seal signature' });
  });
});
