/**
 * HSMF (Harmonic Stability & Action-cost Framework): the bundle metrics of reference §8.1, with
 * DESIGN.md's choices — the survival imperative is strict (S_CHR > C_CRIT), and β, λ1, λ2, C_CRIT, φ
 * come from the genesis. Every operation goes through the bundle's CertifiedMath.
 *
 *   S_RES          = β · (1 − S_CHR)²
 *   S_FLX          = Σᵢ₌₁ⁿ⁻¹ | mᵢ / mᵢ₋₁ − φ |                (FLX magnitudes of the guidance)
 *   S_Ψ            = | forPacket − DRV sequence |          (packets the guidance lags behind)
 *   Action_Cost    = S_RES + λ1·S_FLX + λ2·S_Ψ + f_ATR
 *   C_holo         = 1 / (1 + S_RES + S_FLX + S_Ψ)
 * Checks: DEZ (f_ATR ∈ [0, 1]), survival (S_CHR > C_CRIT), ATR coherence (f_ATR ≤ 1 % of the ATR
 * magnitude; recorded, not enforced). A failed survival imperative means the bundle is not committed.
 * @module
 */
import { UD, type CertifiedMath, type UD128x18 } from '../math';
import type { EngineParams } from './params';
import type { Guidance } from './utility-oracle';

/** HSMF's metrics, all unsigned fixed point. */
export type HsmfMetrics = {
  readonly sChr: UD128x18;
  readonly sRes: UD128x18;
  readonly sFlx: UD128x18;
  readonly sPsi: UD128x18;
  readonly fAtr: UD128x18;
  readonly actionCost: UD128x18;
  readonly cHolo: UD128x18;
};

export type HsmfResult = {
  readonly metrics: HsmfMetrics;
  readonly dezOk: boolean;
  readonly survivalOk: boolean;
  readonly atrCoherent: boolean;
  /** DEZ and survival hold (ATR coherence is informative). */
  readonly valid: boolean;
};

const ONE_PERCENT = UD.parse('0.01');

/**
 * Computes every metric and check of a bundle (all of them, even when a check fails).
 * @param guidance - the guidance in force when the bundle opens
 * @param packetSequence - the DRV packet's sequence
 */
export function validateActionBundle(
  cm: CertifiedMath,
  params: EngineParams,
  guidance: Guidance,
  packetSequence: bigint,
): HsmfResult {
  const { sChr, fAtr } = guidance;
  const dezOk = cm.lte(fAtr, UD.UNIT);
  const survivalOk = cm.gt(sChr, params.cCrit);
  const atrCoherent = cm.lte(fAtr, cm.mul(guidance.atrMagnitude, ONE_PERCENT));
  const sRes = resonance(cm, params, sChr);
  const sFlx = flux(cm, params, guidance.flxMagnitudes);
  const sPsi = cm.absDiff(cm.fromInt(guidance.forPacket), cm.fromInt(packetSequence));
  const weighted = cm.add(cm.mul(params.lambda1, sFlx), cm.mul(params.lambda2, sPsi));
  const actionCost = cm.add(cm.add(sRes, weighted), fAtr);
  const dissonance = cm.add(cm.add(sRes, sFlx), sPsi);
  const cHolo = cm.div(UD.UNIT, cm.add(UD.UNIT, dissonance));
  const metrics = Object.freeze({ sChr, sRes, sFlx, sPsi, fAtr, actionCost, cHolo });
  return Object.freeze({ metrics, dezOk, survivalOk, atrCoherent, valid: dezOk && survivalOk });
}

function resonance(cm: CertifiedMath, params: EngineParams, sChr: UD128x18): UD128x18 {
  const gap = cm.sub(UD.UNIT, sChr); // S_CHR ≤ 1 is guaranteed by guidance validation
  return cm.mul(params.beta, cm.mul(gap, gap));
}

function flux(cm: CertifiedMath, params: EngineParams, magnitudes: readonly UD128x18[]): UD128x18 {
  let sum = UD.ZERO;
  for (let i = 1; i < magnitudes.length; i++) {
    const ratio = cm.div(magnitudes[i] as UD128x18, magnitudes[i - 1] as UD128x18); // magnitudes > 0
    sum = cm.add(sum, cm.absDiff(ratio, params.phi));
  }
  return sum;
}
