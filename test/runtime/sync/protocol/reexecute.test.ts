/*
 * reexecuteBundle: the replica's check of a sealed bundle
 * ├── an honest bundle: the same entry, seal hash, state; signatures verified by the engine when
 * │   not preverified
 * ├── a seal the sequencer signed over a value the replica computes differently (state root, op-log
 * │   hash, bundle hash, timestamp, metadata): a disagreement naming the field with both values
 * ├── a seal that does not verify, or signed by another key: a disagreement
 * ├── a packet that does not commit to the transactions, or a transaction with a bad signature that
 * │   the sequencer receipted as ok: a disagreement (execution, or the bundle hash)
 * ├── another height: a disagreement on the height
 * └── a bundle with key events needs the KeyLedger seal, checked; one without must carry none
 */
import { expect } from 'chai';
import { bytesToHex } from '../../../../runtime/codec';
import { sign, SignatureContext } from '../../../../runtime/crypto';
import {
  coherenceSealHash,
  coherenceSealSigningBytes,
  createKeySeal,
  keyLedgerView,
  type CoherenceSeal,
} from '../../../../runtime/ledger';
import { capabilityBody, transferBody } from '../../../../runtime/sdk/tx-builder';
import { reexecuteBundle, type ReplicaTip } from '../../../../runtime/sync/protocol';
import { keys, tx, unsignedTx } from '../../../support/engine';
import { replicaKey, sealNext, syncGenesis } from '../../../support/sync';
import { loadGenesis } from '../../../../runtime/engine';

/** The sequencer's signature over a seal with some fields changed. */
function resealed(seal: CoherenceSeal, changes: Partial<CoherenceSeal>): CoherenceSeal {
  const body = { ...seal, ...changes };
  const signature = sign(
    keys.sequencer.secretKey,
    coherenceSealSigningBytes(body),
    SignatureContext.COHERENCE_SEAL,
  );
  return { ...body, signature: bytesToHex(signature) };
}

describe('reexecuteBundle', () => {
  const genesis = loadGenesis(syncGenesis(3));
  const tip: ReplicaTip = { state: genesis.state, head: null, keyEntries: [genesis.keyGenesis] };
  const transfer = tx(keys.user(0), 1n, transferBody('CHR', keys.user(1).address, '5'));
  const honest = sealNext(tip.state, null, [transfer]);

  it('agrees with an honest bundle, byte for byte', () => {
    const outcome = reexecuteBundle(tip, honest.bundle, new Set());
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.disagreement));
    expect(outcome.value.entry).to.deep.equal(honest.entry);
    expect(outcome.value.sealHash).to.equal(coherenceSealHash(honest.seal));
    expect(outcome.value.result.stateRoot).to.equal(honest.result.stateRoot);
    expect(outcome.value.keySealHash).to.equal(null);
  });

  const changed: [string, Partial<CoherenceSeal>, string][] = [
    ['seal.stateRoot', { stateRoot: 'ee'.repeat(32) }, 'stateRoot'],
    ['seal.opLogHash', { opLogHash: 'ee'.repeat(32) }, 'opLogHash'],
    ['seal.bundleHash', { bundleHash: 'ee'.repeat(32) }, 'bundleHash'],
    ['seal.headHash', { headHash: 'ee'.repeat(32) }, 'headHash'],
    ['seal.timestamp', { timestamp: honest.seal.timestamp + 1n }, 'timestamp'],
    ['seal.quantumMetadata', { quantumMetadata: { seed: 'x' } }, 'quantumMetadata'],
  ];
  for (const [field, change, key] of changed)
    it(`disagrees on ${field}, with both values`, () => {
      const seal = resealed(honest.seal, change);
      const outcome = reexecuteBundle(tip, { ...honest.bundle, seal }, new Set());
      expect(outcome.ok).to.equal(false);
      if (outcome.ok) return;
      expect(outcome.disagreement.field).to.equal(field);
      const sequencerValue = (seal as Record<string, unknown>)[key];
      if (typeof sequencerValue === 'string')
        expect(outcome.disagreement.sequencer).to.equal(sequencerValue);
      expect(outcome.disagreement.replica).not.to.equal(outcome.disagreement.sequencer);
    });

  it('disagrees when the seal signature does not verify, or another key signed it', () => {
    const broken = { ...honest.seal, signature: honest.bundle.packet.signature };
    const a = reexecuteBundle(tip, { ...honest.bundle, seal: broken }, new Set());
    expect(a.ok ? null : a.disagreement.field).to.equal('seal.signature');
    const byAdmin = { ...honest.seal, signer: keys.admin.address };
    const b = reexecuteBundle(tip, { ...honest.bundle, seal: byAdmin }, new Set());
    expect(b.ok ? null : b.disagreement.field).to.equal('seal.signer');
  });

  it('disagrees with a packet that does not commit to the transactions', () => {
    const other = tx(keys.user(1), 1n, transferBody('CHR', keys.user(0).address, '1'));
    const outcome = reexecuteBundle(tip, { ...honest.bundle, txs: [other] }, new Set());
    expect(outcome.ok ? null : outcome.disagreement.field).to.equal('execution');
    expect(outcome.ok ? '' : outcome.disagreement.replica).to.match(/^DRV_PAYLOAD_HASH_MISMATCH/);
  });

  it('disagrees when a transaction the sequencer receipted ok has a bad signature', () => {
    // The sequencer "preverified" a forged transaction; the replica verifies it and fails it.
    const forged = unsignedTx(
      keys.user(0).address,
      1n,
      transferBody('CHR', keys.user(1).address, '5'),
    );
    const lying = sealNext(tip.state, null, [forged], { preverified: new Set([forged.hash]) });
    expect(lying.result.receipts[0]?.status).to.equal('ok');
    const byEngine = reexecuteBundle(tip, lying.bundle, new Set());
    expect(byEngine.ok ? null : byEngine.disagreement.field).to.equal('seal.bundleHash');
  });

  it('disagrees on another height', () => {
    const next = sealNext(honest.result.state, honest.entry, []);
    const outcome = reexecuteBundle(tip, next.bundle, new Set());
    expect(outcome.ok ? null : outcome.disagreement).to.deep.include({
      field: 'height',
      sequencer: '1',
      replica: '0',
    });
  });

  it('checks the KeyLedger seal of a bundle with key events, and refuses one where none is due', () => {
    const withdraw = tx(
      keys.admin,
      1n,
      capabilityBody(tip.state.chainId, 'withdraw', replicaKey(2).address, 'replica', keys.admin),
    );
    const s = sealNext(tip.state, null, [withdraw]);
    const entries = [genesis.keyGenesis, ...s.result.keyEntries];
    const keySeal = createKeySeal(
      entries,
      keyLedgerView(s.result.state.keys),
      { timestamp: s.bundle.packet.ttsTimestamp },
      keys.sequencer,
    );
    const ok = reexecuteBundle(tip, { ...s.bundle, keySeal }, new Set());
    expect(ok.ok).to.equal(true);
    const missing = reexecuteBundle(tip, s.bundle, new Set());
    expect(missing.ok ? null : missing.disagreement.field).to.equal('keySeal');
    const late = createKeySeal(
      entries,
      keyLedgerView(s.result.state.keys),
      { timestamp: s.bundle.packet.ttsTimestamp + 1n },
      keys.sequencer,
    );
    const wrongTime = reexecuteBundle(tip, { ...s.bundle, keySeal: late }, new Set());
    expect(wrongTime.ok ? null : wrongTime.disagreement.field).to.equal('keySeal.timestamp');
    const unexpected = reexecuteBundle(tip, { ...honest.bundle, keySeal }, new Set());
    expect(unexpected.ok ? null : unexpected.disagreement.field).to.equal('keySeal');
  });
});
