/*
 * validateActionBundle
 * ├── worked example (β 4, S_CHR 0.9, magnitudes 1 2 3, forPacket 3 at packet 5): every metric by hand
 * ├── the healthy default guidance: S_RES 0.01, S_FLX 0, C_holo 1/1.01
 * ├── agrees with a decimal.js emulation of the formulas (property)
 * ├── survival imperative: strict (S_CHR = C_CRIT fails, C_CRIT + 1 ulp passes)
 * ├── DEZ: f_ATR > 1 fails (guidance validation keeps it out; HSMF still reports it)
 * ├── ATR coherence: informative only
 * ├── S_Ψ: |forPacket − sequence| in both directions
 * └── records every operation in the bundle's op log
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { DEFAULT_PARAMS, validateActionBundle, type Guidance } from '../../../runtime/engine';
import { CertifiedMath, UD, type UD128x18 } from '../../../runtime/math';
import { guidanceWith } from '../../support/engine';
import { numRuns } from '../../support/num-runs';
import { OracleDecimal, fromRaw, toRawTruncated } from '../../support/oracle';

const u = UD.parse;
const f = UD.format;
const newCm = () => new CertifiedMath({ pqcCid: 'hsmf-test', quantumMetadata: {} });

function guidance(fields: Partial<Guidance>): Guidance {
  return { ...guidanceWith(), ...fields };
}

describe('validateActionBundle', () => {
  describe('worked example (β = 4, S_CHR = 0.9, magnitudes 1, 2, 3, forPacket 3, packet 5)', () => {
    // S_RES  = 4 · (1 − 0.9)² = 0.04
    // S_FLX  = |2/1 − φ| + |3/2 − φ| = 0.381966011250105152 + 0.118033988749894848 = 0.5
    // S_Ψ    = |3 − 5| = 2
    // Action = 0.04 + λ1·0.5 + λ2·2 + 0.05
    //        = 0.04 + 0.809016994374947424 + 1.236067977499789696 + 0.05 = 2.13508497187473712
    // C_holo = 1 / (1 + 0.04 + 0.5 + 2) = 1 / 3.54 = 0.282485875706214689 (truncated)
    const g = guidance({
      sChr: u('0.9'),
      fAtr: u('0.05'),
      flxMagnitudes: [u('1'), u('2'), u('3')],
      forPacket: 3n,
    });
    const result = validateActionBundle(newCm(), DEFAULT_PARAMS, g, 5n);

    it('computes S_RES, S_FLX and S_Ψ', () => {
      expect(f(result.metrics.sRes)).to.equal('0.040000000000000000');
      expect(f(result.metrics.sFlx)).to.equal('0.500000000000000000');
      expect(f(result.metrics.sPsi)).to.equal('2.000000000000000000');
    });
    it('computes Action_Cost_QFS = S_RES + λ1·S_FLX + λ2·S_Ψ + f_ATR', () => {
      expect(f(result.metrics.actionCost)).to.equal('2.135084971874737120');
    });
    it('computes C_holo = 1 / (1 + S_RES + S_FLX + S_Ψ), truncated', () => {
      expect(f(result.metrics.cHolo)).to.equal('0.282485875706214689');
    });
    it('passes DEZ and survival, and reports ATR coherence (0.05 ≤ 1 % of 10)', () => {
      expect(result).to.include({ dezOk: true, survivalOk: true, atrCoherent: true, valid: true });
    });
    it('passes the guidance values through (S_CHR, f_ATR)', () => {
      expect(f(result.metrics.sChr)).to.equal('0.900000000000000000');
      expect(f(result.metrics.fAtr)).to.equal('0.050000000000000000');
    });
  });

  describe('with the healthy default guidance at packet 0', () => {
    const result = validateActionBundle(newCm(), DEFAULT_PARAMS, guidanceWith(), 0n);
    it('gives S_RES = 4·0.05² = 0.01, S_FLX = 0 (magnitudes 1, φ, φ²), S_Ψ = 0', () => {
      expect(f(result.metrics.sRes)).to.equal('0.010000000000000000');
      expect(f(result.metrics.sFlx)).to.equal('0.000000000000000000');
      expect(f(result.metrics.sPsi)).to.equal('0.000000000000000000');
    });
    it('gives C_holo = 1/1.01 near 1 and Action_Cost = 0.01 + 0.05', () => {
      expect(f(result.metrics.cHolo)).to.equal('0.990099009900990099');
      expect(f(result.metrics.actionCost)).to.equal('0.060000000000000000');
    });
  });

  describe('S_Ψ', () => {
    it('is the lag in either direction: |forPacket − sequence|', () => {
      const g = guidance({ forPacket: 10n });
      expect(f(validateActionBundle(newCm(), DEFAULT_PARAMS, g, 4n).metrics.sPsi)).to.equal(
        '6.000000000000000000',
      );
      expect(f(validateActionBundle(newCm(), DEFAULT_PARAMS, g, 13n).metrics.sPsi)).to.equal(
        '3.000000000000000000',
      );
    });
  });

  describe('S_FLX', () => {
    it('is 0 with a single magnitude (no ratio to compare)', () => {
      const g = guidance({ flxMagnitudes: [u('7')] });
      expect(validateActionBundle(newCm(), DEFAULT_PARAMS, g, 0n).metrics.sFlx).to.equal(UD.ZERO);
    });
    it('uses φ from the parameters', () => {
      const g = guidance({ flxMagnitudes: [u('1'), u('1.5')] });
      const params = { ...DEFAULT_PARAMS, phi: u('1.5') };
      expect(validateActionBundle(newCm(), params, g, 0n).metrics.sFlx).to.equal(UD.ZERO);
    });
  });

  describe('survival imperative (strict: S_CHR > C_CRIT)', () => {
    it('fails when S_CHR equals C_CRIT', () => {
      const r = validateActionBundle(newCm(), DEFAULT_PARAMS, guidance({ sChr: u('0.5') }), 0n);
      expect(r).to.include({ survivalOk: false, dezOk: true, valid: false });
    });
    it('fails below C_CRIT and still computes every metric', () => {
      const r = validateActionBundle(newCm(), DEFAULT_PARAMS, guidance({ sChr: u('0.1') }), 0n);
      expect(r.valid).to.equal(false);
      // S_RES = 4 · 0.9² = 3.24; C_holo = 1 / 4.24.
      expect(f(r.metrics.sRes)).to.equal('3.240000000000000000');
      expect(f(r.metrics.cHolo)).to.equal('0.235849056603773584');
    });
    it('passes one ulp above C_CRIT', () => {
      const sChr = (u('0.5') + 1n) as UD128x18;
      const r = validateActionBundle(newCm(), DEFAULT_PARAMS, guidance({ sChr }), 0n);
      expect(r).to.include({ survivalOk: true, valid: true });
    });
    it('takes C_CRIT from the parameters', () => {
      const params = { ...DEFAULT_PARAMS, cCrit: u('0.95') };
      const r = validateActionBundle(newCm(), params, guidanceWith(), 0n);
      expect(r.survivalOk).to.equal(false);
    });
  });

  describe('DEZ (f_ATR ∈ [0, 1])', () => {
    it('holds at f_ATR = 1', () => {
      const r = validateActionBundle(newCm(), DEFAULT_PARAMS, guidance({ fAtr: UD.UNIT }), 0n);
      expect(r.dezOk).to.equal(true);
    });
    it('fails at f_ATR = 1 + 1 ulp (the bundle is invalid)', () => {
      const fAtr = (UD.UNIT + 1n) as UD128x18;
      const r = validateActionBundle(newCm(), DEFAULT_PARAMS, guidance({ fAtr }), 0n);
      expect(r).to.include({ dezOk: false, survivalOk: true, valid: false });
    });
  });

  describe('ATR coherence (f_ATR ≤ 1 % of the ATR magnitude)', () => {
    it('is reported but does not invalidate the bundle', () => {
      const g = guidance({ fAtr: u('0.2'), atrMagnitude: u('10') });
      const r = validateActionBundle(newCm(), DEFAULT_PARAMS, g, 0n);
      expect(r).to.include({ atrCoherent: false, valid: true });
    });
    it('holds exactly at the threshold', () => {
      const g = guidance({ fAtr: u('0.1'), atrMagnitude: u('10') });
      expect(validateActionBundle(newCm(), DEFAULT_PARAMS, g, 0n).atrCoherent).to.equal(true);
    });
  });

  it('records its arithmetic in the op log', () => {
    const cm = newCm();
    validateActionBundle(cm, DEFAULT_PARAMS, guidanceWith(), 0n);
    const ops = cm.entries.map((e) => e.op);
    expect(ops).to.include.members(['lte', 'gt', 'sub', 'mul', 'div', 'absDiff', 'add']);
    expect(cm.entryCount).to.be.greaterThan(10);
  });

  it('agrees with a decimal.js emulation of the formulas (property)', () => {
    const D = OracleDecimal;
    const trunc = (x: InstanceType<typeof D>) => x.toDecimalPlaces(18, D.ROUND_DOWN);
    const raw = (lo: bigint, hi: bigint) => fc.bigInt({ min: lo, max: hi });
    fc.assert(
      fc.property(
        raw(0n, UD.UNIT),
        raw(0n, UD.UNIT),
        fc.array(raw(10n ** 12n, 10n ** 24n), { minLength: 1, maxLength: 16 }),
        fc.bigInt({ min: 0n, max: 1000n }),
        fc.bigInt({ min: 0n, max: 1000n }),
        (sChr, fAtr, mags, forPacket, sequence) => {
          const g = guidance({
            sChr: sChr as UD128x18,
            fAtr: fAtr as UD128x18,
            flxMagnitudes: mags as UD128x18[],
            forPacket,
          });
          const p = DEFAULT_PARAMS;
          const { metrics } = validateActionBundle(newCm(), p, g, sequence);
          const gap = new D(1).sub(fromRaw(sChr));
          const sRes = trunc(fromRaw(p.beta).mul(trunc(gap.mul(gap))));
          let sFlx = new D(0);
          for (let i = 1; i < mags.length; i++) {
            const ratio = trunc(fromRaw(mags[i] as bigint).div(fromRaw(mags[i - 1] as bigint)));
            sFlx = sFlx.add(ratio.sub(fromRaw(p.phi)).abs());
          }
          const sPsi = new D((forPacket - sequence).toString()).abs();
          const cost = sRes
            .add(trunc(fromRaw(p.lambda1).mul(sFlx)))
            .add(trunc(fromRaw(p.lambda2).mul(sPsi)))
            .add(fromRaw(fAtr));
          const cHolo = trunc(new D(1).div(new D(1).add(sRes).add(sFlx).add(sPsi)));
          expect(metrics.sRes).to.equal(toRawTruncated(sRes));
          expect(metrics.sFlx).to.equal(toRawTruncated(sFlx));
          expect(metrics.sPsi).to.equal(toRawTruncated(sPsi));
          expect(metrics.actionCost).to.equal(toRawTruncated(cost));
          expect(metrics.cHolo).to.equal(toRawTruncated(cHolo));
        },
      ),
      { numRuns },
    );
  });
});
