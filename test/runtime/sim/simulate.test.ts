/*
 * runSimulation
 * ├── runs many seeds to the end without a halt (the workload keeps the chain healthy), with
 * │   rotations, registrations and revocations committed along the way
 * ├── is deterministic per seed and differs across seeds
 * └── rejects options outside their limits (RangeError)
 */
import { expect } from 'chai';
import { runSimulation, SIM_GENESIS_USERS, SIM_LIMITS } from '../../../runtime/sim';

describe('runSimulation', function () {
  // Each bundle's DRV packet is signed and verified for real.
  this.timeout(120_000);

  it('runs 8 seeds × 12 bundles without a halt and commits key events', () => {
    let keysAdded = 0;
    const roots = new Set<string>();
    for (let seed = 0; seed < 8; seed++) {
      const report = runSimulation({ seed, bundles: 12, txs: 25, signed: false });
      expect(report.txs).to.equal(300);
      expect(report.failedTxs).to.be.within(1, 299);
      // Genesis: the users plus sequencer, oracle and admin.
      keysAdded += report.keys - (SIM_GENESIS_USERS + 3);
      roots.add(report.stateRoot);
    }
    expect(keysAdded).to.be.greaterThan(0);
    expect(roots.size).to.equal(8);
  });

  it('rejects options outside their limits', () => {
    const ok = { seed: 1, bundles: 1, txs: 1, signed: false };
    expect(() => runSimulation({ ...ok, seed: -1 })).to.throw(RangeError);
    expect(() => runSimulation({ ...ok, seed: 0.5 })).to.throw(RangeError);
    expect(() => runSimulation({ ...ok, bundles: 0 })).to.throw(RangeError);
    expect(() => runSimulation({ ...ok, bundles: SIM_LIMITS.bundlesMax + 1 })).to.throw(RangeError);
    expect(() => runSimulation({ ...ok, txs: SIM_LIMITS.txsMax + 1 })).to.throw(RangeError);
  });

  it('runs bundles of a single transaction', () => {
    const report = runSimulation({ seed: 4, bundles: 3, txs: 1, signed: false });
    expect(report.txs).to.equal(3);
  });
});
