/**
 * TreasuryEngine: the one reward formula (reference §13.2, DESIGN.md §4) and the action fee, with
 * the economic guards of reference §13.4 run against the real tracked supply and daily emission.
 * A guard never fails the bundle: it clips the reward deterministically and the clip is recorded.
 *
 *   m   = 1 + C_holo / 10
 *   CHR = rate_CHR × U × C_holo × m          (U = total units of the bundle's successful actions)
 *   FLX = flxRewardFraction × CHR × m
 *   PSI = rate_PSI × U × C_holo × m,  ATR and RES likewise with their rates
 *   fee = units × (Action_Cost_QFS + directional penalty of the kind) × feeRate   (in FLX, per action)
 * Guards: every token ≤ its daily emission cap minus what the day already minted; CHR also ≤ the CHR
 * supply cap minus the supply; FLX ≤ flxFractionMax × CHR granted; RES ≤ resDrawFractionMax × RES supply.
 * @module
 */
import { UD, type CertifiedMath, type UD128x18 } from '../math';
import type { HsmfMetrics } from './hsmf';
import type { EngineParams } from './params';
import { TOKENS, type Token, type TokenAmounts } from './tokens';

/** Why a reward was clipped. */
export type ClipReason =
  | 'daily-emission-cap'
  | 'chr-supply-cap'
  | 'flx-fraction-max'
  | 'res-draw-max';

/** One clip: the reward asked for, what was granted, and why. */
export type RewardClip = {
  readonly token: Token;
  readonly requested: UD128x18;
  readonly granted: UD128x18;
  readonly reason: ClipReason;
};

export type RewardBundle = {
  readonly requested: TokenAmounts;
  readonly granted: TokenAmounts;
  readonly clips: readonly RewardClip[];
};

const TEN = UD.parse('10');

/**
 * Rewards of a bundle.
 * @param units - U, the total units of the bundle's successful actions
 * @param supply - token supply before the bundle
 * @param mintedToday - rewards already minted today (by ttsTimestamp day)
 */
export function calculateRewards(
  cm: CertifiedMath,
  params: EngineParams,
  metrics: HsmfMetrics,
  units: bigint,
  supply: TokenAmounts,
  mintedToday: TokenAmounts,
): RewardBundle {
  const multiplier = cm.add(UD.UNIT, cm.div(metrics.cHolo, TEN));
  const base = cm.mul(cm.mul(cm.fromInt(units), metrics.cHolo), multiplier);
  const chr = cm.mul(params.rewardRates.CHR, base);
  const requested: Record<Token, UD128x18> = {
    CHR: chr,
    FLX: cm.mul(cm.mul(params.flxRewardFraction, chr), multiplier),
    PSI: cm.mul(params.rewardRates.PSI, base),
    ATR: cm.mul(params.rewardRates.ATR, base),
    RES: cm.mul(params.rewardRates.RES, base),
  };
  const granted: Record<Token, UD128x18> = { ...requested };
  const clips: RewardClip[] = [];
  const clip = (token: Token, limit: UD128x18, reason: ClipReason) => {
    if (cm.gt(granted[token], limit)) {
      granted[token] = limit;
      clips.push(Object.freeze({ token, requested: requested[token], granted: limit, reason }));
    }
  };
  for (const token of TOKENS) {
    const cap = params.dailyEmissionCaps[token];
    clip(
      token,
      cm.gte(mintedToday[token], cap) ? UD.ZERO : cm.sub(cap, mintedToday[token]),
      'daily-emission-cap',
    );
  }
  const chrRoom = cm.gte(supply.CHR, params.chrSupplyCap)
    ? UD.ZERO
    : cm.sub(params.chrSupplyCap, supply.CHR);
  clip('CHR', chrRoom, 'chr-supply-cap');
  clip('FLX', cm.mul(params.flxFractionMax, granted.CHR), 'flx-fraction-max');
  clip('RES', cm.mul(params.resDrawFractionMax, supply.RES), 'res-draw-max');
  return Object.freeze({
    requested: Object.freeze(requested),
    granted: Object.freeze(granted),
    clips: Object.freeze(clips),
  });
}

/**
 * The FLX fee of one action: units × (Action_Cost_QFS + penalty) × feeRate.
 * @param penalty - the directional penalty of the action's kind under the current guidance
 */
export function actionFee(
  cm: CertifiedMath,
  params: EngineParams,
  actionCost: UD128x18,
  penalty: UD128x18,
  units: bigint,
): UD128x18 {
  return cm.mul(cm.mul(cm.fromInt(units), cm.add(actionCost, penalty)), params.feeRate);
}
