/*
 * parseGuidance
 * ├── accepts the healthy default and round-trips through guidanceToJson
 * ├── GUIDANCE_MALFORMED: not an object, missing/extra field, non-canonical or non-string numbers,
 * │   bad penalty entries (shape, kind pattern, unsorted, duplicate)
 * └── GUIDANCE_OUT_OF_BOUNDS: S_CHR > 1, f_ATR > 1, magnitudes 0 or outside [10^−6, 10^6],
 *     0 or 17 FLX magnitudes, 33 penalties, a penalty > 10
 * admitGuidance
 * ├── GUIDANCE_REPLAYED: sequence not above the current one
 * ├── GUIDANCE_FROM_FUTURE: meant for a packet after the next one
 * ├── GUIDANCE_STALE: more than guidanceAgeMaxPackets before the next packet
 * └── accepts the boundaries (forPacket = next packet; age = the maximum)
 * getDirectionalPenalty
 * property: HSMF never fails on arithmetic for guidance that passed parseGuidance
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  admitGuidance,
  DEFAULT_PARAMS,
  getDirectionalPenalty,
  guidanceToJson,
  parseGuidance,
  validateActionBundle,
} from '../../../runtime/engine';
import { CertifiedMath, UD } from '../../../runtime/math';
import { HEALTHY_GUIDANCE } from '../../../runtime/sdk/devnet';
import { guidanceWith } from '../../support/engine';
import { numRuns } from '../../support/num-runs';

function codeOf(json: unknown): string {
  const check = parseGuidance(json);
  return check.ok ? 'ok' : check.code;
}
const healthy = (overrides: Record<string, unknown>) => ({ ...HEALTHY_GUIDANCE, ...overrides });

describe('parseGuidance', () => {
  it('accepts the healthy default guidance', () => {
    const check = parseGuidance(HEALTHY_GUIDANCE);
    expect(check.ok).to.equal(true);
    if (!check.ok) return;
    expect(check.guidance.sChr).to.equal(UD.parse('0.95'));
    expect(check.guidance.flxMagnitudes).to.have.length(3);
    expect(check.guidance.sequence).to.equal(1n);
  });

  it('round-trips through guidanceToJson', () => {
    const g = guidanceWith({ sChr: '0.999999999999999999', penalties: [] });
    expect(parseGuidance(guidanceToJson(g))).to.deep.equal({ ok: true, guidance: g });
  });

  describe('GUIDANCE_MALFORMED', () => {
    const cases: [string, unknown][] = [
      ['not an object', 'guidance'],
      ['an array', []],
      ['null', null],
      ['a missing field', (({ sChr: _s, ...rest }) => rest)(HEALTHY_GUIDANCE)],
      ['an extra field', healthy({ note: 'x' })],
      ['a numeric sequence', healthy({ sequence: 1 })],
      ['a sequence with a leading zero', healthy({ sequence: '01' })],
      ['a 20-digit forPacket', healthy({ forPacket: '1'.repeat(20) })],
      ['a non-canonical decimal (trailing zero)', healthy({ sChr: '0.950' })],
      ['a numeric metric', healthy({ fAtr: 0.05 })],
      ['a negative metric', healthy({ fAtr: '-0.05' })],
      ['magnitudes not an array', healthy({ flxMagnitudes: '1' })],
      ['a non-string magnitude', healthy({ flxMagnitudes: ['1', 2] })],
      ['a penalty entry that is not an object', healthy({ penalties: ['compute'] })],
      [
        'a penalty entry with an extra field',
        healthy({ penalties: [{ kind: 'a', penalty: '1', x: '1' }] }),
      ],
      ['an upper-case kind', healthy({ penalties: [{ kind: 'Compute', penalty: '1' }] })],
      [
        'unsorted penalties',
        healthy({
          penalties: [
            { kind: 'storage', penalty: '1' },
            { kind: 'compute', penalty: '1' },
          ],
        }),
      ],
      [
        'a duplicate kind',
        healthy({
          penalties: [
            { kind: 'compute', penalty: '1' },
            { kind: 'compute', penalty: '2' },
          ],
        }),
      ],
    ];
    for (const [name, json] of cases) {
      it(`rejects ${name}`, () => expect(codeOf(json)).to.equal('GUIDANCE_MALFORMED'));
    }
  });

  describe('GUIDANCE_OUT_OF_BOUNDS', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['S_CHR above 1', { sChr: '1.000000000000000001' }],
      ['f_ATR above 1', { fAtr: '1.5' }],
      ['an ATR magnitude of 0', { atrMagnitude: '0' }],
      ['an ATR magnitude above 10^6', { atrMagnitude: '1000000.000000000000000001' }],
      ['an FLX magnitude of 0', { flxMagnitudes: ['1', '0'] }],
      ['an FLX magnitude below 10^−6', { flxMagnitudes: ['1', '0.000000999999999999'] }],
      ['an FLX magnitude above 10^6', { flxMagnitudes: ['1000001'] }],
      ['no FLX magnitudes', { flxMagnitudes: [] }],
      ['17 FLX magnitudes', { flxMagnitudes: Array(17).fill('1') }],
      [
        '33 penalties',
        {
          penalties: Array.from({ length: 33 }, (_, i) => ({
            kind: `k${String(i).padStart(2, '0')}`,
            penalty: '1',
          })),
        },
      ],
      [
        'a penalty above 10',
        { penalties: [{ kind: 'compute', penalty: '10.000000000000000001' }] },
      ],
    ];
    for (const [name, overrides] of cases) {
      it(`rejects ${name}`, () =>
        expect(codeOf(healthy(overrides))).to.equal('GUIDANCE_OUT_OF_BOUNDS'));
    }
    it('accepts the limits themselves (S_CHR 1, f_ATR 0, magnitudes 10^−6 and 10^6, penalty 10)', () => {
      const json = healthy({
        sChr: '1',
        fAtr: '0',
        atrMagnitude: '1000000',
        flxMagnitudes: ['0.000001', '1000000', ...Array(14).fill('1')],
        penalties: [{ kind: 'compute', penalty: '10' }],
      });
      expect(codeOf(json)).to.equal('ok');
    });
  });
});

describe('admitGuidance', () => {
  const current = guidanceWith({ sequence: '5', forPacket: '10' });
  const candidate = (sequence: string, forPacket: string) => guidanceWith({ sequence, forPacket });
  const age = 1000n;

  it('accepts newer guidance meant for the next packet', () => {
    const next = candidate('6', '13');
    expect(admitGuidance(current, next, 12n, age)).to.deep.equal({ ok: true, guidance: next });
  });
  it('rejects a sequence that is not above the current one: GUIDANCE_REPLAYED', () => {
    expect(admitGuidance(current, candidate('5', '12'), 12n, age)).to.include({
      ok: false,
      code: 'GUIDANCE_REPLAYED',
    });
    expect(admitGuidance(current, candidate('4', '12'), 12n, age)).to.include({
      code: 'GUIDANCE_REPLAYED',
    });
  });
  it('rejects guidance meant for a packet after the next one: GUIDANCE_FROM_FUTURE', () => {
    expect(admitGuidance(current, candidate('6', '14'), 12n, age)).to.include({
      ok: false,
      code: 'GUIDANCE_FROM_FUTURE',
    });
  });
  it('rejects guidance more than guidanceAgeMaxPackets old: GUIDANCE_STALE', () => {
    // Takes effect at packet 2013; meant for 1012: 1001 packets old.
    expect(admitGuidance(current, candidate('6', '1012'), 2012n, age)).to.include({
      ok: false,
      code: 'GUIDANCE_STALE',
    });
  });
  it('accepts guidance exactly guidanceAgeMaxPackets old', () => {
    expect(admitGuidance(current, candidate('6', '1013'), 2012n, age).ok).to.equal(true);
  });
});

describe('getDirectionalPenalty', () => {
  const g = guidanceWith({
    penalties: [
      { kind: 'a', penalty: '1' },
      { kind: 'compute', penalty: '0.1' },
      { kind: 'relay.v2', penalty: '2' },
      { kind: 'storage', penalty: '0.05' },
      { kind: 'z', penalty: '10' },
    ],
  });
  it('returns the penalty of a listed kind', () => {
    expect(UD.formatTrimmed(getDirectionalPenalty(g, 'a'))).to.equal('1');
    expect(UD.formatTrimmed(getDirectionalPenalty(g, 'compute'))).to.equal('0.1');
    expect(UD.formatTrimmed(getDirectionalPenalty(g, 'relay.v2'))).to.equal('2');
    expect(UD.formatTrimmed(getDirectionalPenalty(g, 'storage'))).to.equal('0.05');
    expect(UD.formatTrimmed(getDirectionalPenalty(g, 'z'))).to.equal('10');
  });
  it('returns 0 for a kind without a penalty', () => {
    expect(getDirectionalPenalty(g, 'relay')).to.equal(UD.ZERO);
    expect(getDirectionalPenalty(guidanceWith({ penalties: [] }), 'compute')).to.equal(UD.ZERO);
  });
});

describe('validated guidance and HSMF arithmetic', () => {
  it('never overflows for any guidance parseGuidance accepts, with the largest λ and β (property)', () => {
    const params = {
      ...DEFAULT_PARAMS,
      lambda1: UD.parse('1000'),
      lambda2: UD.parse('1000'),
      beta: UD.parse('1000000'),
    };
    const magnitude = fc.oneof(
      fc.constantFrom('0.000001', '1000000', '1', '0.000001000000000001'),
      fc.bigInt({ min: 10n ** 12n, max: 10n ** 24n }).map((raw) => UD.formatTrimmed(raw as never)),
    );
    fc.assert(
      fc.property(
        fc.array(magnitude, { minLength: 1, maxLength: 16 }),
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.bigInt({ min: 0n, max: 1000n }),
        (mags, sChr, lag) => {
          const g = guidanceWith({
            flxMagnitudes: mags,
            sChr: UD.formatTrimmed(sChr as never),
            forPacket: '0',
          });
          const cm = new CertifiedMath({ pqcCid: 'oracle-test', quantumMetadata: {} });
          const r = validateActionBundle(cm, params, g, lag);
          expect(r.metrics.cHolo > 0n).to.equal(true);
        },
      ),
      { numRuns },
    );
  });
});
