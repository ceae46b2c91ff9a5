/*
 * SyncHub (the sequencer's side), in process over a real store:
 * ├── takes members' attestations of its seal; refuses a non-member, another seal, a bad signature,
 * │   an unknown height — each alone, the others still counted
 * ├── stores a certificate at the quorum; awaitGlobalConfirmation resolves true then (and false
 * │   when it times out); confirmation(height) names the certificate
 * ├── keeps a replica's signed refusal, and refuses one signed by a non-member
 * └── reconcileTimestamps and CIR-511: two replicas' clocks an hour ahead make the packet time
 *     dissonant; dissonanceEscalationCount bundles in a row halt the sequencer (CIR-302)
 */
import { expect } from 'chai';
import path from 'node:path';
import { canonicalString, merkleRoot } from '../../../runtime/codec';
import { loadGenesis } from '../../../runtime/engine';
import { counterEntropy } from '../../../runtime/node/clock';
import { Sequencer } from '../../../runtime/node/sequencer';
import { NodeStore } from '../../../runtime/node/store';
import { transferBody, signTx } from '../../../runtime/sdk/tx-builder';
import { SyncHub } from '../../../runtime/sync/hub';
import { epochCertificates } from '../../../runtime/sync/anchoring';
import {
  attestationJson,
  dissonanceJson,
  signAttestation,
  signDissonance,
} from '../../../runtime/sync/protocol';
import { SyncStore } from '../../../runtime/sync/sync-store';
import { CHAIN_ID, GENESIS_TIME, keys } from '../../support/engine';
import { silentLog, tempDir } from '../../support/node';
import { replicaKey, syncGenesis } from '../../support/sync';

async function hubOn(clockMs: () => bigint) {
  const dir = tempDir('qfs-hub-');
  const store = NodeStore.open(path.join(dir, 'qfs.db'));
  const genesis = syncGenesis(3);
  store.setMeta('genesis', canonicalString(genesis));
  const { keyGenesis } = loadGenesis(genesis);
  store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  const clock = { nowMs: clockMs };
  const sequencer = await Sequencer.open({
    store,
    key: keys.sequencer,
    clock,
    entropy: counterEntropy(),
    limits: { bundleIntervalMs: 0, ackBatchDelayMs: 0 },
    log: silentLog,
  });
  const sync = SyncStore.open(path.join(dir, 'sync.db'));
  const hub = new SyncHub({ sequencer, sync, clock, log: silentLog, driftMaxMs: 10_000n });
  hub.start();
  let nonce = 0n;
  const commit = async () => {
    nonce += 1n;
    await sequencer.submit(
      signTx(keys.user(0), CHAIN_ID, nonce, transferBody('CHR', keys.user(1).address, '1')),
    );
    const result = await sequencer.produceBundle();
    if (result === null) throw new Error('no bundle');
    const row = store.coherence(Number(result.height));
    if (row === undefined) throw new Error('no row');
    return {
      height: result.height,
      sealHash: row.sealHash,
      entryHash: row.entryHash,
      bundleHash: result.bundleHash,
    };
  };
  const attest = (
    i: number,
    c: { height: bigint; sealHash: string; entryHash: string },
    replicaTimeMs = clock.nowMs(),
  ) =>
    attestationJson(
      signAttestation(
        {
          chainId: CHAIN_ID,
          height: c.height,
          sealHash: c.sealHash,
          entryHash: c.entryHash,
          replicaTimeMs,
        },
        replicaKey(i),
      ),
    );
  const close = () => {
    hub.stop();
    store.close();
    sync.close();
  };
  return { sequencer, hub, sync, commit, attest, close };
}

describe('SyncHub', () => {
  it('certifies at the quorum, each attestation judged alone', async () => {
    const t = await hubOn(() => BigInt(Date.now()));
    try {
      const c = await t.commit();
      const waiting = t.hub.awaitGlobalConfirmation(c.bundleHash, 30_000);
      const stranger = attestationJson(
        signAttestation(
          {
            chainId: CHAIN_ID,
            height: c.height,
            sealHash: c.sealHash,
            entryHash: c.entryHash,
            replicaTimeMs: 1n,
          },
          keys.user(2),
        ),
      );
      const otherSeal = t.attest(1, { ...c, sealHash: 'ee'.repeat(32) });
      const badSignature = { ...t.attest(2, c), signature: t.attest(0, c).signature };
      const unknown = t.attest(0, { ...c, height: 9n });
      const first = t.hub.receiveReport({
        attestations: [stranger, otherSeal, badSignature, unknown, t.attest(0, c)],
      });
      expect(first.accepted).to.equal(1);
      expect(first.rejected.map((r) => [r.index, r.code])).to.deep.equal([
        [0, 'SYNC_ATTESTATION_INVALID'],
        [1, 'SYNC_ATTESTATION_INVALID'],
        [2, 'SYNC_ATTESTATION_INVALID'],
        [3, 'SYNC_ATTESTATION_INVALID'],
      ]);
      expect(first.rejected.map((r) => r.reason)).to.deep.equal([
        'attestation not accepted: not an active replica at that height',
        'attestation not accepted: attests a different seal',
        'attestation not accepted: the signature does not verify',
        'attestation not accepted: no bundle at that height',
      ]);
      expect(t.hub.confirmation(0)).to.equal(null);
      const again = t.hub.receiveReport({ attestations: [t.attest(0, c)] });
      expect(again.confirmed).to.deep.equal([]);
      const second = t.hub.receiveReport({ attestations: [t.attest(2, c)] });
      expect(second.confirmed).to.deep.equal([0]);
      expect(await waiting).to.equal(true);
      const stored = t.sync.certificate(0);
      expect(t.hub.confirmation(0)).to.equal(stored?.certificateHash);
      expect(JSON.parse(stored?.certificate ?? '{}').attestations).to.have.length(2);
      const late = await t.commit();
      expect(await t.hub.awaitGlobalConfirmation(late.bundleHash, 50)).to.equal(false);
    } finally {
      t.close();
    }
  });

  it('keeps members’ signed refusals and refuses a stranger’s', async () => {
    const t = await hubOn(() => BigInt(Date.now()));
    try {
      const c = await t.commit();
      const refusal = (i: number, key = replicaKey(i)) =>
        dissonanceJson(
          signDissonance(
            {
              reason: 'reexecution',
              chainId: CHAIN_ID,
              height: c.height,
              sealHash: c.sealHash,
              field: 'seal.stateRoot',
              sequencer: 'a',
              replicaValue: 'b',
              replicaTimeMs: 1n,
            },
            key,
          ),
        );
      const result = t.hub.receiveReport({ refusals: [refusal(1), refusal(0, keys.user(0))] });
      expect(result.accepted).to.equal(1);
      expect(result.rejected).to.have.length(1);
      expect(t.sync.dissonance(10).map((d) => [d.reason, d.origin])).to.deep.equal([
        ['reexecution', replicaKey(1).address],
      ]);
    } finally {
      t.close();
    }
  });

  it('records clock dissonance against the replicas’ median and halts after the escalation count', async () => {
    let now = GENESIS_TIME + 100_000n;
    const t = await hubOn(() => now);
    try {
      const c = await t.commit();
      expect(t.hub.reconcileTimestamps(now)).to.equal(now);
      // Two replicas whose clocks read an hour ahead: the median of three clocks is theirs.
      t.hub.receiveReport({
        attestations: [t.attest(0, c, now + 3_600_000n), t.attest(1, c, now + 3_600_000n)],
      });
      expect(t.hub.reconcileTimestamps(now)).to.equal(now + 3_600_000n);
      expect(t.sync.dissonance(10)).to.deep.equal([]);
      for (let i = 0; i < 3; i++) {
        now += 1000n;
        await t.commit();
      }
      const records = t.sync
        .dissonance(10)
        .map((d) => JSON.parse(d.record) as Record<string, string>);
      expect(records.map((r) => [r.reason, r.direction, r.inARow])).to.deep.equal([
        ['clock', 'behind', '3'],
        ['clock', 'behind', '2'],
        ['clock', 'behind', '1'],
      ]);
      expect(t.sequencer.halted?.cir).to.equal(302);
      expect(t.sequencer.halted?.reason).to.equal('CIR-511 clock dissonance escalated');
    } finally {
      t.close();
    }
  });
});

describe('epochCertificates', () => {
  it('lists an epoch’s certificate hashes in height order, with their root, once complete', async () => {
    const t = await hubOn(() => BigInt(Date.now()));
    try {
      const a = await t.commit();
      const b = await t.commit();
      t.hub.receiveReport({ attestations: [t.attest(0, a), t.attest(1, a)] });
      const partial = epochCertificates(t.sync, 0, 1);
      expect(partial.complete).to.equal(false);
      t.hub.receiveReport({ attestations: [t.attest(0, b), t.attest(2, b)] });
      const full = epochCertificates(t.sync, 0, 1);
      const hashes = [t.hub.confirmation(0), t.hub.confirmation(1)] as string[];
      expect(full).to.deep.equal({
        complete: true,
        certificateHashes: hashes,
        root: merkleRoot(hashes),
      });
    } finally {
      t.close();
    }
  });
});
