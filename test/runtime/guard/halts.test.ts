/*
 * Cir302Halt / Cir412Halt
 * ├── carry code, CIR number (= exit code), reason and frozen evidence; details = reason + evidence
 * └── name follows '<Domain>.<Class>'
 * isHalt
 * └── true for both halts, false for other errors
 */
import { expect } from 'chai';
import { Cir302Halt, Cir412Halt, HaltError, isHalt } from '../../../runtime/guard';
import { GenesisInvalidError } from '../../../runtime/engine';

describe('Cir302Halt', () => {
  const halt = new Cir302Halt('conservation violated', { token: 'CHR', actualDelta: '5' });
  it('carries CIR302_HALT, 302, the reason and the evidence', () => {
    expect(halt).to.be.instanceOf(HaltError);
    expect(halt).to.include({ code: 'CIR302_HALT', cir: 302, reason: 'conservation violated' });
    expect(halt.evidence).to.deep.equal({ token: 'CHR', actualDelta: '5' });
    expect(halt.details).to.deep.equal({
      reason: 'conservation violated',
      token: 'CHR',
      actualDelta: '5',
    });
    expect(halt.message).to.equal('halt: conservation violated');
  });
  it('freezes its evidence (a copy of what was passed)', () => {
    const evidence = { a: '1' };
    const h = new Cir302Halt('x', evidence);
    evidence.a = '2';
    expect(h.evidence.a).to.equal('1');
    expect(Object.isFrozen(h.evidence)).to.equal(true);
  });
  it('is named Guard.Cir302Halt', () => {
    expect(halt.name).to.equal('Guard.Cir302Halt');
    expect(halt.name.endsWith(halt.constructor.name)).to.equal(true);
  });
});

describe('Cir412Halt', () => {
  it('carries CIR412_QUARANTINE and 412', () => {
    const halt = new Cir412Halt('code integrity mismatch', { path: 'runtime/x.ts' });
    expect(halt).to.include({ code: 'CIR412_QUARANTINE', cir: 412, name: 'Guard.Cir412Halt' });
  });
});

describe('isHalt', () => {
  it('recognises halts and nothing else', () => {
    expect(isHalt(new Cir302Halt('x', {}))).to.equal(true);
    expect(isHalt(new Cir412Halt('x', {}))).to.equal(true);
    expect(isHalt(new GenesisInvalidError('chainId', 'bad'))).to.equal(false);
    expect(isHalt(new Error('x'))).to.equal(false);
    expect(isHalt('CIR302_HALT')).to.equal(false);
  });
});
