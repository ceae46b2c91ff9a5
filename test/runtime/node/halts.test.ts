/*
 * Halts and tamper detection on a real store
 * ├── a guidance that breaks the survival imperative halts the next bundle with CIR-302, persisted
 * ├── a halted sequencer refuses writes (NODE_HALTED) and stays halted across a reopen
 * ├── `resume` writes a signed record and production continues
 * ├── revoking the sequencer's own key halts production (CIR-302)
 * └── changing one byte of the head bundle's snapshot makes the reopen quarantine with CIR-412
 *     (the rest of start-up's checks: startup-verify.test.ts)
 */
import { expect } from 'chai';
import { hexToBytes } from '../../../runtime/codec';
import { parseGuidance } from '../../../runtime/engine';
import { NodeHaltedError } from '../../../runtime/node/errors';
import { verifyOperatorRecord } from '../../../runtime/node/records';
import { NodeStore } from '../../../runtime/node/store';
import { HEALTHY_GUIDANCE } from '../../../runtime/sdk/devnet';
import {
  actionBody,
  guidanceBody,
  keyEventBody,
  signTx,
  transferBody,
} from '../../../runtime/sdk/tx-builder';
import { CHAIN_ID, keys } from '../../support/engine';
import { initStore, openSequencer, tempDir } from '../../support/node';

function badGuidance(sequence: bigint) {
  const g = parseGuidance({
    ...HEALTHY_GUIDANCE,
    sequence: String(sequence),
    forPacket: '1',
    sChr: '0.4',
  });
  if (!g.ok) throw new Error(g.reason);
  return guidanceBody(g.guidance);
}

describe('sequencer halts', function () {
  this.timeout(60_000);

  it('halts with CIR-302 when the survival imperative fails, persists it, refuses writes, and resumes on command', async () => {
    const file = initStore(tempDir());
    const seq = await openSequencer(file);
    await seq.submit(signTx(keys.oracle, CHAIN_ID, 1n, badGuidance(2n)));
    expect((await seq.produceBundle())?.receipts[0]?.status).to.equal('ok'); // accepted; takes effect next bundle
    await seq.submit(signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 1n)));
    expect(await seq.produceBundle()).to.equal(null);
    const halt = seq.halted;
    expect(halt?.cir).to.equal(302);
    expect(halt?.reason).to.match(/survival/);
    expect(verifyOperatorRecord(halt!, keys.sequencer.publicKey)).to.equal(true);
    const err = await seq
      .submit(signTx(keys.user(1), CHAIN_ID, 1n, transferBody('CHR', keys.user(0).address, '1')))
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NodeHaltedError);
    seq.store.close();

    const reopened = await openSequencer(file);
    expect(reopened.halted?.cir).to.equal(302);
    const resume = reopened.resume('operator reviewed the oracle feed');
    expect(resume.kind).to.equal('resume');
    expect(verifyOperatorRecord(resume, keys.sequencer.publicKey)).to.equal(true);
    expect(reopened.halted).to.equal(null);
    reopened.store.close();
  });

  it('halts with CIR-302 when the sequencer key loses the sequencer capability', async () => {
    const file = initStore(tempDir());
    const seq = await openSequencer(file);
    const withdraw = keyEventBody(
      CHAIN_ID,
      { type: 'withdraw', data: { keyId: keys.sequencer.address, capability: 'sequencer' } },
      [keys.admin],
    );
    await seq.submit(signTx(keys.admin, CHAIN_ID, 1n, withdraw));
    const first = await seq.produceBundle();
    expect(first?.receipts[0]?.status, first?.receipts[0]?.reason).to.equal('ok');
    await seq.submit(signTx(keys.user(0), CHAIN_ID, 1n, actionBody('compute', 1n)));
    expect(await seq.produceBundle()).to.equal(null);
    expect(seq.halted?.cir).to.equal(302);
    expect(seq.halted?.reason).to.match(/sequencer capability/);
    seq.store.close();
  });

  it('quarantines with CIR-412 when one byte of a committed bundle changed', async () => {
    const file = initStore(tempDir());
    const seq = await openSequencer(file);
    await seq.submit(
      signTx(keys.user(0), CHAIN_ID, 1n, transferBody('CHR', keys.user(1).address, '2')),
    );
    await seq.produceBundle();
    seq.store.close();
    const store = NodeStore.open(file);
    store.rawExec(
      'UPDATE bundles SET snapshot = replace(snapshot, \'"consecutive":"0"\', \'"consecutive":"1"\') WHERE height = 0',
    );
    store.close();
    const reopened = await openSequencer(file);
    expect(reopened.halted?.cir).to.equal(412);
    expect(reopened.halted?.reason).to.match(/state root/);
    reopened.store.close();
  });
  void hexToBytes;
});
