/**
 * Engine parameters: the HSMF constants (λ1, λ2, C_CRIT, β, φ), reward rates, the fee rate, the
 * economic guard limits of reference §13.1 that the treasury enforces, and the CIR-511 thresholds.
 * Set once by the genesis; every value is validated. Defaults are chosen so that a healthy system
 * (S_CHR near 1, FLX magnitudes in golden ratio, fresh guidance) has C_holo near 1 (DESIGN.md §4):
 * with β = 4, S_CHR = 0.95 gives S_RES = 0.01 and C_holo ≈ 0.990.
 * @module
 */
import { UD, type UD128x18 } from '../math';
import { shapeChecker } from '../codec';
import { GenesisInvalidError } from './errors';
import { TOKENS, type Token, type TokenAmounts } from './tokens';

/** Metric names watched by CIR-511. */
export const METRIC_NAMES = Object.freeze(['sRes', 'sFlx', 'sPsi', 'actionCost', 'cHolo'] as const);
export type MetricName = (typeof METRIC_NAMES)[number];

export type EngineParams = {
  /** Weight of S_FLX in Action_Cost_QFS. */
  readonly lambda1: UD128x18;
  /** Weight of S_Ψ in Action_Cost_QFS. */
  readonly lambda2: UD128x18;
  /** Survival threshold: a bundle needs S_CHR > C_CRIT (strict). */
  readonly cCrit: UD128x18;
  /** Resonance penalty: S_RES = β·(1 − S_CHR)². */
  readonly beta: UD128x18;
  /** The golden ratio the FLX magnitudes are compared with. */
  readonly phi: UD128x18;
  /** Reward per action unit at C_holo = 1 (before the 1 + C_holo/10 multiplier); FLX is a fraction of CHR. */
  readonly rewardRates: Readonly<Record<Exclude<Token, 'FLX'>, UD128x18>>;
  /** FLX reward = flxRewardFraction × CHR × (1 + C_holo/10). */
  readonly flxRewardFraction: UD128x18;
  /** FLX fee per action = units × (Action_Cost_QFS + directional penalty) × feeRate. */
  readonly feeRate: UD128x18;
  /** Most of each token minted as rewards per day (by ttsTimestamp day). */
  readonly dailyEmissionCaps: TokenAmounts;
  /** CHR supply never exceeds this (reference CHR_SATURATION_THRESHOLD). */
  readonly chrSupplyCap: UD128x18;
  /** FLX reward at most this fraction of the CHR reward (reference FLX MAX fraction). */
  readonly flxFractionMax: UD128x18;
  /** RES reward at most this fraction of the RES supply per bundle (reference RES_MAX_DRAW_PER_EPOCH). */
  readonly resDrawFractionMax: UD128x18;
  /** Most of one token one address receives per bundle; the rest goes to the treasury. */
  readonly rewardPerAddressMax: UD128x18;
  /** Guidance older than this many packets is stale and rejected. */
  readonly guidanceAgeMaxPackets: bigint;
  /** CIR-511: a metric moving more than its threshold between consecutive bundles is dissonant. */
  readonly dissonanceThresholds: Readonly<Record<MetricName, UD128x18>>;
  /** CIR-511 escalates to CIR-302 after this many dissonant bundles in a row. */
  readonly dissonanceEscalationCount: bigint;
  /** Length of an emission day in ms. */
  readonly dayLengthMs: bigint;
  /**
   * HolonetSync: cosignatures a bundle needs to be confirmed. 0 (the default) means a majority of
   * the replicas active at the bundle's height, ⌊n/2⌋ + 1; k > 0 means exactly k (a bundle is never
   * confirmed while fewer than k replicas are active). docs/sync.md, Membership.
   */
  readonly replicaQuorum: bigint;
};

const u = UD.parse;

export const DEFAULT_PARAMS: EngineParams = Object.freeze({
  lambda1: u('1.618033988749894848'),
  lambda2: u('0.618033988749894848'),
  cCrit: u('0.5'),
  beta: u('4'),
  phi: u('1.618033988749894848'),
  rewardRates: Object.freeze({ CHR: u('1'), PSI: u('0.1'), ATR: u('0.05'), RES: u('0.02') }),
  flxRewardFraction: u('0.1'),
  feeRate: u('0.01'),
  dailyEmissionCaps: Object.freeze({
    CHR: u('10000000'),
    FLX: u('1000000'),
    PSI: u('1000000'),
    ATR: u('1000000'),
    RES: u('1000000'),
  }),
  chrSupplyCap: u('1000000000'),
  flxFractionMax: u('0.2'),
  resDrawFractionMax: u('0.05'),
  rewardPerAddressMax: u('1000000'),
  guidanceAgeMaxPackets: 1000n,
  dissonanceThresholds: Object.freeze({
    sRes: u('1'),
    sFlx: u('1'),
    sPsi: u('100'),
    actionCost: u('2'),
    cHolo: u('0.5'),
  }),
  dissonanceEscalationCount: 3n,
  dayLengthMs: 86_400_000n,
  replicaQuorum: 0n,
});

/**
 * Reads parameters from genesis JSON: every field optional (defaults above), every value a decimal
 * string, and every value checked against its range.
 * @throws {GenesisInvalidError} naming the field
 */
export function parseParams(json: unknown): EngineParams {
  if (json === undefined) return DEFAULT_PARAMS;
  const obj = record(json, 'params');
  allowOnly(obj, Object.keys(DEFAULT_PARAMS).sort(), 'params');
  const d = DEFAULT_PARAMS;
  const params: EngineParams = {
    lambda1: udField(obj, 'lambda1', d.lambda1),
    lambda2: udField(obj, 'lambda2', d.lambda2),
    cCrit: udField(obj, 'cCrit', d.cCrit),
    beta: udField(obj, 'beta', d.beta),
    phi: udField(obj, 'phi', d.phi),
    rewardRates: udMap(obj, 'rewardRates', ['CHR', 'PSI', 'ATR', 'RES'], d.rewardRates),
    flxRewardFraction: udField(obj, 'flxRewardFraction', d.flxRewardFraction),
    feeRate: udField(obj, 'feeRate', d.feeRate),
    dailyEmissionCaps: udMap(obj, 'dailyEmissionCaps', TOKENS, d.dailyEmissionCaps),
    chrSupplyCap: udField(obj, 'chrSupplyCap', d.chrSupplyCap),
    flxFractionMax: udField(obj, 'flxFractionMax', d.flxFractionMax),
    resDrawFractionMax: udField(obj, 'resDrawFractionMax', d.resDrawFractionMax),
    rewardPerAddressMax: udField(obj, 'rewardPerAddressMax', d.rewardPerAddressMax),
    guidanceAgeMaxPackets: intField(
      obj,
      'guidanceAgeMaxPackets',
      d.guidanceAgeMaxPackets,
      1n,
      1_000_000n,
    ),
    dissonanceThresholds: udMap(obj, 'dissonanceThresholds', METRIC_NAMES, d.dissonanceThresholds),
    dissonanceEscalationCount: intField(
      obj,
      'dissonanceEscalationCount',
      d.dissonanceEscalationCount,
      1n,
      1000n,
    ),
    dayLengthMs: intField(obj, 'dayLengthMs', d.dayLengthMs, 1000n, 31_536_000_000n),
    replicaQuorum: intField(obj, 'replicaQuorum', d.replicaQuorum, 0n, 1024n),
  };
  checkRanges(params);
  return Object.freeze(params);
}

function checkRanges(p: EngineParams): void {
  const one = UD.UNIT;
  const within = (field: string, value: UD128x18, lo: UD128x18, hi: UD128x18) => {
    if (value < lo || value > hi) {
      throw new GenesisInvalidError(
        `params.${field}`,
        `must lie in [${UD.formatTrimmed(lo)}, ${UD.formatTrimmed(hi)}]`,
      );
    }
  };
  within('cCrit', p.cCrit, UD.ZERO, one);
  within('beta', p.beta, UD.ZERO, u('1000000'));
  within('lambda1', p.lambda1, UD.ZERO, u('1000'));
  within('lambda2', p.lambda2, UD.ZERO, u('1000'));
  within('phi', p.phi, u('1'), u('2'));
  within('flxRewardFraction', p.flxRewardFraction, UD.ZERO, one);
  within('flxFractionMax', p.flxFractionMax, UD.ZERO, one);
  within('resDrawFractionMax', p.resDrawFractionMax, UD.ZERO, one);
  within('feeRate', p.feeRate, UD.ZERO, one);
  for (const token of ['CHR', 'PSI', 'ATR', 'RES'] as const) {
    within(`rewardRates.${token}`, p.rewardRates[token], UD.ZERO, u('1000000'));
  }
}

/** Shape checks failing with GENESIS_INVALID naming the field. */
const shape = shapeChecker((fault) => {
  throw new GenesisInvalidError(fault.field, fault.reason);
});
const record = shape.object;
const allowOnly = shape.allowOnly;

function udValue(value: unknown, path: string): UD128x18 {
  return shape.amount(value, path, false);
}

function udField(
  obj: Readonly<Record<string, unknown>>,
  key: string,
  fallback: UD128x18,
): UD128x18 {
  return obj[key] === undefined ? fallback : udValue(obj[key], `params.${key}`);
}

function udMap<K extends string>(
  obj: Readonly<Record<string, unknown>>,
  key: string,
  names: readonly K[],
  fallback: Readonly<Record<K, UD128x18>>,
): Readonly<Record<K, UD128x18>> {
  if (obj[key] === undefined) return fallback;
  const inner = record(obj[key], `params.${key}`);
  allowOnly(inner, names, `params.${key}`);
  const out = {} as Record<K, UD128x18>;
  for (const name of names) {
    out[name] =
      inner[name] === undefined ? fallback[name] : udValue(inner[name], `params.${key}.${name}`);
  }
  return Object.freeze(out);
}

function intField(
  obj: Readonly<Record<string, unknown>>,
  key: string,
  fallback: bigint,
  lo: bigint,
  hi: bigint,
): bigint {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[0-9]{1,20}$/.test(value)) {
    throw new GenesisInvalidError(`params.${key}`, 'must be a whole number as a decimal string');
  }
  const n = BigInt(value);
  if (n < lo || n > hi)
    throw new GenesisInvalidError(`params.${key}`, `must lie in [${lo}, ${hi}]`);
  return n;
}
