/*
 * calculateRewards
 * ├── C_holo = 1, U = 10: multiplier 1.1 → CHR 11, FLX 1.21, PSI 1.1, ATR 0.55, RES 0.22 (by hand)
 * ├── C_holo = 0.5, U = 4: multiplier 1.05 → CHR 2.1, FLX 0.2205, PSI 0.21, ATR 0.105, RES 0.042
 * ├── U = 0: every reward 0, no clip
 * ├── clips, each recorded with requested, granted and reason:
 * │   ├── daily emission cap (what the day already minted counts; a full day grants 0)
 * │   ├── CHR supply cap (room = cap − supply; none when the supply is at the cap)
 * │   ├── FLX fraction (FLX ≤ flxFractionMax × the CHR granted, after CHR's own clips)
 * │   └── RES draw (RES ≤ resDrawFractionMax × RES supply)
 * └── through executeBundle: the daily cap resets when the ttsTimestamp day rolls over
 * actionFee
 * └── units × (Action_Cost + penalty) × feeRate
 */
import { expect } from 'chai';
import {
  actionFee,
  amountsJson,
  calculateRewards,
  DEFAULT_PARAMS,
  ZERO_AMOUNTS,
  type EngineParams,
  type HsmfMetrics,
  type TokenAmounts,
} from '../../../runtime/engine';
import { CertifiedMath, UD } from '../../../runtime/math';
import { actionBody } from '../../../runtime/sdk/tx-builder';
import { genesisState, keys, preverify, runBundle, unsignedTx } from '../../support/engine';

const u = UD.parse;
const newCm = () => new CertifiedMath({ pqcCid: 'treasury-test', quantumMetadata: {} });

function metrics(cHolo: string): HsmfMetrics {
  const z = UD.ZERO;
  return { sChr: UD.UNIT, sRes: z, sFlx: z, sPsi: z, fAtr: z, actionCost: z, cHolo: u(cHolo) };
}

function amounts(values: Partial<Record<'CHR' | 'FLX' | 'PSI' | 'ATR' | 'RES', string>>) {
  const out = { ...ZERO_AMOUNTS } as Record<string, ReturnType<typeof u>>;
  for (const [token, value] of Object.entries(values)) out[token] = u(value);
  return out as TokenAmounts;
}

const trimmed = (a: TokenAmounts) => {
  const json = amountsJson(a);
  const out: Record<string, string> = {};
  for (const token of Object.keys(json)) out[token] = UD.formatTrimmed(a[token as 'CHR']);
  return out;
};

const BIG_SUPPLY = amounts({ CHR: '1000', FLX: '1000', PSI: '1000', ATR: '1000', RES: '1000' });

function rewards(
  cHolo: string,
  units: bigint,
  options: { params?: Partial<EngineParams>; supply?: TokenAmounts; minted?: TokenAmounts } = {},
) {
  return calculateRewards(
    newCm(),
    { ...DEFAULT_PARAMS, ...options.params },
    metrics(cHolo),
    units,
    options.supply ?? BIG_SUPPLY,
    options.minted ?? ZERO_AMOUNTS,
  );
}

describe('calculateRewards', function () {
  // Bundles sign and verify their DRV packets (and some transactions) with ML-DSA-87.
  this.timeout(60_000);
  describe('when C_holo = 1 and U = 10', () => {
    // multiplier = 1 + 1/10 = 1.1; base = U × C_holo × multiplier = 11
    it('grants CHR = 1·11, FLX = 0.1·11·1.1, PSI = 0.1·11, ATR = 0.05·11, RES = 0.02·11', () => {
      const r = rewards('1', 10n);
      expect(trimmed(r.granted)).to.deep.equal({
        CHR: '11',
        FLX: '1.21',
        PSI: '1.1',
        ATR: '0.55',
        RES: '0.22',
      });
      expect(r.requested).to.deep.equal(r.granted);
      expect(r.clips).to.deep.equal([]);
    });
  });

  describe('when C_holo = 0.5 and U = 4', () => {
    // multiplier = 1.05; base = 4 × 0.5 × 1.05 = 2.1
    it('grants CHR 2.1, FLX 0.2205, PSI 0.21, ATR 0.105, RES 0.042', () => {
      expect(trimmed(rewards('0.5', 4n).granted)).to.deep.equal({
        CHR: '2.1',
        FLX: '0.2205',
        PSI: '0.21',
        ATR: '0.105',
        RES: '0.042',
      });
    });
  });

  describe('when C_holo is not a round number (1/1.01, U = 5)', () => {
    // multiplier = 1 + 0.099009900990099009 = 1.099009900990099009
    // U·C_holo = 4.950495049504950495; × multiplier = 5.440643074208410935 (truncated), etc.
    it('truncates every product toward zero', () => {
      const r = rewards('0.990099009900990099', 5n);
      expect(UD.format(r.granted.CHR)).to.equal('5.440643074208410935');
      expect(UD.format(r.granted.FLX)).to.equal('0.597932060630825359');
    });
  });

  describe('when U = 0', () => {
    it('grants nothing and clips nothing', () => {
      const r = rewards('1', 0n);
      expect(r.granted).to.deep.equal(ZERO_AMOUNTS);
      expect(r.clips).to.deep.equal([]);
    });
  });

  describe('daily emission cap', () => {
    const caps = amounts({ CHR: '100', FLX: '100', PSI: '100', ATR: '100', RES: '100' });
    it('clips to the cap minus what the day already minted', () => {
      const r = rewards('1', 10n, {
        params: { dailyEmissionCaps: caps },
        minted: amounts({ CHR: '95' }),
      });
      expect(UD.formatTrimmed(r.granted.CHR)).to.equal('5');
      expect(r.clips[0]).to.deep.equal({
        token: 'CHR',
        requested: u('11'),
        granted: u('5'),
        reason: 'daily-emission-cap',
      });
    });
    it('grants 0 once the day has minted the cap (or more)', () => {
      const r = rewards('1', 10n, {
        params: { dailyEmissionCaps: caps },
        minted: amounts({ PSI: '100', ATR: '250' }),
      });
      expect(r.granted.PSI).to.equal(UD.ZERO);
      expect(r.granted.ATR).to.equal(UD.ZERO);
      expect(r.clips.map((c) => [c.token, c.reason])).to.deep.equal([
        ['PSI', 'daily-emission-cap'],
        ['ATR', 'daily-emission-cap'],
      ]);
    });
    it('does not clip a reward exactly at the remaining room', () => {
      const r = rewards('1', 10n, {
        params: { dailyEmissionCaps: caps },
        minted: amounts({ CHR: '89' }),
      });
      expect(UD.formatTrimmed(r.granted.CHR)).to.equal('11');
      expect(r.clips).to.deep.equal([]);
    });
  });

  describe('CHR supply cap', () => {
    it('clips CHR to the room left under the cap', () => {
      const r = rewards('1', 10n, {
        params: { chrSupplyCap: u('1000') },
        supply: { ...BIG_SUPPLY, CHR: u('995') },
      });
      expect(UD.formatTrimmed(r.granted.CHR)).to.equal('5');
      expect(r.clips[0]?.reason).to.equal('chr-supply-cap');
      // FLX then follows the clipped CHR: 1.21 > 0.2 × 5 = 1.
      expect(UD.formatTrimmed(r.granted.FLX)).to.equal('1');
      expect(r.clips[1]).to.deep.include({ token: 'FLX', reason: 'flx-fraction-max' });
    });
    it('grants no CHR when the supply is at (or above) the cap', () => {
      const r = rewards('1', 10n, {
        params: { chrSupplyCap: u('1000') },
        supply: { ...BIG_SUPPLY, CHR: u('1000') },
      });
      expect(r.granted.CHR).to.equal(UD.ZERO);
      expect(r.granted.FLX).to.equal(UD.ZERO);
    });
  });

  describe('FLX fraction', () => {
    it('clips FLX to flxFractionMax × CHR granted', () => {
      // flxRewardFraction 1: FLX requested = 1 × 11 × 1.1 = 12.1 > 0.2 × 11 = 2.2.
      const r = rewards('1', 10n, { params: { flxRewardFraction: UD.UNIT } });
      expect(UD.formatTrimmed(r.requested.FLX)).to.equal('12.1');
      expect(UD.formatTrimmed(r.granted.FLX)).to.equal('2.2');
      expect(r.clips).to.deep.equal([
        { token: 'FLX', requested: u('12.1'), granted: u('2.2'), reason: 'flx-fraction-max' },
      ]);
    });
    it('records both clips when the daily cap and the fraction both bite', () => {
      const r = rewards('1', 10n, {
        params: {
          flxRewardFraction: UD.UNIT,
          dailyEmissionCaps: { ...DEFAULT_PARAMS.dailyEmissionCaps, FLX: u('3') },
        },
      });
      expect(r.clips.map((c) => [c.token, c.reason, UD.formatTrimmed(c.granted)])).to.deep.equal([
        ['FLX', 'daily-emission-cap', '3'],
        ['FLX', 'flx-fraction-max', '2.2'],
      ]);
    });
  });

  describe('RES draw', () => {
    it('clips RES to resDrawFractionMax × the RES supply', () => {
      // RES requested 0.22 > 0.05 × 2 = 0.1.
      const r = rewards('1', 10n, { supply: { ...BIG_SUPPLY, RES: u('2') } });
      expect(UD.formatTrimmed(r.granted.RES)).to.equal('0.1');
      expect(r.clips).to.deep.equal([
        { token: 'RES', requested: u('0.22'), granted: u('0.1'), reason: 'res-draw-max' },
      ]);
    });
    it('grants no RES when there is no RES supply', () => {
      const r = rewards('1', 10n, { supply: { ...BIG_SUPPLY, RES: UD.ZERO } });
      expect(r.granted.RES).to.equal(UD.ZERO);
    });
  });

  describe('when the ttsTimestamp day rolls over (through executeBundle)', () => {
    // CHR capped at 8 per day; each bundle asks for more (U = 100: CHR ≈ 109 at packet 0, ≈ 34 at packet 2).
    const params = { dailyEmissionCaps: { CHR: '8' } };
    const a = keys.user(0);
    const bundle = (state: ReturnType<typeof genesisState>, nonce: bigint, stepMs: bigint) => {
      const t = [unsignedTx(a.address, nonce, actionBody('relay', 100n))];
      return runBundle(state, t, { preverified: preverify(t), stepMs });
    };
    it('grants the cap, then 0 the same day, then the cap again the next day', () => {
      const s0 = genesisState(1, params);
      const r1 = bundle(s0, 1n, 1000n);
      expect(UD.formatTrimmed(r1.rewards.granted.CHR)).to.equal('8');
      expect(r1.rewards.clips[0]?.reason).to.equal('daily-emission-cap');
      expect(UD.formatTrimmed(r1.state.emission.minted.CHR)).to.equal('8');
      const r2 = bundle(r1.state, 2n, 1000n);
      expect(r2.rewards.granted.CHR).to.equal(UD.ZERO);
      expect(r2.state.emission.day).to.equal(r1.state.emission.day);
      const r3 = bundle(r2.state, 3n, 86_400_000n);
      expect(r3.state.emission.day).to.equal(r1.state.emission.day + 1n);
      expect(UD.formatTrimmed(r3.rewards.granted.CHR)).to.equal('8');
      expect(UD.formatTrimmed(r3.state.emission.minted.CHR)).to.equal('8');
    });
    it('counts the days in ttsTimestamp ms / dayLengthMs', () => {
      const s0 = genesisState(1, params);
      expect(s0.emission.day).to.equal(1_767_225_600_000n / 86_400_000n);
    });
  });
});

describe('actionFee', () => {
  it('is units × (Action_Cost + penalty) × feeRate', () => {
    // 5 × (0.06 + 0.1) × 0.01 = 0.008
    const fee = actionFee(newCm(), DEFAULT_PARAMS, u('0.06'), u('0.1'), 5n);
    expect(UD.formatTrimmed(fee)).to.equal('0.008');
  });
  it('is 0 when the fee rate is 0', () => {
    const params = { ...DEFAULT_PARAMS, feeRate: UD.ZERO };
    expect(actionFee(newCm(), params, u('3'), u('1'), 1000n)).to.equal(UD.ZERO);
  });
  it('truncates toward zero', () => {
    // 1 × 0.000000000000000033 × 0.01 = 3.3e-19 → 0
    expect(actionFee(newCm(), DEFAULT_PARAMS, 33n as never, UD.ZERO, 1n)).to.equal(UD.ZERO);
  });
});
