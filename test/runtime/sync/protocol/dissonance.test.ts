/*
 * signDissonance / dissonanceIssue / parseDissonance
 * ├── a replica's signed refusal verifies under its key, with both values, and round-trips
 * ├── values longer than the limit are cut with a mark
 * └── an unknown reason, or a changed value, does not pass
 */
import { expect } from 'chai';
import {
  DISSONANCE_VALUE_LENGTH_MAX,
  dissonanceIssue,
  dissonanceJson,
  parseDissonance,
  signDissonance,
} from '../../../../runtime/sync/protocol';
import { caught } from '../../../support/keys';
import { replicaKey } from '../../../support/sync';

describe('replica dissonance records', () => {
  const record = signDissonance(
    {
      reason: 'reexecution',
      chainId: 'qfs-test',
      height: 4n,
      sealHash: 'aa'.repeat(32),
      field: 'seal.stateRoot',
      sequencer: 'ee'.repeat(32),
      replicaValue: 'ff'.repeat(32),
      replicaTimeMs: 5n,
    },
    replicaKey(1),
  );

  it('verifies under the replica key and round-trips', () => {
    expect(record.cir).to.equal('511');
    expect(record.replica).to.equal(replicaKey(1).address);
    expect(dissonanceIssue(record, replicaKey(1).publicKey)).to.equal(null);
    expect(parseDissonance(JSON.parse(JSON.stringify(dissonanceJson(record))))).to.deep.equal(
      record,
    );
  });

  it('does not pass with a changed value or another key', () => {
    expect(
      dissonanceIssue({ ...record, replicaValue: 'ee'.repeat(32) }, replicaKey(1).publicKey),
    ).to.equal('the signature does not verify');
    expect(dissonanceIssue(record, replicaKey(0).publicKey)).to.equal(
      'the public key is not the replica address',
    );
  });

  it('cuts long values with a mark', () => {
    const long = signDissonance(
      {
        reason: 'timestamp',
        chainId: 'qfs-test',
        height: 1n,
        sealHash: 'aa'.repeat(32),
        field: 'ttsTimestamp',
        sequencer: 'x'.repeat(2000),
        replicaValue: '1',
        replicaTimeMs: 5n,
      },
      replicaKey(1),
    );
    expect(long.sequencer).to.have.length(DISSONANCE_VALUE_LENGTH_MAX);
    expect(long.sequencer.endsWith('…')).to.equal(true);
    expect(dissonanceIssue(long, replicaKey(1).publicKey)).to.equal(null);
  });

  it('refuses an unknown reason', () => {
    const err = caught(() => parseDissonance({ ...dissonanceJson(record), reason: 'mood' })) as {
      code: string;
    };
    expect(err.code).to.equal('SYNC_MALFORMED');
  });
});
