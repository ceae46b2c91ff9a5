/*
 * detectDissonance (CIR-511)
 * ├── first bundle (no previous metrics): no record, count 0, metrics remembered
 * ├── a metric moving by exactly its threshold is not dissonant; one ulp more is, and is recorded
 * │   with previous, current, deviation and threshold, in the metric order given
 * ├── the consecutive count grows with each dissonant bundle and resets on a calm one
 * ├── escalates to CIR-302 on the escalationCount-th dissonant bundle in a row, with evidence
 * └── records its comparisons in the op log
 */
import { expect } from 'chai';
import {
  Cir302Halt,
  detectDissonance,
  INITIAL_CIR511_STATE,
  type Cir511State,
} from '../../../runtime/guard';
import { CertifiedMath, UD, type UD128x18 } from '../../../runtime/math';
import { caught } from '../../support/keys';

const u = UD.parse;
const ORDER = ['a', 'b'] as const;
const THRESHOLDS = { a: u('1'), b: u('0.5') };
const newCm = () => new CertifiedMath({ pqcCid: 'cir511-test', quantumMetadata: {} });
const m = (a: string, b: string): Record<'a' | 'b', UD128x18> => ({ a: u(a), b: u(b) });

function step(state: Cir511State, metrics: Record<'a' | 'b', UD128x18>, count = 3n) {
  return detectDissonance(newCm(), state, metrics, THRESHOLDS, ORDER, count);
}

describe('detectDissonance', () => {
  describe('on the first bundle', () => {
    it('records nothing and remembers the metrics', () => {
      const r = step(INITIAL_CIR511_STATE, m('100', '100'));
      expect(r.records).to.deep.equal([]);
      expect(r.state).to.deep.equal({ lastMetrics: m('100', '100'), consecutive: 0n });
    });
  });

  describe('when a metric moves', () => {
    const previous = step(INITIAL_CIR511_STATE, m('5', '5')).state;
    it('is calm when every move is at most its threshold (either direction)', () => {
      const r = step(previous, m('6', '4.5'));
      expect(r.records).to.deep.equal([]);
      expect(r.state.consecutive).to.equal(0n);
    });
    it('records a move one ulp beyond the threshold', () => {
      const r = step(previous, { a: u('5'), b: (u('5.5') + 1n) as UD128x18 });
      expect(r.records).to.deep.equal([
        {
          metric: 'b',
          previous: u('5'),
          current: u('5.5') + 1n,
          deviation: u('0.5') + 1n,
          threshold: u('0.5'),
        },
      ]);
      expect(r.state.consecutive).to.equal(1n);
    });
    it('records every dissonant metric in the order given', () => {
      const r = step(previous, m('2', '9'));
      expect(r.records.map((x) => [x.metric, UD.formatTrimmed(x.deviation)])).to.deep.equal([
        ['a', '3'],
        ['b', '4'],
      ]);
    });
  });

  describe('consecutive dissonant bundles', () => {
    it('counts them and resets the count on a calm bundle', () => {
      let state = step(INITIAL_CIR511_STATE, m('0', '0')).state;
      state = step(state, m('2', '0')).state; // dissonant
      expect(state.consecutive).to.equal(1n);
      state = step(state, m('4', '0')).state; // dissonant
      expect(state.consecutive).to.equal(2n);
      state = step(state, m('4', '0')).state; // calm
      expect(state.consecutive).to.equal(0n);
      state = step(state, m('6', '0')).state; // dissonant again
      expect(state.consecutive).to.equal(1n);
    });

    it('escalates to CIR-302 on the escalationCount-th in a row', () => {
      let state = step(INITIAL_CIR511_STATE, m('0', '0')).state;
      state = step(state, m('2', '0')).state;
      state = step(state, m('4', '0')).state;
      const err = caught(() => step(state, m('4', '3')));
      expect(err).to.be.instanceOf(Cir302Halt);
      const halt = err as Cir302Halt;
      expect(halt.code).to.equal('CIR302_HALT');
      expect(halt.reason).to.equal('CIR-511 dissonance escalated');
      expect(halt.evidence).to.deep.include({
        consecutive: '3',
        escalationCount: '3',
        metric: 'b',
      });
    });

    it('escalates on the first dissonance when escalationCount is 1', () => {
      const state = step(INITIAL_CIR511_STATE, m('0', '0'), 1n).state;
      expect(() => step(state, m('0', '1'), 1n)).to.throw(Cir302Halt);
    });
  });

  it('records its comparisons in the op log', () => {
    const cm = newCm();
    const state = step(INITIAL_CIR511_STATE, m('0', '0')).state;
    detectDissonance(cm, state, m('1', '1'), THRESHOLDS, ORDER, 3n);
    expect(cm.entries.map((e) => e.op)).to.deep.equal(['absDiff', 'gt', 'absDiff', 'gt']);
  });
});
