/*
 * reconcileTimestamps / timestampDrift
 * ├── no replica readings: the sequencer's clock
 * ├── each replica's offset carried to the sequencer's moment; the median, the lower one of an even count
 * ├── one wild clock among three does not move the median beyond the honest ones
 * └── drift: null within the bound (inclusive), else direction and size
 */
import { expect } from 'chai';
import { reconcileTimestamps, timestampDrift } from '../../../../runtime/sync/protocol';

const at = (replicaTimeMs: bigint, receivedAtMs: bigint) => ({ replicaTimeMs, receivedAtMs });

describe('reconcileTimestamps', () => {
  it('is the sequencer clock without readings', () => {
    expect(reconcileTimestamps(1000n, [])).to.equal(1000n);
  });
  it('carries each offset to the current moment and takes the median', () => {
    // offsets +50 and −30: readings 1000, 1050, 970 → median 1000
    expect(reconcileTimestamps(1000n, [at(550n, 500n), at(470n, 500n)])).to.equal(1000n);
    // offsets +50 and +80: readings 1000, 1050, 1080 → 1050
    expect(reconcileTimestamps(1000n, [at(550n, 500n), at(580n, 500n)])).to.equal(1050n);
  });
  it('takes the lower middle reading of an even count', () => {
    expect(reconcileTimestamps(1000n, [at(600n, 500n)])).to.equal(1000n);
    expect(reconcileTimestamps(1000n, [at(400n, 500n)])).to.equal(900n);
  });
  it('keeps one wild clock from moving it beyond the honest readings', () => {
    const wild = at(3_600_500n, 500n); // an hour ahead
    expect(reconcileTimestamps(1000n, [at(510n, 500n), wild])).to.equal(1010n);
  });
});

describe('timestampDrift', () => {
  it('is null within the bound, inclusive', () => {
    expect(timestampDrift(11_000n, 1000n, 10_000n)).to.equal(null);
    expect(timestampDrift(1000n, 11_000n, 10_000n)).to.equal(null);
  });
  it('says ahead or behind and by how much beyond it', () => {
    expect(timestampDrift(11_001n, 1000n, 10_000n)).to.deep.equal({
      direction: 'ahead',
      driftMs: 10_001n,
      boundMs: 10_000n,
    });
    expect(timestampDrift(0n, 3_600_000n, 10_000n)).to.deep.equal({
      direction: 'behind',
      driftMs: 3_600_000n,
      boundMs: 10_000n,
    });
  });
});
