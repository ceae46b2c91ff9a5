/*
 * Replica, in process over real stores (no network):
 * ├── re-executes honest bundles in order, stores them (the sequencer's reads), and cosigns each
 * │   once, durably, with an attestation that verifies
 * ├── a seal the sequencer signed over a wrong state root: refused, a signed CIR-511 record with
 * │   both values, nothing stored, the replica stays where it was (one record per height)
 * ├── a second, different seal for a height it holds: equivocation evidence, refused, and its
 * │   first cosignature stays the only one at that height
 * ├── a height ahead of it: SYNC_NOT_READY; a packet another key signed: refused before any work
 * └── transactions: NODE_READ_ONLY, naming the sequencer
 */
import { expect } from 'chai';
import path from 'node:path';
import { bytesToHex, canonicalString } from '../../../runtime/codec';
import { sign, SignatureContext } from '../../../runtime/crypto';
import { loadGenesis } from '../../../runtime/engine';
import {
  coherenceSealHash,
  coherenceSealSigningBytes,
  type CoherenceSeal,
} from '../../../runtime/ledger';
import { NodeStore } from '../../../runtime/node/store';
import { transferBody } from '../../../runtime/sdk/tx-builder';
import {
  attestationIssue,
  dissonanceIssue,
  evidenceIssue,
  parseDissonance,
  parseEvidence,
  type SealedBundle,
} from '../../../runtime/sync/protocol';
import { Replica } from '../../../runtime/sync/replica';
import { SyncStore } from '../../../runtime/sync/sync-store';
import { keys, tx } from '../../support/engine';
import { silentLog, tempDir } from '../../support/node';
import { replicaKey, sealNext, syncGenesis, type Sealed } from '../../support/sync';

function openReplica() {
  const dir = tempDir('qfs-replica-');
  const store = NodeStore.open(path.join(dir, 'qfs.db'));
  const genesis = syncGenesis(3);
  store.setMeta('genesis', canonicalString(genesis));
  const { keyGenesis, state } = loadGenesis(genesis);
  store.insertKeyEntry(0, canonicalString(keyGenesis), keyGenesis.entryHash);
  const sync = SyncStore.open(path.join(dir, 'sync.db'));
  const replica = Replica.open({
    store,
    sync,
    key: replicaKey(0),
    clock: { nowMs: () => BigInt(Date.now()) },
    log: silentLog,
    sequencerUrl: 'http://sequencer.invalid',
    driftMaxMs: 10_000n,
  });
  // The engine's test packets are stamped a second apart from the genesis time: in the past.
  const chain: Sealed[] = [];
  const next = (amount: string) => {
    const prev = chain[chain.length - 1];
    const s = sealNext(prev?.result.state ?? state, prev?.entry ?? null, [
      tx(keys.user(0), BigInt(chain.length + 1), transferBody('CHR', keys.user(1).address, amount)),
    ]);
    return s;
  };
  const close = () => {
    store.close();
    sync.close();
  };
  return { replica, store, sync, chain, next, close };
}

function resealed(seal: CoherenceSeal, changes: Partial<CoherenceSeal>): CoherenceSeal {
  const body = { ...seal, ...changes };
  const signature = sign(
    keys.sequencer.secretKey,
    coherenceSealSigningBytes(body),
    SignatureContext.COHERENCE_SEAL,
  );
  return { ...body, signature: bytesToHex(signature) };
}

describe('Replica', () => {
  it('re-executes, stores and cosigns honest bundles once each', async () => {
    const t = openReplica();
    try {
      for (const amount of ['1', '2', '3']) {
        const s = t.next(amount);
        t.chain.push(s);
        const outcome = await t.replica.offer(s.bundle);
        expect(outcome.kind, outcome.kind === 'refused' ? outcome.reason : '').to.equal('cosigned');
        if (outcome.kind !== 'cosigned') return;
        expect(outcome.attestation.sealHash).to.equal(coherenceSealHash(s.seal));
        expect(outcome.attestation.entryHash).to.equal(s.entry.entryHash);
        expect(attestationIssue(outcome.attestation, replicaKey(0).publicKey)).to.equal(null);
      }
      const last = t.chain[2] as Sealed;
      expect(t.replica.state.stateRoot).to.equal(last.result.stateRoot);
      expect(t.store.headHeight()).to.equal(2);
      expect(t.store.coherence(2)?.sealHash).to.equal(coherenceSealHash(last.seal));
      expect(
        t.replica.txStatus((last.bundle.txs[0] as SealedBundle['txs'][number]).hash)?.status,
      ).to.equal('committed');
      expect(t.sync.lastCosigned()).to.equal(2);
      // The same bundle again: the same cosignature, nothing new.
      const again = await t.replica.offer((t.chain[1] as Sealed).bundle);
      expect(again.kind === 'cosigned' ? again.attestation.height : null).to.equal(1n);
      expect(t.sync.unreported(10).map((r) => r.height)).to.deep.equal([0, 1, 2]);
    } finally {
      t.close();
    }
  });

  it('refuses a seal over a state root it computes differently, with a signed record of both', async () => {
    const t = openReplica();
    try {
      const s = t.next('1');
      const wrong = 'ee'.repeat(32);
      const bad = { ...s.bundle, seal: resealed(s.seal, { stateRoot: wrong }) };
      const outcome = await t.replica.offer(bad);
      expect(outcome.kind).to.equal('refused');
      expect(outcome.kind === 'refused' ? outcome.details : {}).to.deep.include({
        field: 'seal.stateRoot',
        sequencer: wrong,
        replica: s.result.stateRoot,
      });
      expect(t.store.headHeight()).to.equal(-1);
      expect(t.replica.refusedAt).to.equal(0);
      const records = t.sync.dissonance(10);
      expect(records).to.have.length(1);
      const record = parseDissonance(JSON.parse(records[0]?.record ?? '{}'));
      expect(record).to.deep.include({
        reason: 'reexecution',
        field: 'seal.stateRoot',
        sequencer: wrong,
        replicaValue: s.result.stateRoot,
      });
      expect(dissonanceIssue(record, replicaKey(0).publicKey)).to.equal(null);
      await t.replica.offer(bad);
      expect(t.sync.dissonance(10)).to.have.length(1);
      expect(t.sync.lastCosigned()).to.equal(-1);
    } finally {
      t.close();
    }
  });

  it('keeps evidence of a second seal for a height it holds, and cosigns the first only', async () => {
    const t = openReplica();
    try {
      const a = t.next('1');
      const b = t.next('2'); // the same height, another transfer: a second valid bundle
      expect((await t.replica.offer(a.bundle)).kind).to.equal('cosigned');
      const outcome = await t.replica.offer(b.bundle);
      expect(outcome.kind === 'refused' ? outcome.reason : outcome.kind).to.equal(
        'equivocation: a second seal for this height',
      );
      const stored = t.sync.evidence(0, 10);
      expect(stored.map((e) => e.kind).sort()).to.deep.equal(['packet', 'seal']);
      for (const e of stored)
        expect(evidenceIssue(parseEvidence(JSON.parse(e.evidence)))).to.equal(null);
      expect(t.sync.cosigned(0)?.sealHash).to.equal(coherenceSealHash(a.seal));
      expect(t.replica.refusedSigners).to.deep.equal([keys.sequencer.address.toLowerCase()]);
      // From then on nothing that key seals is cosigned.
      t.chain.push(a);
      const next = t.next('3');
      const refused = await t.replica.offer(next.bundle);
      expect(refused.kind === 'refused' ? refused.reason : refused.kind).to.equal(
        'the sequencer key equivocated',
      );
    } finally {
      t.close();
    }
  });

  it('cannot judge a height ahead of it, and refuses a packet another key signed', async () => {
    const t = openReplica();
    try {
      const a = t.next('1');
      t.chain.push(a);
      const b = t.next('2');
      const ahead = (await t.replica.offer(b.bundle).catch((e: { code: string }) => e)) as {
        code: string;
      };
      expect(ahead.code).to.equal('SYNC_NOT_READY');
      const byAdmin = { ...a.bundle, packet: { ...a.bundle.packet, signer: keys.admin.address } };
      const refused = await t.replica.offer(byAdmin);
      expect(refused.kind === 'refused' ? refused.reason : refused.kind).to.match(
        /^the packet does not verify/,
      );
      expect(t.store.headHeight()).to.equal(-1);
    } finally {
      t.close();
    }
  });

  it('takes no transactions', async () => {
    const t = openReplica();
    try {
      const err = (await t.replica.submit({}).catch((e: unknown) => e)) as {
        code: string;
        details: Record<string, string>;
      };
      expect(err.code).to.equal('NODE_READ_ONLY');
      expect(err.details.sequencer).to.equal('http://sequencer.invalid');
    } finally {
      t.close();
    }
  });
});
