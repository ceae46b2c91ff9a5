import { expect } from 'chai';
import fc from 'fast-check';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import {
  CertifiedMath,
  MathUnderflowError,
  SD,
  UD,
  canonicalEntry,
  opLogHash,
  type LogContext,
  type OpLogEntry,
} from '../../../runtime/math';
import { numRuns } from '../../support/num-runs';

const ctx: LogContext = { pqcCid: 'cid-1', quantumMetadata: { source: 'test', epoch: '7' } };
const u = UD.parse;

/** A fixed little program: the same calls must always produce the same log. */
function program(cm: CertifiedMath, a = '1.5', b = '2'): void {
  const sum = cm.add(u(a), u(b));
  const product = cm.mul(sum, u('3'));
  cm.ln(product);
  cm.gt(sum, u('1'));
  cm.pow(u('2'), SD.parse('0.5'));
}

describe('CertifiedMath', () => {
  it('computes with the pure functions and records every call in order', () => {
    const cm = new CertifiedMath(ctx);
    expect(cm.add(u('1.5'), u('2'))).to.equal(u('3.5'));
    expect(cm.gt(u('1'), u('2'))).to.equal(false);
    expect(cm.entries).to.deep.equal([
      {
        index: 0,
        op: 'add',
        inputs: ['1.500000000000000000', '2.000000000000000000'],
        result: '3.500000000000000000',
      },
      {
        index: 1,
        op: 'gt',
        inputs: ['1.000000000000000000', '2.000000000000000000'],
        result: 'false',
      },
    ]);
  });

  it('gives the same log hash for the same calls, every time', () => {
    const first = new CertifiedMath(ctx);
    const second = new CertifiedMath({
      pqcCid: 'cid-1',
      quantumMetadata: { epoch: '7', source: 'test' },
    });
    program(first);
    program(second);
    expect(first.logHash).to.equal(second.logHash);
    expect(first.logHash).to.match(/^[0-9a-f]{64}$/);
  });

  it('matches an independent recomputation of the chain (node:crypto + canonicalize) and a pinned vector', () => {
    const cm = new CertifiedMath(ctx);
    program(cm);
    let head = createHash('sha256')
      .update(`QFS/oplog/v1\n${canonicalize(ctx)}`)
      .digest('hex');
    for (const entry of cm.entries) {
      head = createHash('sha256')
        .update(head)
        .update(canonicalize({ ...entry, index: String(entry.index) }) ?? '')
        .digest('hex');
    }
    expect(cm.logHash).to.equal(head);
    expect(opLogHash(ctx, cm.entries)).to.equal(cm.logHash);
    // Pinned so that any change of the entry format or the chain shows up in review.
    expect(cm.logHash).to.equal('6af138095d7b11abf9fe61a2b1288625e13cc1021e5c3f1f8777c8353757e739');
  });

  it('changes the hash when an input, an op, the order or the context changes', () => {
    const base = new CertifiedMath(ctx);
    program(base);
    const otherInput = new CertifiedMath(ctx);
    program(otherInput, '1.5', '2.000000000000000001');
    const otherContext = new CertifiedMath({ ...ctx, pqcCid: 'cid-2' });
    program(otherContext);
    const swapped = new CertifiedMath(ctx);
    swapped.mul(u('1'), u('2'));
    swapped.add(u('1'), u('2'));
    const ordered = new CertifiedMath(ctx);
    ordered.add(u('1'), u('2'));
    ordered.mul(u('1'), u('2'));
    const otherOp = new CertifiedMath(ctx);
    otherOp.add(u('1'), u('2'));
    otherOp.max(u('1'), u('2'));
    const hashes = [base, otherInput, otherContext, swapped, ordered, otherOp].map(
      (c) => c.logHash,
    );
    expect(new Set(hashes).size).to.equal(hashes.length);
  });

  it('records a failing call with its error code, then rethrows', () => {
    const cm = new CertifiedMath(ctx);
    expect(() => cm.sub(u('1'), u('2'))).to.throw(MathUnderflowError);
    expect(cm.entries[0]).to.deep.equal({
      index: 0,
      op: 'sub',
      inputs: ['1.000000000000000000', '2.000000000000000000'],
      error: 'MATH_UNDERFLOW',
    });
  });

  it('encodes entries exactly as RFC 8785 canonicalize does', () => {
    const value = fc.oneof(
      fc.bigInt({ min: -(1n << 127n), max: (1n << 128n) - 1n }).map((v) => SD.format(v as never)),
      fc.constantFrom('true', 'false', '98'),
    );
    const entry = fc.record(
      {
        index: fc.nat(),
        op: fc.constantFrom('add', 'mulDiv', 'ln', 'sdSub', 'phiPow'),
        inputs: fc.array(value, { maxLength: 3 }),
        result: value,
        error: fc.constantFrom('MATH_OVERFLOW', 'MATH_DOMAIN'),
      },
      { requiredKeys: ['index', 'op', 'inputs'] },
    );
    fc.assert(
      fc.property(entry, (e) => {
        const withIndex = { ...e, index: String(e.index) };
        expect(canonicalEntry(e as OpLogEntry)).to.equal(canonicalize(withIndex));
      }),
      { numRuns },
    );
  });

  it('does not let callers alter recorded entries', () => {
    const cm = new CertifiedMath(ctx);
    cm.add(u('1'), u('1'));
    const entries = cm.entries as OpLogEntry[];
    expect(() => entries.push({ index: 9, op: 'x', inputs: [] })).to.throw(TypeError);
    expect(cm.entryCount).to.equal(1);
  });
});
