/*
 * parseParams
 * ├── undefined → DEFAULT_PARAMS; {} → the defaults too
 * ├── each field overrides its default (maps field by field)
 * └── GENESIS_INVALID naming the field: unknown field, non-string value, malformed decimal,
 *     value outside its range, whole-number fields outside their range
 * DEFAULT_PARAMS: the documented values
 */
import { expect } from 'chai';
import { DEFAULT_PARAMS, GenesisInvalidError, parseParams } from '../../../runtime/engine';
import { UD } from '../../../runtime/math';
import { caught } from '../../support/keys';

function fieldOf(json: unknown): unknown {
  const err = caught(() => parseParams(json));
  expect(err).to.be.instanceOf(GenesisInvalidError);
  return (err as GenesisInvalidError).details.field;
}

describe('parseParams', () => {
  it('returns the defaults for undefined and for {}', () => {
    expect(parseParams(undefined)).to.equal(DEFAULT_PARAMS);
    expect(parseParams({})).to.deep.equal(DEFAULT_PARAMS);
  });

  it('overrides single fields and single map entries', () => {
    const p = parseParams({
      beta: '100',
      rewardRates: { PSI: '0.5' },
      dailyEmissionCaps: { RES: '7' },
      guidanceAgeMaxPackets: '10',
      dayLengthMs: '3600000',
    });
    expect(UD.formatTrimmed(p.beta)).to.equal('100');
    expect(UD.formatTrimmed(p.rewardRates.PSI)).to.equal('0.5');
    expect(p.rewardRates.CHR).to.equal(DEFAULT_PARAMS.rewardRates.CHR);
    expect(UD.formatTrimmed(p.dailyEmissionCaps.RES)).to.equal('7');
    expect(p.guidanceAgeMaxPackets).to.equal(10n);
    expect(p.dayLengthMs).to.equal(3_600_000n);
    expect(p.lambda1).to.equal(DEFAULT_PARAMS.lambda1);
  });

  describe('GENESIS_INVALID', () => {
    const cases: [string, unknown, string][] = [
      ['not an object', [], 'params'],
      ['an unknown field', { gamma: '1' }, 'params.gamma'],
      ['a numeric value', { beta: 4 }, 'params.beta'],
      ['a malformed decimal', { beta: '4.0000000000000000001' }, 'params.beta'],
      [
        'an unknown reward rate (FLX is a fraction of CHR)',
        { rewardRates: { FLX: '1' } },
        'params.rewardRates.FLX',
      ],
      [
        'an unknown metric threshold',
        { dissonanceThresholds: { sChr: '1' } },
        'params.dissonanceThresholds.sChr',
      ],
      ['C_CRIT above 1', { cCrit: '1.000000000000000001' }, 'params.cCrit'],
      ['β above 10^6', { beta: '1000000.000000000000000001' }, 'params.beta'],
      ['λ1 above 1000', { lambda1: '1000.1' }, 'params.lambda1'],
      ['λ2 above 1000', { lambda2: '1001' }, 'params.lambda2'],
      ['φ below 1', { phi: '0.999999999999999999' }, 'params.phi'],
      ['φ above 2', { phi: '2.000000000000000001' }, 'params.phi'],
      ['a fee rate above 1', { feeRate: '1.01' }, 'params.feeRate'],
      ['flxRewardFraction above 1', { flxRewardFraction: '2' }, 'params.flxRewardFraction'],
      ['flxFractionMax above 1', { flxFractionMax: '2' }, 'params.flxFractionMax'],
      ['resDrawFractionMax above 1', { resDrawFractionMax: '2' }, 'params.resDrawFractionMax'],
      ['a reward rate above 10^6', { rewardRates: { CHR: '1000001' } }, 'params.rewardRates.CHR'],
      ['guidanceAgeMaxPackets 0', { guidanceAgeMaxPackets: '0' }, 'params.guidanceAgeMaxPackets'],
      [
        'a non-numeric whole number',
        { guidanceAgeMaxPackets: '1.5' },
        'params.guidanceAgeMaxPackets',
      ],
      [
        'dissonanceEscalationCount above 1000',
        { dissonanceEscalationCount: '1001' },
        'params.dissonanceEscalationCount',
      ],
      ['a day shorter than 1 s', { dayLengthMs: '999' }, 'params.dayLengthMs'],
    ];
    for (const [name, json, field] of cases) {
      it(`rejects ${name} (field ${field})`, () => expect(fieldOf(json)).to.equal(field));
    }
  });
});

describe('DEFAULT_PARAMS', () => {
  it('has the documented values', () => {
    const p = DEFAULT_PARAMS;
    const show = (x: bigint) => UD.formatTrimmed(x as never);
    expect({
      lambda1: show(p.lambda1),
      lambda2: show(p.lambda2),
      cCrit: show(p.cCrit),
      beta: show(p.beta),
      phi: show(p.phi),
      feeRate: show(p.feeRate),
      flxRewardFraction: show(p.flxRewardFraction),
      flxFractionMax: show(p.flxFractionMax),
      resDrawFractionMax: show(p.resDrawFractionMax),
      chrSupplyCap: show(p.chrSupplyCap),
      rewardPerAddressMax: show(p.rewardPerAddressMax),
      guidanceAgeMaxPackets: p.guidanceAgeMaxPackets,
      dissonanceEscalationCount: p.dissonanceEscalationCount,
      dayLengthMs: p.dayLengthMs,
    }).to.deep.equal({
      lambda1: '1.618033988749894848',
      lambda2: '0.618033988749894848',
      cCrit: '0.5',
      beta: '4',
      phi: '1.618033988749894848',
      feeRate: '0.01',
      flxRewardFraction: '0.1',
      flxFractionMax: '0.2',
      resDrawFractionMax: '0.05',
      chrSupplyCap: '1000000000',
      rewardPerAddressMax: '1000000',
      guidanceAgeMaxPackets: 1000n,
      dissonanceEscalationCount: 3n,
      dayLengthMs: 86_400_000n,
    });
  });
  it('is frozen', () => {
    expect(Object.isFrozen(DEFAULT_PARAMS)).to.equal(true);
  });
});
